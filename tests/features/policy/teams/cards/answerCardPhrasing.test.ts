import fs from 'node:fs';
import path from 'node:path';
import { renderAnswerCard } from '../../../../../src/features/policy/teams/cards/answerCard';
import { Answer, answerQuestion } from '../../../../../src/features/policy/answer/answerQuestion';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex } from '../../../../../src/features/policy/answer/policyIndex';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';
import { REPO_ROOT } from '../../../../support/repoRoot';

const liverpool = parsePolicyText(
  fs.readFileSync(path.resolve(REPO_ROOT, 'samples/policies/liverpool-model.txt'), 'utf8'), 'liverpool-model.txt', new Date('2026-01-15T12:00:00Z'),
);
const index = createPolicyIndex([liverpool]);
const answered = (question: string): Extract<Answer, { answered: true }> => {
  const a = answerQuestion(index, question);
  if (!a.answered) throw new Error(`Expected the policy to answer "${question}"`);
  return a;
};

describe('answer card phrased by AI', () => {
  const answer = answered('Can I accept a friend request from a parent?');
  const phrasing = { text: 'No. Keep to the school\'s accounts for parents, unless they are family.', cited: answer.best };

  it('when an answer is phrased, then the card shows the phrasing, the note, and still the policy quote and citation', () => {
    const card = renderAnswerCard(answer, 'q-1', undefined, phrasing);

    expect(cardProblems(card)).toEqual([]);
    const lines = shownText(card).split('\n');
    expect(lines).toContain(phrasing.text);
    expect(lines).toContain(`Phrased by AI from section 5. Acceptable use; check the quote.`);
    expect(lines).toContain(`"${answer.best.quote}"`);
    expect(lines.some((l) => l.startsWith('Section 5. Acceptable use · '))).toBe(true);
    expect(lines.indexOf(phrasing.text)).toBeLessThan(lines.indexOf(`"${answer.best.quote}"`));
    expect(cardVerbs(card)).toEqual(cardVerbs(renderAnswerCard(answer, 'q-1')));
  });

  it('when the phrasing cites the close second match, then that section quote and citation lead and the first becomes the second', () => {
    const withSecond = { ...answer, secondary: answer.matches[1] };
    const card = renderAnswerCard(withSecond, 'q-4', undefined, { text: phrasing.text, cited: withSecond.secondary });

    const lines = shownText(card).split('\n');
    const note = lines.findIndex((l) => l.startsWith('Phrased by AI from '));
    const ledBy = lines.indexOf(`"${withSecond.secondary.quote}"`);
    expect(note).toBeGreaterThanOrEqual(0);
    expect(lines[note]).toContain(withSecond.secondary.section.title);
    expect(ledBy).toBeGreaterThan(note);
    // The first match is still offered, after the quote the phrasing rests on.
    expect(shownText(card)).toContain(withSecond.best.section.title);
    expect(lines.findIndex((l) => l.includes(withSecond.best.quote.slice(0, 40)))).toBeGreaterThan(ledBy);
  });

  it('when an answer is not phrased, then the card has no AI text or note', () => {
    const text = shownText(renderAnswerCard(answer, 'q-2'));

    expect(text).not.toContain('Phrased by AI');
    expect(text).not.toContain(phrasing.text);
  });

  it('when the phrasing contains template syntax or quotes, then it is shown as written', () => {
    const card = renderAnswerCard(answer, 'q-3', undefined, { ...phrasing, text: 'Say "no" ${verbs.feedback} \\ {{x}}' });

    // cardProblems would flag the literal "${...}" the model wrote as an unexpanded binding; it is text here.
    expect(shownText(card)).toContain('Say "no" ${verbs.feedback} \\ {{x}}');
  });
});
