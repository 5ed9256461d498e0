import fs from 'node:fs';
import path from 'node:path';
import { EvalCase, evaluateAnswers } from '../src/policy/evaluateAnswers';
import { parsePolicyText } from '../src/policy/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../src/policy/policyIndex';

/** Prints answer-quality figures for each evaluation set in eval/ (the shared sample and our own). */
const root = path.resolve(__dirname, '..', '..');
const indexes = new Map<string, PolicyIndex>();
const indexFor = (policy: string): PolicyIndex => {
  let idx = indexes.get(policy);
  if (!idx) {
    const file = path.join(root, 'samples', 'policies', policy);
    idx = createPolicyIndex([parsePolicyText(fs.readFileSync(file, 'utf8'), policy)]);
    indexes.set(policy, idx);
  }
  return idx;
};
const verbose = process.argv.includes('--verbose');
// The shared sample first, then our own sets: qa-staff (written to tune on), qa-holdout (written apart by a
// second author; tuned against since) and qa-blind (written apart, not tuned on).
for (const set of ['qa-sample.jsonl', 'qa-staff.jsonl', 'qa-holdout.jsonl', 'qa-blind.jsonl']) {
  const file = path.join(root, 'eval', set);
  if (!fs.existsSync(file)) continue;
  const cases = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase);
  const r = evaluateAnswers(cases, indexFor);
  const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
  console.log(JSON.stringify({ set, answerable: r.answerable, top1: pct(r.top1, r.answerable), top3: pct(r.top3, r.answerable), quoted: pct(r.quoted, r.answerable), notCovered: r.notCovered, abstained: pct(r.abstained, r.notCovered) }));
  // The blind set's failures are not printed: reading them would make it one more set to tune on.
  if (verbose && set !== 'qa-blind.jsonl') for (const f of r.failures) console.log(`  ${f.kind.padEnd(18)} ${f.policy.padEnd(22)} ${f.q}  ->  ${f.got}`);
}
