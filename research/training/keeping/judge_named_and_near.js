/**
 * Design PH for issue 69 item 3 (research/DECISIONS.md, 2026-11-28): a question that names or places a person (a name,
 * a class or year code, "one of my pupils", an address) is never kept when the disclosure head's logit, already computed
 * for every question, reaches a second, lower threshold. The head reads harm of every kind; where a particular person is
 * in the question, a lower bar costs few ordinary questions. No new model, no word list.
 *
 * The threshold is chosen on the team's labelled questions only (child-questions sets 1-3 and the qa sets, all read
 * before): the lowest at which the 750 qa questions not kept rise by at most 25 (3.3%; research/DECISIONS.md, 2026-11-28).
 *
 *   npm run build && node research/training/keeping/judge_named_and_near.js [--judge SET ...]
 *
 * --judge reads the named sets (research/eval/<SET>.jsonl) once each with the chosen threshold and prints totals only.
 *
 * Shipped (research/DECISIONS.md, 2026-11-28 11:20): judged on child-questions-blind-6 against its rule written first.
 * The first reading (08:04) was made against a stale build and was wrong. "As it stands" here is the keeping rule
 * before PH (held back, or mayKeepQuestion); the second figure is the product with PH (keeping.ts, mayKeepReading).
 * Run it on a fresh build (`npm run build`): it reads `dist/`.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const dist = (p) => require(path.join(ROOT, 'dist', 'src', p));
const { loadDisclosureDetector } = dist('compose/disclosure');
const { createLogger } = dist('shared/logger');
const { mayKeepQuestion } = dist('features/policy/teaching/keeping');
const { readDisclosureSignals } = dist('features/policy/disclosure/disclosureSignals');
const { namesInContext, nameSpans } = dist('features/policy/teaching/redactNames');

const EVAL = path.join(ROOT, 'research', 'eval');
const CHILD_SETS = ['child-questions-blind', 'child-questions-blind-2', 'child-questions-blind-3'];
const QA_SETS = ['qa-blind', 'qa-fresh', 'qa-holdout', 'qa-sample', 'qa-staff'];
const QA_EXTRA_LOSS = 25;

const lines = (f) => fs.readFileSync(path.join(EVAL, `${f}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const logitOf = (p) => Math.log(p / (1 - p));

/** A person in the question: placed (class, year, address...), "one of my pupils", or a name in any form. */
function namesSomeone(text) {
  const s = readDisclosureSignals(text);
  return s.identified || s.specific || namesInContext(text).length > 0 || nameSpans(text).length > 0;
}

async function read(detector, rows) {
  for (const r of rows) {
    const reading = await detector.read(r.text);
    r.leftOut = reading.holdBack || !mayKeepQuestion(r.text);
    r.logit = logitOf(reading.score);
    r.person = namesSomeone(r.text);
  }
}

function figures(name, rs, threshold) {
  const out = (r, design) => r.leftOut || (design && r.person && r.logit >= threshold);
  const count = (y, design) => rs.filter((r) => r.y === y && out(r, design)).length;
  const pos = rs.filter((r) => r.y === 1).length;
  const line = pos > 0 ? `child-tied never kept ${count(1, false)} -> ${count(1, true)} of ${pos}; ` : '';
  console.log(`${name}: ${line}ordinary not kept ${count(0, false)} -> ${count(0, true)} of ${rs.length - pos}`);
}

(async () => {
  const detector = await loadDisclosureDetector(createLogger('silent'));
  const rows = [];
  for (const f of CHILD_SETS) for (const r of lines(f)) rows.push({ set: f, text: r.text, y: r.child ? 1 : 0 });
  for (const f of QA_SETS) for (const r of lines(f)) rows.push({ set: 'qa', text: r.q, y: 0 });
  await read(detector, rows);
  // The qa questions a person is in and not already left out, highest logit first: the threshold lets QA_EXTRA_LOSS go.
  const qa = rows.filter((r) => r.set === 'qa');
  const free = qa.filter((r) => !r.leftOut && r.person).map((r) => r.logit).sort((a, b) => b - a);
  const allowed = QA_EXTRA_LOSS;
  // The lowest threshold losing at most `allowed`: just above the (allowed+1)-th highest logit.
  const threshold = free.length > allowed ? (free[allowed] + free[allowed - 1]) / 2 : -Infinity;
  console.log(`qa questions naming someone, kept today: ${free.length} of ${qa.length}; threshold ${threshold.toFixed(4)}`);
  for (const s of [...CHILD_SETS, 'qa']) figures(s, rows.filter((r) => r.set === s), threshold);
  const judge = process.argv.indexOf('--judge');
  if (judge >= 0) {
    for (const f of process.argv.slice(judge + 1)) {
      const rs = lines(f).map((r) => ({ text: r.text, y: r.child ? 1 : 0 }));
      await read(detector, rs);
      figures(`${f} (judged)`, rs, threshold);
    }
  }
  process.exit(0);
})();
