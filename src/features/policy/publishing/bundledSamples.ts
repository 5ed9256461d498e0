import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../shared/packageRoot';
import { parsePolicyText } from '../ingest/parsePolicy';
import { PolicyDocument } from '../policyDocument';

/** The sample policies shipped with the app (samples/policies): local mode and the tests run on them, a school never does. */
export const BUNDLED_SAMPLES_FOLDER = path.join(packageRoot(__dirname), 'samples', 'policies');

/** What a refused sample is, in every refusal (start-up, chat, CLI): "the sample policy bundled with the app (...)". */
export function sampleWords(sample: string): string {
  return `the sample policy bundled with the app (samples/policies/${sample}), not the school's policy`;
}

/**
 * What to do instead of running on a sample, said the same way by the start-up check, the CLI and the bot when an owner
 * sends a sample in chat.
 */
export const OWN_POLICY_ADVICE = 'Leave POLICY_FILES empty and send the school\'s policy (.docx, .pdf, .txt or .md) to the bot in a 1:1 chat '
  + 'in Teams as a policy owner (POLICY_OWNERS): the first version is kept in the bot\'s database or storage, and later versions are sent '
  + 'the same way. Or point POLICY_FILES at the school\'s own policy file, deployed with the app.';

/** What a policy reads as, for telling one document from another whatever its format. */
type ReadText = Pick<PolicyDocument, 'title' | 'frontPage' | 'sections'>;

/**
 * The words a reader of the policy sees, in order: its title, its front page (the school's name, status and review
 * lines) and each section's number, heading and text; in lower case, letters and digits only. Line breaks, spacing,
 * capitals, curly or straight quotes and bullets do not count, so the same policy as text, Word or PDF reads the same.
 * The front page counts: a school that adopts a model policy word for word under its own name (as Oakfield and Cardinal
 * Heenan adopted Liverpool's) has its own policy, not the model.
 */
export function readWords(doc: ReadText): string {
  const parts = [doc.title, ...doc.frontPage, ...doc.sections.flatMap((s) => [s.number ?? '', s.title, s.text])];
  return parts.join(' ').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
}

const fingerprint = (doc: ReadText): string => crypto.createHash('sha256').update(readWords(doc)).digest('hex');

const sampleFingerprints = new Map<string, Map<string, string>>();

/**
 * Each sample's fingerprint (what it reads as), read once per folder; a folder that is not there (a trimmed deployment)
 * has none. The samples are plain text, read in this process: they ship with the app, so they are trusted.
 */
function samplesIn(folder: string): Map<string, string> {
  let samples = sampleFingerprints.get(folder);
  if (!samples) {
    samples = new Map();
    const names = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
    for (const name of names) {
      const file = path.join(folder, name);
      if (path.extname(name).toLowerCase() !== '.txt' || !fs.statSync(file).isFile()) continue;
      samples.set(fingerprint(parsePolicyText(fs.readFileSync(file, 'utf8'), name)), name);
    }
    sampleFingerprints.set(folder, samples);
  }
  return samples;
}

/**
 * The bundled sample a policy is ("liverpool-model.txt"), by what was read from it rather than its bytes or its name: a
 * renamed copy, one with a line added at the end, or the sample saved as Word or PDF are all caught. Undefined for
 * any other policy, one that quotes the sample or changes a word of it included.
 */
export function bundledSampleMatching(doc: ReadText, folder: string = BUNDLED_SAMPLES_FOLDER): string | undefined {
  const samples = samplesIn(folder);
  return samples.size === 0 ? undefined : samples.get(fingerprint(doc));
}
