import fs from 'node:fs';
import path from 'node:path';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { PolicyDocument } from '../../src/features/policy/policyDocument';
import { sectionsHolding } from './ruleLabels';

/**
 * How far labellings of the same policies' rules agree (issue 71): for each pair of key files (research/eval's
 * draft-rules-real*.jsonl), the rows where both say the policy has no rule on the concern, or both place a rule in a
 * common section: the same test `eval:drafts --rules --rules-file` puts the rule reader to, so the reader's figure by
 * one labelling can be read beside how often another labeller would pass it.
 *
 * Usage: node dist/research/scripts/ruleAgreement.js --policies DIR KEY1 KEY2 [KEY3 ...]
 */
interface Row { policy: string; concern: string; rules: string[] }

const args = process.argv.slice(2);
const at = args.indexOf('--policies');
const policies = at >= 0 ? args[at + 1] : '';
const keys = args.filter((a, i) => a !== '--policies' && i !== at + 1);
if (!policies || keys.length < 2) throw new Error('usage: ruleAgreement --policies DIR KEY1 KEY2 [KEY3 ...]');

const docs = new Map<string, PolicyDocument>();
const doc = (name: string): PolicyDocument => {
  if (!docs.has(name)) docs.set(name, parsePolicyText(fs.readFileSync(path.join(policies, name), 'utf8'), name));
  return docs.get(name)!;
};
/** Each row's answer: the sections holding its rules, or an empty set for "no rule". */
const read = (file: string): Map<string, Set<number>> => new Map(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
  const r = JSON.parse(l) as Row;
  return [`${r.policy}|${r.concern}`, new Set(r.rules.flatMap((s) => sectionsHolding(doc(r.policy), s)))];
}));
const read_ = keys.map(read);
const agree = (a: Set<number>, b: Set<number>): boolean => (a.size === 0 && b.size === 0) || [...a].some((s) => b.has(s));
for (let i = 0; i < keys.length; i++) {
  for (let j = i + 1; j < keys.length; j++) {
    let same = 0, both = 0;
    for (const [k, a] of read_[i]) {
      const b = read_[j].get(k);
      if (!b) continue;
      both++;
      if (agree(a, b)) same++;
    }
    console.log(`${path.basename(keys[i])} and ${path.basename(keys[j])}: agree on ${same}/${both} rows (${(100 * same / both).toFixed(1)}%)`);
  }
}
