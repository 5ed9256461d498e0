/**
 * Port: a pretrained sentence encoder. Each text becomes one vector (the mean of its token vectors, not normalised),
 * in the order given. The product has one adapter (ONNX Runtime over the shipped model, src/adapters/onnxEncoder);
 * tests use that model or a fake of this port.
 */
export interface SentenceEncoder {
  /** The length of each vector. */
  readonly dimensions: number;
  /** The model's name and the SHA-256 of its file, for /healthz and the training record. */
  readonly model: { name: string; sha256: string };
  /** One vector per text. Texts longer than the model reads are cut at its token limit. */
  encode(texts: readonly string[]): Promise<Float32Array[]>;
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
  encodePairs(pairs: readonly (readonly [string, string])[]): Promise<Float32Array[]>;
}
