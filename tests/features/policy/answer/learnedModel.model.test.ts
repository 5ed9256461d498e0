import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL_DIR, loadLearnedModel, QUOTE_FEATURES } from '../../../../src/features/policy/answer/learnedModel';
import { dot } from '../../../../src/features/policy/answer/modelEncoder';
import { corpusFingerprint, ModelLoadError } from '../../../../src/features/policy/answer/modelFormat';

const record = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'training-record.json'), 'utf8')) as {
  data: { corpus_sha256: string };
  probes: { text: string; question: number[]; policy: number[] }[];
  ranker_probes: { features: number[]; score: number }[];
  decline_ranker_probes: { features: number[]; score: number }[];
  quote: { features: string[]; probes: { features: number[][]; scores: number[] }[] };
};
interface ShippedMeta {
  dim: number;
  words: string[];
  ngram: { buckets: number };
  members?: { oovWeight: number; wq: number[][]; wp: number[][] }[];
  oovWeight?: number;
  wq?: number[][];
  wp?: number[][];
}
const meta = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8')) as { vectorsSha256: string };

describe('the shipped policy model', () => {
  it('when its vectors are read, then they are the bytes training wrote (checksum)', () => {
    const sha = crypto.createHash('sha256').update(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'vectors.bin'))).digest('hex');
    expect(sha).toBe(meta.vectorsSha256);
  });

  it('when the corpus in the repository is hashed, then it is the corpus the model was trained on', () => {
    expect(corpusFingerprint(path.resolve(DEFAULT_MODEL_DIR, '..', '..', 'research', 'corpus'))).toBe(record.data.corpus_sha256);
  });

  it('when the probe texts are encoded here, then the vectors are the ones training computed (int8 storage aside)', () => {
    const model = loadLearnedModel();
    expect(record.probes.length).toBeGreaterThanOrEqual(3);
    for (const probe of record.probes) {
      expect(dot(model.encodeQuestion(probe.text), Float32Array.from(probe.question))).toBeGreaterThan(0.999);
      expect(dot(model.encodePolicyText(probe.text), Float32Array.from(probe.policy))).toBeGreaterThan(0.999);
    }
  });

  it('when the probe candidates are scored here, then the re-ranker gives the scores training computed', () => {
    const model = loadLearnedModel();
    expect(record.ranker_probes.length).toBeGreaterThanOrEqual(3);
    for (const probe of record.ranker_probes) expect(model.rankScore(probe.features)).toBeCloseTo(probe.score, 4);
  });

  it('when the decline classifier reads its own linear ranker (train.py --decline-ranker linear), then those candidates score here as in training, apart from the ordering ranker', () => {
    const model = loadLearnedModel();
    expect(model.declineRankScore).not.toBeNull();
    expect(record.decline_ranker_probes.length).toBeGreaterThanOrEqual(3);
    for (const probe of record.decline_ranker_probes) expect(model.declineRankScore!(probe.features)).toBeCloseTo(probe.score, 4);
    // The two rankers differ: the ordering one has a hidden layer, so the decline side really reads the other.
    expect(record.decline_ranker_probes.some((p) => Math.abs(model.rankScore(p.features) - p.score) > 0.01)).toBe(true);
  });

  it('when a model was trained with a hidden layer in its re-ranker (--ranker mlp), then its candidates score here as in training', () => {
    const mlp = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../fixtures/ranker-mlp.json'), 'utf8')) as { ranker: { hidden: unknown }; probes: { features: number[]; score: number }[] };
    expect(mlp.ranker.hidden).not.toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-mlp-'));
    for (const name of ['vectors.bin', 'bank.json']) fs.copyFileSync(path.join(DEFAULT_MODEL_DIR, name), path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...meta, ranker: mlp.ranker }));
    const model = loadLearnedModel(dir);
    for (const probe of mlp.probes) expect(model.rankScore(probe.features)).toBeCloseTo(probe.score, 4);
    // The same features under the shipped linear ranker score differently: the hidden layer is really read.
    expect(mlp.probes.some((p) => Math.abs(loadLearnedModel().rankScore(p.features) - p.score) > 0.1)).toBe(true);
  });

  it('when the probe sections\' passages are scored here, then the quote scorer gives the scores training computed', () => {
    const model = loadLearnedModel();
    expect(record.quote.features).toEqual([...QUOTE_FEATURES]);
    expect(record.quote.probes.length).toBeGreaterThanOrEqual(3);
    for (const probe of record.quote.probes) probe.features.forEach((f, k) => expect(model.quoteScore(f)).toBeCloseTo(probe.scores[k], 4));
  });

  it('when a model from before the quote scorer is loaded, then it quotes by its similarity plus its lexical weight', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-old-quote-'));
    for (const name of ['vectors.bin', 'bank.json']) fs.copyFileSync(path.join(DEFAULT_MODEL_DIR, name), path.join(dir, name));
    const { quote: _quote, ...older } = meta as unknown as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...older, quoteLexicalWeight: 0.3 }));
    const model = loadLearnedModel(dir);
    expect(model.quoteScore([0.5, 1, 1, 1, 3, 1])).toBeCloseTo(0.8, 6);
  });

  it('when a model\'s quote scorer reads other features, then loading fails with a named error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-quote-'));
    for (const name of ['vectors.bin', 'bank.json']) fs.copyFileSync(path.join(DEFAULT_MODEL_DIR, name), path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...meta, quote: { features: ['similarity', 'lexical'], weights: [1, 0.3], prefix: 5 } }));
    expect(() => loadLearnedModel(dir)).toThrow(/quote features/);
  });

  it('when a question is all words the model never saw, then it still gets a unit vector from their letters', () => {
    const v = loadLearnedModel().encodeQuestion('qwzx plorfing');
    expect(Math.abs(dot(v, v) - 1)).toBeLessThan(1e-4);
  });

  it('when the model files are missing or from another format, then loading fails with a named error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
    expect(() => loadLearnedModel(dir)).toThrow(ModelLoadError);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...meta, format: 99 }));
    expect(() => loadLearnedModel(dir)).toThrow(/format 99/);
  });

  it('when vectors.bin holds fewer or more bytes than its members need, then loading fails with a named error', () => {
    const vectors = fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'vectors.bin'));
    for (const [name, bytes] of [['short', vectors.subarray(0, vectors.length - 4)], ['long', Buffer.concat([vectors, Buffer.alloc(4)])]] as const) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `model-${name}-`));
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(meta));
      fs.writeFileSync(path.join(dir, 'vectors.bin'), bytes);
      expect(() => loadLearnedModel(dir)).toThrow(/vectors.bin does not match model.json/);
    }
  });

  it('when the model has one or more encoder members, then a text is a unit vector joined from all of them', () => {
    const model = loadLearnedModel();
    const file = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8')) as ShippedMeta;
    expect(model.dim).toBe(file.dim * (file.members?.length ?? 1));
    const v = model.encodeQuestion('can I post photos from the school trip on my own instagram');
    expect(v.length).toBe(model.dim);
    expect(Math.abs(dot(v, v) - 1)).toBeLessThan(1e-4);
  });

  it('when bank.json is missing or is not the file model.json names, then loading fails with a named error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-bank-'));
    for (const name of ['model.json', 'vectors.bin']) fs.copyFileSync(path.join(DEFAULT_MODEL_DIR, name), path.join(dir, name));
    expect(() => loadLearnedModel(dir)).toThrow(/No question bank/);
    const bank = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'bank.json'), 'utf8')) as { questions: unknown[] };
    fs.writeFileSync(path.join(dir, 'bank.json'), JSON.stringify({ ...bank, questions: bank.questions.slice(1) }));
    expect(() => loadLearnedModel(dir)).toThrow(/bank.json does not match model.json/);
  });
});
