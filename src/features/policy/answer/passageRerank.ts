import crypto from 'node:crypto';
import { SentenceEncoder } from '../../../shared/sentenceEncoder';
import { PolicyDocument } from '../policyDocument';
import { LearnedRanking, passageText, rankableSections, RankedSection, sectionHeadingText } from './learnedRanking';
import { splitPassages } from './passages';
import { Reranker } from './rerank';

/**
 * The answering stack read beside a larger pretrained sentence encoder (issue 70: all-mpnet-base-v2, int8, run as every
 * CPU runs it the same). Every passage of the policy (with its section's heading, as "heading : passage") is encoded
 * once, when the policy is first seen, and kept; a question then costs one encode. Each of the stack's first `sections`
 * sections gets a score from a small logistic model over what the stack says of it and what the encoder says of it
 * (its best passage's cosine, its rank, their margins), learnt out of fold on the corpus (research/training/answer_encoder/);
 * the sections are ordered by that score, and the answer is sure when the first one's share of the candidates'
 * probability is at least the threshold chosen out of fold at 97% precision. Declining stays the stack's.
 */
export interface PassageMixSettings {
  /** How many of the stack's top sections are candidates. */
  sections: number;
  /** The candidates' order: by the learnt mix of scores, or by reciprocal ranks of the stack's and the encoder's orders. */
  order: 'mix' | 'fused';
  /** Weights over passageMixFeatures' columns, and the bias. */
  weights: number[];
  bias: number;
  /** Sure when the first candidate's softmax share of the mix's logits is at least this. */
  sureShare: number;
}

/** The columns passageMixFeatures writes, in order (training writes the same, research/training/answer_encoder/). */
export const PASSAGE_MIX_FEATURES = ['stackMargin', 'stackRank', 'cosine', 'cosineMargin', 'cosineRank'] as const;

