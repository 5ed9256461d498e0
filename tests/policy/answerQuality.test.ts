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

describe('answer quality on questions in staff voice', () => {
  const file = path.join(repoRoot, 'eval', 'qa-staff.jsonl');
  const cases = loadCases(file);
  const report = evaluateAnswers(cases, indexFor, DEFAULT_THRESHOLDS);
  console.log(summary('qa-staff', report));

  it('when staff ask in their own words, then the right section is usually first and nearly always in the top three', () => {
    expect(report.top1 / report.answerable).toBeGreaterThanOrEqual(STAFF_FLOORS.top1);
    expect(report.top3 / report.answerable).toBeGreaterThanOrEqual(STAFF_FLOORS.top3);
    expect(report.quoted / report.answerable).toBeGreaterThanOrEqual(STAFF_FLOORS.quoted);
  });

  it('when staff ask about something the policy does not cover, then the bot almost always declines', () => {
    expect(report.abstained / report.notCovered).toBeGreaterThanOrEqual(STAFF_FLOORS.abstained);
  });
});

/**
 * Reached at the default thresholds when last tuned (qa-staff: 135, 148 and 126 of 160 answerable, 39 of 40
 * declined), rounded down to three places: one question fewer fails.
 */
const SAMPLE_FLOORS = { top1: 1, top3: 1, quoted: 1 };
const STAFF_FLOORS = { top1: 0.843, top3: 0.925, quoted: 0.787, abstained: 0.975 };
