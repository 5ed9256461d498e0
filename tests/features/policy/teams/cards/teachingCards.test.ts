import { Verbs } from '../../../../../src/teams/verbs';
import { OTHER_QUESTION_INPUT, renderTaughtCard, renderUnansweredCard } from '../../../../../src/features/policy/teams/cards/teachingCards';
import { cardProblems, cardVerbs, executeActions, shownText } from '../../../../support/cardAssertions';

describe('the owners\' teaching cards', () => {
  it('when questions are waiting, then each shows as typed with its three candidates and "The policy doesn\'t cover it", and the card is valid', () => {
    const card = renderUnansweredCard([
      { questionId: 'q1', question: 'can i share the fair post [here](http://x)', status: 'Not covered, 21 Nov', candidates: [
        { title: '5. Acceptable use', section: 'p#5' }, { title: '2. Purpose of the policy', section: 'p#2' }, { title: '7. Reporting', section: 'p#7' }] },
      { questionId: 'q2', question: 'who checks this', status: 'Marked not helpful, 20 Nov', candidates: [{ title: '3. Roles', section: 'p#3' }] },
    ]);
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([...Array(4).fill(Verbs.teachAnswer), ...Array(2).fill(Verbs.teachAnswer)]);
    const json = JSON.stringify(card);
    expect(json).toContain('"data":{"questionId":"q1","section":"none","offset":0}');
    expect(json).toContain('"type":"TextRun","text":"can i share the fair post [here](http://x)"');
    expect(shownText(card)).toContain("The policy doesn't cover it");
  });

  it('when the policy\'s sections are given, then "Another section" offers every one of them once, with the page\'s questions, shown as text', () => {
    const sections = [{ title: '1. Introduction', section: 'p#1' }, { title: '5. Acceptable use', section: 'p#5' }, { title: '9. Breaches of this policy', section: 'p#9' }];
    const card = renderUnansweredCard([
      { questionId: 'q1', question: 'can i post my class photos **now**', status: 'Not covered, 21 Nov', candidates: [{ title: '5. Acceptable use', section: 'p#5' }] },
      { questionId: 'q2', question: 'who checks this', status: 'Marked not helpful, 20 Nov', candidates: [{ title: '3. Roles', section: 'p#3' }] },
    ], '', '', [], undefined, sections);
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain(`"id":"${OTHER_QUESTION_INPUT}"`);
    expect(json).toContain('{"title":"can i post my class photos **now**","value":"q1"}');
    expect(json.match(/"value":"p#9"/g)).toHaveLength(1);
    expect(executeActions(card).find((a) => a.title === 'Link to this section')?.data).toEqual({ other: true, offset: 0 });
    // Without sections (or questions), no such part.
    expect(JSON.stringify(renderUnansweredCard([{ questionId: 'q1', question: 'x', status: 's', candidates: [] }]))).not.toContain(OTHER_QUESTION_INPUT);
  });

  it('when the questions run to more than one card, then it says which it shows and offers Previous and Next, and a single page offers neither', () => {
    const item = (n: number) => ({ questionId: `q${n}`, question: `question ${n}`, status: 'Not covered, 21 Nov', candidates: [{ title: '3. Roles', section: 'p#3' }] });
    const middle = renderUnansweredCard([9, 10, 11, 12, 13, 14, 15, 16].map(item), '', '', [], { offset: 8, pageSize: 8, more: true });
    expect(cardProblems(middle)).toEqual([]);
    expect(shownText(middle)).toContain('Questions 9\u201316 (newest first)');
    const pages = (card: unknown) => executeActions(card).filter((a) => a.verb === Verbs.unansweredPage).map((a) => ({ title: a.title, offset: a.data.offset }));
    expect(pages(middle)).toEqual([{ title: 'Previous 8', offset: 0 }, { title: 'Next 8', offset: 16 }]);
    expect(executeActions(middle).find((a) => a.verb === Verbs.teachAnswer)?.data.offset).toBe(8);
    const only = renderUnansweredCard([1, 2].map(item));
    expect(pages(only)).toEqual([]);
    expect(shownText(only)).not.toContain('Questions 1');
  });

  it('when nothing is waiting or taught, then the cards say so', () => {
    expect(shownText(renderUnansweredCard([]))).toContain('Nothing to teach');
    expect(shownText(renderTaughtCard([]))).toContain('Nothing yet');
    expect(cardProblems(renderTaughtCard([]))).toEqual([]);
  });

  it('when links exist, then each has a Remove button', () => {
    const card = renderTaughtCard([{ linkId: 'l1', question: 'q', answer: '→ 5. Acceptable use, taught 21 Nov' }], 'Removed.');
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([Verbs.removeTeaching]);
    expect(JSON.stringify(card)).toContain('"linkId":"l1"');
  });
});
