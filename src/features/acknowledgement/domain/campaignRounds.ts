import { AcknowledgementStore, StoreError } from './acknowledgementStore';
import { Campaign, CampaignAudience, PolicyVersion } from './acknowledgementTypes';
import { describeAudience, listAudience, STAFF_PAGE } from './campaignAudience';
import { CampaignMessenger, CampaignRules } from './campaignPorts';
import { addYears, atSchoolHour, DAY_MS, isoDate, nextSchoolDay } from './campaignDates';
import { schoolTimeZone } from '../../../shared/schoolTime';
import { defaultDueDate } from './schoolCalendar';
import { OwnerCardRef, OwnerJob, OwnerJobQueue } from './ownerJobs';
import { yieldToEventLoop } from './eventLoop';
import { RoundSummary, summariseTallies } from './campaignProgress';
import { carryExcusals, countExcused } from './carriedExcusals';

/** What opening and closing rounds needs. */
export interface CampaignRoundsDeps {
  store: AcknowledgementStore;
  now: () => Date;
  rules: CampaignRules;
  messenger?: CampaignMessenger;
  jobs?: OwnerJobQueue;
}

/** What opening a round asks for. */
export interface OpenRound {
  version: PolicyVersion; audience: CampaignAudience; dueDate: string; actor: string; id: string; round: number; seriesId?: string;
  /** The key points the owner chose; absent: the version's own. */
  keyPoints?: string[];
  /** The audience's size when the caller has just counted it (starting from a preview). */
  expected?: number;
  card?: OwnerCardRef;
}

/** The audit action that records an owner's choice not to ask staff again for a new version. */
export const ROUND_SKIPPED = 'campaign.roundSkipped';

/** The audit subject of a running campaign's choices about one later version (its own, so no other line crowds it out). */
export const versionSubject = (campaignId: string, versionHash: string): string => `${campaignId}@${versionHash}`;

/**
 * Rounds of a campaign: the first, a later one for a new version (from the owner's preview) or the next year's (on
 * its own), each closing the one before; and what the owner sees of a series.
 */
