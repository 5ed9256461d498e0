#!/usr/bin/env node
// Moves batches waiting in incoming/ into the training corpus with their reviews applied:
//   node research/corpus/tools/landWaiting.mjs <policy-base> ...
// For each base, incoming/<base>.jsonl moves to questions/: a new policy's (incoming/<base>.txt moves to policies/ with
// it), or a further batch for a policy already in policies/, appended to its questions/<base>.jsonl. Every review in
// reviews/*.jsonl of a question that moves, or of a training question of any policy, is applied:
//   borderline        the question is dropped (a rule comes near it: neither label is safe to train on);
//   answerable        the label was wrong: the question gets the review's sentence as its passage;
//   not-social-media  the question stays not covered, with topic "other" (for a batch that moves only: the reviewers
//                     of the training questions already in the corpus split "near-miss" from "not social media"
//                     differently, see README.md, so that split changes no label there);
//   near-miss         the label holds.
// The review line then names where the question now is ("in": "questions", its new line), and "applied" records what
// was done ("dropped" or "relabelled"), so that checkReviews.mjs can check the corpus against its reviews.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { norm } from './corpusRules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bases = process.argv.slice(2);
const exists = (folder, file) => fs.existsSync(path.join(root, folder, file));
for (const base of bases) {
  if (!exists('incoming', base + '.jsonl')) { console.log(`PROBLEM: no incoming/${base}.jsonl`); process.exit(1); }
  if (!exists('incoming', base + '.txt') && !exists('policies', base + '.txt')) { console.log(`PROBLEM: no incoming/${base}.txt and no policies/${base}.txt`); process.exit(1); }
  if (exists('incoming', base + '.txt') && exists('policies', base + '.txt')) { console.log(`PROBLEM: ${base}.txt is in both incoming/ and policies/`); process.exit(1); }
}
const readLines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());

// Reviews by the line they name now: "questions/<base>:<line>" or "incoming/<base>:<line>".
const reviewFiles = fs.readdirSync(path.join(root, 'reviews')).filter((f) => f.endsWith('.jsonl')).sort();
const reviews = new Map(reviewFiles.map((f) => [f, readLines(path.join(root, 'reviews', f)).map((l) => JSON.parse(l))]));
const byLine = new Map();
for (const list of reviews.values()) for (const r of list) if (!r.applied) byLine.set(`${r.in ?? 'incoming'}/${r.base}:${r.line}`, r);

const moving = new Set(bases);
const newPolicies = bases.filter((b) => exists('incoming', b + '.txt')).length;
const counts = { dropped: 0, relabelled: 0, kept: 0 };
const questionFiles = new Set([...fs.readdirSync(path.join(root, 'questions')).map((f) => f.replace(/\.jsonl$/, '')), ...bases]);
for (const base of [...questionFiles].sort()) {
  // The training questions first (none for a new policy), then the batch that moves.
  const sources = [...(exists('questions', base + '.jsonl') ? ['questions'] : []), ...(moving.has(base) ? ['incoming'] : [])];
  const read = sources.map((from) => ({ from, lines: readLines(path.join(root, from, base + '.jsonl')) }));
  const out = [];
  for (const { from, lines } of read) lines.forEach((text, i) => {
    let q = JSON.parse(text);
    const original = q;
    const review = byLine.get(`${from}/${base}:${i + 1}`);
    if (review) {
      if (norm(review.q) !== norm(q.q)) throw new Error(`${from}/${base}.jsonl line ${i + 1} asks "${q.q}", its review "${review.q}"`);
      review.in = 'questions';
      if (review.verdict === 'borderline') {
        review.applied = 'dropped';
        delete review.line;
        counts.dropped++;
        return;
      }
      if (review.verdict === 'answerable') { q = { q: q.q, passage: review.sentence, voice: q.voice }; review.applied = 'relabelled'; counts.relabelled++; }
      else if (review.verdict === 'not-social-media' && from === 'incoming' && q.topic !== 'other') { q = { ...q, topic: 'other' }; review.applied = 'relabelled'; counts.relabelled++; }
      else counts.kept++;
      review.line = out.length + 1;
    }
    out.push(q === original ? text : JSON.stringify(q));
  });
  // A policy with no batch moving keeps its file when no review changed a line of it.
  const before = read.flatMap((r) => r.lines);
  if (!moving.has(base) && out.length === before.length && out.every((l, i) => l === before[i])) continue;
  fs.writeFileSync(path.join(root, 'questions', base + '.jsonl'), out.join('\n') + '\n');
  if (moving.has(base)) {
    if (exists('incoming', base + '.txt')) fs.renameSync(path.join(root, 'incoming', base + '.txt'), path.join(root, 'policies', base + '.txt'));
    fs.rmSync(path.join(root, 'incoming', base + '.jsonl'));
  }
}
// A review line is rewritten only where it now names another place or records what was applied.
for (const [f, list] of reviews) {
  const originals = readLines(path.join(root, 'reviews', f));
  const lines = list.map((r, i) => {
    const before = JSON.parse(originals[i]);
    if (before.in === r.in && before.line === r.line && before.applied === r.applied) return originals[i];
    const { base, in: folder, line, q, verdict, sentence, why, applied, ...rest } = r;
    return JSON.stringify({ base, in: folder, ...(line !== undefined ? { line } : {}), q, verdict, sentence, why, ...(applied ? { applied } : {}), ...rest });
  });
  fs.writeFileSync(path.join(root, 'reviews', f), lines.join('\n') + '\n');
}
console.log(`moved ${bases.length} batches (${newPolicies} new policies); reviews applied: ${counts.dropped} dropped, ${counts.relabelled} relabelled, ${counts.kept} kept as labelled`);
