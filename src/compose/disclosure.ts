import fs from 'node:fs';
import path from 'node:path';
import { AppLogger } from '../shared/logger';
import { packageRoot } from '../shared/packageRoot';
import { openOnnxSentenceEncoder } from '../adapters/onnxEncoder/onnxSentenceEncoder';
import { createDisclosureDetector, DisclosureDetector, parseDisclosureHead, parseDraftDisclosureHead } from '../features/policy/disclosure/disclosureDetector';

/** The shipped sentence encoder and its heads (models/encoder/README.md). */
export const ENCODER_DIR = path.join(packageRoot(__dirname), 'models', 'encoder');

/**
 * The disclosure detector over the shipped encoder: the ONNX graph (checked against its checksum), its tokenizer and
 * the disclosure head with its thresholds. A missing or damaged model stops the start with the reason: the bot never
 * answers questions without it.
 */
export async function loadDisclosureDetector(logger: AppLogger, dir: string = ENCODER_DIR): Promise<DisclosureDetector> {
  const encoder = await openOnnxSentenceEncoder(dir);
  const heads = JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8')) as unknown;
  const head = parseDisclosureHead(heads, encoder.dimensions);
  return createDisclosureDetector(encoder, head, (err) => {
    // Never the message: only that one could not be read (it was held back, and offered the report on the word list).
    logger.error({ event: 'disclosure.readFailed', name: err.name }, 'the disclosure detector could not read a message: it was held back and not kept');
  }, parseDraftDisclosureHead(heads, encoder.dimensions));
}
