import { Answer, answerFromSection, answerQuestion, shownMatches } from '../../../../src/features/policy/answer/answerQuestion';
import { evaluateAnswers } from '../../../../src/features/policy/answer/evaluateAnswers';
import { LearnedRanking } from '../../../../src/features/policy/answer/learnedRanking';
import { loadLearnedModel } from '../../../../src/features/policy/answer/learnedModel';
import { createPolicyIndex, PolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';

/**
 * Issue 50, honest uncertainty: the re-ranker says whether it is sure (LearnedRanking.sure); an answer it is not sure of
 * shows its first three sections as choices. The re-ranker that sets `sure` comes later, so these tests build rankings
 * with `sure: false` themselves, over the shipped model's ranking of a small made-up policy.
 */
const doc = parsePolicyText([
  'Staff Social Media Policy',
  '',
  '1. Images of pupils',
  '',
  'Staff must never post photographs of pupils on their personal social media accounts.',
  '',
  '2. Contact with parents',
  '',
  'Staff do not accept friend requests from parents on personal accounts.',
  '',
  '3. Online abuse of staff',
  '',
  'Staff who are abused online should never reply, and should report it to a senior manager and keep screenshots.',
  '',
  '4. Personal use at work',
  '',
  'Staff must not use personal social media during lessons or while supervising pupils.',
].join('\n'), 'choices-policy.txt');
const model = createPolicyIndex([doc]);

/** The same index with its ranking changed for some questions: marked not sure, or with its first two sections swapped. */
function indexWith(change: (question: string, ranking: LearnedRanking) => LearnedRanking): PolicyIndex {
  return { ...model, rank: (q) => { const r = model.rank(q); return r && change(q, r); } };
}
const unsure = indexWith((_q, r) => ({ ...r, sure: false }));
const swapped = (r: LearnedRanking): LearnedRanking => ({ ...r, ranked: [r.ranked[1], r.ranked[0], ...r.ranked.slice(2)] });
type Answered = Extract<Answer, { answered: true }>;
const answered = (index: PolicyIndex, q: string): Answered => {
  const a = answerQuestion(index, q);
  if (!a.answered) throw new Error(`expected "${q}" answered`);
  return a;
};

describe('whether an answer is sure', () => {
  const question = 'can I accept a friend request from a parent of a pupil in my class?';

  it('when the ranking does not say (a model without sure.json), then the answer is sure and shows one section', () => {
    const silent = indexWith((_q, r) => ({ ...r, sure: undefined }));
    const a = answered(silent, question);
    expect(silent.rank(question)!.sure).toBeUndefined();
    expect(a.sure).toBe(true);
    expect(shownMatches(a).map((m) => m.section.title)).toEqual(['Contact with parents']);
  });

  it('when the ranking is not sure, then the answer says so and shows its first three sections, distinct, best first', () => {
    const a = answered(unsure, question);
    expect(a.sure).toBe(false);
    const shown = shownMatches(a);
    expect(shown).toHaveLength(3);
    expect(shown.map((m) => m.section.title)).toEqual(a.matches.slice(0, 3).map((m) => m.section.title));
    expect(new Set(shown.map((m) => m.section.ordinal)).size).toBe(3);
    for (const m of shown) expect(m.section.text).toContain(m.quote.replace(/ … .*/, '').slice(0, 30));
  });

  it('when an answer\'s matches repeat a section, then the choices name it once', () => {
    const a = answered(unsure, question);
    const shown = shownMatches({ ...a, matches: [a.matches[0], a.matches[0], a.matches[1], a.matches[2], a.matches[3]] });
    expect(shown.map((m) => m.section.ordinal)).toEqual([a.matches[0], a.matches[1], a.matches[2]].map((m) => m.section.ordinal));
  });

  it('when there is no learnt model (the lexical answer), then the answer is always sure', () => {
    const lexical = createPolicyIndex([doc], { model: null });
    expect(answered(lexical, question).sure).toBe(true);
  });

  it('when an owner has taught the question, then the answer is sure of the taught section whatever the ranking says', () => {
    const link = { id: 't1', question, section: `${doc.id}#4`, taughtBy: 'o', taughtAt: '2026-11-22T09:00:00.000Z' };
    const a = answerQuestion(unsure, question, undefined, { taught: () => ({ link, similarity: 1 }) });
    expect(a.answered && a.sure).toBe(true);
    expect(a.answered && a.best.section.title).toBe('Personal use at work');
  });

  it('when a person chooses a section among the choices, then its answer quotes what the choice showed', () => {
    const a = answered(unsure, question);
    for (const choice of shownMatches(a)) {
      const chosen = answerFromSection(unsure, question, choice.doc, choice.section);
      expect(chosen).toMatchObject({ answered: true, sure: true, secondary: null });
      expect(chosen.best.section).toBe(choice.section);
      expect(chosen.best.quote).toBe(choice.quote);
    }
  });

  it('when the chosen section is one the ranker does not list (no model), then the answer quotes its best or first passage', () => {
    const lexical = createPolicyIndex([doc], { model: null });
    const section = doc.sections.find((s) => s.title === 'Online abuse of staff')!;
    expect(answerFromSection(lexical, 'where can I park', doc, section).best.quote).toBe(section.text.trim());
  });
});

describe('the evaluation\'s counts of sure answers', () => {
  const cases = [
    // Right first and sure; right second and not sure (shown among the choices); right second but sure (not shown).
    { policy: 'p', q: 'can I accept a friend request from a parent?', expect: ['friend requests from parents'] },
    { policy: 'p', q: 'should I reply to a parent who insults me on facebook?', expect: ['should never reply'] },
    { policy: 'p', q: 'can I post photos of my class on my instagram?', expect: ['photographs of pupils'] },
    // Not covered: counts in none of the three.
    { policy: 'p', q: 'where can I park my car at school?', expect: null },
  ];
  const index = indexWith((q, r) => (q.includes('reply') ? { ...swapped(r), sure: false } : q.includes('instagram') ? { ...swapped(r), sure: true } : r));

  it('when answers are sure, right when sure, and right among the choices, then each is counted per set', () => {
    // The shipped model ranks each expected section first; the index above then moves two of them to second place.
    for (const c of cases.slice(0, 3)) expect(answered(model, c.q).best.section.text).toContain(c.expect![0]);
    const r = evaluateAnswers(cases, () => index);
    expect({ answerable: r.answerable, top1: r.top1, sure: r.sure, sureRight: r.sureRight, shown: r.shown })
      .toEqual({ answerable: 3, top1: 1, sure: 2, sureRight: 1, shown: 2 });
  });
});

describe('the stack\'s own "sure" (issue 50: the second section\'s share against sure.json\'s cut-off)', () => {
  const learnt = loadLearnedModel();
  const question = 'what should I do if a parent is abusive about me on facebook?';
  const withCut = (sureShareBelow: number | null): PolicyIndex => createPolicyIndex([doc], { model: { ...learnt, sureShareBelow } });

  it('when no cut-off is given, then every ranking is sure', () => {
    expect(withCut(null).rank(question)!.sure).toBe(true);
  });

  it('when the second section\'s share is at or above the cut-off, then the ranking is not sure; under it, sure', () => {
    const r = withCut(null).rank(question)!;
    const share = Math.exp(r.ranked[1].score - r.ranked[0].score);
    expect(withCut(share).rank(question)!.sure).toBe(false);
    expect(withCut(Math.min(1, share + 1e-9)).rank(question)!.sure).toBe(true);
  });

  it('when a question is in a section heading\'s very words, then it is sure whatever the cut-off', () => {
    expect(withCut(0).rank('Contact with parents')!.sure).toBe(true);
  });
});
