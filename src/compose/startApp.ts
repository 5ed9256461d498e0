import restify from 'restify';
import { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { TokenCredential } from '@azure/core-auth';
import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { PolicyLibrary } from '../features/policy/policyLibrary';
import { SqliteDatabase } from '../adapters/sqlite/sqliteDatabase';
import { createAdapter } from '../teams/adapter';
import { createBotApp } from '../teams/botApp';
import { createBotFrameworkAuthenticator } from '../teams/requestAuthentication';
import { createServer, listen } from '../teams/server';
import { createTenantGate } from '../teams/tenantGate';
import { createTurnLimits } from '../teams/turnLimits';
import { REPORT_CONCERN_COMMAND_ID, reportCannotWait, safeguardingRouteNotices } from '../features/concerns';
import { composeFileLinks } from './fileLinks';
import { FileDownloader } from '../teams/fileDownload';
import { composeAcknowledgement } from './acknowledgement';
import { composeConcerns } from './concerns';
import { startQuestionRetention } from './questionRetention';
import { composeLiveVersions, composePolicy, FOLLOW_PUBLISHED_MS, loadPolicyLibrary, policyHealthDetail } from './policy';
import { loadDisclosureDetector } from './disclosure';
import { loadDraftChecker } from './drafts';
import { loadReranker } from './rerank';
import { openStores } from './stores';
import { EarlySending, startEarlySending } from './earlySending';
import { useSchoolTimeZone } from '../shared/schoolTime';

/** A running bot: its HTTP server, bound port, policy library and a way to stop it cleanly. */
export interface RunningApp {
  server: restify.Server;
  port: number;
  library: PolicyLibrary;
  /** The SQLite database (STORAGE=sqlite); with STORAGE=azure there is none, and reading this throws STORAGE_NOT_SQLITE. */
  readonly db: SqliteDatabase;
  close(): Promise<void>;
}

/** Test-only seams of startApp. */
export interface StartAppOptions {
  /** Extra CA certificate (PEM) for a local https stand-in of Azure OpenAI. */
  openAITrustedCa?: string;
  /** How outgoing Bot Connector calls get a token in production (a fake connector's fixed token). */
  botCredentials?: ServiceClientCredentialsFactory;
  /**
   * The outbound budget and sending thread, when the process started them before loading the app (src/main.ts does,
   * so a restarted bot resumes a roll-out while its modules and the policy still load).
   */
  early?: EarlySending;
  /** How files sent in chat are fetched (a test's stand-in for the sender's OneDrive); by default only Teams' file hosts. */
  fileDownload?: FileDownloader;
  /**
   * How Graph calls get a token, in place of the credential built from GRAPH_* (a test's fixed token: Entra cannot be
   * reached from a test machine, and its client spends about 6 s retrying before the first staff sync gives up).
   */
  graphCredential?: TokenCredential;
  /**
   * How often this instance looks for a version published on another (FOLLOW_PUBLISHED_MS by default): a test of two
   * instances looks every second, so it waits a second for what it checks, not ten.
   */
  followPublishedMs?: number;
  /**
   * Whether the live policy's rules for "check my post" are read at start, so the first draft need not wait for them
   * (true by default). A test that checks no draft starts without it: the reading is about 0.85 s of CPU a start.
   */
  readDraftRulesAtStart?: boolean;
}


/**
 * Dependency order: configuration -> stores -> policy documents (with versions owners published) -> the disclosure detector (the
 * sentence encoder) -> bot adapter -> the three features (policy
 * with AI phrasing when Azure OpenAI is configured) -> application -> HTTP server. Each step fails with a
 * named error before anything listens.
 */
export async function startApp(config: AppConfig, logger: AppLogger, options: StartAppOptions = {}): Promise<RunningApp> {
  useSchoolTimeZone(config.timeZone);
  // One budget for every request to Teams (replies, card updates, campaign cards); sending runs in its own thread from
  // here on, before the stores and the policy are loaded, so a restart resumes a roll-out at once and no turn waits behind one.
  const { outbound, sendingThread, sendRate } = options.early ?? startEarlySending(config, logger);
  const stores = await openStores(config);
  // A refused policy (a sample, a file over a limit) or a model that does not load stops the start: what this call
  // started stops with it.
  const stopStarted = async (err: unknown): Promise<never> => {
    if (!options.early) {
      await sendingThread?.stop();
      await sendRate.close();
    }
    stores.db?.close();
    await stores.shared.close?.();
    throw err;
  };
  const loaded = await loadPolicyLibrary(config, logger, stores.published).catch(stopStarted);
  const disclosure = await loadDisclosureDetector(logger).catch(stopStarted);
  const drafts = await loadDraftChecker(loaded.library, { readRulesAtStart: options.readDraftRulesAtStart ?? true, rules: stores.rules }).catch(stopStarted);
  const reranker = await loadReranker(undefined, loaded.library.documents).catch(stopStarted);
  const { library } = loaded;
  const { db } = stores;
  const adapter = createAdapter(config, options.botCredentials, outbound);
  if (config.concerns.encryptionKeySource === 'localDevelopmentKey') {
    // Info, not warn: only local mode can use this key (production refuses to start without its own), and there it is the
    // default, so `npm run local` says it in its banner rather than as a JSON warning before it.
    logger.info({ event: 'concerns.devKey' }, 'concern reports are encrypted with the public local development key (local mode only)');
  }
  const concerns = composeConcerns({
    settings: config.concerns, store: stores.concerns, adapter, botAppId: config.bot.id ?? '', logger, owners: config.policyOwners, shared: stores.shared,
    staffName: async (id) => (await stores.acknowledgement.getStaff(id))?.displayName,
    // Production reaches Teams at its global address for the route check at start-up; local mode waits for the Playground's first activity.
    teamsOrigin: config.mode === 'production'
      ? { channelId: 'msteams', serviceUrl: config.delivery.botServiceUrl, tenantId: config.bot.tenantId ?? config.allowedTenantIds?.[0] }
      : undefined,
  });
  // Exports reach the owner as a short-lived link the bot serves itself (a data: URL or a 60 KB message would not do), from
  // a store every instance reaches, so any instance serves any link.
  const files = composeFileLinks(config, logger);
  // The versions owners publish, on this instance or another: publishing, the reader and the look for new ones share them.
  const live = composeLiveVersions(loaded, stores.published, logger);
  const acknowledgement = composeAcknowledgement(config, stores.acknowledgement, library, logger, files, stores.jobs, {
    published: stores.published, configuredHashes: loaded.configuredHashes, version: live.document,
  }, { outbound, ...(sendingThread ? { thread: sendingThread } : {}), ...(options.graphCredential ? { graphCredential: options.graphCredential } : {}) });
  const policy = composePolicy(config, {
    loaded, questions: stores.questions, teaching: stores.teaching, published: stores.published, disclosure, drafts, reranker, logger, openAITrustedCa: options.openAITrustedCa, live,
    ...(options.fileDownload ? { download: options.fileDownload } : {}),
    acknowledgement, ownerNotices: safeguardingRouteNotices(concerns), onSafeguardingTeam: (id) => concerns.mayUseTeamCommands(id),
  });
  // Policy questions answer any message no other feature claimed, so they are registered last.
  // Per-person budgets: a report over the budget comes back as the form the person filled, with the notice.
  // The same limits go to the app (messages) and to the HTTP server (invokes, answered before the adapter when over budget).
  const limits = createTurnLimits({
    budgets: config.personLimits, reportCommandIds: [REPORT_CONCERN_COMMAND_ID],
    // The form comes back with the route's "cannot be sent yet" warning while the route is not configured.
    refusedReportCard: concerns.refusedReportCard,
    // A send the form refuses files nothing: it costs a press, not one of the person's reports.
    reportIsSendable: concerns.reportIsSendable,
    // Nor is a child's safety for today held back, as an urgent report is not.
    reportCannotWait,
    // The safeguarding team's and a report's recipients' work on reports is never counted or refused.
    exempt: concerns.isSafeguardingWork,
    // One budget per person whichever instance their activity reaches.
    records: stores.shared,
  }, logger);
  const app = createBotApp({ adapter, logger, botAppId: config.bot.id, features: [acknowledgement.feature, concerns, policy.publishing, policy.questions], limits });
  const authenticator = config.mode === 'production' && config.bot.id ? createBotFrameworkAuthenticator(config.bot.id, config.bot.openIdMetadataUrl) : undefined;
  const tenantGate = config.allowedTenantIds ? createTenantGate(config.allowedTenantIds) : undefined;
  const server = createServer({
    adapter, app, logger, authenticator, tenantGate, limits, routes: [files.route], healthDetail: () => ({ safeguardingRoute: concerns.routeHealthDetail(), policy: policyHealthDetail(library) }),
  });
  const port = await listen(server, config.port, config.host);
  if (!config.publicUrl && config.mode === 'local') files.setBaseUrl(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
  // Reports stored before a restart but not yet delivered go out now, then on a timer.
  await concerns.processOutbox();
  const stopOutbox = concerns.startOutboxTimer(60_000);
  // The safeguarding route is checked now (or at the first activity in local mode), then daily.
  const stopRouteChecks = concerns.startRouteChecks();
  const stopAcknowledgement = await acknowledgement.start();
  // A version published on another instance is answered from here within FOLLOW_PUBLISHED_MS, without a restart.
  const stopFollowing = live.start(options.followPublishedMs ?? FOLLOW_PUBLISHED_MS);
  // Questions staff asked are kept for the school's retention period, then deleted (their day counts stay).
  const retention = startQuestionRetention({ questions: stores.questions, days: config.questionRetentionDays, logger });
  return {
    server, port, library,
    get db(): SqliteDatabase {
      if (!db) throw Object.assign(new Error('STORAGE=azure: there is no SQLite database'), { code: 'STORAGE_NOT_SQLITE' });
      return db;
    },
    async close() {
      stopOutbox();
      stopRouteChecks();
      stopFollowing();
      limits.close();
      retention.stop();
      await stopAcknowledgement();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (the connector, the Playground) would otherwise hold close() open forever.
        server.server.closeAllConnections();
      });
      // The policy's rules for "check my post", read from the start, end before the bot says it has stopped.
      await drafts.settled();
      // Last: this instance's share of the Teams limit goes back to the others once nothing more is sent.
      await sendRate.close();
      db?.close();
      await stores.shared.close?.();
      files.close();
    },
  };
}
