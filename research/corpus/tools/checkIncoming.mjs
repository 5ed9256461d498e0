#!/usr/bin/env node
// Checks a batch of new questions before it joins the corpus: node research/corpus/tools/checkIncoming.mjs <policy-base>
// reads research/corpus/incoming/<policy-base>.jsonl, checks each line's shape, voice and topic, finds each passage word for
// word in research/corpus/policies/<policy-base>.txt (or, for a policy not yet trained on, research/corpus/incoming/<policy-base>.txt,
// which moves to policies/ with its questions), and flags questions already in the corpus, in another incoming batch,
// or repeated in this one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VOICES, norm, topicProblem } from './corpusRules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const base = process.argv[2];
if (!base) { console.log('usage: node research/corpus/tools/checkIncoming.mjs <policy-base>'); process.exit(2); }
const policyFile = [path.join(root, 'policies', base + '.txt'), path.join(root, 'incoming', base + '.txt')].find((f) => fs.existsSync(f));
if (!policyFile) { console.log(`PROBLEM: no policy ${base}.txt in research/corpus/policies or research/corpus/incoming`); process.exit(1); }
const policy = norm(fs.readFileSync(policyFile, 'utf8'));
const seen = new Map();
for (const f of fs.readdirSync(path.join(root, 'questions'))) {
  for (const line of fs.readFileSync(path.join(root, 'questions', f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { seen.set(norm(JSON.parse(line).q), `questions/${f}`); } catch { /* checked by checkCorpus */ }
  }
}
for (const f of fs.existsSync(path.join(root, 'incoming')) ? fs.readdirSync(path.join(root, 'incoming')) : []) {
  if (f === base + '.jsonl' || !f.endsWith('.jsonl')) continue;
  for (const line of fs.readFileSync(path.join(root, 'incoming', f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { seen.set(norm(JSON.parse(line).q), `incoming/${f}`); } catch { /* that file's own check reports it */ }
  }
}
const file = path.join(root, 'incoming', base + '.jsonl');
const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
let problems = 0, answerable = 0, social = 0, other = 0, near = 0;
const passages = new Set();
const voices = {};
lines.forEach((line, i) => {
  if (!line.trim()) return;
  const where = `line ${i + 1}`;
  const bad = (m) => { problems++; if (problems <= 60) console.log(`PROBLEM ${where}: ${m}`); };
  let o;
  try { o = JSON.parse(line); } catch { return bad('not JSON'); }
  if (typeof o.q !== 'string' || o.q.trim().length < 3) return bad('q missing');
  if (!VOICES.has(o.voice)) bad(`unknown voice ${o.voice}`);
  voices[o.voice] = (voices[o.voice] ?? 0) + 1;
  const key = norm(o.q);
  if (seen.has(key)) bad(`duplicate of a question in ${seen.get(key)}`); else seen.set(key, where);
  if (o.passage === null) {
    const wrong = topicProblem(o.topic);
    if (wrong) bad(wrong);
    else if (o.topic === 'social-media') social++;
    else if (o.topic === 'other') other++;
    else near++;
    return;
  }
  if (typeof o.passage !== 'string') return bad('passage must be a string or null');
  if (!policy.includes(norm(o.passage))) return bad(`passage not found word for word: "${o.passage.slice(0, 90)}"`);
  passages.add(norm(o.passage));
  answerable++;
});
console.log(JSON.stringify({ base, answerable, passages: passages.size, uncoveredSocial: social, uncoveredNearMiss: near, uncoveredOther: other, voices }));
console.log(problems === 0 ? 'OK: no problems' : `${problems} problems`);
process.exitCode = problems === 0 ? 0 : 1;
