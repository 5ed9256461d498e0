import fs from 'node:fs';
import path from 'node:path';
import { answerQuestion, DEFAULT_THRESHOLDS } from '../../src/policy/answerQuestion';
import { EvalCase, evaluateAnswers, EvalReport } from '../../src/policy/evaluateAnswers';
import { parsePolicyText } from '../../src/policy/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../../src/policy/policyIndex';

/**
 * Answer quality on the evaluation sets, at the default thresholds. The floors are the levels reached when
 * they were set (see the report printed by this test and by scripts/evalReport.ts): a change that makes
 * answers worse fails here.
 */
const repoRoot = path.resolve(__dirname, '..', '..');

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

  it('when staff ask a sample question the policy does not cover, then there is no answer', () => {
    const uncovered = cases.filter((c) => c.expect === null);
    expect(uncovered.length).toBeGreaterThan(0);
    for (const c of uncovered) {
      expect({ q: c.q, answered: answerQuestion(indexFor(c.policy), c.q).answered }).toEqual({ q: c.q, answered: false });
    }
  });
});

/**
 * Our own sets, all written the way staff talk (see eval/README.md): qa-staff was written to tune on;
 * qa-holdout was written apart by a second author and has been tuned against since; qa-blind was written
 * apart and is not tuned on, so its figures are the fairest guess at questions nobody has seen.
 * Floors are the counts reached at the default thresholds when last changed, as shares rounded down to three
 * places: one question fewer fails.
 */
const OWN_SETS: { file: string; floors: { top1: number; top3: number; quoted: number; abstained: number } }[] = [
  // 139, 152 and 130 of 160 answerable; 39 of 40 declined.
  { file: 'qa-staff.jsonl', floors: { top1: 0.868, top3: 0.95, quoted: 0.812, abstained: 0.975 } },
  // 82, 93 and 74 of 110; 28 of 30.
  { file: 'qa-holdout.jsonl', floors: { top1: 0.745, top3: 0.845, quoted: 0.672, abstained: 0.933 } },
  // 32, 37 and 32 of 60; 11 of 15.
  { file: 'qa-blind.jsonl', floors: { top1: 0.533, top3: 0.616, quoted: 0.533, abstained: 0.733 } },
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

const SAMPLE_FLOORS = { top1: 1, top3: 1, quoted: 1 };
