import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { moduleScript } from '../shared/moduleScript';
import { useSchoolTimeZone } from '../shared/schoolTime';
import { Campaign } from '../features/acknowledgement/domain/acknowledgementTypes';
import { CampaignMessenger } from '../features/acknowledgement/domain/campaignPorts';
import { ReminderReacher } from '../features/acknowledgement/teams/acknowledgementMessaging';
import { createOutboundBudget } from '../teams/outboundBudget';

/**
 * Campaign sending in a thread of its own (issue 43, part 5): claiming deliveries, rendering 50,000 cards and posting
 * them, reminders and digests all run there, so a teacher's question is never answered behind a roll-out. The thread
 * opens its own connection to the stores (SQLite in WAL mode takes a second connection; Azure Tables are shared anyway)
 * and draws from the app's one outbound budget through shared memory, so its cards and the bot's replies together never
 * pass Teams' limit. It starts sending active campaigns as soon as it is up, before the bot has loaded its policy, so a
 * restarted bot resumes a roll-out at once.
 */

/** What the thread is told when it starts (plain data: it is copied across). */
interface ThreadData {
  kind: 'acknowledgementSending';
  settings: Pick<AppConfig, 'delivery' | 'bot' | 'storage' | 'timeZone'> & { azureTablePrefix: string };
  budget: SharedArrayBuffer;
}

type Request =
  | { type: 'deliver'; campaignId: string }
  | { type: 'remind'; id: number; campaign: Campaign; userIds: string[]; wait: boolean }
  | { type: 'reach'; id: number; userId: string; activity: Record<string, unknown> }
  | { type: 'idle'; id: number }
  | { type: 'stop'; id: number };

type Reply = { type: 'done'; id: number; result?: unknown; error?: string } | { type: 'log'; level: 'info' | 'warn'; obj: object; msg: string } | { type: 'ready' };

/** The sending thread as the bot sees it: a messenger, a reacher for digests, and a stop. */
export interface SendingThread {
  messenger: CampaignMessenger & { idle(): Promise<void> };
  reacher: ReminderReacher;
  /**
   * Stops sending (claims in flight finish, unstarted ones are handed back) and ends the thread: at once, with a
   * warning in the log, if it has not stopped within the grace period.
   */
  stop(): Promise<void>;
}

/** How long a stop waits for the thread to finish its claims and close its store before ending it. */
export const SENDING_STOP_GRACE_MS = 10_000;

/** Whether sending can run in a thread: not for an in-memory SQLite database, which a second connection cannot see. */
export function canSendInThread(config: Pick<AppConfig, 'storage'>): boolean {
  return config.storage.kind === 'azure' || config.storage.sqlitePath !== ':memory:';
}

/** Starts the sending thread (main thread side); `stopGraceMs` bounds its stop (SENDING_STOP_GRACE_MS). */
export function startSendingThread(
  config: AppConfig, budget: SharedArrayBuffer, logger: AppLogger, options: { stopGraceMs?: number } = {},
): SendingThread {
  const stopGraceMs = options.stopGraceMs ?? SENDING_STOP_GRACE_MS;
  const data: ThreadData = {
    kind: 'acknowledgementSending', budget,
    settings: { delivery: config.delivery, bot: config.bot, storage: config.storage, timeZone: config.timeZone, azureTablePrefix: config.acknowledgement.azureTablePrefix },
  };
  let worker: Worker | undefined;
  let stopping = false;
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let restarts = 0;

  const spawn = (): Worker => {
    const w = new Worker(moduleScript(__filename, 'acknowledgementSendingThread'), { eval: true, workerData: data });
    // The bot's server keeps the process alive; a start that fails part way must not be held open by this thread.
    w.unref();
    w.on('message', (m: Reply) => {
      if (m.type === 'log') logger[m.level]({ ...m.obj, thread: 'sending' }, m.msg);
      else if (m.type === 'done') {
        const p = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
      }
    });
    w.on('error', (err) => logger.error({ event: 'sending.threadFailed', name: err.name }, 'the sending thread failed'));
    w.on('exit', (code) => {
      for (const p of waiting.values()) p.reject(new Error('the sending thread stopped'));
      waiting.clear();
      if (stopping) return;
      // A thread that died is started again (its claims are taken back at once under the same worker id).
      restarts += 1;
      logger.warn({ event: 'sending.threadRestarted', code, restarts }, 'the sending thread stopped; starting it again');
      setTimeout(() => { if (!stopping) worker = spawn(); }, Math.min(30_000, 500 * 2 ** Math.min(restarts, 6))).unref();
    });
    return w;
  };
  worker = spawn();

  type Asked = Extract<Request, { id: number }>;
  type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
  const ask = <T>(request: WithoutId<Asked>): Promise<T> => new Promise<T>((resolve, reject) => {
    if (!worker) return reject(new Error('the sending thread is not running'));
    const id = nextId++;
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    worker.postMessage({ ...request, id });
  });

  return {
    messenger: {
      deliver(campaignId) { worker?.postMessage({ type: 'deliver', campaignId } satisfies Request); },
      async remind(campaign, userIds, options = {}) {
        const done = ask<void>({ type: 'remind', campaign, userIds: [...userIds], wait: options.wait === true });
        if (options.wait) await done;
        else done.catch(() => undefined);
      },
      idle: () => ask<void>({ type: 'idle' }),
    },
    reacher: { reach: (userId, activity) => ask<unknown>({ type: 'reach', userId, activity }) },
    async stop() {
      const running = worker;
      if (!running) return;
      // From here an exit is the stop's, never a crash to restart from.
      stopping = true;
      // A thread that cannot answer (its store or Teams not answering, a start that never finished) must not hold the
      // bot's close open: it is ended after the grace period, and the claims it held are taken back by their lease.
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        ask<void>({ type: 'stop' }).then(() => true, () => true),
        new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), stopGraceMs); }),
      ]);
      clearTimeout(timer);
      if (!answered) logger.warn({ event: 'sending.stopTimedOut', graceMs: stopGraceMs }, 'the sending thread did not stop in time; ending it');
      await running.terminate();
      worker = undefined;
    },
  };
}

