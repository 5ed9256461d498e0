import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The files of the learned model (models/policy-model/, written by research/training/answer/write_model.py): model.json's format, the error
 * a file that cannot be used raises, and the corpus fingerprint training records. learnedModel.ts reads them.
 */

/** One encoder member as model.json describes it; its vectors follow in vectors.bin. */
export interface ModelMember {
  oovWeight: number;
  wq: number[][];
  wp: number[][];
}

/** A re-ranker as model.json holds it. */
export interface RankerFile {
  features: string[];
  weights: number[];
  /** A hidden tanh layer over the standardised features, added to the linear score (`--ranker mlp`). */
  hidden?: { mean: number[]; std: number[]; weights: number[][]; bias: number[]; out: number[] } | null;
}

/** model.json: the model's settings, heads and encoder members (format 3). */
export interface ModelFile {
  format: number;
  dim: number;
  ngram: { buckets: number; min: number; max: number };
  words: string[];
  /** Each member's projections and the weight of a word it never saw; its vectors follow in vectors.bin in turn. */
  members: ModelMember[];
  headingMix: number;
  rewordingSimilarity: number;
  quote?: { features: string[]; weights: number[]; prefix: number };
  /** Models trained before the quote scorer: the lexical passage score's weight beside similarity. */
  quoteLexicalWeight?: number;
  unmatchedSimilarity: number;
  ranker: RankerFile;
  /** `--decline-ranker linear`: the decline classifier reads this ranker's scores; the one above orders the sections. */
  declineRanker?: RankerFile | null;
  decline: {
    features: string[]; mean: number[]; std: number[]; coef: number[]; bias: number; threshold: number;
    /** A hidden tanh layer before the output, when training chose one (`--decline mlp`). */
    hidden: { weights: number[][]; bias: number[] } | null;
  };
  vectorsSha256: string;
  bankSha256: string;
}

/** A model file that cannot be used: missing, from another format, or not the features this code computes. */
export class ModelLoadError extends Error {
  readonly code = 'MODEL_LOAD_FAILED';
}

/**
 * sha256 over the corpus's policies and questions (file names and contents, in name order): training records
 * it, so a test can tell that the shipped model was trained on the corpus in the repository.
 */
export function corpusFingerprint(corpusDir: string): string {
  const hash = crypto.createHash('sha256');
  for (const folder of ['policies', 'questions']) {
    for (const name of fs.readdirSync(path.join(corpusDir, folder)).sort()) {
      hash.update(`${folder}/${name}\n`);
      hash.update(fs.readFileSync(path.join(corpusDir, folder, name)));
    }
  }
  return hash.digest('hex');
}
