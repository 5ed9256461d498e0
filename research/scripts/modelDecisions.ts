import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../../src/adapters/onnxEncoder/onnxSentenceEncoder';
import { defaultDraftFolders, loadDraftChecker, loadRuleReader } from '../../src/compose/drafts';
import { ENCODER_DIR, loadDisclosureDetector } from '../../src/compose/disclosure';
import { createLogger } from '../../src/shared/logger';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../src/features/policy/policyLibrary';
import { answerQuestionReranked, shownMatches } from '../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex, PolicyIndex } from '../../src/features/policy/answer/policyIndex';
import { parseDisclosureHead, parseDraftDisclosureHead } from '../../src/features/policy/disclosure/disclosureDetector';
import { mayKeepReading } from '../../src/features/policy/teaching/keeping';
import { parseDraftHeads } from '../../src/features/policy/drafts/draftChecker';
import { DRAFT_CONCERNS, DraftContext } from '../../src/features/policy/drafts/draftConcerns';
import { scoreRuleCandidates } from '../../src/features/policy/drafts/ruleReader';
import { framedDraft } from '../../src/features/policy/drafts/draftFrame';

/**
 * Every decision the bot makes from a model, on every evaluation set, written one item a line so that two runs (two
 * CPUs, two model versions) can be compared (issue 68). With each decision, the numbers it was made from and their
 * distance to the threshold that decides it, so a comparison says both whether anything changed and how close the
 * nearest item came to changing.
 *
 *   node dist/research/scripts/modelDecisions.js --out FILE [--only disclosures,questions,drafts,rules] [--limit N]
 *   node dist/research/scripts/modelDecisions.js --compare A.jsonl B.jsonl
 *
 * What it records, by kind:
 * - disclosures (research/eval/disclosure-*.jsonl) and questions (research/eval/qa-*.jsonl): Report a concern offered
 *   first, held back (the report line), from the disclosure head's logit against its two thresholds; for questions also
 *   the answer: declined, sure or not, and the sections shown in order (the answering stack, plain arithmetic);
 * - drafts (research/eval/drafts-blind*.jsonl): "check my post"'s verdict, each concern raised and the section of the
 *   rule quoted, the photo rule, and Report a concern for a draft, from the draft heads' logits;
 * - rules: the rule the rule reader picks for each concern in each of the five real policies, from its best two logits.
 * Under an emulated CPU (qemu-x86_64 -cpu Haswell) this takes about an hour and a half; `--limit N` reads the first N
 * items of each set.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const evalDir = path.join(root, 'research', 'eval');
const policiesDir = path.join(root, 'samples', 'policies');

interface Row { kind: string; set: string; i: number; decision: unknown; margin: number; scores: Record<string, number> }

const jsonl = <T>(file: string): T[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const dot = (v: Float32Array, w: Float32Array, bias: number): number => {
  let sum = bias;
  for (let i = 0; i < v.length; i++) sum += v[i] * w[i];
  return sum;
};
const setsMatching = (pattern: RegExp): string[] => fs.readdirSync(evalDir).filter((f) => pattern.test(f)).sort();

async function record(out: fs.WriteStream, only: Set<string>, limit: number): Promise<void> {
  const write = (row: Row): void => { out.write(`${JSON.stringify(row)}\n`); };
  const heads = (dir: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8'));
  const encoder = await openOnnxSentenceEncoder(ENCODER_DIR);
  const disclosureHead = parseDisclosureHead(heads(ENCODER_DIR), encoder.dimensions);
  const draftDisclosureHead = parseDraftDisclosureHead(heads(ENCODER_DIR), encoder.dimensions)!;
  const detector = await loadDisclosureDetector(createLogger('silent'));
  // Every bar on the disclosure logit: the offer, the hold-back, the report line's and the one for questions that name someone.
  const bars = Object.values(disclosureHead.thresholds).filter((t): t is number => typeof t === 'number');

  const readMessage = async (text: string): Promise<{ decision: Record<string, unknown>; margin: number; scores: Record<string, number> }> => {
    const [v] = await encoder.encode([text]);
    const logit = dot(v, disclosureHead.weights, disclosureHead.bias);
    const reading = await detector.read(text);
    return {
      decision: { offer: reading.offer, holdBack: reading.holdBack, reportLine: reading.reportLine ?? reading.holdBack, kept: mayKeepReading(text, reading) },
      margin: Math.min(...bars.map((t) => Math.abs(logit - t))), scores: { logit },
    };
  };

  if (only.has('disclosures')) {
    for (const set of setsMatching(/^disclosure-.*\.jsonl$/)) {
      for (const [i, r] of jsonl<{ text: string }>(path.join(evalDir, set)).slice(0, limit).entries()) write({ kind: 'disclosures', set, i, ...(await readMessage(r.text)) });
    }
  }

  if (only.has('questions')) {
    const indexes = new Map<string, PolicyIndex>();
    const indexFor = (policy: string): PolicyIndex => {
      if (!indexes.has(policy)) indexes.set(policy, createPolicyIndex([parsePolicyText(fs.readFileSync(path.join(policiesDir, policy), 'utf8'), policy)]));
      return indexes.get(policy)!;
    };
    for (const set of setsMatching(/^qa-.*\.jsonl$/)) {
      for (const [i, r] of jsonl<{ policy: string; q: string }>(path.join(evalDir, set)).slice(0, limit).entries()) {
        const reading = await readMessage(r.q);
        const answer = await answerQuestionReranked(indexFor(r.policy), r.q, undefined);
        const shown = answer.answered ? shownMatches(answer).map((m) => m.section.ordinal) : [];
        write({ kind: 'questions', set, i, decision: { ...reading.decision, answered: answer.answered, sure: answer.answered && answer.sure, shown }, margin: reading.margin, scores: reading.scores });
      }
    }
  }

  if (only.has('drafts')) {
    // The scores of the model that decides (the larger one where it is shipped), beside the checker's decisions.
    const deciding = defaultDraftFolders().dir;
    const draftEncoder = await openOnnxSentenceEncoder(deciding);
    const draftHeads = parseDraftHeads(heads(deciding), draftEncoder.dimensions);
    const checkers = new Map<string, Awaited<ReturnType<typeof loadDraftChecker>>>();
    type DraftRow = { policy: string; draft: string; media: DraftContext['media']; account: DraftContext['account']; audience: DraftContext['audience'] };
    for (const set of setsMatching(/^drafts-blind\d*\.jsonl$/)) {
      for (const [i, r] of jsonl<DraftRow>(path.join(evalDir, set)).slice(0, limit).entries()) {
        if (!checkers.has(r.policy)) {
          const doc = parsePolicyText(fs.readFileSync(path.join(policiesDir, r.policy), 'utf8'), r.policy);
          checkers.set(r.policy, await loadDraftChecker(createPolicyLibrary([doc])));
        }
        const context: DraftContext = { media: r.media, account: r.account, audience: r.audience };
        const result = await checkers.get(r.policy)!.check(r.draft, context);
        const [whole] = await draftEncoder.encode([framedDraft(r.draft, context)]);
        const scores: Record<string, number> = {};
        let margin = Infinity;
        for (const id of DRAFT_CONCERNS) {
          scores[id] = dot(whole, draftHeads[id].weights, draftHeads[id].bias);
          margin = Math.min(margin, Math.abs(scores[id] - draftHeads[id].threshold));
        }
        const [dv] = await encoder.encode([r.draft]);
        scores.draftDisclosure = dot(dv, draftDisclosureHead.weights, draftDisclosureHead.bias);
        margin = Math.min(margin, Math.abs(scores.draftDisclosure - draftDisclosureHead.threshold));
        const report = (await detector.readDraft!(r.draft)).offer;
        const concerns = result.concerns.map((c) => `${c.id}:${c.rule ? c.rule.section : 'none'}`);
        const photoRule = result.photoRule === undefined ? undefined : result.photoRule ? result.photoRule.section : 'none';
        write({ kind: 'drafts', set, i, decision: { verdict: result.verdict, concerns, photoRule, report }, margin, scores });
      }
    }
  }

  if (only.has('rules')) {
    const reader = await loadRuleReader();
    for (const policy of fs.readdirSync(policiesDir).filter((f) => f.endsWith('.txt')).sort()) {
      const index = createPolicyLibrary([parsePolicyText(fs.readFileSync(path.join(policiesDir, policy), 'utf8'), policy)]).index;
      const scored = await scoreRuleCandidates(index, reader.encoder, reader.heads);
      for (const [i, id] of DRAFT_CONCERNS.entries()) {
        const list = scored.get(id) ?? [];
        const [first, second] = list;
        const pick = first && first.logit >= reader.heads.threshold ? first.passage.section.ordinal : 'none';
        // What could change the pick: the best logit crossing the threshold, or the second overtaking the first.
        const margin = Math.min(first ? Math.abs(first.logit - reader.heads.threshold) : Infinity, first && second ? first.logit - second.logit : Infinity);
        write({ kind: 'rules', set: policy, i, decision: { concern: id, pick }, margin, scores: { first: first?.logit ?? NaN, second: second?.logit ?? NaN } });
      }
    }
  }
}

/** Agreement of two runs, per kind and set; the largest change in any score; the nearest any item came to a threshold. */
function compare(a: string, b: string): void {
  const key = (r: Row): string => `${r.kind}|${r.set}|${r.i}`;
  const left = new Map(jsonl<Row>(a).map((r) => [key(r), r]));
  const groups = new Map<string, { n: number; same: number; maxDelta: number; minMargin: number; differ: string[] }>();
  for (const r of jsonl<Row>(b)) {
    const l = left.get(key(r));
    if (!l) continue;
    const g = groups.get(`${r.kind} ${r.set}`) ?? { n: 0, same: 0, maxDelta: 0, minMargin: Infinity, differ: [] };
    groups.set(`${r.kind} ${r.set}`, g);
    g.n++;
    if (JSON.stringify(l.decision) === JSON.stringify(r.decision)) g.same++;
    else g.differ.push(`${r.i}: ${JSON.stringify(l.decision)} -> ${JSON.stringify(r.decision)}`);
    for (const [k, v] of Object.entries(r.scores)) if (Number.isFinite(v) && Number.isFinite(l.scores[k])) g.maxDelta = Math.max(g.maxDelta, Math.abs(v - l.scores[k]));
    g.minMargin = Math.min(g.minMargin, l.margin ?? Infinity, r.margin ?? Infinity);
  }
  let n = 0, same = 0;
  for (const [name, g] of [...groups].sort()) {
    n += g.n; same += g.same;
    console.log(`${name.padEnd(40)} ${String(g.same).padStart(4)}/${String(g.n).padEnd(4)} the same; largest change in a score ${g.maxDelta.toExponential(2)}; nearest to a threshold ${g.minMargin.toFixed(4)}`);
    if (process.argv.includes('--list')) for (const d of g.differ) console.log(`    ${d}`);
  }
  console.log(`all: ${same}/${n} decisions the same`);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--compare');
  if (at >= 0) return compare(process.argv[at + 1], process.argv[at + 2]);
  const file = option('--out');
  if (!file) throw new Error('usage: modelDecisions --out FILE [--only disclosures,questions,drafts,rules] [--limit N] | --compare A B [--list]');
  const only = new Set((option('--only') ?? 'disclosures,questions,drafts,rules').split(','));
  const limit = Number(option('--limit') ?? Infinity);
  const out = fs.createWriteStream(file);
  const started = Date.now();
  await record(out, only, limit);
  await new Promise((resolve) => out.end(resolve));
  console.log(`${file}: written in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
