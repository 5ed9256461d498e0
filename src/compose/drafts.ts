import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../adapters/onnxEncoder/onnxSentenceEncoder';
import { packageRoot } from '../shared/packageRoot';
import { createDraftChecker, DraftCheckResult, parseDraftHeads } from '../features/policy/drafts/draftChecker';
import { DraftContext } from '../features/policy/drafts/draftConcerns';
import { createPolicyRuleFinder } from '../features/policy/drafts/draftRules';
import { PolicyLibrary } from '../features/policy/policyLibrary';

/** The draft model (models/drafts/README.md): the sentence encoder fine-tuned to read draft posts, and its heads. */
export const DRAFTS_DIR = path.join(packageRoot(__dirname), 'models', 'drafts');

/**
 * "Check my post" (issue 53): the draft model, run by the same ONNX adapter as the disclosure detector (checked
 * against its checksum, loaded once per process), its heads (one per concern), and each concern's rule found in the
 * live policy by the answering stack. Missing or damaged files stop the start with the reason.
 */
export async function loadDraftChecker(library: PolicyLibrary, dir: string = DRAFTS_DIR): Promise<{ check(draft: string, context: DraftContext): Promise<DraftCheckResult> }> {
  const encoder = await openOnnxSentenceEncoder(dir);
  const heads = parseDraftHeads(JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8')), encoder.dimensions);
  return createDraftChecker({ encoder, heads, ruleFor: createPolicyRuleFinder(library) });
}
