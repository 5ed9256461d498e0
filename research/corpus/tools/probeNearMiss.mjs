#!/usr/bin/env node
// How the shipped model answers the waiting near-miss questions: node research/corpus/tools/probeNearMiss.mjs [--show N]
// (after npm run build). Asks each incoming "near-miss" line of a corpus policy against that policy, counts how many the
// model answers instead of declining, and prints the N it is surest of, with the section and sentence it would quote,
// for a second read of their labels.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = path.join(root, '..', 'dist', 'src', 'features', 'policy');
const { parsePolicyText } = require(path.join(dist, 'ingest', 'parsePolicy.js'));
const { createPolicyIndex } = require(path.join(dist, 'answer', 'policyIndex.js'));
const show = Number(process.argv[process.argv.indexOf('--show') + 1]) || 20;

const asked = [];
for (const file of fs.readdirSync(path.join(root, 'incoming')).filter((f) => f.endsWith('.jsonl')).sort()) {
  const base = file.slice(0, -'.jsonl'.length);
  const policyFile = path.join(root, 'policies', base + '.txt');
  if (!fs.existsSync(policyFile)) continue;
  const index = createPolicyIndex([parsePolicyText(fs.readFileSync(policyFile, 'utf8'), base + '.txt')]);
  for (const line of fs.readFileSync(path.join(root, 'incoming', file), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line);
    if (o.topic !== 'near-miss') continue;
    const ranking = index.rank(o.q);
    const top = ranking?.ranked[0];
    asked.push({ base, q: o.q, p: ranking?.answerProbability ?? 0, answered: Boolean(ranking?.answered), section: top?.section.title ?? '', quote: top?.passages[0]?.passage.text ?? '' });
  }
}
asked.sort((a, b) => b.p - a.p);
console.log(JSON.stringify({ nearMiss: asked.length, answered: asked.filter((a) => a.answered).length }));
for (const a of asked.slice(0, show)) console.log(`${a.p.toFixed(2)}  ${a.base}  ${a.q}\n      -> [${a.section}] ${a.quote.slice(0, 160)}`);
