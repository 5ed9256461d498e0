/**
 * One campaign sender as its own process, for the kill-and-resume test and the broadcast bench: it opens
 * the SQLite store, sends the campaign through the fake connector (and the fake Graph for installs), and
 * prints one JSON line with its counts when done. SIGTERM stops it gracefully; SIGKILL is the crash case.
 *
 *   node dist/tests/delivery/support/senderWorker.js --db FILE --campaign ID --connector URL --worker-id ID
 *        [--graph URL --ca-file PEM --catalog-id ID] [--rate 50] [--install-rate 30] [--concurrency 16]
 *        [--lease-ms 60000] [--heartbeat-ms 5000] [--budget limiter|app] [--arrival-spread-ms 50]
 *
 * `--budget app` sends through the app's own outbound budget (src/teams/outboundBudget.ts) holding the whole limit, its
 * share counted over a second and `--arrival-spread-ms`, as a lone instance of the app holds it; the default is the
 * sending engine's own limiter (rateLimiter.ts).
 */
import fs from 'node:fs';
import { createSqliteAcknowledgementStore } from '../../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createBotConnectorSender } from '../../../../../src/adapters/botConnector/botConnectorSender';
import { createCampaignSender, SendRunSummary } from '../../../../../src/features/acknowledgement/sending/campaignSender';
import { createRateLimiter } from '../../../../../src/features/acknowledgement/sending/rateLimiter';
import { createRecipientReacher } from '../../../../../src/features/acknowledgement/sending/recipientReacher';
import { AppInstaller } from '../../../../../src/features/acknowledgement/sending/sendingPorts';
import { createGraphClient } from '../../../../../src/adapters/graph/graphClient';
import { createGraphAppInstaller } from '../../../../../src/adapters/graph/teamsAppInstaller';
import { createOutboundBudget } from '../../../../../src/teams/outboundBudget';
import { DEFAULT_SEND_RATE_TIMING } from '../../../../../src/teams/sharedSendRate';

/** What a worker process is told on its command line. */
export interface SenderWorkerArgs {
  db: string;
  campaign: string;
  connector: string;
  workerId: string;
  graph?: string;
  caFile?: string;
  catalogId?: string;
  rate: number;
  installRate: number;
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  maxAttempts: number;
  /** Fraction of the limit to aim at (the limiter's default when absent). */
  utilisation?: number;
  /** Which budget the cards draw from: the engine's own limiter (default) or the app's outbound budget. */
  budget: 'limiter' | 'app';
  /** With the app's budget: the arrival spread its share is counted with (ms). */
  arrivalSpreadMs: number;
}

/** Parses `--name value` pairs into worker arguments. */
export function parseWorkerArgs(argv: string[]): SenderWorkerArgs {
  const named = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) named.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  const need = (k: string): string => {
    const v = named.get(k);
    if (!v) throw new Error(`--${k} is required`);
    return v;
  };
  const num = (k: string, d: number): number => (named.has(k) ? Number(named.get(k)) : d);
  return {
    db: need('db'), campaign: need('campaign'), connector: need('connector'), workerId: need('worker-id'),
    graph: named.get('graph'), caFile: named.get('ca-file'), catalogId: named.get('catalog-id'),
    rate: num('rate', 50), installRate: num('install-rate', 30), concurrency: num('concurrency', 16),
    leaseMs: num('lease-ms', 60_000), heartbeatMs: num('heartbeat-ms', 5_000), maxAttempts: num('max-attempts', 5),
    utilisation: named.has('utilisation') ? Number(named.get('utilisation')) : undefined,
    budget: named.get('budget') === 'app' ? 'app' : 'limiter',
    arrivalSpreadMs: num('arrival-spread-ms', DEFAULT_SEND_RATE_TIMING.arrivalSpreadMs),
  };
}

/** The app's outbound budget with the whole limit for good, as a lone instance holds it, seen as bulk sending sees it. */
function appBudget(args: SenderWorkerArgs) {
  const budget = createOutboundBudget({ ratePerSecond: args.rate, granted: true, ...(args.utilisation !== undefined ? { utilisation: args.utilisation } : {}) });
  budget.setGrants([{ rate: args.rate, from: 0, until: Number.POSITIVE_INFINITY }], args.arrivalSpreadMs);
  return budget.sender('bulk');
}

/** Sends the campaign until nothing is outstanding (or the signal aborts) and returns the counts. */
export async function runSenderWorker(args: SenderWorkerArgs, signal?: AbortSignal): Promise<SendRunSummary> {
  const store = createSqliteAcknowledgementStore(args.db);
  const sendLimiter = args.budget === 'app' ? appBudget(args) : createRateLimiter({ ratePerSecond: args.rate, utilisation: args.utilisation });
  let installer: AppInstaller | undefined;
  const installLimiter = createRateLimiter({ ratePerSecond: args.installRate });
  if (args.graph) {
    const client = createGraphClient({
      baseUrl: args.graph,
      credential: { getToken: async () => ({ token: 'bench-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
      trustedCa: args.caFile ? fs.readFileSync(args.caFile, 'utf8') : undefined,
      onThrottled: (ms) => installLimiter.throttled(ms),
    });
    installer = createGraphAppInstaller(client, { baseUrl: args.graph, catalogId: args.catalogId, limiter: installLimiter });
  }
  const reacher = createRecipientReacher({
    references: store, sender: createBotConnectorSender(), sendLimiter, installer, serviceUrl: args.connector,
  });
  const sender = createCampaignSender({
    store, reacher, sendLimiter, sharedLimiters: [installLimiter], workerId: args.workerId, leaseMs: args.leaseMs, heartbeatMs: args.heartbeatMs,
    concurrency: args.concurrency, maxAttempts: args.maxAttempts, idlePollMs: 200,
    renderActivity: (d) => ({
      type: 'message',
      attachments: [{
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `Campaign ${d.campaignId}` }] },
      }],
    }),
  });
  try {
    return await sender.run(args.campaign, { signal });
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort());
  runSenderWorker(parseWorkerArgs(process.argv.slice(2)), controller.signal)
    .then((summary) => {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
}
