import { Verbs } from '../../../../../src/teams/verbs';
import { renderTaughtCard, renderUnansweredCard } from '../../../../../src/features/policy/teams/cards/teachingCards';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';

describe('the owners\' teaching cards', () => {
  it('when questions are waiting, then each shows as typed with its three candidates and "None of these", and the card is valid', () => {
    const card = renderUnansweredCard([
      { questionId: 'q1', question: 'can i share the fair post [here](http://x)', status: 'Not covered, 21 Nov', candidates: [
        { title: '5. Acceptable use', section: 'p#5' }, { title: '2. Purpose of the policy', section: 'p#2' }, { title: '7. Reporting', section: 'p#7' }] },
      { questionId: 'q2', question: 'who checks this', status: 'Marked not helpful, 20 Nov', candidates: [{ title: '3. Roles', section: 'p#3' }] },
    ]);
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([...Array(4).fill(Verbs.teachAnswer), ...Array(2).fill(Verbs.teachAnswer)]);
    const json = JSON.stringify(card);
    expect(json).toContain('"data":{"questionId":"q1","section":"none"}');
    expect(json).toContain('"type":"TextRun","text":"can i share the fair post [here](http://x)"');
    expect(shownText(card)).toContain('None of these');
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
