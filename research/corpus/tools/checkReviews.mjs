#!/usr/bin/env node
// Checks the label reviews in research/corpus/reviews/*.jsonl: node research/corpus/tools/checkReviews.mjs
// Each line is {"base", "line", "q", "verdict", "sentence", "why"} and optionally "in": a reviewer's verdict on the
// question at line `line` (1-based) of research/corpus/incoming/<base>.jsonl, or of research/corpus/questions/<base>.jsonl with
// "in": "questions" (a review of the training questions themselves). The check: that line exists and asks `q`, the
// verdict is one of VERDICTS, no question is reviewed twice in one file, and a quoted `sentence` is in the policy word
// for word, so that the lines a review flags can be found and dropped or relabelled by script. Once applied
// (research/corpus/tools/landWaiting.mjs; "applied": "dropped" or "relabelled"), the training questions must agree with their
// reviews: a dropped question is gone, a relabelled one carries its new label. Prints the verdicts counted per
// file and per policy.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { norm } from './corpusRules.mjs';

/** near-miss: the label holds; borderline: a rule settles half of it or comes near; not-social-media: no online matter
 * at all; answerable: a sentence of the policy answers it (the label is wrong). */
export const VERDICTS = ['near-miss', 'borderline', 'not-social-media', 'answerable'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'reviews');
const FOLDERS = ['incoming', 'questions'];
const files = new Map();
const policies = new Map();
const questionAt = (folder, base, line) => {
  const key = `${folder}/${base}`;
  if (!files.has(key)) {
    const f = path.join(root, folder, base + '.jsonl');
    files.set(key, fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n') : null);
  }
  const lines = files.get(key);
  if (!lines || !Number.isInteger(line) || line < 1 || line > lines.length || !lines[line - 1].trim()) return null;
  return JSON.parse(lines[line - 1]);
};
const trainingQuestions = (base) => {
  const f = path.join(root, 'questions', base + '.jsonl');
  return new Set(fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => norm(JSON.parse(l).q)) : []);
};
const policyText = (base) => {
  if (!policies.has(base)) {
    const f = [path.join(root, 'policies', base + '.txt'), path.join(root, 'incoming', base + '.txt')].find((p) => fs.existsSync(p));
    policies.set(base, f ? norm(fs.readFileSync(f, 'utf8')) : null);
  }
  return policies.get(base);
};

let problems = 0;
const problem = (where, msg) => { problems++; console.log(`PROBLEM ${where}: ${msg}`); };
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
  const byPolicy = new Map();
  const seen = new Set();
  const tally = (r) => {
    counts[r.verdict]++;
    const p = byPolicy.get(r.base) ?? Object.fromEntries(VERDICTS.map((v) => [v, 0]));
    p[r.verdict]++;
    byPolicy.set(r.base, p);
  };
  fs.readFileSync(path.join(dir, file), 'utf8').split('\n').forEach((text, i) => {
    if (!text.trim()) return;
    const where = `${file}:${i + 1}`;
    let r;
    try { r = JSON.parse(text); } catch { problem(where, 'not JSON'); return; }
    const folder = r.in ?? 'incoming';
    if (!FOLDERS.includes(folder)) { problem(where, `"in" must be one of ${FOLDERS.join(', ')}`); return; }
    if (r.applied === 'dropped') {
      // A question dropped when its batch landed (see landWaiting.mjs) is in no training file any more.
      const key = `dropped/${r.base}:${norm(String(r.q ?? ''))}`;
      if (seen.has(key)) problem(where, `${key} reviewed twice`);
      seen.add(key);
      if (r.verdict !== 'borderline') problem(where, `only a borderline question is dropped, not a ${r.verdict} one`);
      if (trainingQuestions(r.base).has(norm(String(r.q ?? '')))) problem(where, `dropped, but questions/${r.base}.jsonl still asks "${r.q}"`);
      if (r.sentence && !policyText(r.base)?.includes(norm(r.sentence))) problem(where, `sentence not in ${r.base}'s policy word for word: "${r.sentence}"`);
      tally(r);
      return;
    }
    const key = `${folder}/${r.base}:${r.line}`;
    if (seen.has(key)) problem(where, `${key} reviewed twice`);
    seen.add(key);
    const asked = questionAt(folder, r.base, r.line);
    if (!asked) { problem(where, `no question at ${folder}/${r.base}.jsonl line ${r.line}`); return; }
    if (norm(asked.q) !== norm(String(r.q ?? ''))) problem(where, `${folder}/${r.base}.jsonl line ${r.line} asks "${asked.q}", not "${r.q}"`);
    if (!VERDICTS.includes(r.verdict)) { problem(where, `verdict "${r.verdict}" is not one of ${VERDICTS.join(', ')}`); return; }
    if ((r.verdict === 'borderline' || r.verdict === 'answerable') && !r.sentence) problem(where, `a ${r.verdict} verdict needs the sentence it rests on`);
    if (r.sentence && !policyText(r.base)?.includes(norm(r.sentence))) problem(where, `sentence not in ${r.base}'s policy word for word: "${r.sentence}"`);
    // An applied review agrees with the training question it names: a wrong label carries the reviewed sentence, a
    // not-social-media one its topic. (A review not yet applied names a correction waiting for the next landing.)
    if (r.applied === 'relabelled' && r.verdict === 'answerable' && norm(String(asked.passage ?? '')) !== norm(r.sentence ?? '')) problem(where, `relabelled, but line ${r.line} is labelled ${asked.passage ? `"${asked.passage}"` : 'not covered'}, not the reviewed sentence`);
    if (r.applied === 'relabelled' && r.verdict === 'not-social-media' && asked.topic !== 'other') problem(where, `relabelled, but line ${r.line} has topic "${asked.topic}"`);
    if (r.applied && r.applied !== 'relabelled' && r.applied !== 'dropped') problem(where, `"applied" must be "relabelled" or "dropped"`);
    tally(r);
  });
  console.log(`${file}: ${seen.size} reviewed; ${VERDICTS.map((v) => `${counts[v]} ${v}`).join(', ')}`);
  for (const [base, p] of [...byPolicy].sort()) console.log(`  ${base.padEnd(48)} ${VERDICTS.map((v) => `${p[v]} ${v}`).join(', ')}`);
}
console.log(problems ? `${problems} problem(s)` : 'OK');
process.exit(problems ? 1 : 0);