/** The thread's side: its own store, delivery module and messenger, answering the bot's requests. */
async function runThread(input: ThreadData): Promise<void> {
  const port = parentPort!;
  const post = (m: Reply) => port.postMessage(m);
  const logger = {
    info: (obj: object, msg = '') => post({ type: 'log', level: 'info', obj, msg }),
    warn: (obj: object, msg = '') => post({ type: 'log', level: 'warn', obj, msg }),
  };
  // Loaded here, not at the top: the bot's thread needs none of it to start the thread.
  const s = input.settings;
  // SQLite needs only its own store (every other store's module is loading time a restart waits for).
  const store = s.storage.kind === 'sqlite'
    ? (await import('../adapters/sqlite/sqliteAcknowledgementStore')).createSqliteAcknowledgementStore(s.storage.sqlitePath)
    : await (await import('./stores')).createAcknowledgementStore({ storage: s.storage, azureTablePrefix: s.azureTablePrefix });
  const { createDeliveryModule } = await import('./acknowledgementSending');
  const { createAcknowledgementActivityRenderer, createCampaignMessenger } = await import('../features/acknowledgement/teams/acknowledgementMessaging');
  useSchoolTimeZone(s.timeZone);
  const budget = createOutboundBudget({ ratePerSecond: s.delivery.sendRatePerSecond, memory: input.budget });
  const delivery = createDeliveryModule({
    settings: s.delivery, bot: s.bot, store, renderActivity: createAcknowledgementActivityRenderer({ store }), logger, outbound: budget,
  });
  const messenger = createCampaignMessenger({ store, runner: delivery.sender, reacher: delivery.reacher, logger });
  const sending = delivery.startBackgroundSending();
  post({ type: 'ready' });
  logger.info({ event: 'sending.threadReady', uptimeMs: Math.round(process.uptime() * 1000) }, 'campaign sending thread ready');
  port.on('message', (m: Request) => {
    const answer = (id: number, work: Promise<unknown>) => work.then(
      (result) => post({ type: 'done', id, result }),
      (err: unknown) => post({ type: 'done', id, error: (err as Error)?.message ?? 'failed' }),
    );
    switch (m.type) {
      case 'deliver': messenger.deliver(m.campaignId); return;
      case 'remind': answer(m.id, messenger.remind(m.campaign, m.userIds, { wait: m.wait })); return;
      case 'reach': answer(m.id, delivery.reacher.reach(m.userId, m.activity)); return;
      case 'idle': answer(m.id, messenger.idle()); return;
      case 'stop': answer(m.id, (async () => { await sending.stop(); await messenger.idle(); await store.close(); })()); return;
    }
  });
}

if (!isMainThread && (workerData as ThreadData | undefined)?.kind === 'acknowledgementSending') {
  runThread(workerData as ThreadData).catch((err: unknown) => {
    parentPort?.postMessage({ type: 'log', level: 'warn', obj: { event: 'sending.threadStartFailed', name: (err as Error)?.name }, msg: (err as Error)?.message ?? 'failed' });
    process.exit(1);
  });
}
