import fs from 'node:fs';
import path from 'node:path';
import { AppLogger } from '../shared/logger';
import { packageRoot } from '../shared/packageRoot';
import { openOnnxSentenceEncoder } from '../adapters/onnxEncoder/onnxSentenceEncoder';
import { missingCpuFeatures } from '../adapters/onnxEncoder/cpuSupport';
import { createDisclosureDetector, DisclosureDetector, parseDisclosureHead, parseDraftDisclosureHead } from '../features/policy/disclosure/disclosureDetector';

/** The shipped sentence encoder and its heads (models/encoder/README.md). */
export const ENCODER_DIR = path.join(packageRoot(__dirname), 'models', 'encoder');

/**
 * The disclosure detector over the shipped encoder: the ONNX graph (checked against its checksum), its tokenizer and
 * the disclosure head with its thresholds. A missing or damaged model stops the start with the reason: the bot never
 * answers questions without it. On a CPU older than the ones the models were shown to compute the same numbers on
 * (cpuSupport.ts), IT is told at start: the bot runs, but a decision at the edge of a threshold may differ from the tested one.
 */
export async function loadDisclosureDetector(logger: AppLogger, dir: string = ENCODER_DIR): Promise<DisclosureDetector> {
  const missing = missingCpuFeatures();
  if (missing && missing.length > 0) {
    logger.warn({ event: 'models.cpuUntested', missing }, `this CPU lacks ${missing.join(' and ')}: the models' numbers may differ in their last digits from those they were tested with, so a message at the edge of a threshold (Report a concern first, the report line) may be decided otherwise. Run the bot on a CPU with AVX2 and FMA (every Azure App Service plan has them)`);
  }
  const encoder = await openOnnxSentenceEncoder(dir);
  const heads = JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8')) as unknown;
  const head = parseDisclosureHead(heads, encoder.dimensions);
  return createDisclosureDetector(encoder, head, (err) => {
    // Never the message: only that one could not be read (it was held back, and offered the report on the word list).
    logger.error({ event: 'disclosure.readFailed', name: err.name }, 'the disclosure detector could not read a message: it was held back and not kept');
  }, parseDraftDisclosureHead(heads, encoder.dimensions));
}
