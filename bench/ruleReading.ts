/**
 * How long "check my post" takes to read a policy version's rules (issue 53): the rule reader encodes every passage
 * (a bullet with a lead-in twice: with it and alone) and asks the answering stack each concern's questions, once per
 * policy version, at start for the policy loaded then and on the first draft after an owner publishes. Measured per
 * policy against a baseline in the same run: one encoder pass over the same passages (the least any reader that reads
 * each passage could cost). Rounds alternate baseline and reader, so the machine's noise falls on both.
 *
 *   node dist/bench/ruleReading.js [--rounds 5]
 *
 * The policies: the bundled samples (samples/policies/), the longest corpus policy and the longest of the rule
 * reader's other-style policies. Prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadRuleReader } from '../src/compose/drafts';
import { parsePolicyText } from '../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../src/features/policy/policyLibrary';
import { passageText } from '../src/features/policy/answer/learnedRanking';
import { readPolicyRules } from '../src/features/policy/drafts/ruleReader';

const root = path.resolve(__dirname, '..', '..');
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Math.max(1, Number(process.argv[roundsAt + 1]) || 5) : 5;

const txt = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => path.join(dir, f));
const longest = (files: string[]): string => files.reduce((a, b) => (fs.statSync(b).size > fs.statSync(a).size ? b : a));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const files = [...txt(path.join(root, 'samples', 'policies')), longest(txt(path.join(root, 'research', 'corpus', 'policies'))),
    longest(txt(path.join(root, 'research', 'corpus', 'drafts', 'rule-policies')))];
  const { encoder, heads } = await loadRuleReader();
  const results = [];
  for (const file of files) {
    const library = createPolicyLibrary([parsePolicyText(fs.readFileSync(file, 'utf8'), path.basename(file))]);
    const passages = library.index.passages;
    const base: number[] = [];
    const reader: number[] = [];
    await readPolicyRules(library.index, encoder, heads); // warm-up: the first run compiles the graph's kernels
    for (let r = 0; r < rounds; r++) {
      let start = process.hrtime.bigint();
      await encoder.encode(passages.map((p) => passageText(p)));
      base.push(ms(start));
      start = process.hrtime.bigint();
      await readPolicyRules(library.index, encoder, heads);
      reader.push(ms(start));
    }
    results.push({
      policy: path.relative(root, file), passages: passages.length, withLeadIn: passages.filter((p) => p.leadIn).length,
      baselineEncodeMs: Math.round(median(base)), readerMs: Math.round(median(reader)), ratio: Number((median(reader) / median(base)).toFixed(2)),
    });
  }
  console.log(JSON.stringify({ bench: 'ruleReading', rounds, results }));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
