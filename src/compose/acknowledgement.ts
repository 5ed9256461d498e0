import { registerPolicyVersion, wordingHash } from '../features/acknowledgement/domain/policyVersions';
import { PolicyDocument } from '../features/policy/policyDocument';
import { PublishedForAcknowledgement } from '../features/policy/teams/policyPublishing';
import { AdaptiveCardJson } from '../teams/cards';
import { AcknowledgementStore } from '../features/acknowledgement/domain/acknowledgementStore';
import { createAcknowledgementActivityRenderer, createCampaignMessenger, createDigestNotifier } from '../features/acknowledgement/teams/acknowledgementMessaging';
import { AcknowledgementFeature } from '../features/acknowledgement/teams/acknowledgementFeature';
import { createAcknowledgementModule } from '../features/acknowledgement/teams/acknowledgementModule';
import { AppConfig } from '../config';
import { FileLinks, FileOffers } from '../teams/fileLinks';
import path from 'node:path';
import { PublishedPolicyStore } from '../features/policy/publishing/publishedPolicies';
import { PolicyTexts } from '../features/acknowledgement/domain/campaignPorts';
import { createDeliveryModule } from './acknowledgementSending';
import { SendingThread } from './acknowledgementSendingThread';
import { OutboundBudget } from '../teams/outboundBudget';
import { startStaffSyncSchedule } from '../features/acknowledgement/sending/staffSyncSchedule';
import { AppLogger } from '../shared/logger';
import { PolicyLibrary } from '../features/policy/policyLibrary';
import { OwnerJobStore } from '../features/acknowledgement/domain/ownerJobs';
import { createSchoolCalendar, parseBankHolidays, SchoolCalendar } from '../features/acknowledgement/domain/schoolCalendar';
import shippedBankHolidays from '../features/acknowledgement/calendar/bank-holidays-england-and-wales.json';
import fs from 'node:fs';
import { AcknowledgementSettings } from '../config/acknowledgementSettings';
import type { TokenCredential } from '@azure/core-auth';

/**
 * The calendar due dates are checked against: GOV.UK's bank holidays from ACK_BANK_HOLIDAYS_FILE (a newer download IT
 * keeps outside the app) or the copy shipped with it, and the school's holidays. A file that cannot be read stops the
 * start with its reason, rather than due dates being set on bank holidays unnoticed.
 */
export function loadSchoolCalendar(settings: Pick<AcknowledgementSettings, 'bankHolidaysFile' | 'schoolHolidays'>): SchoolCalendar {
  let json: unknown = shippedBankHolidays;
  if (settings.bankHolidaysFile) {
    try {
      json = JSON.parse(fs.readFileSync(settings.bankHolidaysFile, 'utf8'));
    } catch (err) {
      throw Object.assign(new Error(`ACK_BANK_HOLIDAYS_FILE (${settings.bankHolidaysFile}) could not be read: ${(err as Error).message}`), { code: 'BANK_HOLIDAYS_UNREADABLE' });
    }
  }
  try {
    return createSchoolCalendar({ bankHolidays: parseBankHolidays(json), schoolHolidays: settings.schoolHolidays });
  } catch (err) {
    throw Object.assign(new Error(`ACK_BANK_HOLIDAYS_FILE (${settings.bankHolidaysFile ?? 'the shipped copy'}): ${(err as Error).message}`), { code: 'BANK_HOLIDAYS_UNREADABLE' });
  }
}

/** The acknowledgement capability, assembled: its bot feature and what must run and stop with the app. */
export interface AcknowledgementWiring {
  feature: AcknowledgementFeature;
  store: AcknowledgementStore;
  /** Starts staff sync, background sending and the yearly/joiner scheduler; returns how to stop them. */
  start(): Promise<() => Promise<void>>;
  /** Whether staff must acknowledge `next` again: its wording differs from `live`'s. */
  isMaterial(live: PolicyDocument, next: PolicyDocument): boolean;
  /** A new version went live (published from chat): registers it; a material change prepares each running campaign's next round as the owner's preview. */
  versionPublished(doc: PolicyDocument, actorId: string, replaces?: PolicyDocument): Promise<PublishedForAcknowledgement>;
}

/**
 * Dependency order: (the store, opened by stores.ts) -> delivery (directory, installer, rate budgets, sender) -> messenger ->
 * campaign use cases and bot feature -> the loaded policy versions registered (a material change
 * starts a fresh round).
 */
