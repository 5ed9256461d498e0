import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../shared/packageRoot';

/** The sample policies shipped with the app (samples/policies): local mode and the tests run on them, a school never does. */
export const BUNDLED_SAMPLES_FOLDER = path.join(packageRoot(__dirname), 'samples', 'policies');

/**
 * What to do instead of running on a sample, said the same way by the start-up check and by the bot when an owner sends
 * a sample in chat.
 */
/** What a refused sample is, in every refusal (start-up, chat, CLI): "the sample policy bundled with the app (...)". */
export function sampleWords(sample: string): string {
  return `the sample policy bundled with the app (samples/policies/${sample}), not the school's policy`;
}

export const OWN_POLICY_ADVICE = 'Leave POLICY_FILES empty and send the school\'s policy (.docx, .pdf, .txt or .md) to the bot in a 1:1 chat '
  + 'in Teams as a policy owner (POLICY_OWNERS): the first version is kept in the bot\'s database or storage, and later versions are sent '
  + 'the same way. Or point POLICY_FILES at the school\'s own policy file, deployed with the app.';

const sampleHashes = new Map<string, { byHash: Map<string, string>; sizes: Set<number> }>();

const sha256 = (content: Buffer): string => crypto.createHash('sha256').update(content).digest('hex');

/** The hash of each sample's bytes, read once per folder; a folder that is not there (a trimmed deployment) has none. */
function samplesIn(folder: string): { byHash: Map<string, string>; sizes: Set<number> } {
  let samples = sampleHashes.get(folder);
  if (!samples) {
    samples = { byHash: new Map(), sizes: new Set() };
    const names = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
    for (const name of names) {
      const file = path.join(folder, name);
      if (!fs.statSync(file).isFile()) continue;
      const content = fs.readFileSync(file);
      samples.byHash.set(sha256(content), name);
      samples.sizes.add(content.length);
    }
    sampleHashes.set(folder, samples);
  }
  return samples;
}

/**
 * The bundled sample a file is, by its content ("liverpool-model.txt"), whatever the file is called now, so a renamed
 * copy is caught too; undefined for any other file.
 */
export function bundledSampleMatching(content: Buffer, folder: string = BUNDLED_SAMPLES_FOLDER): string | undefined {
  return samplesIn(folder).byHash.get(sha256(content));
}

/** The bundled sample a file on disk is; undefined for any other file, and for one that cannot be read (loading it says why). */
export function bundledSampleAt(file: string, folder: string = BUNDLED_SAMPLES_FOLDER): string | undefined {
  try {
    const stat = fs.statSync(file);
    // Only a file of a sample's exact size is read and hashed: the school's own policy is rarely read twice at start.
    if (!stat.isFile() || !samplesIn(folder).sizes.has(stat.size)) return undefined;
    return bundledSampleMatching(fs.readFileSync(file), folder);
  } catch {
    return undefined;
  }
}
