import fs from 'node:fs';
import path from 'node:path';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex } from '../../src/features/policy/answer/policyIndex';
import { passageText, sectionHeadingText } from '../../src/features/policy/answer/learnedRanking';
import { normaliseForMatch } from '../../src/features/policy/answer/evaluateAnswers';

/**
 * Writes what the cross-encoder re-ranker learns from and is screened on (issue 50): for every corpus question, and
 * with --eval every question of the evaluation sets, the present stack's ranking as the product computes it (the
 * learnt model over the lexical index): its top sections, each with its heading and its passages in the quote
 * scorer's order, the stack's scores and its probability that the policy answers; and what a right answer quotes
 * (the corpus's passage, or the set's expected quotes), or null when the policy does not cover the question.
 * One JSON object a line, in <out-dir>/<set>.jsonl. Usage: node dist/research/scripts/exportRerankData.js <out-dir> [--eval]
 */
const root = path.resolve(__dirname, '..', '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'research', 'training', 'data', 'rerank'));
const SECTIONS = 8;

interface Case { q: string; expect: string[] | null; kind: string; policy: string }

function exportSet(name: string, policies: { id: string; text: string; source: string }[], casesOf: (id: string) => Case[]): void {
  const lines: string[] = [];
  for (const p of policies) {
    const doc = parsePolicyText(p.text, p.source);
    const index = createPolicyIndex([doc]);
    for (const c of casesOf(p.id)) {
      const ranking = index.rank(c.q);
      if (!ranking) throw new Error('the learnt model is missing: npm run train');
      lines.push(JSON.stringify({
        set: name, policy: p.id, kind: c.kind, q: c.q, expect: c.expect ? c.expect.map(normaliseForMatch) : null,
        answerProbability: ranking.answerProbability, answered: ranking.answered,
        sections: ranking.ranked.slice(0, SECTIONS).map((r) => ({
          ordinal: r.section.ordinal, heading: sectionHeadingText(r.doc, r.section), score: r.score,
          text: normaliseForMatch(r.section.text),
          passages: r.passages.map((x) => ({ text: passageText(x.passage), quote: x.score })),
        })),
      }));
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${name}.jsonl`), `${lines.join('\n')}\n`);
  console.log(JSON.stringify({ set: name, questions: lines.length }));
}

const corpusDir = path.join(root, 'research', 'corpus');
const corpusPolicies = fs.readdirSync(path.join(corpusDir, 'policies')).filter((f) => f.endsWith('.txt')).sort()
  .map((f) => ({ id: f.replace(/\.txt$/, ''), source: f, text: fs.readFileSync(path.join(corpusDir, 'policies', f), 'utf8') }));
exportSet('corpus', corpusPolicies, (id) => {
  const file = path.join(corpusDir, 'questions', `${id}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    const o = JSON.parse(l) as { q: string; passage: string | null };
    return { q: o.q, expect: o.passage === null ? null : [o.passage], kind: id.split('--')[0], policy: id };
  });
});

if (process.argv.includes('--eval')) {
  const real = fs.readdirSync(path.join(root, 'samples', 'policies')).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => ({ id: f, source: f, text: fs.readFileSync(path.join(root, 'samples', 'policies', f), 'utf8') }));
  for (const set of ['qa-sample', 'qa-staff', 'qa-holdout', 'qa-blind', 'qa-fresh']) {
    const cases = fs.readFileSync(path.join(root, 'research', 'eval', `${set}.jsonl`), 'utf8').split('\n').filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { policy: string; q: string; expect: string[] | null });
    exportSet(set, real, (id) => cases.filter((c) => c.policy === id).map((c) => ({ ...c, kind: 'real' })));
  }
}
