import { renderAnswerCard } from '../../../../../src/features/policy/teams/cards/answerCard';
import { Answer, AnswerMatch } from '../../../../../src/features/policy/answer/answerQuestion';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { cardProblems, shownText } from '../../../../support/cardAssertions';

// A policy written for this test: one section sets a rule with no time, the other states one.
const policy = parsePolicyText([
  'Staff Online Safety Code',
  '',
  '1. Reporting concerns',
  'Staff must report anything they see online that worries them about a pupil to the Designated Safeguarding Lead.',
  '',
  '2. Keeping evidence',
  'Screenshots of abusive posts are kept by the headteacher for six months and then deleted.',
].join('\n'), 'online-code.txt');

function answerFrom(question: string, sectionNumber: string): Extract<Answer, { answered: true }> {
  const section = policy.sections.find((s) => s.number === sectionNumber)!;
  const best: AnswerMatch = { doc: policy, section, score: 1, quote: section.text };
  return { answered: true, question, sure: true, best, secondary: null, matches: [best] };
}

describe('answer card for a question that asks for a time', () => {
  it('when the cited section states no time, then the card says so before the quote', () => {
    const card = renderAnswerCard(answerFrom('how soon do i have to tell the dsl about a kid\'s post', '1'), 'q-1');
    expect(cardProblems(card)).toEqual([]);
    const lines = shownText(card).split('\n');
    const note = "The policy doesn't say how soon here. The nearest it says is:";
    expect(lines).toContain(note);
    expect(lines.indexOf(note)).toBeLessThan(lines.findIndex((l) => l.includes('Staff must report anything')));
  });

  it('when the cited section states the time, or the question asks none, then there is no such note', () => {
    for (const card of [
      renderAnswerCard(answerFrom('how long do we keep screenshots of nasty comments', '2'), 'q-2'),
      renderAnswerCard(answerFrom('who do i tell about a kid\'s post', '1'), 'q-3'),
    ]) {
      expect(cardProblems(card)).toEqual([]);
      expect(shownText(card)).not.toContain("The policy doesn't say");
    }
  });
});
