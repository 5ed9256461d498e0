import { formatSectionLabel, type PolicyDocument } from '../../policy';
import { AcknowledgementStore } from './acknowledgementStore';
import { ChangedRun, PolicyVersion, VersionChanges, VersionSectionChange } from './acknowledgementTypes';
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

/** Net changes worked out from two texts, kept per source of texts: a roll-out renders thousands of cards for a few pairs. */
const NET_KEPT = 32;
/** As a single step keeps them (versionChanges.ts): sections listed, and the longest quote. */
const MAX_SECTIONS = 20;
const MAX_QUOTE = 600;
const netKept = new WeakMap<object, Map<string, Promise<VersionChanges | undefined>>>();

type VersionReads = Pick<AcknowledgementStore, 'getPolicyVersion'> & {
  /** The versions' texts where the caller has them: changes across several versions are then worked out from both. */
  texts?: Pick<PolicyTexts, 'version'>;
};

type Steps = NonNullable<PolicyVersion['changes']>[];

/** The net changes from `earlier` to `version` read from their two texts; undefined when either cannot be read. */
function netChanges(texts: Pick<PolicyTexts, 'version'>, earlier: PolicyVersion, version: PolicyVersion): Promise<VersionChanges | undefined> {
  let kept = netKept.get(texts);
  if (!kept) netKept.set(texts, (kept = new Map()));
  const key = `${version.policyId}\n${earlier.versionHash}\n${version.versionHash}`;
  let pending = kept.get(key);
  if (!pending) {
    pending = Promise.all([texts.version(earlier.policyId, earlier.versionHash), texts.version(version.policyId, version.versionHash)])
      .then(([before, after]) => (before && after ? describeChanges(before, after) : undefined), () => undefined);
    kept.set(key, pending);
    const map = kept;
    // A version not readable now (another instance's, still being read) may be readable at the next card.
    pending.then((c) => { if (!c) map.delete(key); }, () => map.delete(key));
    while (kept.size > NET_KEPT) kept.delete(kept.keys().next().value as string);
  }
  return pending;
}

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
  const net = store.texts ? await netChanges(store.texts, earlier, version) : undefined;
  if (net) return { since: earlier, sections: net.sections, gone: net.gone, truncated: net.truncated === true };
  const target = store.texts ? await store.texts.version(version.policyId, version.versionHash).catch(() => undefined) : undefined;
  const said = target ? new Set(target.sections.flatMap((s) => sectionSentences(s)).map(norm)) : undefined;
  // A sentence gone in one step and back in a later one still stands.
  const gone = [...new Set(steps.flatMap((s) => s.gone))].filter((g) => !said?.has(norm(g)));
  const folded = foldSteps(steps, target);
  return { since: earlier, sections: folded.sections, gone, truncated: folded.truncated };
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
