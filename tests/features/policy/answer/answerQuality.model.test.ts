import fs from 'node:fs';
import path from 'node:path';
import { answerQuestion, DEFAULT_THRESHOLDS } from '../../../../src/features/policy/answer/answerQuestion';
import { EvalCase, evaluateAnswers, EvalReport } from '../../../../src/features/policy/answer/evaluateAnswers';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { REPO_ROOT } from '../../../support/repoRoot';
import { showFigures } from '../../../support/figures';

/**
 * Answer quality on the evaluation sets, at the default thresholds. The floors are the levels reached when
 * they were set (see the report printed by this test and by research/scripts/evalReport.ts): a change that makes
 * answers worse fails here.
 */
const repoRoot = REPO_ROOT;

function loadCases(file: string): EvalCase[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase);
}

/** The shared sample set lives beside the repository when there is one; the copy in research/eval/ otherwise. */
function sampleFile(): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'eval', 'qa-sample.jsonl');
  return fs.existsSync(shared) ? shared : path.join(repoRoot, 'research', 'eval', 'qa-sample.jsonl');
}

const indexes = new Map<string, PolicyIndex>();
function indexFor(policy: string): PolicyIndex {
  let index = indexes.get(policy);
  if (!index) {
    const file = path.join(repoRoot, 'samples', 'policies', policy);
    index = createPolicyIndex([parsePolicyText(fs.readFileSync(file, 'utf8'), policy)]);
    indexes.set(policy, index);
  }
  return index;
}

