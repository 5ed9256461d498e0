import fs from 'node:fs';
import path from 'node:path';
import { loadRuleReader } from '../../src/compose/drafts';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../src/features/policy/policyLibrary';
import { parseRuleReaderHeads, RuleCandidate, RuleReaderHeads, scoreRuleCandidates } from '../../src/features/policy/drafts/ruleReader';
import { PolicyIndex } from '../../src/features/policy/answer/policyIndex';
import { DraftConcernId } from '../../src/features/policy/drafts/draftConcerns';
import { sectionsHolding } from './ruleLabels';
import { passageText } from '../../src/features/policy/answer/learnedRanking';

/**
 * Exports what the rule chosen for a draft (issue 53, twelfth pass; research/training/drafts/fit_draft_rules.py) is chosen on:
 * for each draft and concern of a labelled file (the blind sets' format: `concerns` maps each concern to the sentence a
 * labeller would quote for that draft, or null), the sections holding the labeller's sentence, whether the shipped reader
 * finds a rule at all, and for each of the reader's best candidates (within a wide margin) its section, its logit (the
 * product's own scoreRuleCandidates), its cosine to the draft on the reader's encoder and the answering stack's share for
 * its section when asked the draft. Design PD did not ship (research/DECISIONS.md): the choice lives here, not in src/.
 *
 * With `--fold-heads FILE` (fit_rules.py --write-folds), each policy is read by the readers of the outer fold that never
 * saw it, as the shipped reader reads a school's policy it did not learn from; without it, by the shipped reader.
 *
 * With `--text`, each line also carries the draft, the labeller's sentence and each candidate's text (what a model that
 * reads the draft beside the rule learns from); `--most N` and `--margin M` widen the candidates kept (10 and 8).
 *
 * Usage: node dist/research/scripts/exportDraftRuleData.js OUT.jsonl --policies DIR [--fold-heads FILE] [--text] [--most N] [--margin M] FILE [FILE...]
 */

/** The candidates a draft can move the choice among: within `margin` of the best logit, at most `most`, best first. */
function contenders(candidates: readonly RuleCandidate[], choice: { margin: number; most: number }): RuleCandidate[] {
  if (candidates.length === 0) return [];
  const floor = candidates[0].logit - choice.margin;
  return candidates.slice(0, Math.max(1, choice.most)).filter((c) => c.logit >= floor);
}

/** The answering stack's share of each section (by ordinal) when asked the draft itself (softmax over its ranking). */
function stackSharesFor(index: PolicyIndex, draft: string): Map<number, number> {
  const shares = new Map<number, number>();
  const ranking = index.rank(draft);
  if (!ranking || ranking.ranked.length === 0) return shares;
  const top = Math.max(...ranking.ranked.map((r) => r.score));
  const total = ranking.ranked.reduce((sum, r) => sum + Math.exp(r.score - top), 0);
  for (const r of ranking.ranked) shares.set(r.section.ordinal, (shares.get(r.section.ordinal) ?? 0) + Math.exp(r.score - top) / total);
  return shares;
}

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** What the draft says of one contender: its cosine to the draft's vector, and the stack's share for its section. */
function draftFeatures(candidate: RuleCandidate, draftVector: Float32Array, shares: ReadonlyMap<number, number>): [number, number] {
  let dot = 0;
  for (let k = 0; k < draftVector.length; k++) dot += draftVector[k] * candidate.vector[k];
  return [dot / (norm(draftVector) * norm(candidate.vector) + 1e-9), shares.get(candidate.passage.section.ordinal) ?? 0];
}

const USAGE = 'usage: exportDraftRuleData OUT.jsonl --policies DIR [--fold-heads FILE] [--text] [--most N] [--margin M] FILE [FILE...]';

/** Takes `--name VALUE` out of args: its number, or `fallback` when absent. */
function numberOption(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number\n${USAGE}`);
  args.splice(at, 2);
  return value;
}

interface Row { policy: string; draft: string; concerns: Record<string, string | null> }

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--policies');
  if (at < 0 || !args[at + 1]) throw new Error(USAGE);
  const policies = path.resolve(args[at + 1]);
  args.splice(at, 2);
  const foldAt = args.indexOf('--fold-heads');
  const folds = foldAt >= 0 ? JSON.parse(fs.readFileSync(args[foldAt + 1], 'utf8')) as Record<string, unknown> : null;
  if (foldAt >= 0) args.splice(foldAt, 2);
  const textAt = args.indexOf('--text');
  const withText = textAt >= 0;
  if (withText) args.splice(textAt, 1);
  const wide = { most: numberOption(args, '--most', 10), margin: numberOption(args, '--margin', 8) };
  const [out, ...files] = args;
  if (!out || files.length === 0) throw new Error(USAGE);
  const reader = await loadRuleReader();
  const lines: string[] = [];
  for (const file of files) {
    const rows = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
    const read = new Map<string, { doc: ReturnType<typeof parsePolicyText>; index: ReturnType<typeof createPolicyLibrary>['index']; heads: RuleReaderHeads; all: Awaited<ReturnType<typeof scoreRuleCandidates>> }>();
    for (const row of rows) {
      if (!read.has(row.policy)) {
        const doc = parsePolicyText(fs.readFileSync(path.join(policies, row.policy), 'utf8'), row.policy);
        const index = createPolicyLibrary([doc]).index;
        const name = row.policy.replace(/\.txt$/, '');
        if (folds && !folds[name]) throw new Error(`--fold-heads has no readers for ${name}`);
        const heads: RuleReaderHeads = folds ? parseRuleReaderHeads({ rules: folds[name] }, reader.encoder.dimensions) : reader.heads;
        read.set(row.policy, { doc, index, heads, all: await scoreRuleCandidates(index, reader.encoder, heads) });
        process.stderr.write(`${row.policy}\n`);
      }
      const { doc, index, heads, all } = read.get(row.policy)!;
      const [vector] = await reader.encoder.encode([row.draft]);
      const shares = stackSharesFor(index, row.draft);
      for (const [concern, sentence] of Object.entries(row.concerns)) {
        const list = all.get(concern as DraftConcernId) ?? [];
        const few = contenders(list, wide);
        lines.push(JSON.stringify({
          file: path.basename(file), policy: row.policy, concern,
          expected: sentence === null ? null : sectionsHolding(doc, sentence),
          hasRule: list.length > 0 && list[0].logit >= heads.threshold,
          candidates: few.map((c) => {
            const [cos, share] = draftFeatures(c, vector, shares);
            const features = [c.passage.section.ordinal, +c.logit.toFixed(4), +cos.toFixed(4), +share.toFixed(4)];
            return withText ? [...features, passageText(c.passage)] : features;
          }),
          ...(withText ? { draft: row.draft, sentence } : {}),
        }));
      }
    }
  }
  fs.writeFileSync(out, lines.join('\n') + '\n');
  process.stderr.write(`${lines.length} pairs\n`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
