import { AcknowledgementStore } from './acknowledgementStore';
import { Campaign, PolicyVersion } from './acknowledgementTypes';

/** The version of a policy staff must acknowledge now, and the campaign asking for it. */
export interface CurrentVersion {
  version: PolicyVersion;
  campaign?: Campaign;
}

/**
 * What a click needs to know besides the person: policy versions (never change once saved, kept for good), the
 * current version of each policy with its active campaign, and campaigns by id (both kept for `ttlMs`). Concurrent
 * clicks share one read. `invalidate` drops what may change, for this instance's own campaign and version changes;
 * other instances' changes are seen within `ttlMs`.
 */
export interface CurrentVersions {
  /** One version of a policy, if known. */
  version(policyId: string, versionHash: string): Promise<PolicyVersion | undefined>;
  /** The newest active campaign's version of a policy, else its latest version; `fresh` reads past the cache. */
  current(policyId: string, options?: { fresh?: boolean }): Promise<CurrentVersion | undefined>;
  /**
   * The current version as a card sees it: what is kept, unless the card shows something newer than it (a later
   * version, or an active campaign started after the kept one), in which case it is read afresh. A card older than
   * what is kept is judged on what is kept, so stale cards cost nothing extra.
   */
  currentForCard(card: { version: PolicyVersion; campaignId?: string }): Promise<CurrentVersion | undefined>;
  /** One campaign, if it exists. */
  campaign(id: string): Promise<Campaign | undefined>;
  /** Forgets current versions and campaigns (after a campaign starts, closes, or a new version is registered). */
  invalidate(): void;
}

const VERSION_LIMIT = 64;
const CAMPAIGN_LIMIT = 64;

interface Kept<T> {
  at: number;
  value: Promise<T>;
}

/** Creates the reader; with `ttlMs` 0 only versions are kept, and current versions and campaigns are read every time. */
export function createCurrentVersions(deps: { store: AcknowledgementStore; clock: () => Date; ttlMs: number }): CurrentVersions {
  const { store, ttlMs } = deps;
  const versions = new Map<string, Promise<PolicyVersion | undefined>>();
  let activeCampaigns: Kept<Campaign[]> | undefined;
  const latest = new Map<string, Kept<PolicyVersion | undefined>>();
  const campaigns = new Map<string, Kept<Campaign | undefined>>();

  const now = () => deps.clock().getTime();
  const live = <T>(k: Kept<T> | undefined): k is Kept<T> => k !== undefined && ttlMs > 0 && now() - k.at < ttlMs;

  /**
   * Keeps a read's promise for the TTL, from when it starts, so clicks arriving meanwhile share it. A failed read is
   * forgotten at once; invalidate() empties the maps, so a read begun before it is not kept either.
   */
  function keep<T>(read: () => Promise<T>, put: (k: Kept<T>) => void, drop: (k: Kept<T>) => void): Promise<T> {
    const kept: Kept<T> = { at: now(), value: read() };
    if (ttlMs > 0) {
      put(kept);
      kept.value.catch(() => drop(kept));
    }
    return kept.value;
  }

  function bounded<K, V>(map: Map<K, V>, limit: number, k: K, v: V): void {
    if (!map.has(k) && map.size >= limit) map.delete(map.keys().next().value as K);
    map.set(k, v);
  }

  function version(policyId: string, versionHash: string): Promise<PolicyVersion | undefined> {
    const id = `${policyId}\n${versionHash}`;
    const hit = versions.get(id);
    if (hit) return hit;
    // Kept as a promise so concurrent first clicks share one read; an unknown version or a failure is not kept.
    const read = store.getPolicyVersion(policyId, versionHash);
    bounded(versions, VERSION_LIMIT, id, read);
    read.then((v) => { if (!v && versions.get(id) === read) versions.delete(id); }, () => { if (versions.get(id) === read) versions.delete(id); });
    return read;
  }

  function active(fresh: boolean): Promise<Campaign[]> {
    if (!fresh && live(activeCampaigns)) return activeCampaigns.value;
    return keep(() => store.listCampaigns('active'),
      (k) => { activeCampaigns = k; },
      (k) => { if (activeCampaigns === k) activeCampaigns = undefined; });
  }

  function latestVersion(policyId: string, fresh: boolean): Promise<PolicyVersion | undefined> {
    const hit = latest.get(policyId);
    if (!fresh && live(hit)) return hit.value;
    return keep(() => store.getLatestPolicyVersion(policyId),
      (k) => bounded(latest, VERSION_LIMIT, policyId, k),
      (k) => { if (latest.get(policyId) === k) latest.delete(policyId); });
  }

  /** The newest active campaign's version of a policy, else its latest version. */
  async function current(policyId: string, options: { fresh?: boolean } = {}): Promise<CurrentVersion | undefined> {
    const fresh = options.fresh === true;
    const found = (await active(fresh)).find((c) => c.policyId === policyId);
    if (found) {
      const v = await version(policyId, found.versionHash);
      if (v) return { version: v, campaign: found };
    }
    const newest = await latestVersion(policyId, fresh);
    return newest ? { version: newest } : undefined;
  }

  /** One campaign, kept for the TTL. */
  function campaign(id: string): Promise<Campaign | undefined> {
    const hit = campaigns.get(id);
    if (live(hit)) return hit.value;
    return keep(() => store.getCampaign(id),
      (k) => bounded(campaigns, CAMPAIGN_LIMIT, id, k),
      (k) => { if (campaigns.get(id) === k) campaigns.delete(id); });
  }

  /** Whether the card shows something newer than what is kept: a later version, or an active campaign started since. */
  async function behind(kept: CurrentVersion, card: { version: PolicyVersion; campaignId?: string }): Promise<boolean> {
    if (kept.version.versionHash !== card.version.versionHash) return card.version.publishedAt >= kept.version.publishedAt;
    if (!card.campaignId || kept.campaign?.id === card.campaignId) return false;
    const onCard = await campaign(card.campaignId);
    return onCard !== undefined && onCard.status === 'active' && (!kept.campaign || onCard.startedAt >= kept.campaign.startedAt);
  }

  return {
    version,

    current,

    async currentForCard(card) {
      const kept = await current(card.version.policyId);
      return kept && (await behind(kept, card)) ? current(card.version.policyId, { fresh: true }) : kept;
    },

    campaign,

    invalidate() {
      activeCampaigns = undefined;
      latest.clear();
      campaigns.clear();
    },
  };
}
