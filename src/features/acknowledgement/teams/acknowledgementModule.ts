import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { AcknowledgementChannel } from '../domain/acknowledgementTypes';
import { AcknowledgePolicy, ViewAcknowledgement, createAcknowledgePolicy, createAcknowledgementView } from '../domain/acknowledgePolicy';
import { CampaignMessenger, CampaignRules, DigestNotifier, ManagerLookup, PolicyOwners } from '../domain/campaignPorts';
import { CampaignChasing, createCampaignChasing } from '../domain/campaignChasing';
import { CampaignService, createCampaignService } from '../domain/campaignService';
import { createCurrentVersions } from '../domain/currentVersions';
import { AcknowledgementSettings } from '../../../config/acknowledgementSettings';
import { FileOffers, KeptFileOffers } from '../../../teams/fileLinks';
import { PolicyTexts } from '../domain/campaignPorts';
import { AcknowledgementFeature, AcknowledgementLog, createAcknowledgementFeature } from './acknowledgementFeature';
import { createOwnerJobRunner, OwnerJobKind, OwnerJobRunner, OwnerJobStore } from '../domain/ownerJobs';
import { createCampaignJobHandlers } from '../domain/campaignJobs';
import { ActivityUpdater } from '../sending/sendingPorts';
import { createOwnerJobReporter } from './ownerJobReporter';
import { SchoolCalendar } from '../domain/schoolCalendar';
import { formatDate } from './cards/acknowledgementCard';

/** What the composition root hands over to build the whole acknowledgement module. */
export interface AcknowledgementModuleDeps {
  store: AcknowledgementStore;
  settings: AcknowledgementSettings;
  /** POLICY_OWNERS: Entra object ids allowed to run campaign commands. */
  owners: PolicyOwners;
  /**
   * The primary policy's id (PolicyDocument.id of the first document loaded); a function where it may arrive while the
   * bot runs (the first version sent in chat), undefined until then: campaigns are refused with "add the policy first".
   */
  primaryPolicyId: string | (() => string | undefined);
  channel: AcknowledgementChannel;
  /** The live policies' text, for reading in Teams and proposing key points. */
  policyTexts?: PolicyTexts;
  /** The document as published, offered through the bot's signed links. */
  documents?: KeptFileOffers;
  logger: AcknowledgementLog;
  /** The sending engine; without it campaigns are recorded but nobody is messaged. */
  messenger?: CampaignMessenger;
  /** True when the app can be installed for people through Graph, so those without a chat can still be reached. */
  canInstall?: boolean;
  /** Where exports go as a short-lived download link; without it the owner is told how IT can export on the server. */
  files?: FileOffers;
  /** Line managers, for the weekly digest after a due date (Graph `manager`, or the roster's manager column). */
  managers?: ManagerLookup;
  /** Sends the digests; without it they are not sent. */
  digests?: DigestNotifier;
  /**
   * Background jobs (reminder passes, exports, a new campaign's recipients), kept in this store and shown on the owner's
   * card through `updater`; without them that work runs inside the owner's command.
   */
  jobs?: { store: OwnerJobStore; workerId: string; updater?: ActivityUpdater; sliceMs?: number; reportEveryMs?: number };
  now?: () => Date;
  /** Weekends, bank holidays and school holidays for due dates (compose builds it from the settings). */
  calendar?: SchoolCalendar;
  /** How long a click may rely on the active campaign and current version it read before (default 10 s). */
  currentVersionTtlMs?: number;
}

/**
 * Long enough that a burst of clicks reads the active campaign once, short enough that a campaign started or closed on
 * another instance is seen within seconds (this instance's own changes are seen at once).
 */
const CURRENT_VERSION_TTL_MS = 10_000;

/** The acknowledgement module: the use cases (for the sender, the CLI, the scheduler) and the bot feature. */
export interface AcknowledgementModule {
  campaigns: CampaignService;
  chasing: CampaignChasing;
  acknowledge: AcknowledgePolicy;
  view: ViewAcknowledgement;
  feature: AcknowledgementFeature;
  /** The background job runner, when jobs are configured: resume it at start-up, stop it at shutdown. */
  jobs?: OwnerJobRunner;
}

