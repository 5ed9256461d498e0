import { formatSectionLabel, type PolicyDocument } from '../../policy';
import { AcknowledgementStore } from './acknowledgementStore';
import { ChangedRun, PolicyVersion, VersionSectionChange } from './acknowledgementTypes';
import { PolicyTexts } from './campaignPorts';
import { describeChanges, sectionSentences } from './versionChanges';

/**
 * What changed from one version to another, read from the changes kept with each version (versionChanges.ts). The
 * sending thread renders staff cards with this, so it stays clear of the policy feature.
 *
 * Each version keeps what changed from the one before it. Across several versions (a person who last acknowledged
 * version 1, shown version 3) the steps are not simply added up: a section added in version 2 and removed in 3 would be
 * listed as both, and quote text that is not in the version being asked about. The net change is worked out from the
 * two texts where both can be read; where the earlier one cannot (a file IT deployed and later replaced), the steps are
 * folded together, keeping only what the version asked about still says.
 */

/** The changes from an earlier version up to this one, oldest first. */
export interface ChangesSince {
  /** The earlier version: the one a person acknowledged, or the one a running round asked about. */
  since: PolicyVersion;
  sections: VersionSectionChange[];
  /** Sentences the versions in between no longer have (a key point quoting one no longer stands). */
  gone: string[];
  /** Some changes were not kept (a big rewrite): the whole policy has them. */
  truncated: boolean;
}

/** Versions walked back at most: a person who missed more rounds than this reads the whole policy. */
const MAX_STEPS = 5;

/** Changes across several versions, kept per source of texts: a roll-out renders thousands of cards for a few pairs. */
const KEPT = 32;
/** A change folded from the kept steps (the earlier text unreadable) is worked out again after this: it may be readable then. */
const FOLDED_KEPT_MS = 60_000;
/** As a single step keeps them (versionChanges.ts): sections listed, and the longest quote. */
const MAX_SECTIONS = 20;
const MAX_QUOTE = 600;
/** A change worked out, and whether it was folded from the steps (the earlier text could not be read). */
type WorkedOut = { folded: boolean; changes: Omit<ChangesSince, 'since'> };
const kept = new WeakMap<object, Map<string, { at: number; result: Promise<WorkedOut> }>>();

type VersionReads = Pick<AcknowledgementStore, 'getPolicyVersion'> & {
  /** The versions' texts where the caller has them: changes across several versions are then worked out from both. */
  texts?: Pick<PolicyTexts, 'version'>;
};

type Steps = NonNullable<PolicyVersion['changes']>[];

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
/** A section's name without its number: "5. Acceptable use" and "6. Acceptable use" are the same section renumbered. */
const nameOf = (label: string): string => norm(label.replace(/^\s*(?:section\s+)?\d{1,3}[a-z]?(?:\.\d{1,3})*[.)]?\s+/i, ''));

/**
 * The steps folded into one change per section, by the section's name: a section added and later removed is dropped;
 * one reworded twice keeps its first "was" and its last "now". With `target` (the version asked about) at hand, a
 * section is pointed at where that version has it, and only quotes it still says are kept. Without it, a section the
 * last step changed is pointed at where the last step says; one only an earlier step changed still reads as it did
 * then (a later step would have listed it), but where it now sits is not known, so it has no Read button.
 */
function foldSteps(steps: Steps, target: PolicyDocument | undefined): Pick<ChangesSince, 'sections' | 'truncated'> {
  let truncated = steps.some((s) => s.truncated === true);
  const net = new Map<string, VersionSectionChange>();
  for (const step of steps) {
    for (const change of step.sections) {
      const key = nameOf(change.label);
      const before = net.get(key);
      if (change.kind === 'removed') {
        // Added since, and gone again: the person never had it.
        if (before?.kind === 'added') net.delete(key);
        else net.set(key, { kind: 'removed', label: change.label, runs: [] });
      } else if (change.kind === 'added') {
        net.set(key, before?.kind === 'removed' ? { ...change, kind: 'reworded' } : change);
      } else if (before?.kind === 'added') {
        net.set(key, { ...change, kind: 'added', runs: before.runs });
      } else {
        const runs = chainRuns(before?.runs ?? [], change.runs);
        // Reworded, then put back as it was: nothing to tell.
        if (before && before.runs.length > 0 && runs.length === 0) net.delete(key);
        else net.set(key, { ...change, runs });
      }
    }
  }
  const where = new Map<string, { label: string; ordinal?: number; text?: string; opening?: string }>();
  if (target) {
    for (const s of target.sections) {
      if (where.has(norm(s.title))) continue;
      const opening = sectionSentences(s).slice(0, 2).join(' ');
      where.set(norm(s.title), { label: formatSectionLabel(s), ordinal: s.ordinal, text: norm(s.text), opening });
    }
  } else {
    for (const c of steps[steps.length - 1].sections) if (c.kind !== 'removed') where.set(nameOf(c.label), { label: c.label, ...(c.ordinal !== undefined ? { ordinal: c.ordinal } : {}) });
  }
  const sections: VersionSectionChange[] = [];
  for (const [key, change] of net) {
    const now = where.get(key);
    if (change.kind === 'removed') {
      if (!now || !target) sections.push(change);
      continue;
    }
    if (!now) {
      if (target) truncated = true;
      else sections.push({ kind: change.kind, label: change.label, runs: change.runs });
      continue;
    }
    let runs = change.runs;
    if (change.kind === 'added' && now.opening !== undefined) {
      // Quoted by how the version asked about opens it, as a single step would.
      runs = now.opening ? [{ was: '', now: now.opening.length > MAX_QUOTE ? `${now.opening.slice(0, MAX_QUOTE - 1).trimEnd()}\u2026` : now.opening }] : [];
    } else if (now.text !== undefined) {
      const says = now.text;
      // A quote cut short (it ends in an ellipsis) is checked by what it keeps.
      runs = change.runs.filter((r) => says.includes(norm(r.now.replace(/\u2026$/, ''))));
      if (runs.length < change.runs.length) truncated = true;
    }
    sections.push({ kind: change.kind, label: now.label, ...(now.ordinal !== undefined ? { ordinal: now.ordinal } : {}), runs });
  }
  // In the order the version asked about reads, what it no longer has last, as a single step lists them.
  sections.sort((a, b) => (a.ordinal ?? Number.MAX_SAFE_INTEGER) - (b.ordinal ?? Number.MAX_SAFE_INTEGER));
  if (sections.length > MAX_SECTIONS) truncated = true;
  return { sections: sections.slice(0, MAX_SECTIONS), truncated };
}

