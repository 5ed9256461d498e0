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
