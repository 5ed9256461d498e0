import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../adapters/onnxEncoder/onnxSentenceEncoder';
import { packageRoot } from '../shared/packageRoot';
import { ENCODER_DIR } from './disclosure';
import { createDraftChecker, DraftCheckResult, parseDraftHeads } from '../features/policy/drafts/draftChecker';
import { DraftContext } from '../features/policy/drafts/draftConcerns';
import { createSchoolRuleBook, RuleReaderDeps, SchoolRuleBook } from '../features/policy/drafts/draftRules';
import { SchoolRuleStore } from '../features/policy/drafts/schoolRules';
import { schoolNamesOf } from '../features/policy/drafts/draftEvidence';
import { parseDraftGate } from '../features/policy/drafts/draftGate';
import { parseRuleReaderHeads } from '../features/policy/drafts/ruleReader';
import { PolicyLibrary } from '../features/policy/policyLibrary';

/** The draft model (models/drafts/README.md): the sentence encoder fine-tuned to read draft posts, and its heads. */
export const DRAFTS_DIR = path.join(packageRoot(__dirname), 'models', 'drafts');

/**
 * The larger draft model (issue 71): all-mpnet-base-v2 fine-tuned on the same drafts, its graph kept in parts. Where it is
 * shipped it decides each draft from one reading, and the model of DRAFTS_DIR points to the evidence sentence by
 * sentence, which keeps a check within its time on two cores (research/DECISIONS.md, issue 71, 2026-11-29).
 */
export const LARGER_DRAFTS_DIR = path.join(packageRoot(__dirname), 'models', 'drafts-larger');

/** The folders a check reads by default: the larger model deciding and the draft model pointing where it is shipped, else the draft model alone. */
export function defaultDraftFolders(larger = LARGER_DRAFTS_DIR): { dir: string; pointerDir?: string } {
  return fs.existsSync(path.join(larger, 'manifest.json')) ? { dir: larger, pointerDir: DRAFTS_DIR } : { dir: DRAFTS_DIR };
}

/**
 * "Check my post" (issue 53): the draft model, run by the same ONNX adapter as the disclosure detector (checked
 * against its checksum, loaded once per process), its heads (one per concern), and the rule reader on the disclosure
 * detector's encoder (the same session), which finds each concern's rule in the live policy. The policy loaded at
 * start is read from here on, so the first draft need not wait for it; a version an owner publishes later is read by
 * the first draft checked against it. Missing or damaged files stop the start with the reason. Each version's rules are
 * proposed once and kept in `rules` (the school's rules, issue 71): owners confirm, change or remove them, and a draft
 * is judged by what they decided.
 */
export async function loadDraftChecker(
  library: PolicyLibrary, options: { dir?: string; encoderDir?: string; readRulesAtStart?: boolean; rules?: SchoolRuleStore; pointerDir?: string } = {},
): Promise<{ check(draft: string, context: DraftContext): Promise<DraftCheckResult>; settled(): Promise<void>; rules: SchoolRuleBook }> {
  const shipped = options.dir === undefined ? defaultDraftFolders() : { dir: options.dir };
  const { encoderDir = ENCODER_DIR, readRulesAtStart = true } = options;
  const { dir } = shipped;
  const pointerDir = options.pointerDir ?? shipped.pointerDir;
  // A deciding model with another pointing (the larger one) runs in a thread of its own: its one read of a draft (up to
  // about 200 ms on two cores) then never holds up a question or a disclosure reading in the shared encoder thread,
  // and it loads there while the rest loads here.
  const opening = openOnnxSentenceEncoder(dir, pointerDir ? { ownThread: 'deciding draft model' } : {});
  // Awaited below; marked handled now, so a pointing model that fails to load first leaves no unhandled rejection.
  opening.catch(() => undefined);
  // A second draft model that points to the evidence while this one decides (draftChecker.ts, `pointer`).
  const pointer = pointerDir ? await loadDraftHeadsAndEncoder(pointerDir) : undefined;
  const encoder = await opening;
  const headsFile = readHeads(dir);
  const heads = parseDraftHeads(headsFile, encoder.dimensions);
  const gate = parseDraftGate(headsFile);
  const rules = createSchoolRuleBook({ library, reader: await loadRuleReader(encoderDir), store: options.rules });
  const ruleFor = (id: Parameters<SchoolRuleBook['ruleFor']>[0]) => rules.ruleFor(id);
  // The policy loaded at start is read now, beside the rest of the start rather than before it (about a second on two
  // cores); a draft checked meanwhile waits for the same reading. A reading that fails is tried again by the next draft.
  // Left to the first draft (readRulesAtStart false), the rules found are the same, found then.
  const reading = readRulesAtStart ? ruleFor('pupils-identified').then(() => undefined, () => undefined) : Promise.resolve();
  // The school's own names, read from its policy once per version: a draft naming the school does not name a pupil.
  let namesOf: unknown = null;
  let names: readonly string[] = [];
  const schoolNames = (): readonly string[] => {
    if (namesOf !== library.primary) {
      namesOf = library.primary;
      names = library.documents.flatMap((d) => schoolNamesOf(d));
    }
    return names;
  };
  // settled(): the reading begun at start has ended, so a bot that stops leaves no work running behind it.
  return { ...createDraftChecker({ encoder, heads, gate, ruleFor, schoolNames, ...(pointer ? { pointer } : {}) }), settled: () => reading, rules };
}

const readHeads = (dir: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, 'heads.json'), 'utf8'));

/** A draft model folder's encoder and its heads (a model that points to the evidence). */
async function loadDraftHeadsAndEncoder(dir: string) {
  const encoder = await openOnnxSentenceEncoder(dir);
  return { encoder, heads: parseDraftHeads(readHeads(dir), encoder.dimensions) };
}

/**
 * The rule reader (heads.json's `rules` in the disclosure detector's folder, on its encoder): what finds each concern's
 * rule. It does not move when the draft model is trained again (research/DECISIONS.md, issue 53).
 */
export async function loadRuleReader(dir: string = ENCODER_DIR): Promise<RuleReaderDeps> {
  const encoder = await openOnnxSentenceEncoder(dir);
  return { encoder, heads: parseRuleReaderHeads(readHeads(dir), encoder.dimensions) };
}
