import { TokenCredential } from '@azure/identity';
import { Delivery } from '../features/acknowledgement/domain/acknowledgementTypes';
import { AcknowledgementStore } from '../features/acknowledgement/domain/acknowledgementStore';
import { CoreSettings } from '../config/coreSettings';
import { DeliverySettings } from '../config/deliverySettings';
import { createGraphClient, createGraphCredential } from '../adapters/graph/graphClient';
import { createGraphManagerLookup, createGraphStaffDirectory } from '../adapters/graph/graphDirectory';
import { createRosterStaffDirectory } from '../adapters/roster/rosterDirectory';
import { createGraphAppInstaller } from '../adapters/graph/teamsAppInstaller';
import { createBotConnectorSender, createBotConnectorTokenProvider, createBotConnectorUpdater } from '../adapters/botConnector/botConnectorSender';
import { CampaignSender, createCampaignSender, SenderLogger, SendRunSummary } from '../features/acknowledgement/sending/campaignSender';
import { ActivityUpdater, AppInstaller, StaffDirectorySource } from '../features/acknowledgement/sending/sendingPorts';
import { ManagerLookup } from '../features/acknowledgement/domain/campaignPorts';
import { createRateLimiter, RateLimiter } from '../features/acknowledgement/sending/rateLimiter';
import { createRecipientReacher, RecipientReacher } from '../features/acknowledgement/sending/recipientReacher';
import { StaffSyncResult, syncStaffDirectory } from '../features/acknowledgement/sending/staffSync';
import { OutboundBudget } from '../teams/outboundBudget';
import { watchForNewCampaigns } from './campaignWatch';

/** Campaign delivery, assembled: directory, installer, rate budgets, reacher and the sending engine. */
export interface DeliveryModule {
  directory: StaffDirectorySource;
  /** Absent when Graph is not configured (local mode): only people with a stored reference are reached. */
  installer?: AppInstaller;
  /** Line managers (Graph, or the roster's manager column), for the weekly digest. */
  managers?: ManagerLookup;
  sendLimiter: RateLimiter;
  reacher: RecipientReacher;
  sender: CampaignSender;
  /** Replaces cards the bot posted (an owner's job progress), signed like the sender. */
  updater: ActivityUpdater;
  /** Brings the store's staff list up to date from the directory (only the changes, once a delta link is kept). */
  syncStaff(now?: Date, signal?: AbortSignal): Promise<StaffSyncResult>;
  /** Sends every active campaign that has outstanding deliveries, one after another. */
  sendActiveCampaigns(signal?: AbortSignal): Promise<Record<string, SendRunSummary>>;
  /** Runs sendActiveCampaigns every `intervalMs` until the returned stop() is called. */
  startBackgroundSending(intervalMs?: number): { stop(): Promise<void> };
}

/** What the module needs from the composition root. */
export interface DeliveryModuleDeps {
  settings: DeliverySettings;
  /** The bot identity (CoreSettings.bot) that signs connector calls; without an id, calls go unsigned (local mode). */
  bot: CoreSettings['bot'];
  store: AcknowledgementStore;
  /** Builds the acknowledgement card activity for one delivery. */
  renderActivity(delivery: Delivery): Promise<Record<string, unknown>> | Record<string, unknown>;
  logger?: SenderLogger;
  /** Replaces the Graph credential built from settings (tests against the fake Graph). */
  graphCredential?: TokenCredential;
  /** Extra CA (PEM) the Graph client trusts (a local https fake). */
  graphTrustedCa?: string;
  /**
   * The app's one budget with Teams (src/teams/outboundBudget.ts), shared with the bot's replies: campaign cards draw from
   * it as bulk, leaving room for replies; card updates as replies. Without it the sender keeps a budget of its own.
   */
  outbound?: Pick<OutboundBudget, 'sender' | 'acquire'>;
}

/**
 * The send budget, logging when Teams answers 429 (`sending.throttled`, at most once a minute with how many came): the
 * budget obeys each, and an IT lead who sees them raises SEND_ARRIVAL_SPREAD_MS (or lowers SEND_RATE_PER_SECOND).
 */
export function sayingThrottles(limiter: RateLimiter, logger: SenderLogger | undefined, now: () => number = Date.now): RateLimiter {
  if (!logger) return limiter;
  let loggedAt = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  return {
    ...limiter,
    throttled(retryAfterMs) {
      unlogged += 1;
      const t = now();
      if (t - loggedAt >= 60_000) {
        logger.warn({ event: 'sending.throttled', count: unlogged, retryAfterMs: retryAfterMs ?? null },
          'Teams answered 429 (too many requests); sending paused for its Retry-After. If this recurs, raise SEND_ARRIVAL_SPREAD_MS');
        loggedAt = t;
        unlogged = 0;
      }
      limiter.throttled(retryAfterMs);
    },
  };
}

/**
 * Builds campaign delivery from parsed settings. Called once by src/compose/acknowledgement.ts; nothing here reads the
 * environment. The Graph client is shared by the directory and the installer, and Graph 429s slow the
 * install budget down.
 */