/** Builds the acknowledgement use cases and their bot feature from a store and the settings. */
export function createAcknowledgementModule(deps: AcknowledgementModuleDeps): AcknowledgementModule {
  const clock = deps.now ?? (() => new Date());
  const rules: CampaignRules = {
    reminderIntervalMs: deps.settings.reminderIntervalDays * 24 * 3600 * 1000,
    defaultDueDays: deps.settings.defaultDueDays,
    repeatYearly: deps.settings.repeatYearly,
    ...(deps.settings.exportSecret ? { exportSecret: deps.settings.exportSecret } : {}),
    ...(deps.calendar ? { calendar: deps.calendar } : {}),
  };
  const jobs = deps.jobs ? createOwnerJobRunner({
    jobs: deps.jobs.store, clock, workerId: deps.jobs.workerId, logger: deps.logger,
    ...(deps.jobs.updater ? { reporter: createOwnerJobReporter({ updater: deps.jobs.updater, logger: deps.logger }) } : {}),
    ...(deps.jobs.sliceMs !== undefined ? { sliceMs: deps.jobs.sliceMs } : {}),
    ...(deps.jobs.reportEveryMs !== undefined ? { reportEveryMs: deps.jobs.reportEveryMs } : {}),
  }) : undefined;
  const current = createCurrentVersions({ store: deps.store, clock, ttlMs: deps.currentVersionTtlMs ?? CURRENT_VERSION_TTL_MS });
  const service = createCampaignService({
    store: deps.store, clock, owners: deps.owners, primaryPolicyId: deps.primaryPolicyId,
    rules,
    ...(deps.messenger ? { messenger: deps.messenger } : {}),
    canInstall: deps.canInstall === true,
    ...(jobs ? { jobs } : {}),
    sayDate: formatDate, ...(deps.policyTexts ? { texts: deps.policyTexts } : {}),
  });
  // The commands that start or close campaigns forget what clicks keep, whether they succeed or fail part way.
  const thenForget = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } finally {
      current.invalidate();
    }
  };
  const campaigns: CampaignService = {
    ...service,
    startCampaign: thenForget(service.startCampaign),
    startNextRound: thenForget(service.startNextRound),
    runScheduledWork: thenForget(service.runScheduledWork),
    onPolicyVersionRegistered: thenForget(service.onPolicyVersionRegistered),
  };
  if (jobs) {
    const handlers = createCampaignJobHandlers({
      store: deps.store, campaigns, clock, rules, messenger: deps.messenger, files: deps.files, canInstall: deps.canInstall === true,
    });
    for (const [kind, handler] of Object.entries(handlers)) jobs.register(kind as OwnerJobKind, handler);
  }
  const chasing = createCampaignChasing({
    store: deps.store, clock, owners: deps.owners, logger: deps.logger,
    ...(deps.managers ? { managers: deps.managers } : {}),
    notifier: deps.digests ?? { toManager: async () => false, toOwner: async () => false },
  });
  const acknowledge = createAcknowledgePolicy({ store: deps.store, clock, current, owners: deps.owners });
  const view = createAcknowledgementView({ store: deps.store, current, ...(deps.policyTexts ? { texts: deps.policyTexts } : {}) });
  const feature = createAcknowledgementFeature({
    store: deps.store, campaigns, acknowledge, view, channel: deps.channel, defaultDueDays: rules.defaultDueDays,
    ...(deps.policyTexts ? { policyTexts: deps.policyTexts } : {}), ...(deps.documents ? { documents: deps.documents } : {}),
    logger: deps.logger, now: clock, owners: deps.owners, ...(deps.files ? { files: deps.files } : {}),
    chasing, managerDigest: deps.settings.managerDigest === true && deps.digests !== undefined, backgroundJobs: jobs !== undefined,
  });
  return { campaigns, chasing, acknowledge, view, feature, ...(jobs ? { jobs } : {}) };
}
