/**
 * Fits the keeping head (issue 69; research/DECISIONS.md, 2026-11-27 22:40): a logistic head on the product's sentence
 * encoder that reads a question as tying a particular child to something that happened to them, so it is never kept for
 * the policy owners. Trained on the team's labelled questions: child-questions sets 1-3 (research/eval, all already read)
 * and the qa sets' ordinary questions; class-balanced, L2, batch gradient descent in float64 (deterministic).
 * Prints the out-of-fold figures (leave one writer's set out, the qa questions in three folds) and the threshold: the
 * lowest at which, out of fold, the qa questions not already left out by the rules lose at most 1% more.
 *
 *   npm run build && node research/training/keeping/fit_keeping_head.js [--write]
 *
 * --write puts the head trained on all of it into models/encoder/heads.json as `keeping` (then update SHA256SUMS).
 * Never trained on a blind set that has not been read, and never on the policies.
 *
 * Not shipped: judged on child-questions-blind-5 against its rule written first, the head failed it (research/DECISIONS.md,
 * 2026-11-27 22:40), and the product reads no `keeping` head. Kept for a later design with more varied labelled questions.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const dist = (p) => require(path.join(ROOT, 'dist', 'src', p));
const { openOnnxSentenceEncoder } = dist('adapters/onnxEncoder/onnxSentenceEncoder');
const { loadDisclosureDetector } = dist('compose/disclosure');
const { createLogger } = dist('shared/logger');
const { mayKeepQuestion } = dist('features/policy/teaching/keeping');

const EVAL = path.join(ROOT, 'research', 'eval');
const CHILD_SETS = ['child-questions-blind', 'child-questions-blind-2', 'child-questions-blind-3'];
const QA_SETS = ['qa-blind', 'qa-fresh', 'qa-holdout', 'qa-sample', 'qa-staff'];
const LAMBDA = 1e-3;
const STEPS = 600;
const RATE = 0.5;
const QA_EXTRA_LOSS = 0.01;

const lines = (f) => fs.readFileSync(path.join(EVAL, `${f}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

function fit(train) {
  const d = train[0].v.length;
  const w = new Float64Array(d);
  let b = 0;
  const pos = train.filter((r) => r.y).length;
  const weightOf = (y) => (y ? train.length / (2 * pos) : train.length / (2 * (train.length - pos)));
  for (let step = 0; step < STEPS; step++) {
    const gw = new Float64Array(d);
    let gb = 0;
    for (const r of train) {
      let z = b;
      for (let i = 0; i < d; i++) z += w[i] * r.v[i];
      const g = (1 / (1 + Math.exp(-z)) - r.y) * weightOf(r.y);
      for (let i = 0; i < d; i++) gw[i] += g * r.v[i];
      gb += g;
    }
    for (let i = 0; i < d; i++) w[i] -= RATE * (gw[i] / train.length + LAMBDA * w[i]);
    b -= (RATE * gb) / train.length;
  }
  return { w, b };
}

function logit(m, v) {
  let z = m.b;
  for (let i = 0; i < v.length; i++) z += m.w[i] * v[i];
  return z;
}

(async () => {
  const rows = [];
  for (const f of CHILD_SETS) for (const r of lines(f)) rows.push({ set: f, text: r.text, y: r.child ? 1 : 0 });
  for (const f of QA_SETS) for (const r of lines(f)) rows.push({ set: 'qa', text: r.q, y: 0 });
  const encoder = await openOnnxSentenceEncoder(path.join(ROOT, 'models', 'encoder'));
  for (let i = 0; i < rows.length; i += 32) {
    const vectors = await encoder.encode(rows.slice(i, i + 32).map((r) => r.text));
    vectors.forEach((v, j) => { rows[i + j].v = Array.from(v); });
  }
  const detector = await loadDisclosureDetector(createLogger('silent'));
  for (const r of rows) {
    const reading = await detector.read(r.text);
    r.leftOut = reading.holdBack || !mayKeepQuestion(r.text);
  }
  let q = 0;
  for (const r of rows) r.fold = r.set === 'qa' ? q++ % 3 : CHILD_SETS.indexOf(r.set);
  for (let k = 0; k < 3; k++) {
    const m = fit(rows.filter((r) => r.fold !== k));
    for (const r of rows) if (r.fold === k) r.oof = logit(m, r.v);
  }
  const free = rows.filter((r) => r.set === 'qa' && !r.leftOut).map((r) => r.oof).sort((a, b) => b - a);
  const threshold = free[Math.floor(free.length * QA_EXTRA_LOSS)];
  for (const s of [...CHILD_SETS, 'qa']) {
    const rs = rows.filter((r) => r.set === s);
    const count = (ys, withHead) => rs.filter((r) => r.y === ys && (r.leftOut || (withHead && r.oof >= threshold))).length;
    console.log(`${s}: child-tied never kept ${count(1, false)} -> ${count(1, true)} of ${rs.filter((r) => r.y).length}; ordinary not kept ${count(0, false)} -> ${count(0, true)} of ${rs.filter((r) => !r.y).length}`);
  }
  console.log(`threshold ${threshold.toFixed(4)}`);
  if (process.argv.includes('--write')) {
    const m = fit(rows);
    const file = path.join(ROOT, 'models', 'encoder', 'heads.json');
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    if ('keeping' in JSON.parse(text)) throw new Error('heads.json already has a keeping head: take it out first');
    const head = { weights: Array.from(m.w, (x) => Number(x.toFixed(6))), bias: Number(m.b.toFixed(6)), threshold: Number(threshold.toFixed(4)) };
    // Appended in the file's own layout (numbers only, so the spacing is safe), the other heads left byte for byte.
    const block = JSON.stringify(head).replace(/,/g, ', ').replace(/:/g, ': ');
    fs.writeFileSync(file, `${text.slice(0, -1)}, "keeping": ${block}}`);
    console.log('wrote the keeping head into', path.relative(ROOT, file));
  }
  process.exit(0);
})();
