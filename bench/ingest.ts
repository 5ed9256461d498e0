import fs from 'node:fs';
import path from 'node:path';
import { answerQuestion } from '../src/features/policy/answer/answerQuestion';
import { parsePolicyText } from '../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../src/features/policy/answer/policyIndex';
import { loadPolicyFile } from '../src/features/policy/ingest/loadPolicyFile';
import { readPdfText } from '../src/features/policy/ingest/pdfReader';

/**
 * Ingest benchmark: parses and indexes the five sample policies 20 times and prints one JSON line with the
 * time per run (all five policies), the passages indexed, the resident memory after indexing, and, for
 * reference, the time to answer one question against an index already built.
 */
const RUNS = 20;
/** dist/bench/ingest.js runs from the repository root's dist/; fall back to the working directory. */
const dir = [path.resolve(__dirname, '..', '..'), process.cwd()]
  .map((root) => path.join(root, 'samples', 'policies'))
  .find((d) => fs.existsSync(d)) ?? path.join(process.cwd(), 'samples', 'policies');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
const texts = files.map((f) => ({ source: f, raw: fs.readFileSync(path.join(dir, f), 'utf8') }));

const times: number[] = [];
let indexes: PolicyIndex[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = process.hrtime.bigint();
  indexes = texts.map((t) => createPolicyIndex([parsePolicyText(t.raw, t.source)]));
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const rss = process.memoryUsage().rss;

const questions = [
  'can I accept a friend request from a pupil?',
  'could i lose my job over a facebook post?',
  'who do I tell if something online worries me about a child?',
  'where do I park when the staff car park is full?',
];
const answerTimes: number[] = [];
// Warm up the JIT (and let the collector clear the indexes of the earlier runs) before timing.
for (let round = 0; round < 20; round++) for (const index of indexes) for (const q of questions) answerQuestion(index, q);
for (let round = 0; round < 25; round++) {
  for (const index of indexes) {
    for (const q of questions) {
      const start = process.hrtime.bigint();
      answerQuestion(index, q);
      answerTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
}

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const r = (n: number): number => Math.round(n * 1000) / 1000;
console.log(JSON.stringify({
  policies: files.length,
  runs: RUNS,
  p50Ms: r(pct(times, 50)),
  p99Ms: r(pct(times, 99)),
  maxMs: r(Math.max(...times)),
  passages: indexes.reduce((a, i) => a + i.passageCount, 0),
  rssMb: r(rss / 1024 / 1024),
  answerP50Ms: r(pct(answerTimes, 50)),
  answerP99Ms: r(pct(answerTimes, 99)),
}));

/**
 * The same five policies as a school holds them (tests/fixtures/documents: Word with generated numbering, and
 * LibreOffice's PDF of it): the time to read and index each, per format, with the text export as the baseline
 * measured in the same run.
 */
async function formats(): Promise<void> {
  const fixtures = path.resolve(dir, '..', '..', 'tests', 'fixtures', 'documents');
  if (!fs.existsSync(fixtures)) return;
  const FORMAT_RUNS = 10;
  const out: Record<string, unknown> = {};
  for (const ext of ['txt', 'docx', 'pdf']) {
    const perDoc: number[] = [];
    let pages = 0;
    for (const f of files) {
      const file = ext === 'txt' ? path.join(dir, f) : path.join(fixtures, f.replace(/\.txt$/, `.${ext}`));
      if (ext === 'pdf') pages = Math.max(pages, (await readPdfText(fs.readFileSync(file))).pages);
      for (let run = 0; run < FORMAT_RUNS; run++) {
        const start = process.hrtime.bigint();
        createPolicyIndex([await loadPolicyFile(file)]);
        perDoc.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
    out[ext] = { documents: files.length, runsEach: FORMAT_RUNS, p50Ms: r(pct(perDoc, 50)), p99Ms: r(pct(perDoc, 99)), maxMs: r(Math.max(...perDoc)), ...(ext === 'pdf' ? { maxPages: pages } : {}) };
  }
  console.log(JSON.stringify({ bench: 'ingest-by-format', ...out }));
}

void formats();
