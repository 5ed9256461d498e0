import { PairEncoder } from '../../../shared/sentenceEncoder';
import { LearnedRanking, passageText, RankedSection, sectionHeadingText } from './learnedRanking';
import { dot } from './modelEncoder';

/**
 * The cross-encoder re-ranker (issue 50): the question read together with each of the stack's best candidate passages
 * (a passage with its section's heading) by a transformer fine-tuned from pretrained weights (research/training/rerank/), whose
 * head scores how well the passage answers the question. It reorders the stack's top sections by their best passage,
 * makes that passage the quote, may decline what no passage answers, and says whether it is sure of its first section.
 * Its settings were set in training on the corpus out of fold (research/DECISIONS.md, issue 50), never on the
 * evaluation sets, and ship in the model folder's heads.json.
 */
export interface RerankSettings {
  /** The head over the pair's vector: a logit, higher is a better answer. */
  weights: Float32Array;
  bias: number;
  /** How many of the stack's top sections are read, and how many passages of each (in the stack's quote order). */
  sections: number;
  passages: number;
  /** How the sections read are ordered: by the cross-encoder alone, or its order fused with the stack's (reciprocal ranks). */
  order: 'crossEncoder' | 'fused';
  /** Declined when the best passage's logit is under this; null: the stack alone declines. */
  declineBelow: number | null;
  /** Sure of the first section when sigmoid(weights . [top logit, margin to the next section's best] + bias) >= threshold. */
  sure: { weights: [number, number]; bias: number; threshold: number };
}

/** Port of the answering stack: re-reads a ranking with the question. */
export interface Reranker {
  /** The model's name and graph checksum, for /healthz and the training record. */
  readonly model: { name: string; sha256: string };
  /** The ranking reordered, its quotes chosen and `sure` set; a declined ranking comes back as it was. */
  rerank(question: string, ranking: LearnedRanking): Promise<LearnedRanking>;
}

/** A heads.json whose re-ranker settings cannot be used. */
export class RerankSettingsError extends Error {
  override readonly name = 'RerankSettingsError';
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads heads.json's `rerank` entry (research/training/rerank/ship.py), checked against the encoder's vector length. */
export function parseRerankSettings(json: unknown, dimensions: number): RerankSettings {
  const r = (json as { rerank?: Record<string, unknown> } | null)?.rerank;
  const weights = r?.weights;
  if (!Array.isArray(weights) || weights.length !== dimensions || !weights.every(finite)) {
    throw new RerankSettingsError(`The re-ranker's head must have ${dimensions} finite weights`);
  }
  const sure = r?.sure as { weights?: unknown; bias?: unknown; threshold?: unknown } | undefined;
  const sureWeights = sure?.weights;
  if (!finite(r?.bias) || !Number.isInteger(r?.sections) || !Number.isInteger(r?.passages) || (r?.sections as number) < 1 || (r?.passages as number) < 1
    || (r?.order !== 'crossEncoder' && r?.order !== 'fused') || !(r?.declineBelow === null || finite(r?.declineBelow))
    || !Array.isArray(sureWeights) || sureWeights.length !== 2 || !sureWeights.every(finite) || !finite(sure?.bias) || !finite(sure?.threshold)) {
    throw new RerankSettingsError('The re-ranker needs a bias, its sections and passages, its order, declineBelow (or null) and its sure model');
  }
  return {
    weights: Float32Array.from(weights as number[]), bias: r.bias as number, sections: r.sections as number, passages: r.passages as number,
    order: r.order, declineBelow: r.declineBelow as number | null,
    sure: { weights: [sureWeights[0] as number, sureWeights[1] as number], bias: sure!.bias as number, threshold: sure!.threshold as number },
  };
}

/** The pair the cross-encoder reads for a passage, as training wrote it (research/training/rerank/build_pairs.py pair_text). */
export function rerankPairText(r: RankedSection, passage: { text: string; leadIn: string | null }): string {
  return `${sectionHeadingText(r.doc, r.section)} : ${passageText(passage)}`;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The re-ranker over a pair encoder and its settings. */
export function createReranker(encoder: PairEncoder, settings: RerankSettings): Reranker {
  return {
    model: encoder.model,
    async rerank(question, ranking) {
      if (!ranking.answered || ranking.ranked.length === 0) return ranking;
      const head = ranking.ranked.slice(0, settings.sections);
      const pairs: [string, string][] = [];
      const where: [number, number][] = [];
      head.forEach((r, si) => r.passages.slice(0, settings.passages).forEach((p, pi) => {
        pairs.push([question, rerankPairText(r, p.passage)]);
        where.push([si, pi]);
      }));
      const vectors = await encoder.encodePairs(pairs);
      const logits = head.map((r) => new Array<number>(Math.min(settings.passages, r.passages.length)).fill(-Infinity));
      vectors.forEach((v, k) => { logits[where[k][0]][where[k][1]] = dot(settings.weights, v) + settings.bias; });
      const best = logits.map((ls) => Math.max(...ls));
      const crossOrder = head.map((_, i) => i).sort((a, b) => best[b] - best[a] || a - b);
      const order = settings.order === 'crossEncoder' ? crossOrder : fusedOrder(crossOrder);
      const top = best[crossOrder[0]];
      const next = crossOrder.length > 1 ? best[crossOrder[1]] : top - 10;
      const sure = sigmoid(settings.sure.weights[0] * top + settings.sure.weights[1] * (top - next) + settings.sure.bias) >= settings.sure.threshold;
      const declined = settings.declineBelow !== null && top < settings.declineBelow;
      // Section scores stay in logit units and fall in the order shown, so "a close second" reads them as before.
      let floor = Infinity;
      const reread: RankedSection[] = order.map((i) => {
        floor = Math.min(floor, best[i]);
        return { ...head[i], score: floor, passages: withQuoteFirst(head[i], logits[i]) };
      });
      const rest = ranking.ranked.slice(settings.sections).map((r, k) => ({ ...r, score: floor - 1 - k }));
      return { ...ranking, answered: !declined, ranked: [...reread, ...rest], sure };
    },
  };
}

/** Reciprocal-rank fusion of the stack's order (0, 1, 2, ...) and the cross-encoder's; ties keep the stack's order. */
function fusedOrder(crossOrder: number[]): number[] {
  const fused = crossOrder.map((_, i) => 1 / (61 + i));
  crossOrder.forEach((i, pos) => { fused[i] += 1 / (61 + pos); });
  return crossOrder.map((_, i) => i).sort((a, b) => fused[b] - fused[a] || a - b);
}

/**
 * The section's passages, the cross-encoder's order first (its best is the quote), then the ones it did not read, in
 * the stack's order. Their scores become its logits, so the quote's neighbour joins it only when it reads as well.
 */
function withQuoteFirst(r: RankedSection, logits: number[]): RankedSection['passages'] {
  const read = logits.map((l, i) => ({ ...r.passages[i], score: l })).sort((a, b) => b.score - a.score);
  const low = read.length > 0 ? read[read.length - 1].score : 0;
  return [...read, ...r.passages.slice(logits.length).map((p, k) => ({ ...p, score: low - 1 - k }))];
}