function summary(name: string, r: EvalReport): string {
  const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)}%`;
  return `${name}: answerable ${r.answerable}, top1 ${pct(r.top1, r.answerable)}, top3 ${pct(r.top3, r.answerable)}, `
    + `quoted ${pct(r.quoted, r.answerable)}, not covered ${r.notCovered}, abstained ${pct(r.abstained, r.notCovered)}`;
}

describe('answer quality on the sample questions', () => {
  const cases = loadCases(sampleFile());
  const report = evaluateAnswers(cases, indexFor, DEFAULT_THRESHOLDS);
  showFigures(summary('qa-sample', report));

  it('when staff ask the sample questions, then the right section comes first and is quoted', () => {
    expect(report.top1 / report.answerable).toBeGreaterThanOrEqual(SAMPLE_FLOORS.top1);
    expect(report.top3 / report.answerable).toBeGreaterThanOrEqual(SAMPLE_FLOORS.top3);
    expect(report.quoted / report.answerable).toBeGreaterThanOrEqual(SAMPLE_FLOORS.quoted);
  });

  it('when staff ask a sample question the policy does not cover, then it is declined at least as often as the floor', () => {
    const uncovered = cases.filter((c) => c.expect === null);
    expect(uncovered.length).toBeGreaterThan(0);
    const declined = uncovered.filter((c) => !answerQuestion(indexFor(c.policy), c.q).answered).length;
    expect(declined / uncovered.length).toBeGreaterThanOrEqual(SAMPLE_FLOORS.abstained);
  });
});

/**
 * Our own sets, all written the way staff talk (see research/eval/README.md): qa-staff was written to tune on;
 * qa-holdout was written apart by a second author and has been tuned against since; qa-blind was written
 * apart and is not tuned on, so its figures are the fairest guess at questions nobody has seen.
 * Floors are the counts reached by the shipped model (models/policy-model, trained on research/corpus/ only) when it
 * was last trained, as shares rounded down to three places: one question fewer fails. The lexical design
 * before it reached 139/152/130 and 39 of 40 on qa-staff (which it was tuned on), 82/93/74 and 28 of 30 on
 * qa-holdout, 32/37/32 and 11 of 15 on qa-blind: the model gains on the two sets written apart from the code
 * and loses on the set the lexicon was tuned on (see issue 11's note).
 */
const OWN_SETS: { file: string; floors: { top1: number; top3: number; quoted: number; abstained: number } }[] = [
  // The model trained on 25 corpus policies with two encoders averaged (seeds 9 and 10, chosen by the corpus's own
  // out-of-fold figure under a rule fixed before training; see issue 11's note of 2026-11-25). Before it, the model on
  // 17 policies (one encoder, an export from before three parser fixes) had: qa-staff 132, 152, 102; 29. qa-holdout 96,
  // 102, 77; 29. qa-blind 54, 58, 42; 13. qa-fresh 179, 226, 141; 43. The sets together: 483 / 564 / 118 against
  // 479 / 559 / 117. The same training from seeds 7 and 8 measured 492 / 567 / 120, qa-blind 49, 57, 40; 14: a
  // single set moves this much between seeds. Since 2026-11-25 (later) training runs on one thread and writes the same
  // bytes each time; the model it wrote for the same data and seeds replaced the two-thread one (485 / 565 / 119).
  // 133, 153 and 115 of 160 answerable; 29 of 40 declined (the model before the question bank: 132, 152, 110; 31).
  // Quoted was 113 before a sentence that refers back ("In these cases ...") was quoted with the one it follows.
  // Since 2026-11-25 (fourth) the sections are ordered by the hidden-layer re-ranker while whether to answer is still
  // judged from a linear one (train.py --decline-ranker linear), adopted on the sets together under a rule written
  // beforehand: 492 / 569 / 397; 119 against 485 / 565 / 395; 119. Per set it gains on four and loses on qa-fresh's
  // right first (198 -> 195) and quoted (157 -> 151) and on qa-staff's top three (153 -> 152): those floors went down
  // with it. Then 138, 152 and 120 of 160; 29 of 40 (before: 133, 153, 115; 29).
  // Since 2026-11-25 (sixth) a line ending in a semicolon ("... you must not;") introduces the bullets after it, which
  // changed one corpus policy's export, so the model was retrained from nothing (same code and seeds): the sets together
  // 494 / 565 / 397; 119 against 492 / 569 / 397; 119, within what a retrain moves by itself. Per set it moved by up to
  // 6, both ways; the floors follow it down where it fell (qa-sample right first and quoted, qa-holdout quoted, qa-blind
  // right first, qa-fresh top three and declined) and up where it rose. Now 139, 153 and 122 of 160; 29 of 40.
  { file: 'qa-staff.jsonl', floors: { top1: 0.868, top3: 0.956, quoted: 0.762, abstained: 0.725 } },
  // 95, 104 and 72 of 110; 30 of 30 (before the retrain: 93, 103, 73; 29. Before the question bank: 87, 98, 69; 29).
  { file: 'qa-holdout.jsonl', floors: { top1: 0.863, top3: 0.945, quoted: 0.654, abstained: 1 } },
  // 45, 57 and 36 of 60; 14 of 15 (before the retrain: 47, 57, 36; 14. Before that: 43, 55, 34; 14. Before the
  // question bank: 44, 48, 37; 11).
  { file: 'qa-blind.jsonl', floors: { top1: 0.75, top3: 0.95, quoted: 0.6, abstained: 0.933 } },
  // 197, 229 and 152 of 250; 43 of 60 (152 quoted since a long quotation ending without a full stop ends its sentence,
  // 2026-11-25 seventh; before the retrain: 195, 235, 151; 44. Before that: 198, 234, 157; 44. The two-thread training
  // shipped before that: 196, 233, 156; 43. Before the question bank: 149, 190, 112; 48).
  { file: 'qa-fresh.jsonl', floors: { top1: 0.788, top3: 0.916, quoted: 0.608, abstained: 0.716 } },
];

describe.each(OWN_SETS)('answer quality on questions in staff voice ($file)', ({ file, floors }) => {
  const cases = loadCases(path.join(repoRoot, 'research', 'eval', file));
  const report = evaluateAnswers(cases, indexFor, DEFAULT_THRESHOLDS);
  showFigures(summary(file, report));

  it('when staff ask in their own words, then the right section comes first and in the top three at least as often as before', () => {
    expect(report.top1 / report.answerable).toBeGreaterThanOrEqual(floors.top1);
    expect(report.top3 / report.answerable).toBeGreaterThanOrEqual(floors.top3);
    expect(report.quoted / report.answerable).toBeGreaterThanOrEqual(floors.quoted);
  });

  it('when staff ask about something the policy does not cover, then the bot declines at least as often as before', () => {
    expect(report.abstained / report.notCovered).toBeGreaterThanOrEqual(floors.abstained);
  });
});

/**
 * 18, 22 and 16 of 22 answerable, 3 of 3 declined, since the retrain of 2026-11-25 (sixth; see OWN_SETS). Before it
 * 19, 22 and 17 (before the hidden-layer re-ranker: 18, 22, 16; the 17-policy model:
 * 18, 21, 16; the model before the question bank: 17, 21, 16, 2 of 3; the lexical design before the model: all 22
 * and 3 of 3).
 */
const SAMPLE_FLOORS = { top1: 0.818, top3: 1, quoted: 0.727, abstained: 1 };
