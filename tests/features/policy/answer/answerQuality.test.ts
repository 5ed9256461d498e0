import fs from 'node:fs';
import path from 'node:path';
import { answerQuestion, DEFAULT_THRESHOLDS } from '../../../../src/features/policy/answer/answerQuestion';
import { EvalCase, evaluateAnswers, EvalReport } from '../../../../src/features/policy/answer/evaluateAnswers';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { REPO_ROOT } from '../../../support/repoRoot';

/**
 * Answer quality on the evaluation sets, at the default thresholds. The floors are the levels reached when
 * they were set (see the report printed by this test and by scripts/evalReport.ts): a change that makes
 * answers worse fails here.
 */
const repoRoot = REPO_ROOT;

function loadCases(file: string): EvalCase[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase);
}

/** The shared sample set lives beside the repository when there is one; the copy in eval/ otherwise. */
function sampleFile(): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'eval', 'qa-sample.jsonl');
  return fs.existsSync(shared) ? shared : path.join(repoRoot, 'eval', 'qa-sample.jsonl');
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
  console.log(summary('qa-sample', report));

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
 * Our own sets, all written the way staff talk (see eval/README.md): qa-staff was written to tune on;
 * qa-holdout was written apart by a second author and has been tuned against since; qa-blind was written
 * apart and is not tuned on, so its figures are the fairest guess at questions nobody has seen.
 * Floors are the counts reached by the shipped model (models/policy-model, trained on corpus/ only) when it
 * was last trained, as shares rounded down to three places: one question fewer fails. The lexical design
 * before it reached 139/152/130 and 39 of 40 on qa-staff (which it was tuned on), 82/93/74 and 28 of 30 on
 * qa-holdout, 32/37/32 and 11 of 15 on qa-blind: the model gains on the two sets written apart from the code
 * and loses on the set the lexicon was tuned on (see issue 11's note).
 */
const OWN_SETS: { file: string; floors: { top1: number; top3: number; quoted: number; abstained: number } }[] = [
  // 132, 152 and 101 of 160 answerable; 29 of 40 declined (the model before the question bank: 132, 152, 110; 31).
  // Quoted was 105 with the earlier quote rule (similarity + 0.3 x lexical); the learnt quote scorer gains on the
  // corpus (85.5% against 84.1% out of kind) and on the sets together (376 against 372), and loses 4 here.
  // Top three was 151 before lead-ins made headings ("Individuals should:") were read with their bullets.
  { file: 'qa-staff.jsonl', floors: { top1: 0.825, top3: 0.95, quoted: 0.631, abstained: 0.725 } },
  // 96, 102 and 77 of 110; 29 of 30 (before: 87, 98, 69; 29; quoted 76 with the earlier quote rule).
  { file: 'qa-holdout.jsonl', floors: { top1: 0.872, top3: 0.927, quoted: 0.7, abstained: 0.966 } },
  // 54, 58 and 42 of 60; 13 of 15 (before: 44, 48, 37; 11).
  { file: 'qa-blind.jsonl', floors: { top1: 0.9, top3: 0.966, quoted: 0.7, abstained: 0.866 } },
  // 179, 226 and 140 of 250; 43 of 60 (before: 149, 190, 112; 48; quoted 133 with the earlier quote rule). With
  // lead-ins made headings read with their bullets, 1 fewer first, 2 more in the top three and 1 more declined than
  // 180, 224 and 42 (the sets together: 479 / 559 / 117 against 480 / 556 / 116).
  { file: 'qa-fresh.jsonl', floors: { top1: 0.716, top3: 0.904, quoted: 0.56, abstained: 0.716 } },
];

describe.each(OWN_SETS)('answer quality on questions in staff voice ($file)', ({ file, floors }) => {
  const cases = loadCases(path.join(repoRoot, 'eval', file));
  const report = evaluateAnswers(cases, indexFor, DEFAULT_THRESHOLDS);
  console.log(summary(file, report));

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
 * 18, 21 and 16 of 22 answerable, 3 of 3 declined (the model before the question bank: 17, 21, 16, 2 of 3; the
 * lexical design before the model: all 22 and 3 of 3).
 */
const SAMPLE_FLOORS = { top1: 0.818, top3: 0.954, quoted: 0.727, abstained: 1 };
