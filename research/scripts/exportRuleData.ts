import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../../src/adapters/onnxEncoder/onnxSentenceEncoder';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../src/features/policy/policyLibrary';
import { normaliseForMatch } from '../../src/features/policy/answer/evaluateAnswers';
import { passageText } from '../../src/features/policy/answer/learnedRanking';
import { createPolicyRuleFinder } from '../../src/features/policy/drafts/draftRules';
import { isRuleCandidate, rulePassageVectors, ruleStackFeatures } from '../../src/features/policy/drafts/ruleReader';
import { CONCERN_INFO, DRAFT_CONCERNS, DraftConcernId } from '../../src/features/policy/drafts/draftConcerns';
import { probeOf } from './ruleLabels';

/**
 * Exports what the rule reader (issue 53, research/training/drafts/fit_rules.py) learns from: every passage of each corpus policy
 * in research/corpus/drafts/rules.jsonl as the product splits it, whether it is a candidate (isRuleCandidate), its vector from
 * each encoder folder given (rulePassageVectors over the product's own ONNX adapter, so training reads the vectors the
 * bot computes), the answering stack's scores for each concern
 * (ruleStackFeatures, as the product computes them), which passages are the row's rule sentences, the sections holding
 * them, and what today's stack lookup (createPolicyRuleFinder) quotes, for the baseline.
 *
 * Usage: node dist/research/scripts/exportRuleData.js OUT.json ENCODER_DIR [ENCODER_DIR...] [--rules FILE --policies DIR]
 * (by default research/corpus/drafts/rules.jsonl over research/corpus/policies; a labelled set written apart, such as the style-shifted
 * development policies or the key to the five real policies, is exported the same way for judging).
 */
const root = path.resolve(__dirname, '..', '..', '..');

interface RuleRow { policy: string; concern: DraftConcernId; rules: string[]; best: string | null }

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const at = args.indexOf(name);
    if (at < 0) return fallback;
    const value = args[at + 1];
    args.splice(at, 2);
    return path.resolve(value);
  };
  const rulesFile = option('--rules', path.join(root, 'research', 'corpus', 'drafts', 'rules.jsonl'));
  const policyDir = option('--policies', path.join(root, 'research', 'corpus', 'policies'));
  const [out, ...encoderDirs] = args;
  if (!out || encoderDirs.length === 0) throw new Error('usage: exportRuleData OUT.json ENCODER_DIR [ENCODER_DIR...] [--rules FILE --policies DIR]');
  const rows = fs.readFileSync(rulesFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as RuleRow);
  const encoders = await Promise.all(encoderDirs.map((d) => openOnnxSentenceEncoder(path.resolve(d))));
  const queryVectors = await Promise.all(encoders.map(async (e) => Object.fromEntries(await Promise.all(DRAFT_CONCERNS.map(async (id) => [id, (await e.encode(CONCERN_INFO[id].queries)).map((v) => Array.from(v, round))])))));
  const policies: unknown[] = [];
  for (const policy of [...new Set(rows.map((r) => r.policy))]) {
    const file = policy.endsWith('.txt') ? policy : `${policy}.txt`;
    const doc = parsePolicyText(fs.readFileSync(path.join(policyDir, file), 'utf8'), file);
    const library = createPolicyLibrary([doc]);
    const passages = library.index.passages;
    const texts = passages.map((p) => passageText(p));
    const vectors = await Promise.all(encoders.map(async (e) => (await rulePassageVectors(passages, e)).map((v) => Array.from(v, round))));
    const candidates = passages.map((p) => isRuleCandidate(p));
    const finder = createPolicyRuleFinder(library);
    const concerns: Record<string, unknown> = {};
    for (const row of rows.filter((r) => r.policy === policy)) {
      const probes = row.rules.map(probeOf);
      const positives = passages.map((p, i) => i).filter((i) => {
        const t = normaliseForMatch(texts[i]);
        const own = normaliseForMatch(passages[i].text);
        return probes.some((pr) => t.includes(pr)) || row.rules.some((r) => own.length >= 20 && normaliseForMatch(r).includes(own));
      });
      const sections = [...new Set(probes.flatMap((pr) => doc.sections.filter((s) => normaliseForMatch(`${s.title} ${s.text}`).includes(pr)).map((s) => s.ordinal)))];
      const stack = await finder(row.concern);
      concerns[row.concern] = {
        rules: row.rules.length, positives, sections, features: ruleStackFeatures(library.index, row.concern),
        stack: stack ? { section: stack.section, quote: stack.quote } : null,
      };
    }
    policies.push({
      policy, vectors, concerns,
      passages: passages.map((p, i) => ({ section: p.section.ordinal, text: texts[i], own: p.text, leadIn: p.leadIn ?? null, heading: p.section.title, candidate: candidates[i] })),
    });
    process.stderr.write(`${policy}: ${passages.length} passages\n`);
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ encoders: encoderDirs.map((d, i) => ({ dir: d, sha256: encoders[i].model.sha256 })), queryVectors, policies }));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
