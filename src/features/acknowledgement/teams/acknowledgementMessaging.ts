import { isoDate } from '../domain/campaignDates';
import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { Campaign, Delivery, PolicyVersion } from '../domain/acknowledgementTypes';
import { createAcknowledgementView } from '../domain/acknowledgePolicy';
import { createCurrentVersions } from '../domain/currentVersions';
import { ChangesSince, changesBetween } from '../domain/changesSince';
import { CampaignMessenger, DigestNotifier, PolicyTexts } from '../domain/campaignPorts';
import { renderManagerDigestCard, renderOwnerDigestCard } from './cards/digestCards';
import { formatDueDate, renderAcknowledgementCard } from './cards/acknowledgementCard';
import { versionPhrase } from '../domain/versionNames';
import { staffCardFor } from './staffCards';
import { toAttachment } from '../../../teams/cards';
import { AcknowledgementLog } from './acknowledgementFeature';

/** A message activity carrying one card. */
export type CardActivity = Record<string, unknown>;

/** Reaches one person with one activity, under the tenant's send budget (DELIVERY's RecipientReacher fits). */
export interface ReminderReacher {
  reach(userId: string, activity: CardActivity): Promise<unknown>;
}

/** Sends a campaign's outstanding deliveries (DELIVERY's CampaignSender fits). */
export interface CampaignRunner {
  run(campaignId: string): Promise<unknown>;
}

/** How long the sender keeps the round's version and campaign between cards. */
const RENDER_TTL_MS = 1_000;

/**
 * Builds the activity the sending engine posts for one delivery: the acknowledgement card for the campaign's
 * version, already showing "Acknowledged on" if the person acknowledged through another card meanwhile.
 */
export function createAcknowledgementActivityRenderer(deps: { store: AcknowledgementStore; texts?: Pick<PolicyTexts, 'version'> }) {
  // The round's version and campaign are read once a second, not once a card (on Table storage a query per card, a
  // quarter of a roll-out's calls); a card's own campaign newer than what is kept is read afresh (currentForCard).
  const view = createAcknowledgementView({ ...deps, current: createCurrentVersions({ store: deps.store, clock: () => new Date(), ttlMs: RENDER_TTL_MS }) });
  const campaigns = new Map<string, Campaign>();
  return async function renderActivity(delivery: Delivery): Promise<CardActivity> {
    let campaign = campaigns.get(delivery.campaignId);
    if (!campaign) {
      campaign = await deps.store.getCampaign(delivery.campaignId);
      if (!campaign) throw new Error(`campaign ${delivery.campaignId} not found`);
      campaigns.set(campaign.id, campaign);
    }
    // A delivery not marked acknowledged needs no read of the person's acknowledgement (a query a card on Table storage).
    const v = await view({
      userId: delivery.userId, policyId: campaign.policyId, versionHash: campaign.versionHash, campaignId: campaign.id,
      ...(delivery.acknowledgedAt ? {} : { notAcknowledgedIn: delivery.campaignId }),
    });
    const card = staffCardFor({ ...v, campaign: v.campaign ?? campaign } as typeof v);
    return { type: 'message', summary: `Please read and acknowledge: ${v.version.title}`, attachments: [toAttachment(card)] };
  };
}

/**
 * The reminder: the same card, saying it is a reminder and when it is due. One card goes to everyone reminded, so for a
 * new version's round it says what changed since the version the round before asked about (`changes`, as the owner's
 * preview showed it), not since each person's own; a first round's reminder, like its card, says nothing of changes.
 */
export function renderReminderActivity(campaign: Campaign, version: PolicyVersion, changes?: ChangesSince, today = isoDate(new Date())): CardActivity {
  // After the due date it says it was due, not "acknowledge it by" a day gone (found by an outside walk-through).
  const overdue = campaign.dueDate < today;
  const card = renderAcknowledgementCard({
    state: 'pending', version, campaignId: campaign.id, dueDate: campaign.dueDate, ...(overdue ? { overdue } : {}),
    ...(campaign.keyPoints && campaign.versionHash === version.versionHash ? { keyPoints: campaign.keyPoints } : {}),
    ...(changes ? { changes: { since: versionPhrase(changes.since), sections: changes.sections, truncated: changes.truncated } } : {}),
    notice: overdue
      ? `Reminder: this was due by ${formatDueDate(campaign.dueDate)}. Please read the policy and acknowledge it now.`
      : `Reminder: please read the policy and acknowledge it by ${formatDueDate(campaign.dueDate)}.`,
  });
  return { type: 'message', summary: `Reminder: ${version.title}`, attachments: [toAttachment(card)] };
}