/** Two steps' runs of one section: a run whose "was" is what an earlier run came to say becomes one run, first to last. */
function chainRuns(earlier: ChangedRun[], later: ChangedRun[]): ChangedRun[] {
  const out = [...earlier];
  for (const run of later) {
    const i = out.findIndex((r) => r.now !== '' && norm(r.now) === norm(run.was));
    if (i >= 0) out[i] = { was: out[i].was, now: run.now };
    else out.push(run);
  }
  return out.filter((r) => norm(r.was) !== norm(r.now));
}

/**
 * Walks back from `version` through the versions before it, each step one read, until `stop` says this earlier one is
 * the one wanted; undefined when the chain ends first (a version registered without its changes) or it is too long.
 */
async function walkBack(
  store: VersionReads, version: PolicyVersion, stop: (earlier: PolicyVersion) => Promise<boolean> | boolean,
): Promise<ChangesSince | undefined> {
  const steps: Steps = [];
  let at = version;
  for (let i = 0; i < MAX_STEPS && at.changes; i++) {
    steps.unshift(at.changes);
    const earlier = await store.getPolicyVersion(at.policyId, at.changes.sinceHash);
    if (!earlier) return undefined;
    if (await stop(earlier)) return across(store, earlier, version, steps);
    at = earlier;
  }
  return undefined;
}

/** The changes from `earlier` to `version`, over the steps between them (one step: the change kept with `version`). */
async function across(store: VersionReads, earlier: PolicyVersion, version: PolicyVersion, steps: Steps): Promise<ChangesSince> {
  if (steps.length === 1) {
    const [only] = steps;
    return { since: earlier, sections: only.sections, gone: only.gone, truncated: only.truncated === true };
  }
  // Kept with the texts they were read from, or (the sending thread has none) with the reads they were folded from.
  const owner: object = store.texts ?? store;
  let mine = kept.get(owner);
  if (!mine) kept.set(owner, (mine = new Map()));
  const key = `${version.policyId}\n${earlier.versionHash}\n${version.versionHash}`;
  const hit = mine.get(key);
  if (hit) {
    const known = await hit.result;
    if (!known.folded || Date.now() - hit.at < FOLDED_KEPT_MS) return { since: earlier, ...known.changes };
  }
  const entry = { at: Date.now(), result: workOut(store.texts, earlier, version, steps) };
  mine.set(key, entry);
  while (mine.size > KEPT) mine.delete(mine.keys().next().value as string);
  return { since: earlier, ...(await entry.result).changes };
}

/** The net change from the two texts where both can be read, else the kept steps folded. Never fails: a text unread is none. */
async function workOut(texts: VersionReads['texts'], earlier: PolicyVersion, version: PolicyVersion, steps: Steps): Promise<WorkedOut> {
  const read = (v: PolicyVersion) => (texts ? texts.version(v.policyId, v.versionHash).catch(() => undefined) : Promise.resolve(undefined));
  const [before, after] = await Promise.all([read(earlier), read(version)]);
  if (before && after) {
    const net = describeChanges(before, after);
    return { folded: false, changes: { sections: net.sections, gone: net.gone, truncated: net.truncated === true } };
  }
  const said = after ? new Set(after.sections.flatMap((s) => sectionSentences(s)).map(norm)) : undefined;
  // A sentence gone in one step and back in a later one still stands.
  const gone = [...new Set(steps.flatMap((s) => s.gone))].filter((g) => !said?.has(norm(g)));
  return { folded: true, changes: { gone, ...foldSteps(steps, after) } };
}

/** What changed since `fromHash` (a running round's version) up to `version`; undefined when that is not known. */
export function changesBetween(store: VersionReads, fromHash: string, version: PolicyVersion): Promise<ChangesSince | undefined> {
  if (fromHash === version.versionHash) return Promise.resolve(undefined);
  return walkBack(store, version, (earlier) => earlier.versionHash === fromHash);
}

/**
 * What changed since the last version this person acknowledged, up to `version`: what their card leads with. Undefined
 * for someone who acknowledged none of the versions before it (they read it as new), or when the changes are not known.
 */
export function changesSinceAcknowledged(
  store: VersionReads & Pick<AcknowledgementStore, 'getAcknowledgement'>, version: PolicyVersion, userId: string,
): Promise<ChangesSince | undefined> {
  if (!version.changes) return Promise.resolve(undefined);
  return walkBack(store, version, async (earlier) => (await store.getAcknowledgement(earlier.policyId, earlier.versionHash, userId)) !== undefined);
}
