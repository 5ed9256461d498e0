import { AcknowledgementStore } from './acknowledgementStore';
import { PolicyVersion, VersionSectionChange } from './acknowledgementTypes';

/**
 * What changed from one version to another, read from the changes kept with each version (versionChanges.ts). The
 * sending thread renders staff cards with this, so it stays clear of the policy feature.
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

type VersionReads = Pick<AcknowledgementStore, 'getPolicyVersion'>;

/**
 * Walks back from `version` through the versions before it, each step one read, until `stop` says this earlier one is
 * the one wanted; undefined when the chain ends first (a version registered without its changes) or it is too long.
 */
async function walkBack(
  store: VersionReads, version: PolicyVersion, stop: (earlier: PolicyVersion) => Promise<boolean> | boolean,
): Promise<ChangesSince | undefined> {
  const steps: NonNullable<PolicyVersion['changes']>[] = [];
  let at = version;
  for (let i = 0; i < MAX_STEPS && at.changes; i++) {
    steps.unshift(at.changes);
    const earlier = await store.getPolicyVersion(at.policyId, at.changes.sinceHash);
    if (!earlier) return undefined;
    if (await stop(earlier)) {
      return {
        since: earlier, sections: steps.flatMap((s) => s.sections), gone: [...new Set(steps.flatMap((s) => s.gone))],
        truncated: steps.some((s) => s.truncated === true),
      };
    }
    at = earlier;
  }
  return undefined;
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
