/**
 * How an instance notices a campaign another instance started. Background sending makes a full pass (each active
 * campaign's counts, then sending) every 30 s; an instance that is not the one the owner pressed Start on would otherwise
 * learn of a new campaign only at its next pass, while it already holds its share of the Teams send limit: with two
 * instances, half the limit stood idle for up to 30 s of every roll-out (issue 69). The watch lists the active campaigns,
 * one small query, every `everyMs`, and asks for a pass at once when one appears that it has not seen.
 */
export interface CampaignWatchOptions {
  /** The ids of the active campaigns. */
  activeCampaignIds(): Promise<readonly string[]>;
  /** Asks for a sending pass now (does nothing while one runs). */
  pass(): void;
  everyMs?: number;
  /** Told when a look fails (it is tried again at the next). */
  onError?(err: unknown): void;
}

/** How often an instance looks for a campaign it has not seen. */
export const CAMPAIGN_WATCH_MS = 2_000;

/** Starts the watch; the campaigns active when it starts count as seen (the first pass is asked for by the caller). */
export function watchForNewCampaigns(options: CampaignWatchOptions): { stop(): void } {
  let seen: Set<string> | undefined;
  let looking = false;
  let stopped = false;
  const look = async (): Promise<void> => {
    if (looking || stopped) return;
    looking = true;
    try {
      const ids = await options.activeCampaignIds();
      const fresh = seen !== undefined && ids.some((id) => !seen!.has(id));
      seen = new Set(ids);
      if (fresh && !stopped) options.pass();
    } catch (err) {
      options.onError?.(err);
    } finally {
      looking = false;
    }
  };
  void look();
  const timer = setInterval(() => void look(), options.everyMs ?? CAMPAIGN_WATCH_MS);
  timer.unref?.();
  return { stop() { stopped = true; clearInterval(timer); } };
}