/**
 * What changed in a round's version since the round before it in the series asked about (the net change, as the owner's
 * preview of the round listed it); none for a first round, a yearly round of the same version, or changes not known.
 */
async function roundChanges(store: AcknowledgementStore, campaign: Campaign, version: PolicyVersion): Promise<ChangesSince | undefined> {
  if (campaign.round <= 1) return undefined;
  const before = (await store.listCampaigns()).find((c) => c.seriesId === campaign.seriesId && c.round === campaign.round - 1);
  if (!before || before.versionHash === version.versionHash) return undefined;
  return changesBetween({ getPolicyVersion: store.getPolicyVersion.bind(store) }, before.versionHash, version);
}

/**
 * The campaign messenger over the sending engine: `deliver` runs the campaign's sender in the background (one
 * run per campaign at a time, re-run if asked again meanwhile); `remind` posts reminder cards in the background
 * through the reacher, which paces them under the same tenant budget.
 */
export function createCampaignMessenger(deps: {
  store: AcknowledgementStore; runner: CampaignRunner; reacher: ReminderReacher; logger: AcknowledgementLog; concurrency?: number;
  /** The clock a reminder is dated by (overdue or not); the system's by default. */
  now?: () => Date;
}): CampaignMessenger & { idle(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const background = new Set<Promise<void>>();

  const track = (p: Promise<void>): void => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  function deliver(campaignId: string): void {
    if (running.has(campaignId)) {
      again.add(campaignId);
      return;
    }
    const run = deps.runner.run(campaignId)
      .then(() => undefined)
      .catch((err: unknown) => deps.logger.warn({ code: (err as { code?: string })?.code ?? 'SEND_FAILED' }, 'campaign send failed'))
      .finally(() => {
        running.delete(campaignId);
        if (again.delete(campaignId)) deliver(campaignId);
      });
    running.set(campaignId, run);
    track(run);
  }

  async function remind(campaign: Campaign, userIds: readonly string[], options: { wait?: boolean } = {}): Promise<void> {
    const version = await deps.store.getPolicyVersion(campaign.policyId, campaign.versionHash);
    if (!version) return;
    const activity = renderReminderActivity(campaign, version, await roundChanges(deps.store, campaign, version), isoDate((deps.now ?? (() => new Date()))()));
    const queue = [...userIds];
    let failed = 0;
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          const result = (await deps.reacher.reach(id, activity)) as { kind?: string; outcome?: { state?: string } };
          if (result?.kind !== 'final' || result.outcome?.state !== 'sent') failed += 1;
        } catch {
          failed += 1;
        }
      }
    };
    const job = Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 8, queue.length) }, worker))
      .then(() => deps.logger.info({ campaignId: campaign.id, reminders: userIds.length, failed }, 'reminders sent'));
    track(job);
    if (options.wait) await job;
  }

  return {
    deliver,
    remind,
    /** Resolves when every background send and reminder started so far has finished (for tests and shutdown). */
    async idle(): Promise<void> {
      while (background.size > 0) await Promise.all([...background]);
    },
  };
}

/** Sends the weekly digests as cards in each manager's and owner's 1:1 chat, through the same reacher and budget. */
export function createDigestNotifier(deps: { reacher: ReminderReacher }): DigestNotifier {
  const reach = async (userId: string, card: ReturnType<typeof renderManagerDigestCard>, summary: string): Promise<boolean> => {
    try {
      const result = (await deps.reacher.reach(userId, { type: 'message', summary, attachments: [toAttachment(card)] })) as { kind?: string; outcome?: { state?: string } };
      return result?.kind === 'final' && result.outcome?.state === 'sent';
    } catch {
      return false;
    }
  };
  return {
    toManager: (managerId, digest) => reach(managerId, renderManagerDigestCard(digest), `Not yet acknowledged: ${digest.title}`),
    toOwner: (ownerId, digest) => reach(ownerId, renderOwnerDigestCard(digest), `Weekly digest: ${digest.title}`),
  };
}
