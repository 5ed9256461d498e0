import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../shared/packageRoot';
import { modelTokens } from './modelText';
import { readMember } from './modelEncoder';
import { ModelFile, ModelLoadError, RankerFile } from './modelFormat';
import { createQuestionBank, QuestionBank, QuestionBankFile } from './questionBank';
import { keptBankIndex } from './bankIndexCache';

/**
 * The model `npm run train` learns from the team's corpus (research/training/answer/ says how, one script per stage): word vectors with a
 * character n-gram part for words it has never seen, two projections (questions, policy text), a linear
 * re-ranker over candidate sections and a decline classifier, and the question bank (questionBank.ts): the corpus's
 * staff questions with the policy text that answers each. The encoder is one or more members trained
 * from different seeds; a text's vector is theirs side by side, each scaled by 1/sqrt(members), so a cosine is
 * the members' mean cosine. Plain arithmetic, no runtime dependency, nothing downloaded: the files ship in
 * models/policy-model/.
 */
export interface LearnedModel {
  readonly dim: number;
  /** A question as a unit vector in the shared space. */
  encodeQuestion(text: string): Float32Array;
  /** Policy text (a passage, a heading) as a unit vector in the shared space. */
  encodePolicyText(text: string): Float32Array;
  /** One word as the model knows it: its unit word vector (before projection) and how much it weighs in a text. */
  word(token: string): { vector: Float32Array; weight: number };
  readonly headingMix: number;
  /** The re-ranker's score for one candidate section from its features (see RANKER_FEATURES): a logit, higher is better. */
  rankScore(features: readonly number[]): number;
  /**
   * The score the decline classifier's features read (rank_score, rank_margin and the best section they describe):
   * the re-ranker's own, or a separate linear ranker's when training fitted one (`--decline-ranker linear`), so
   * whether to answer can be judged apart from how the sections are ordered. Null when it is the re-ranker's.
   */
  readonly declineRankScore: ((features: readonly number[]) => number) | null;
  /** Probability that the policy answers the question, from the decline features (see DECLINE_FEATURES). */
  answerProbability(features: readonly number[]): number;
  readonly answerThreshold: number;
  /** Two questions at least this similar are rewordings of each other (see teachingLinks.ts). */
  readonly rewordingSimilarity: number;
  /**
   * The quote scorer (see QUOTE_FEATURES): a passage's score from its features, in similarity units (similarity
   * weighs 1), higher is the passage that answers.
   */
  quoteScore(features: readonly number[]): number;
  /** How many first letters two words share to count as one word in the quote's prefix_overlap feature. */
  readonly quotePrefix: number;
  /** Words that say nothing about which passage answers (the bank's stop words): left out of prefix_overlap. */
  readonly stopWords: ReadonlySet<string>;
  /** A question word whose best cosine with every policy word is below this counts as a topic the policy never names. */
  readonly unmatchedSimilarity: number;
  /** The corpus's questions and their answers, matched question-to-question (bank.json). */
  readonly bank: QuestionBank;
  /**
   * An answer is sure of its section when the second section's share of the first's probability is under this (sure.json,
   * research/training/answer/sure.py: chosen out of fold on the corpus, issue 50); null (no sure.json): every answer is sure.
   */
  readonly sureShareBelow: number | null;
}

/** The order of the re-ranker's features; research/training/answer/bank.py's FEATURES, checked when the model loads. */
export const RANKER_FEATURES = ['dual', 'passage', 'heading', 'dual_gap', 'dual_rank', 'lex_score', 'lex_coverage', 'lex_rank', 'lex_present', 'soft', 'soft_gap', 'bank', 'bank_gap'] as const;
/** The order of the decline classifier's features; research/training/answer/decline.py's DECLINE_FEATURES. */
export const DECLINE_FEATURES = ['rank_score', 'rank_margin', 'dual', 'passage', 'heading', 'lex_coverage_best', 'lex_coverage_top', 'lex_score_best', 'lex_any', 'soft_best', 'soft_top', 'policy_soft', 'policy_unmatched', 'bank_top', 'bank_best', 'bank_uncovered', 'bank_uncovered_other'] as const;

/**
 * The order of the quote scorer's features; research/training/answer/quote.py's QUOTE_FEATURES. A model trained before the scorer
 * (model.json with quoteLexicalWeight instead) is read as the earlier rule: similarity + that weight x lexical.
 */
export const QUOTE_FEATURES = ['similarity', 'lexical', 'bank_share', 'first', 'log_length', 'prefix_overlap'] as const;

/** Where the shipped model lives, from the repository root (src/ and dist/src/ alike). */
export const DEFAULT_MODEL_DIR = path.join(packageRoot(__dirname), 'models', 'policy-model');

let cached: { dir: string; model: LearnedModel } | null = null;

/** Loads the shipped model once a process (later calls reuse it). */
export function loadLearnedModel(dir: string = DEFAULT_MODEL_DIR): LearnedModel {
  if (cached && cached.dir === dir) return cached.model;
  const model = readModel(dir);
  cached = { dir, model };
  return model;
}