/** A heads.json whose mix cannot be used. */
export class PassageMixSettingsError extends Error {
  override readonly name = 'PassageMixSettingsError';
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads heads.json's `mix` entry. */
export function parsePassageMixSettings(json: unknown): PassageMixSettings {
  const m = (json as { mix?: Record<string, unknown> } | null)?.mix;
  const w = m?.weights;
  if (!m || !Number.isInteger(m.sections) || (m.sections as number) < 1 || (m.order !== 'mix' && m.order !== 'fused')
    || !Array.isArray(w) || w.length !== PASSAGE_MIX_FEATURES.length || !w.every(finite) || !finite(m.bias) || !finite(m.sureShare)) {
    throw new PassageMixSettingsError(`heads.json's mix needs sections, order (mix or fused), ${PASSAGE_MIX_FEATURES.length} weights, a bias and sureShare`);
  }
  return { sections: m.sections as number, order: m.order, weights: w as number[], bias: m.bias as number, sureShare: m.sureShare as number };
}

/** The text the encoder reads for a passage: its section's heading, then the passage with its lead-in. */
export function encodedPassageText(doc: PolicyDocument, heading: string, passage: { text: string; leadIn: string | null }): string {
  return `${heading} : ${passageText(passage)}`;
}

/** One section's passage vectors, unit length, keyed by the passage's text as read. */
interface DocVectors { byText: Map<string, Float32Array> }

/** Where a policy's passage vectors may be kept between starts (passageVectorCache.ts), or nothing. */
export interface PassageVectorStore {
  read(key: string, count: number, dimensions: number): Float32Array[] | undefined;
  write(key: string, vectors: readonly Float32Array[]): void;
}

/** The re-ranker, and `prepare`, which encodes a policy's passages (when it is loaded or published) before its first question. */
export interface PassageReranker extends Reranker {
  prepare(docs: readonly PolicyDocument[]): Promise<void>;
}

const unit = (v: Float32Array): Float32Array => {
  let n = 0;
  for (const x of v) n += x * x;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return Float32Array.from(v, (x) => x * s);
};

const dotOf = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Every text the encoder reads for a document, in order: each rankable section's passages. */
export function documentPassageTexts(doc: PolicyDocument): string[] {
  const texts: string[] = [];
  for (const section of rankableSections(doc)) {
    const heading = sectionHeadingText(doc, section);
    for (const p of splitPassages(section.text)) texts.push(encodedPassageText(doc, heading, p));
  }
  return texts;
}

/**
 * Per candidate section (the stack's order), the mix's columns: the stack's score less its first's, 1 / (1 + the stack's
 * rank), the section's best passage cosine, that cosine less the best over all the policy's sections, and 1 / (1 + its
 * rank by cosine among them). Exported for the tests and the eval.
 */
export function passageMixFeatures(stackScores: readonly number[], cosines: readonly number[], candidates: number): number[][] {
  const byCosine = cosines.map((_, i) => i).sort((a, b) => cosines[b] - cosines[a] || a - b);
  const cosineRank = new Array<number>(cosines.length);
  byCosine.forEach((i, r) => { cosineRank[i] = r; });
  const best = cosines[byCosine[0]] ?? 0;
  const rows: number[][] = [];
  for (let i = 0; i < Math.min(candidates, stackScores.length); i++) {
    rows.push([stackScores[i] - stackScores[0], 1 / (1 + i), cosines[i], cosines[i] - best, 1 / (1 + cosineRank[i])]);
  }
  return rows;
}

/** The candidates' order (indexes into them) and the first one's share, by the settings' design. */
export function mixOrder(settings: PassageMixSettings, rows: readonly number[][]): { order: number[]; logits: number[]; share: number } {
  const logits = rows.map((x) => x.reduce((s, v, k) => s + v * settings.weights[k], settings.bias));
  let order: number[];
  if (settings.order === 'mix') order = logits.map((_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  else {
    // Reciprocal ranks: the stack's rank is i, the encoder's is the cosine's rank among the candidates.
    const byCosine = rows.map((_, i) => i).sort((a, b) => rows[b][2] - rows[a][2] || a - b);
    const fused = rows.map((_, i) => 1 / (61 + i));
    byCosine.forEach((i, r) => { fused[i] += 1 / (61 + r); });
    order = rows.map((_, i) => i).sort((a, b) => fused[b] - fused[a] || a - b);
  }
  const top = Math.max(...logits);
  const total = logits.reduce((s, l) => s + Math.exp(l - top), 0);
  const share = Math.exp(logits[order[0]] - top) / total;
  return { order, logits, share };
}

/**
 * The re-ranker over a sentence encoder and its settings. A policy whose passages are still being encoded is answered by
 * the stack alone (its first question starts the encoding if `prepare` was not called), so no answer waits for them.
 */
export function createPassageReranker(encoder: SentenceEncoder, settings: PassageMixSettings, store?: PassageVectorStore): PassageReranker {
  const docs = new WeakMap<PolicyDocument, Promise<DocVectors>>();
  const ready = new WeakMap<PolicyDocument, DocVectors>();
  const vectorsOf = (doc: PolicyDocument): Promise<DocVectors> => {
    let p = docs.get(doc);
    if (!p) {
      p = (async () => {
        const texts = documentPassageTexts(doc);
        const key = crypto.createHash('sha256').update(encoder.model.sha256).update('\n').update(texts.join('\n')).digest('hex');
        let vectors = store?.read(key, texts.length, encoder.dimensions);
        if (!vectors) {
          vectors = (await encoder.encode(texts, { background: true })).map(unit);
          store?.write(key, vectors);
        }
        const byText = new Map<string, Float32Array>();
        texts.forEach((t, i) => byText.set(t, vectors![i]));
        const done = { byText };
        ready.set(doc, done);
        return done;
      })();
      docs.set(doc, p);
      p.catch(() => docs.delete(doc));
    }
    return p;
  };
  return {
    model: encoder.model,
    async prepare(list) {
      await Promise.all(list.map(vectorsOf));
    },
    async rerank(question, ranking) {
      if (!ranking.answered || ranking.ranked.length === 0) return ranking;
      const all = ranking.ranked;
      const known = all.map((r) => ready.get(r.doc));
      if (known.some((k) => !k)) {
        for (const r of all) void vectorsOf(r.doc).catch(() => undefined);
        return ranking;
      }
      const [q] = await encoder.encode([question]);
      const qv = unit(q);
      const cosines = all.map((r, i) => {
        const heading = sectionHeadingText(r.doc, r.section);
        let best = -1;
        for (const p of r.passages) {
          const v = known[i]!.byText.get(encodedPassageText(r.doc, heading, p.passage));
          if (v) best = Math.max(best, dotOf(qv, v));
        }
        return best;
      });
      const rows = passageMixFeatures(all.map((r) => r.score), cosines, settings.sections);
      const { order, logits, share } = mixOrder(settings, rows);
      // Section scores stay in the mix's logit units and fall in the order shown, so "a close second" reads them as before.
      let floor = Infinity;
      const reread: RankedSection[] = order.map((i) => {
        floor = Math.min(floor, logits[i]);
        return { ...all[i], score: floor };
      });
      const rest = all.slice(rows.length).map((r, k) => ({ ...r, score: floor - 1 - k }));
      return { ...ranking, ranked: [...reread, ...rest], sure: share >= settings.sureShare } satisfies LearnedRanking;
    },
  };
}
