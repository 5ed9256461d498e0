import { Answer, answerQuestion, AnswerThresholds, DEFAULT_THRESHOLDS, shownMatches } from './answerQuestion';
import { PolicyIndex } from './policyIndex';

/** One evaluation question: `expect` lists acceptable quotes, or null when the policy does not cover it. */
export interface EvalCase {
  policy: string;
  q: string;
  expect: string[] | null;
}

/**
 * Figures for a set of questions: the right section first, in the top three, quoted, and abstentions; and, for the
 * "not sure" replies of issue 50, how often the answer was sure, right when sure, and right in what the first reply shows.
 */
export interface EvalReport {
  answerable: number;
  top1: number;
  top3: number;
  quoted: number;
  notCovered: number;
  abstained: number;
  /** Answerable questions answered with one section, sure. */
  sure: number;
  /** Of those, the ones whose section is the right one. */
  sureRight: number;
  /** Answerable questions whose right section the first reply shows: the answer when sure, among the choices when not. */
  shown: number;
  failures: { policy: string; q: string; kind: 'wrong-top1' | 'not-in-top3' | 'not-quoted' | 'answered-uncovered'; got: string }[];
}

/** Lower-case, straight quotes, single spaces: how expected quotes are compared with answers. */
export function normaliseForMatch(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();
}

/** Runs every case against the index for its policy and counts what a user would notice. */
export function evaluateAnswers(cases: EvalCase[], indexFor: (policy: string) => PolicyIndex, thresholds: AnswerThresholds = DEFAULT_THRESHOLDS): EvalReport {
  const report = emptyReport();
  for (const c of cases) countAnswer(report, c, answerQuestion(indexFor(c.policy), c.q, thresholds));
  return report;
}

/** As evaluateAnswers, with each answer from `answerOf` (the product's own, the cross-encoder included: issue 50). */
export async function evaluateAnswersWith(cases: EvalCase[], answerOf: (c: EvalCase) => Promise<Answer>): Promise<EvalReport> {
  const report = emptyReport();
  for (const c of cases) countAnswer(report, c, await answerOf(c));
  return report;
}

function emptyReport(): EvalReport {
  return { answerable: 0, top1: 0, top3: 0, quoted: 0, notCovered: 0, abstained: 0, sure: 0, sureRight: 0, shown: 0, failures: [] };
}

/** Counts one answer into the report. */
function countAnswer(report: EvalReport, c: EvalCase, answer: Answer): void {
  if (c.expect === null) {
    report.notCovered++;
    if (!answer.answered) report.abstained++;
    else report.failures.push({ policy: c.policy, q: c.q, kind: 'answered-uncovered', got: label(answer.best.section.number, answer.best.section.title) });
    return;
  }
  report.answerable++;
  const expected = c.expect.map(normaliseForMatch);
  const hits = (text: string): boolean => expected.some((e) => normaliseForMatch(text).includes(e));
  const ranked = answer.answered ? answer.matches : [];
  const got = ranked[0] ? label(ranked[0].section.number, ranked[0].section.title) : '(no answer)';
  if (ranked[0] && hits(ranked[0].section.text)) report.top1++;
  else report.failures.push({ policy: c.policy, q: c.q, kind: 'wrong-top1', got });
  if (ranked.slice(0, 3).some((m) => hits(m.section.text))) report.top3++;
  else report.failures.push({ policy: c.policy, q: c.q, kind: 'not-in-top3', got });
  if (answer.answered && answer.sure) report.sure++;
  if (answer.answered && answer.sure && hits(answer.best.section.text)) report.sureRight++;
  if (answer.answered && shownMatches(answer).some((m) => hits(m.section.text))) report.shown++;
  if (answer.answered && hits(answer.best.quote)) report.quoted++;
  else if (ranked[0] && hits(ranked[0].section.text)) report.failures.push({ policy: c.policy, q: c.q, kind: 'not-quoted', got: answer.answered ? answer.best.quote.slice(0, 120) : '' });
}

function label(number: string | null, title: string): string {
  return number ? `${number} ${title}` : title;
}