function readModel(dir: string): LearnedModel {
  const metaPath = path.join(dir, 'model.json');
  if (!fs.existsSync(metaPath)) throw new ModelLoadError(`No model at ${metaPath}: run npm run train`);
  const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')) as ModelFile;
  if (meta.format !== 3) throw new ModelLoadError(`Model format ${meta.format} is not supported: run npm run train`);
  if (meta.ranker.features.join() !== RANKER_FEATURES.join() || meta.decline.features.join() !== DECLINE_FEATURES.join()
    || (meta.declineRanker && meta.declineRanker.features.join() !== RANKER_FEATURES.join())) {
    throw new ModelLoadError('The model was trained with other features than this code computes');
  }
  if (!Array.isArray(meta.members) || meta.members.length === 0) throw new ModelLoadError('The model has no encoder members');
  const quote = meta.quote ?? { features: [...QUOTE_FEATURES], weights: [1, meta.quoteLexicalWeight ?? 0, 0, 0, 0, 0], prefix: 5 };
  if (quote.features.join() !== QUOTE_FEATURES.join() || quote.weights.length !== QUOTE_FEATURES.length) {
    throw new ModelLoadError('The model was trained with other quote features than this code computes');
  }
  const blob = fs.readFileSync(path.join(dir, 'vectors.bin'));
  const reader = { offset: 0 };
  // The vocabulary's word -> row map, built once and shared by every member.
  const index = new Map<string, number>();
  meta.words.forEach((w, i) => index.set(w, i));
  const members = meta.members.map((m) => readMember(meta, m, index, blob, reader));
  if (reader.offset !== blob.length) throw new ModelLoadError('vectors.bin does not match model.json');
  const bankPath = path.join(dir, 'bank.json');
  if (!fs.existsSync(bankPath)) throw new ModelLoadError(`No question bank at ${bankPath}: run npm run train`);
  const bankBytes = fs.readFileSync(bankPath);
  if (crypto.createHash('sha256').update(bankBytes).digest('hex') !== meta.bankSha256) throw new ModelLoadError('bank.json does not match model.json');
  const bankFile = JSON.parse(bankBytes.toString('utf8')) as QuestionBankFile;
  // Its lookup index is read back from the last start's when the bank and the code are the same (bankIndexCache.ts).
  const bank = createQuestionBank(bankFile, keptBankIndex(bankFile, meta.bankSha256));

  const part = meta.dim;
  const dim = part * members.length;
  const share = 1 / Math.sqrt(members.length);
  /** The members' unit vectors side by side, each scaled so the whole is a unit vector again. */
  const joined = (parts: Float32Array[]): Float32Array => {
    // One member is its own unit vector already: no copy on the answer path.
    if (parts.length === 1) return parts[0];
    const out = new Float32Array(dim);
    parts.forEach((v, k) => {
      for (let d = 0; d < part; d++) out[k * part + d] = v[d] * share;
    });
    return out;
  };

  const dec = meta.decline;
  return {
    sureShareBelow: readSureShare(dir),
    dim,
    headingMix: meta.headingMix,
    answerThreshold: dec.threshold,
    rewordingSimilarity: meta.rewordingSimilarity,
    quoteScore: (features) => features.reduce((sum, x, k) => sum + x * quote.weights[k], 0),
    quotePrefix: quote.prefix,
    stopWords: new Set(bankFile.stopWords),
    unmatchedSimilarity: meta.unmatchedSimilarity,
    bank,
    encodeQuestion: (text) => {
      const tokens = modelTokens(text);
      return joined(members.map((m) => m.encode(tokens, m.wq)));
    },
    encodePolicyText: (text) => {
      const tokens = modelTokens(text);
      return joined(members.map((m) => m.encode(tokens, m.wp)));
    },
    word: (token) => {
      const parts = members.map((m) => m.word(token));
      return { vector: joined(parts.map((p) => p.vector)), weight: parts.reduce((sum, p) => sum + p.weight, 0) / parts.length };
    },
    rankScore: (features) => rankerScore(meta.ranker, features),
    declineRankScore: meta.declineRanker ? (features) => rankerScore(meta.declineRanker!, features) : null,
    answerProbability(features) {
      let v = features.map((x, i) => (x - dec.mean[i]) / dec.std[i]);
      if (dec.hidden) {
        v = tanhLayer(v, dec.hidden.weights, dec.hidden.bias);
      }
      const z = v.reduce((sum, x, i) => sum + x * dec.coef[i], dec.bias);
      return 1 / (1 + Math.exp(-z));
    },
  };
}

/** A ranker's score for one candidate's features: the linear score, plus the hidden layer's when it has one. */
function rankerScore(ranker: RankerFile, features: readonly number[]): number {
  const { weights, hidden } = ranker;
  let score = features.reduce((sum, x, k) => sum + x * weights[k], 0);
  if (hidden) {
    const z = features.map((x, k) => (x - hidden.mean[k]) / hidden.std[k]);
    tanhLayer(z, hidden.weights, hidden.bias).forEach((a, h) => { score += hidden.out[h] * a; });
  }
  return score;
}

/** A hidden layer's activations: tanh of each row's weighted sum of `v` plus its bias (the re-ranker's and the decline classifier's). */
function tanhLayer(v: readonly number[], weights: readonly number[][], bias: readonly number[]): number[] {
  return weights.map((row, h) => Math.tanh(row.reduce((sum, w, i) => sum + w * v[i], bias[h])));
}

/** sure.json's cut-off, checked: a share between 0 and 1. */
function readSureShare(dir: string): number | null {
  const file = path.join(dir, 'sure.json');
  if (!fs.existsSync(file)) return null;
  const s = (JSON.parse(fs.readFileSync(file, 'utf8')) as { secondShareBelow?: unknown }).secondShareBelow;
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) throw new ModelLoadError('sure.json must give secondShareBelow, a share from 0 to 1');
  return s;
}
