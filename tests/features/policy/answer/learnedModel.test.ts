import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusFingerprint, DEFAULT_MODEL_DIR, dot, loadLearnedModel, ModelLoadError } from '../../../../src/features/policy/answer/learnedModel';

const record = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'training-record.json'), 'utf8')) as {
  data: { corpus_sha256: string };
  probes: { text: string; question: number[]; policy: number[] }[];
};
const meta = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8')) as { vectorsSha256: string };

describe('the shipped policy model', () => {
  it('when its vectors are read, then they are the bytes training wrote (checksum)', () => {
    const sha = crypto.createHash('sha256').update(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'vectors.bin'))).digest('hex');
    expect(sha).toBe(meta.vectorsSha256);
  });

  it('when the corpus in the repository is hashed, then it is the corpus the model was trained on', () => {
    expect(corpusFingerprint(path.resolve(DEFAULT_MODEL_DIR, '..', '..', 'corpus'))).toBe(record.data.corpus_sha256);
  });

  it('when the probe texts are encoded here, then the vectors are the ones training computed (int8 storage aside)', () => {
    const model = loadLearnedModel();
    expect(record.probes.length).toBeGreaterThanOrEqual(3);
    for (const probe of record.probes) {
      expect(dot(model.encodeQuestion(probe.text), Float32Array.from(probe.question))).toBeGreaterThan(0.999);
      expect(dot(model.encodePolicyText(probe.text), Float32Array.from(probe.policy))).toBeGreaterThan(0.999);
    }
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
});
