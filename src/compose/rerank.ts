import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../adapters/onnxEncoder/onnxSentenceEncoder';
import { packageRoot } from '../shared/packageRoot';
import { createReranker, parseRerankSettings, Reranker } from '../features/policy/answer/rerank';
import { createPassageReranker, parsePassageMixSettings } from '../features/policy/answer/passageRerank';
import { createPassageVectorCache } from '../features/policy/answer/passageVectorCache';
import { PolicyDocument } from '../features/policy/policyDocument';

/** The cross-encoder re-ranker's model folder (models/rerank/README.md). */
export const RERANK_DIR = path.join(packageRoot(__dirname), 'models', 'rerank');
/** The larger sentence encoder read beside the stack (issue 70), and its mix (heads.json). */
export const ANSWER_ENCODER_DIR = path.join(packageRoot(__dirname), 'models', 'answer-encoder');

/**
 * The answering stack's second reader, run by the same ONNX adapter as the disclosure detector (checked against its
 * checksum, loaded once per process) with its settings from heads.json. Damaged files stop the start with the reason.
 * A cross-encoder folder in `dir` (issue 50; none ships: the one trained on two CPU cores ranked below the stack), or
 * else the larger sentence encoder in `encoderDir` (issue 70), whose passages for `docs` are encoded now, in the
 * encoder thread's background. No folder, no re-ranker: the learnt model alone answers.
 */
export async function loadReranker(dir: string = RERANK_DIR, docs: readonly PolicyDocument[] = [], encoderDir: string = ANSWER_ENCODER_DIR): Promise<Reranker | undefined> {
  if (fs.existsSync(path.join(dir, 'manifest.json'))) {
    const encoder = await openOnnxSentenceEncoder(dir);
    const settings = parseRerankSettings(JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8')), encoder.dimensions);
    return createReranker(encoder, settings);
  }
  if (!fs.existsSync(path.join(encoderDir, 'manifest.json'))) return undefined;
  const encoder = await openOnnxSentenceEncoder(encoderDir);
  const settings = parsePassageMixSettings(JSON.parse(fs.readFileSync(path.join(encoderDir, 'heads.json'), 'utf8')));
  const reranker = createPassageReranker(encoder, settings, createPassageVectorCache());
  void reranker.prepare(docs).catch(() => undefined);
  return reranker;
}
