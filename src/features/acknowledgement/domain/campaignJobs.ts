import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import { Campaign } from './acknowledgementTypes';
import { isInAudience } from './campaignAudience';
import { CampaignMessenger, CampaignRules } from './campaignPorts';
import { CampaignService } from './campaignService';
import { ExportSink } from './acknowledgementExport';
import { JobHandler, JobOutcome, OwnerJobKind } from './ownerJobs';
import { outstandingByReach, unreachedTotal } from './campaignReminders';
import { carryExcusals, previousRoundId } from './carriedExcusals';

/** People reminded per batch: marked together (one transaction on Table storage), then their cards are sent. */
const REMIND_BATCH = 100;
/** Staff read per batch when a new campaign's recipients are added (about 5 ms of SQLite writes at 250). */
const RECIPIENT_BATCH = 250;

/** Where an export file is written and offered as a link (the bot's file links fit); undefined when it cannot link. */
export interface ExportFiles {
  offerWritten<T extends { fileName: string }>(
    contentType: string, write: (sink: ExportSink) => Promise<T>,
  ): Promise<{ offered: { url: string; expiresAt: string; bytes: number }; result: T } | undefined>;
}

/** What the campaign jobs need. */
export interface CampaignJobsDeps {
  store: AcknowledgementStore;
  campaigns: Pick<CampaignService, 'writeExport'>;
  rules: CampaignRules;
  clock: () => Date;
  messenger?: CampaignMessenger;
  files?: ExportFiles;
  /** Whether the app is installed for people without a chat (production): what "could not be reached" means. */
  canInstall?: boolean;
}

async function campaignOf(store: AcknowledgementStore, id: string): Promise<Campaign> {
  const campaign = await store.getCampaign(id);
  if (!campaign) throw new AcknowledgementError('NO_CAMPAIGN', `There is no campaign "${id}".`);
  return campaign;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * The owner's background work as job handlers. Each works in batches and reports after each, so a restart goes on
 * from the last batch recorded:
 * - remind: the outstanding, a page at a time from the last id handled; each person is marked (an atomic write that
 *   refuses anyone reminded within the interval) before their card is sent, so nobody is reminded twice, even when
 *   a batch is repeated after a restart (someone marked and not yet sent when the process stopped misses this pass);
 * - export: the CSV written to a file page by page, offered as a link at the end; a partial file does not survive a
 *   restart (the links live in the instance's private temporary folder), so a resumed export starts again;
 * - recipients: a new campaign's audience added a page of the staff list at a time (adding is idempotent), the card
 *   going out as they are added.
 */
export function createCampaignJobHandlers(deps: CampaignJobsDeps): Record<OwnerJobKind, JobHandler> {
  const { store } = deps;

  const remind: JobHandler = {
    async run(job, ctx) {
      const campaign = await campaignOf(store, job.campaignId);
      if (job.cursor === '' && job.done === 0) {
        const { reached, awaitingCard, unreached } = outstandingByReach(await store.tallyDeliveries(campaign.id));
        // Who was not reached, by why: each is put right differently (the card names the ones without a chat apart).
        await ctx.progress({
          total: reached,
          data: { awaitingCard, unreachable: unreachedTotal(unreached), ...unreached, canInstall: deps.canInstall ? 1 : 0, reminded: 0, recentlyReminded: 0 },
        });
      }
      let { cursor, done } = job;
      let reminded = num(job.data.reminded);
      let recent = num(job.data.recentlyReminded);
      const at = deps.clock().toISOString();
      for (;;) {
        const page = await store.listOutstandingPage(campaign.id, cursor, REMIND_BATCH);
        // The page marked at once: one transaction on Table storage, not a read and a write per person.
        const toRemind = page.length > 0 ? await store.markRemindedMany(campaign.id, page, at, deps.rules.reminderIntervalMs) : [];
        recent += page.length - toRemind.length;
        if (toRemind.length > 0 && deps.messenger) await deps.messenger.remind(campaign, toRemind, { wait: true });
        reminded += toRemind.length;
        done += page.length;
        if (page.length > 0) cursor = page[page.length - 1];
        await ctx.progress({ done, cursor, data: { reminded, recentlyReminded: recent } });
        if (page.length < REMIND_BATCH) break;
      }
      await store.appendAudit({
        at: deps.clock().toISOString(), actor: job.actorId, action: 'campaign.reminded', subject: campaign.id,
        details: { reminded, recentlyReminded: recent, unreachable: num(job.data.unreachable), job: job.id },
      });
      return { data: { reminded, recentlyReminded: recent } };
    },
  };

  const exportJob: JobHandler = {
    async run(job, ctx): Promise<JobOutcome> {
      const campaign = await campaignOf(store, job.campaignId);
      // Counted by state only: on Table storage that reads one column of the deliveries, not the whole picture. People
      // who have left the staff list are not exported.
      const { left: _left, ...counted } = await store.countDeliveries(campaign.id);
      const total = Object.values(counted).reduce((n, c) => n + c, 0);
      await ctx.progress({ done: 0, total, cursor: '' });
      const input = { actorId: job.actorId, campaignId: campaign.id };
      const written = await deps.files?.offerWritten('text/csv; charset=utf-8', (sink) =>
        deps.campaigns.writeExport(input, sink, (rows) => ctx.progress({ done: rows })));
      if (!written) return { data: { rows: total, linked: 0 } };
      const { offered, result } = written;
      return {
        data: { rows: result.rows, bytes: offered.bytes, linked: 1, fileName: result.fileName },
        delivery: { url: offered.url, expiresAt: offered.expiresAt, bytes: offered.bytes, rows: result.rows, fileName: result.fileName, sealed: result.sealed ? 1 : 0 },
      };
    },
  };

  const recipients: JobHandler = {
    async run(job, ctx) {
      const campaign = await campaignOf(store, job.campaignId);
      let { cursor, done } = job;
      let added = num(job.data.added);
      let carried = num(job.data.carried);
      const previousId = previousRoundId(campaign);
      if (previousId && cursor === '' && done === 0 && job.data.carried === undefined) {
        // A new version's round keeps the round before's excusals (staff on leave), written before anyone else is added:
        // they are excused from the moment the round has people, and an excusal the owner lifts meanwhile stays lifted
        // (a resumed job does not carry again).
        const previous = await store.getCampaign(previousId);
        carried = previous ? await carryExcusals(store, previous, campaign, deps.clock().toISOString()) : 0;
        await ctx.progress({ data: { added, carried } });
      }
      let announced = false;
      for (;;) {
        const page = await store.listStaffPage(cursor, RECIPIENT_BATCH);
        const members = page.filter((m) => isInAudience(m, campaign.audience));
        if (members.length > 0) added += await store.addDeliveries(campaign.id, members, deps.clock().toISOString());
        done += members.length;
        if (page.length > 0) cursor = page[page.length - 1].userId;
        await ctx.progress({ done, cursor, data: { added } });
        // The first people get their card while the rest are added; the sender is asked again at the end.
        if (!announced && added > 0) {
          deps.messenger?.deliver(campaign.id);
          announced = true;
        }
        if (page.length < RECIPIENT_BATCH) break;
      }
      await store.appendAudit({
        at: deps.clock().toISOString(), actor: job.actorId, action: 'campaign.recipientsAdded', subject: campaign.id,
        details: { recipients: done, added, job: job.id, ...(carried > 0 ? { excusalsCarried: carried } : {}) },
      });
      deps.messenger?.deliver(campaign.id);
      return { data: { added } };
    },
  };

  return { remind, export: exportJob, recipients };
}