export function createDeliveryModule(deps: DeliveryModuleDeps): DeliveryModule {
  const { settings, store } = deps;
  const installLimiter = createRateLimiter({ ratePerSecond: settings.installRatePerSecond });
  const sendLimiter = sayingThrottles(
    deps.outbound ? deps.outbound.sender('bulk') : createRateLimiter({ ratePerSecond: settings.sendRatePerSecond }), deps.logger,
  );

  let directory: StaffDirectorySource | undefined;
  let installer: AppInstaller | undefined;
  let managers: ManagerLookup | undefined;
  if (settings.graph) {
    const client = createGraphClient({
      baseUrl: settings.graph.baseUrl,
      credential: deps.graphCredential ?? createGraphCredential(settings.graph),
      trustedCa: deps.graphTrustedCa,
      onThrottled: (ms) => installLimiter.throttled(ms),
    });
    if (settings.directory.kind === 'graph') directory = createGraphStaffDirectory(client, { groupId: settings.directory.groupId });
    managers = createGraphManagerLookup(client);
    if (settings.teamsApp.catalogId || settings.teamsApp.manifestId) {
      installer = createGraphAppInstaller(client, {
        baseUrl: settings.graph.baseUrl, catalogId: settings.teamsApp.catalogId, manifestId: settings.teamsApp.manifestId, limiter: installLimiter,
      });
    }
  }
  if (settings.directory.kind === 'roster') {
    const roster = createRosterStaffDirectory(settings.directory.rosterFile);
    directory = roster;
    managers = roster;
  }
  if (!directory) throw new Error('No staff directory: configure Graph or a roster file');

  const getToken = deps.bot.id
    ? createBotConnectorTokenProvider({ appId: deps.bot.id, password: deps.bot.password, tenantId: deps.bot.tenantId, appType: deps.bot.appType })
    : undefined;
  const reacher = createRecipientReacher({
    references: store, sender: createBotConnectorSender({ getToken }), sendLimiter, installer, serviceUrl: settings.botServiceUrl,
  });
  const sender = createCampaignSender({
    store, reacher, sendLimiter, sharedLimiters: [installLimiter], renderActivity: deps.renderActivity, workerId: settings.workerId,
    leaseMs: settings.leaseSeconds * 1000, maxAttempts: settings.maxAttempts, logger: deps.logger,
  });
  const staffDirectory = directory;

  const sendActiveCampaigns = async (signal?: AbortSignal): Promise<Record<string, SendRunSummary>> => {
    const results: Record<string, SendRunSummary> = {};
    for (const campaign of await store.listCampaigns('active')) {
      if (signal?.aborted) break;
      const counts = await store.countDeliveries(campaign.id);
      if (counts.pending + counts.claimed === 0) continue;
      results[campaign.id] = await sender.run(campaign.id, { signal });
    }
    return results;
  };

  return {
    directory: staffDirectory,
    installer,
    managers,
    sendLimiter,
    reacher,
    sender,
    updater: budgetedUpdater(createBotConnectorUpdater({ getToken }), deps.outbound),
    syncStaff: (now = new Date(), signal) => syncStaffDirectory(staffDirectory, store, now.toISOString(), signal),
    sendActiveCampaigns,
    startBackgroundSending(intervalMs = 30_000) {
      const controller = new AbortController();
      let running: Promise<void> | undefined;
      // A new campaign seen while a pass runs gets a pass of its own as soon as that one ends.
      let again = false;
      // One pass at a time: a long campaign simply delays the next look.
      const tick = (): void => {
        if (running || controller.signal.aborted) return;
        running = sendActiveCampaigns(controller.signal)
          .then(() => undefined)
          .catch((err: unknown) => {
            deps.logger?.warn({ code: (err as { code?: string })?.code ?? 'send_failed' }, 'background campaign sending failed');
          })
          .finally(() => {
            running = undefined;
            if (again) {
              again = false;
              tick();
            }
          });
      };
      const timer = setInterval(tick, intervalMs);
      timer.unref?.();
      tick();
      // A campaign started on another instance is sent from here within a few seconds, not at the next full pass.
      const watch = watchForNewCampaigns({
        activeCampaignIds: async () => (await store.listCampaigns('active')).map((c) => c.id),
        pass: () => { if (running) again = true; else tick(); },
        onError: (err) => deps.logger?.warn({ code: (err as { code?: string })?.code ?? 'watch_failed' }, 'looking for new campaigns failed'),
      });
      return {
        async stop() {
          clearInterval(timer);
          watch.stop();
          controller.abort();
          await running;
        },
      };
    },
  };
}

/** Card updates (an owner's job progress) take their turn in the app's budget like a reply. */
function budgetedUpdater(updater: ActivityUpdater, outbound?: Pick<OutboundBudget, 'acquire'>): ActivityUpdater {
  if (!outbound) return updater;
  return {
    async update(target, activityId, activity) {
      await outbound.acquire('reply');
      return updater.update(target, activityId, activity);
    },
  };
}