export function composeAcknowledgement(
  config: AppConfig, store: AcknowledgementStore, library: PolicyLibrary, logger: AppLogger, files?: FileOffers & Partial<Pick<FileLinks, 'offerKept' | 'listenDownloads'>>,
  jobStore?: OwnerJobStore, documents: PolicyTextSources = {},
  sending: { outbound?: OutboundBudget; thread?: SendingThread; graphCredential?: TokenCredential } = {},
): AcknowledgementWiring {
  const settings = config.acknowledgement;
  const policyTexts = createPolicyTexts(config.policyFiles, library, documents);
  // Cards sent from here (no sending thread) work out what changed across several versions from the texts; the thread,
  // which has no policy loaded, folds the changes kept with each version (changesSince.ts).
  const delivery = createDeliveryModule({
    settings: config.delivery, bot: config.bot, store, renderActivity: createAcknowledgementActivityRenderer({ store, texts: policyTexts }), logger,
    ...(sending.outbound ? { outbound: sending.outbound } : {}), ...(sending.graphCredential ? { graphCredential: sending.graphCredential } : {}),
  });
  // With the sending thread, cards, reminders and digests go from there; here only replies and card updates.
  const thread = sending.thread;
  const messenger = thread?.messenger ?? createCampaignMessenger({ store, runner: delivery.sender, reacher: delivery.reacher, logger });
  const reacher = thread?.reacher ?? delivery.reacher;
  const calendar = loadSchoolCalendar(settings);
  if (new Date().getUTCFullYear() >= calendar.bankHolidaysKnownUntil) {
    logger.warn({ event: 'calendar.bankHolidaysEnding', knownUntil: calendar.bankHolidaysKnownUntil }, 'the bank holiday list ends soon: update ACK_BANK_HOLIDAYS_FILE (docs/operations.md)');
  }
  const ack = createAcknowledgementModule({
    store, settings, calendar, owners: config.policyOwners, primaryPolicyId: () => library.primary?.id,
    channel: config.mode === 'local' ? 'playground' : 'teams',
    policyTexts,
    ...(files?.offerKept ? { documents: { offerKept: files.offerKept.bind(files) } } : {}),
    logger, messenger, canInstall: delivery.installer !== undefined, ...(files ? { files } : {}),
    ...(delivery.managers ? { managers: delivery.managers } : {}), digests: createDigestNotifier({ reacher }),
    ...(jobStore ? { jobs: { store: jobStore, workerId: config.delivery.workerId, updater: delivery.updater } } : {}),
  });
  // A download of the document as published counts as reading that version (the link's tag names the reader).
  files?.listenDownloads?.((key, tag) => {
    const m = /^policy:(.+):([0-9a-f]{16,128})$/.exec(key);
    if (!m) return;
    const [userId, campaignId] = tag.split('~');
    store.recordPolicyRead({ policyId: m[1], versionHash: m[2], userId, at: new Date().toISOString(), document: true, ...(campaignId ? { campaignId } : {}) })
      .catch((err: unknown) => logger.warn({ event: 'policy.readNotRecorded', code: (err as { code?: string }).code ?? 'unknown' }, 'a document download was not recorded'));
  });
  return {
    feature: ack.feature,
    store,
    isMaterial: (live, next) => wordingHash(live) !== wordingHash(next),
    async versionPublished(doc, actorId, replaces) {
      const registered = await registerPolicyVersion(store, doc, { now: new Date(), readUrl: settings.policyUrl, ...(replaces ? { replaces } : {}) });
      const awaiting = await ack.campaigns.onPolicyVersionRegistered(registered);
      // Each round is the owner's to review: its preview follows the published card, and nothing is sent until Start.
      const followUps: { card: AdaptiveCardJson; summary: string }[] = [];
      for (const c of awaiting) {
        try {
          followUps.push({ card: await ack.feature.nextRoundPreview(actorId, c.id), summary: 'Ask staff to acknowledge the new version?' });
        } catch (err) {
          // The version is live either way; `campaign start` shows the same preview.
          logger.warn({ event: 'campaign.nextRoundPreviewFailed', code: (err as { code?: string }).code ?? 'unknown' }, 'the new round\'s preview could not be shown');
        }
      }
      return { material: registered.version.material, roundsAwaiting: awaiting.length, followUps };
    },
    async start() {
      const now = new Date();
      for (const doc of library.documents) {
        await ack.campaigns.onPolicyVersionRegistered(await registerPolicyVersion(store, doc, { now, readUrl: settings.policyUrl }));
      }
      // Joiners, leavers and moves reach campaigns without a restart (joiners at the sync, and the scheduler's pass as a backstop). The first
      // sync runs before sending starts; a directory outage must not stop questions being answered: the next tick retries.
      const staffSync = startStaffSyncSchedule({
        intervalMs: config.delivery.syncMinutes * 60_000,
        sync: (signal) => delivery.syncStaff(new Date(), signal),
        onSynced: async (synced) => {
          logger.info({
            event: 'staff.synced', ...summarise(synced), incremental: synced.incremental, joined: synced.joinedIds.length, departed: synced.departedIds.length,
          }, 'staff directory synced');
          // New starters join running campaigns at the sync, as leavers leave them (the scheduler's pass is the backstop).
          try {
            const added = await ack.campaigns.addJoiners(synced.joinedIds);
            if (added > 0) logger.info({ event: 'campaign.joinersAdded', added }, 'new starters added to running campaigns');
          } catch (err) {
            logger.warn({ event: 'campaign.joinersNotAdded', code: (err as { code?: string }).code ?? (err as Error).name }, 'new starters could not be added to running campaigns now; the scheduler will');
          }
        },
        onFailed: (err) => logger.warn({ event: 'staff.syncFailed', code: (err as { code?: string }).code ?? (err as Error).name }, 'staff directory sync failed'),
      });
      await staffSync.runNow();
      // The thread sends active campaigns from the moment it starts; without it, this instance's loop does.
      const background = thread ? undefined : delivery.startBackgroundSending();
      // Reminder passes, exports and campaign starts a stopped instance left half done go on from their last batch.
      const resumed = await ack.jobs?.resume();
      if (resumed) logger.info({ event: 'jobs.resumed', jobs: resumed }, 'owner jobs resumed');
      const stopScheduler = ack.feature.startScheduler(settings.scheduleMinutes * 60_000);
      return async () => {
        await staffSync.stop();
        stopScheduler();
        await ack.jobs?.stop();
        await background?.stop();
        // The thread's stop waits for its reminders itself, within a bounded grace: asking it first would not be bounded.
        if (thread) await thread.stop();
        else await messenger.idle();
      };
    },
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.pdf': 'application/pdf',
};

/** Where the policies' texts and files come from besides the library: the published versions, and what the files configured hashed to. */
export interface PolicyTextSources {
  published?: PublishedPolicyStore;
  configuredHashes?: ReadonlyMap<string, string>;
  /** A version by its hash, the live one or read from the store (LiveVersions.document): what a card for it opens. */
  version?(policyId: string, versionHash: string): Promise<PolicyDocument | undefined>;
}

/**
 * The policies' text and files: the library's documents as they are now (published versions replace them), any published
 * version by its hash (a card for a version another instance published, or one this instance has not taken up yet), and
 * the Word or PDF file a version was read from: the one an owner published, else the configured file while it is the
 * version running. Plain text and Markdown sources have no document to offer.
 */
export function createPolicyTexts(policyFiles: readonly string[], library: PolicyLibrary, documents: PolicyTextSources): PolicyTexts {
  return {
    document: (policyId) => library.documents.find((d) => d.id === policyId),
    async version(policyId, versionHash) {
      const live = library.documents.find((d) => d.id === policyId);
      if (live?.metadata.contentHash === versionHash) return live;
      return documents.version?.(policyId, versionHash);
    },
    async file(policyId, versionHash) {
      const stored = await documents.published?.version(policyId, versionHash);
      if (stored) {
        const type = CONTENT_TYPES[path.extname(stored.fileName).toLowerCase()];
        return type ? { fileName: stored.fileName, contentType: type, content: stored.content } : undefined;
      }
      if (documents.configuredHashes?.get(policyId) !== versionHash) return undefined;
      const configured = policyFiles.find((f) => library.documents.some((d) => d.id === policyId && path.basename(f) === d.source)) ?? undefined;
      const type = configured ? CONTENT_TYPES[path.extname(configured).toLowerCase()] : undefined;
      if (!configured || !type) return undefined;
      return { fileName: path.basename(configured), contentType: type, content: await fs.promises.readFile(configured) };
    },
  };
}

function summarise(result: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (result && typeof result === 'object') for (const [k, v] of Object.entries(result)) if (typeof v === 'number') out[k] = v;
  return out;
}
