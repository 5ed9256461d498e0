/**
 * Port: a pretrained sentence encoder. Each text becomes one vector (the mean of its token vectors, not normalised),
 * in the order given. The product has one adapter (ONNX Runtime over the shipped model, src/adapters/onnxEncoder);
 * tests use that model or a fake of this port.
 */
/** How a piece of encoding work is scheduled. */
export interface EncodeOptions {
  /**
   * Work that may wait behind work asked for now (a draft's sentences, a policy's passages): an encoder that runs one
   * text at a time takes every text asked for now first. Messages and questions are read now, the default.
   */
  background?: boolean;
}

export interface SentenceEncoder {
  /** The length of each vector. */
  readonly dimensions: number;
  /** The model's name and the SHA-256 of its file, for /healthz and the training record. */
  readonly model: { name: string; sha256: string };
  /** One vector per text. Texts longer than the model reads are cut at its token limit. */
  encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]>;
}

/**
 * Port: the same encoder reading two texts together, as a cross-encoder does ([CLS] first [SEP] second [SEP], the second
 * text's tokens of type 1): one vector per pair, for a head that scores how well the second answers the first. A pair
 * longer than the model reads keeps the first text and cuts the second.
 */
export interface PairEncoder {
  readonly dimensions: number;
  readonly model: { name: string; sha256: string };
  /** One vector per pair, in order. */
  encodePairs(pairs: readonly (readonly [string, string])[], options?: EncodeOptions): Promise<Float32Array[]>;
}

/**
 * A head's weights as read from a heads.json: an array of exactly `length` finite numbers (one per vector dimension,
 * and any features a head adds), as a Float32Array; undefined for anything else, for the caller to name in its error.
 */
export function headWeights(value: unknown, length: number): Float32Array | undefined {
  if (!Array.isArray(value) || value.length !== length || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
  return Float32Array.from(value as number[]);
}
