import { ModelFile, ModelLoadError, ModelMember } from './modelFormat';

/**
 * One encoder member of the learned model: word vectors with a character n-gram part for words it has never seen
 * (hashed as research/training/answer/data.py hashes them), word weights, and the two projections (questions, policy text). A text's
 * vector is its words' weighted mean, projected and made a unit vector. Plain arithmetic over vectors.bin.
 */

/** 32-bit FNV-1a over UTF-8 bytes: research/training/answer/data.py hashes character n-grams the same way. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** One encoder member: its word and n-gram vectors, word weights and projections. */
export interface Member {
  wq: Float32Array;
  wp: Float32Array;
  /** A text's tokens as this member's unit vector under a projection (all zeros for a text with no words). */
  encode(tokens: readonly string[], projection: Float32Array): Float32Array;
  /** One word as this member knows it: its unit word vector (before projection) and its weight in a text. */
  word(token: string): { vector: Float32Array; weight: number };
}

/** Reads one member's vectors from vectors.bin at `reader.offset` (moving it on), quantised rows made floats. */
export function readMember(meta: ModelFile, m: ModelMember, index: ReadonlyMap<string, number>, blob: Buffer, reader: { offset: number }): Member {
  const dim = meta.dim;
  const n = meta.words.length;
  const buckets = meta.ngram.buckets;
  const int8 = (count: number): Int8Array => {
    if (reader.offset + count > blob.length) throw new ModelLoadError('vectors.bin does not match model.json');
    const a = new Int8Array(count);
    a.set(new Int8Array(blob.buffer, blob.byteOffset + reader.offset, count));
    reader.offset += count;
    return a;
  };
  const float32 = (count: number): Float32Array => {
    if (reader.offset + count * 4 > blob.length) throw new ModelLoadError('vectors.bin does not match model.json');
    const a = new Float32Array(count);
    new Uint8Array(a.buffer).set(blob.subarray(reader.offset, reader.offset + count * 4));
    reader.offset += count * 4;
    return a;
  };
  const wordQ = int8(n * dim);
  const wordScale = float32(n);
  const gramQ = int8(buckets * dim);
  const gramScale = float32(buckets);
  const weights = float32(n);
  const wordVectors = dequantise(wordQ, wordScale, dim);
  const gramVectors = dequantise(gramQ, gramScale, dim);

  const gramsOf = (word: string): number[] => {
    const w = `<${word}>`;
    const out: number[] = [];
    for (let len = meta.ngram.min; len <= meta.ngram.max; len++) {
      for (let i = 0; i + len <= w.length; i++) out.push(fnv1a(w.slice(i, i + len)) % buckets);
    }
    return out;
  };

  /** Adds `share` times a word's vector into `into`: its own row, or for a word never seen, its n-grams' mean. */
  const addWord = (token: string, into: Float32Array, share: number): number => {
    const i = index.get(token);
    if (i !== undefined) {
      const base = i * dim;
      for (let d = 0; d < dim; d++) into[d] += share * weights[i] * wordVectors[base + d];
      return weights[i];
    }
    // A word the model has never seen (a typo, a new name): its character n-grams stand for it.
    const grams = gramsOf(token);
    const each = (share * m.oovWeight) / grams.length;
    for (const g of grams) {
      const base = g * dim;
      for (let d = 0; d < dim; d++) into[d] += each * gramVectors[base + d];
    }
    return m.oovWeight;
  };

  const encode = (tokens: readonly string[], projection: Float32Array): Float32Array => {
    const sum = new Float32Array(dim);
    let total = 0;
    for (const token of tokens) total += addWord(token, sum, 1);
    const out = new Float32Array(dim);
    if (total === 0) return out;
    let norm = 0;
    for (let r = 0; r < dim; r++) {
      let acc = 0;
      const row = r * dim;
      for (let c = 0; c < dim; c++) acc += projection[row + c] * sum[c];
      out[r] = acc / total;
      norm += out[r] * out[r];
    }
    return normalise(out, Math.sqrt(norm));
  };

  const word = (token: string): { vector: Float32Array; weight: number } => {
    const v = new Float32Array(dim);
    const weight = addWord(token, v, 1);
    // addWord scaled the vector by the word's weight; a unit vector does not care.
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[d] * v[d];
    return { vector: normalise(v, Math.sqrt(norm)), weight };
  };

  return { wq: flatten(m.wq), wp: flatten(m.wp), encode, word };
}


function normalise(v: Float32Array, norm: number): Float32Array {
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

function dequantise(q: Int8Array, scale: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let r = 0; r < scale.length; r++) {
    const s = scale[r];
    for (let d = 0; d < dim; d++) out[r * dim + d] = q[r * dim + d] * s;
  }
  return out;
}

function flatten(m: number[][]): Float32Array {
  const out = new Float32Array(m.length * m[0].length);
  m.forEach((row, r) => row.forEach((v, c) => (out[r * row.length + c] = v)));
  return out;
}

/** Cosine of two unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
