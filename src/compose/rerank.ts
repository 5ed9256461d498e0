import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../adapters/onnxEncoder/onnxSentenceEncoder';
import { packageRoot } from '../shared/packageRoot';
import { createReranker, parseRerankSettings, Reranker } from '../features/policy/answer/rerank';

/** The cross-encoder re-ranker's model folder (models/rerank/README.md). */
export const RERANK_DIR = path.join(packageRoot(__dirname), 'models', 'rerank');

/**
 * The answering stack's cross-encoder (issue 50), run by the same ONNX adapter as the disclosure detector (checked
 * against its checksum, loaded once per process) with its settings from heads.json. Damaged files stop the start with
 * the reason. No folder, no re-ranker: none ships today, because the one trained on two CPU cores ranked below the
 * stack (research/DECISIONS.md, issue 50); `npm run train:rerank` writes the folder, and the bot then answers with it.
 */
export async function loadReranker(dir: string = RERANK_DIR): Promise<Reranker | undefined> {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) return undefined;
  const encoder = await openOnnxSentenceEncoder(dir);
  const settings = parseRerankSettings(JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8')), encoder.dimensions);
  return createReranker(encoder, settings);
}