export function createCampaignRounds(deps: CampaignRoundsDeps) {
  const { store, rules, now } = deps;

  async function openRound(input: OpenRound): Promise<{ campaign: Campaign; recipients: number; created: boolean; job?: OwnerJob }> {
    const startedAt = now().toISOString();
    const campaign: Campaign = {
      id: input.id, policyId: input.version.policyId, versionHash: input.version.versionHash, audience: input.audience,
      dueDate: input.dueDate, startedAt, startedBy: input.actor, round: input.round, seriesId: input.seriesId ?? input.id,
      status: 'active',
      // A year on, at nine in the morning of the next school day (an outside walk-through's round went out at 23:19).
      ...(rules.repeatYearly ? { nextRoundAt: atSchoolHour(nextSchoolDay(isoDate(addYears(now(), 1)), rules.calendar), 9, schoolTimeZone()).toISOString() } : {}),
      ...(input.keyPoints ? { keyPoints: input.keyPoints } : {}),
    };
    try {
      await store.createCampaign(campaign);
    } catch (err) {
      // Another instance (or a second press of Start) opened this round first: the ids of later rounds are deterministic.
      if (err instanceof StoreError && err.code === 'STORE_CONFLICT') {
        return { campaign: (await store.getCampaign(input.id))!, recipients: 0, created: false };
      }
      throw err;
    }
    const audited = { round: campaign.round, versionHash: campaign.versionHash, audience: describeAudience(input.audience) };
    if (deps.jobs) {
      // Recipients are added by a background job in slices of the staff list; the card goes out as they are added.
      const recipients = input.expected ?? 0;
      await store.appendAudit({ at: startedAt, actor: input.actor, action: 'campaign.started', subject: campaign.id, details: { ...audited, expected: recipients } });
      const job = await deps.jobs.enqueue({
        kind: 'recipients', campaignId: campaign.id, actorId: input.actor, total: recipients, ...(input.card ? { card: input.card } : {}),
      });
      return { campaign, recipients, created: true, job };
    }
    const members = await listAudience(store, input.audience);
    // Added a page at a time (adding is idempotent), so even without jobs no single write holds the bot up.
    let recipients = 0;
    for (let i = 0; i < members.length; i += STAFF_PAGE) {
      if (i > 0) await yieldToEventLoop();
      recipients += await store.addDeliveries(campaign.id, members.slice(i, i + STAFF_PAGE), startedAt);
    }
    await store.appendAudit({ at: startedAt, actor: input.actor, action: 'campaign.started', subject: campaign.id, details: { ...audited, recipients } });
    deps.messenger?.deliver(campaign.id);
    return { campaign, recipients, created: true };
  }

  /**
   * Opens the round after `previous` for `version` and closes `previous`. Without the owner's choices (the yearly repeat)
   * the due date keeps the span the round before had, and the key points carry over when the version is the same.
   * `excused`: how many stay excused (on leave) from the round before (carriedExcusals.ts), for the owner's Start message.
   */
  async function nextRound(
    previous: Campaign, actor: string, version: PolicyVersion, chosen: { keyPoints?: string[]; dueDate?: string; expected?: number; card?: OwnerCardRef } = {},
  ): Promise<{ campaign: Campaign; recipients: number; created: boolean; job?: OwnerJob; excused: number }> {
    const span = Math.max(1, Math.round((Date.parse(`${previous.dueDate}T00:00:00Z`) - Date.parse(previous.startedAt)) / DAY_MS));
    const keyPoints = chosen.keyPoints ?? (previous.keyPoints && previous.versionHash === version.versionHash ? previous.keyPoints : undefined);
    const opened = await openRound({
      version, audience: previous.audience, actor,
      // The yearly repeat keeps the round before's span, on a day staff are in school (it fell on a Sunday).
      dueDate: chosen.dueDate ?? (rules.calendar ? defaultDueDate(isoDate(now()), rules.calendar, span) : nextSchoolDay(isoDate(new Date(now().getTime() + span * DAY_MS)))),
      id: `${previous.seriesId}-r${previous.round + 1}`, round: previous.round + 1, seriesId: previous.seriesId,
      ...(keyPoints ? { keyPoints } : {}), ...(chosen.expected !== undefined ? { expected: chosen.expected } : {}), ...(chosen.card ? { card: chosen.card } : {}),
    });
    // Without jobs the recipients are in already and the excusals carry now. With jobs the recipients job carries them
    // first thing, before it adds anyone else (its people are added over minutes at 50,000, and the Start click must
    // answer in seconds): the owner is told how many are excused in the round before, which is who it carries.
    let excused = 0;
    if (opened.created && !opened.job) excused = await carryExcusals(store, previous, opened.campaign, now().toISOString());
    else if (opened.created && previous.versionHash !== version.versionHash) excused = await countExcused(store, previous.id);
    const latest = await store.getCampaign(previous.id);
    if (latest && latest.status === 'active') {
      const { nextRoundAt: _dropped, ...rest } = latest;
      await store.updateCampaign({ ...rest, status: 'closed', closedAt: now().toISOString() });
      await store.appendAudit({ at: now().toISOString(), actor, action: 'campaign.closed', subject: previous.id, details: { nextRound: opened.campaign.id } });
    }
    return { ...opened, excused };
  }

  /** When the owner chose not to ask staff again for `versionHash` while `campaign` runs, if they did. */
  async function skippedAt(campaign: Campaign, versionHash: string): Promise<string | undefined> {
    const lines = await store.listAudit(versionSubject(campaign.id, versionHash), 20);
    return lines.find((l) => l.action === ROUND_SKIPPED)?.at;
  }

  /**
   * The version a running campaign's next round would ask about: the policy's latest, when its wording differs from the
   * campaign's (a material change) and the owner has not chosen to leave it; undefined otherwise.
   */
  async function newerVersion(campaign: Campaign): Promise<{ version: PolicyVersion; skippedAt?: string } | undefined> {
    const latest = await store.getLatestPolicyVersion(campaign.policyId);
    if (!latest || latest.versionHash === campaign.versionHash) return undefined;
    const current = await store.getPolicyVersion(campaign.policyId, campaign.versionHash);
    if (current && current.wordingHash !== undefined && current.wordingHash === latest.wordingHash) return undefined;
    const skipped = await skippedAt(campaign, latest.versionHash);
    return { version: latest, ...(skipped ? { skippedAt: skipped } : {}) };
  }

  /** The other rounds of a campaign's series, oldest first, each with its version and how many acknowledged. */
  async function otherRounds(campaign: Campaign): Promise<RoundSummary[]> {
    if (campaign.round === 1 && campaign.status === 'active') {
      // A first round still running has no other rounds unless one was opened after it (it would have closed it).
      return [];
    }
    const series = (await store.listCampaigns()).filter((c) => c.seriesId === campaign.seriesId && c.id !== campaign.id);
    const out: RoundSummary[] = [];
    for (const c of series.sort((a, b) => a.round - b.round)) {
      const version = await store.getPolicyVersion(c.policyId, c.versionHash);
      if (!version) continue;
      const s = summariseTallies(c, version, await store.tallyDeliveries(c.id));
      out.push({ campaign: c, version, acknowledged: s.acknowledged, total: s.total });
    }
    return out;
  }

  return { openRound, nextRound, skippedAt, newerVersion, otherRounds };
}

/** The rounds of campaigns. */
export type CampaignRounds = ReturnType<typeof createCampaignRounds>;
