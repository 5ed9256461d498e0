#!/usr/bin/env node
// Checks the written corpus: every question line is well formed, every answer passage is found word for
// word in its policy, counts per policy and per kind of school, and no corpus sentence is shared with the
// five real policies in ../shared/policies (those are test data only).
// Usage: node research/corpus/tools/checkCorpus.mjs [--only <kind>] [--real <dir>]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VOICES, norm, topicProblem } from './corpusRules.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const realDir = args.includes('--real') ? args[args.indexOf('--real') + 1] : path.resolve(root, '../../../shared/policies');
const KINDS = ['local-authority', 'trust', 'primary', 'secondary', 'special', 'independent'];

const words = (s) => norm(s).replace(/[^a-z0-9' ]+/g, ' ').split(' ').filter(Boolean);

let problems = 0;
const problem = (msg) => { problems++; if (problems <= 200) console.log('PROBLEM ' + msg); };

// n-grams of the real policies, for the shared-sentence check
const realGrams = new Set();
const N = 8;
if (fs.existsSync(realDir)) {
  for (const f of fs.readdirSync(realDir)) {
    const w = words(fs.readFileSync(path.join(realDir, f), 'utf8'));
    for (let i = 0; i + N <= w.length; i++) realGrams.add(w.slice(i, i + N).join(' '));
  }
}

// Policies waiting in incoming/ (not yet trained on), and the rule reader's policies in other styles
// (drafts/rule-policies/) and its development set (drafts/rule-policies-dev/), must not share a sentence with the real
// ones either.
const txtIn = (dir) => (fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.txt')).map((f) => path.join(dir, f)) : []);
const apart = [...txtIn('incoming'), ...txtIn(path.join('drafts', 'rule-policies')), ...txtIn(path.join('drafts', 'rule-policies-dev'))];
for (const file of apart) {
  const w = words(fs.readFileSync(path.join(root, file), 'utf8'));
  const examples = [];
  for (let i = 0; i + N <= w.length; i++) if (realGrams.has(w.slice(i, i + N).join(' ')) && examples.length < 3) examples.push(w.slice(i, i + N).join(' '));
  if (examples.length > 0) problem(`${file}: runs of ${N} words also in a real policy, e.g. "${examples.join('" / "')}"; reword them`);
}

const totals = {};
const seenQ = new Map();
const policies = fs.readdirSync(path.join(root, 'policies')).filter((f) => f.endsWith('.txt')).sort();
for (const file of policies) {
  const base = file.replace(/\.txt$/, '');
  const kind = KINDS.find((k) => base.startsWith(k + '--'));
  if (!kind) { problem(`${file}: name must start with one of ${KINDS.join(', ')} followed by --`); continue; }
  if (only && kind !== only) continue;
  const text = fs.readFileSync(path.join(root, 'policies', file), 'utf8');
  const ntext = norm(text);
  // shared 8-grams with the real policies
  const w = words(text);
  let shared = 0;
  const examples = [];
  for (let i = 0; i + N <= w.length; i++) {
    const g = w.slice(i, i + N).join(' ');
    if (realGrams.has(g)) { shared++; if (examples.length < 3) examples.push(g); }
  }
  if (shared > 0) problem(`${file}: ${shared} runs of ${N} words also in a real policy, e.g. "${examples.join('" / "')}"; reword them`);
  const qfile = path.join(root, 'questions', base + '.jsonl');
  const t = (totals[kind] ??= { policies: 0, answerable: 0, uncoveredSocial: 0, uncoveredOther: 0, uncoveredNearMiss: 0, words: 0 });
  t.policies++;
  t.words += w.length;
  if (!fs.existsSync(qfile)) { problem(`${base}: no questions file`); continue; }
  const lines = fs.readFileSync(qfile, 'utf8').split('\n');
  let a = 0, us = 0, uo = 0, un = 0;
  const passagesUsed = new Set();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${base}.jsonl:${i + 1}`;
    let o;
    try { o = JSON.parse(line); } catch { problem(`${where}: not JSON`); return; }
    if (typeof o.q !== 'string' || o.q.trim().length < 3) { problem(`${where}: q missing`); return; }
    if (o.voice && !VOICES.has(o.voice)) problem(`${where}: unknown voice ${o.voice}`);
    const key = norm(o.q);
    if (seenQ.has(key)) problem(`${where}: duplicate of ${seenQ.get(key)}`); else seenQ.set(key, where);
    if (o.passage === null) {
      const wrong = topicProblem(o.topic);
      if (wrong) problem(`${where}: ${wrong}`);
      else if (o.topic === 'social-media') us++;
      else if (o.topic === 'other') uo++;
      else un++;
      return;
    }
    if (typeof o.passage !== 'string' || words(o.passage).length < 2) { problem(`${where}: passage missing or under 2 words`); return; }
    if (!ntext.includes(norm(o.passage))) { problem(`${where}: passage not found word for word in ${file}: "${o.passage.slice(0, 80)}"`); return; }
    passagesUsed.add(norm(o.passage));
    a++;
  });
  t.answerable += a; t.uncoveredSocial += us; t.uncoveredOther += uo; t.uncoveredNearMiss += un;
  console.log(`${base}: ${w.length} words, ${a} answerable over ${passagesUsed.size} passages, ${us} uncovered social-media, ${uo} uncovered other, ${un} uncovered near-miss`);
}
const sum = Object.values(totals).reduce((s, t) => ({ policies: s.policies + t.policies, answerable: s.answerable + t.answerable, uncovered: s.uncovered + t.uncoveredSocial + t.uncoveredOther + t.uncoveredNearMiss }), { policies: 0, answerable: 0, uncovered: 0 });
console.log(JSON.stringify({ byKind: totals, total: sum }));
console.log(problems === 0 ? 'OK: no problems' : `${problems} problems`);
process.exitCode = problems === 0 ? 0 : 1;
