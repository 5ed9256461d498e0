import { Delivery } from '../domain/acknowledgementTypes';
import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { ConversationTarget } from './sendingPorts';
import { Clock, RateLimiter, systemClock } from './rateLimiter';
import { ReachResult, RecipientReacher } from './recipientReacher';

/** The part of the store the sender uses. */
export type DeliveryWorkStore = Pick<
  AcknowledgementStore,
  'claimDeliveries' | 'completeDelivery' | 'deferDelivery' | 'countDeliveries' | 'listDeliveries' | 'heartbeat' | 'removeWorker'
>;

/** Minimal structured logger (pino-compatible): ids, counts and codes only. */
export interface SenderLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the sender works with. */
export interface CampaignSenderDeps {
  store: DeliveryWorkStore;
  reacher: RecipientReacher;
  /** The send budget: its share is set from the number of live instances. */
  sendLimiter: RateLimiter;
  /** Other tenant-wide budgets split the same way (the Graph install budget). */
  sharedLimiters?: RateLimiter[];
  /** Builds the activity (the acknowledgement card) for one delivery. */
  renderActivity(delivery: Delivery): Promise<Record<string, unknown>> | Record<string, unknown>;
  /**
   * This instance's id in leases and heartbeats. Unique among live instances; keep it stable across
   * restarts of one host (WORKER_ID) so a restarted sender resumes its own claims at once.
   */
  workerId: string;
  /** How long a claim is held (default 60 s). */
  leaseMs?: number;
  /** Claims per recipient before it is recorded as failed (default 5). */
  maxAttempts?: number;
  /** Sends in flight at once: also the most that can go twice if the process is killed (default 16). */
  concurrency?: number;
  /** Most deliveries claimed per store call (default 100; fewer: about two seconds' worth at this instance's rate). */
  batchSize?: number;
  /** People installed for at once (through Graph) while the other coroutines keep sending (default 8). */
  installConcurrency?: number;
  /** Heartbeat period; an instance counts as alive for three periods (default 5 s). */
  heartbeatMs?: number;
  /** How often an idle sender looks for deferred or abandoned work (default 1 s). */
  idlePollMs?: number;
  clock?: Clock;
  logger?: SenderLogger;
  /** Called after each outcome is recorded (metrics, tests). */
  onRecorded?(delivery: Delivery, result: ReachResult, recorded: boolean): void;
}

/** One piece of work: a claimed delivery and, when the person has a stored chat, where to send. */
interface Job {
  delivery: Delivery;
  target?: ConversationTarget;
  /** True when this job holds an install slot (no stored chat). */
  install: boolean;
}

/** Counts from one run of the sender. */
export interface SendRunSummary {
  sent: number;
  blocked: number;
  installFailed: number;
  failed: number;
  deferred: number;
  /** Outcomes not recorded because another instance had taken the delivery over. */
  leaseLost: number;
}

/** Options of one run. */
export interface SendRunOptions {
  /** Stops claiming when aborted; sends in flight finish and unstarted claims are handed back. */
  signal?: AbortSignal;
  /** Keep running after the campaign is done, picking up deliveries added later (default false). */
  keepAlive?: boolean;
}

/** The campaign sending engine. */
export interface CampaignSender {
  /** Sends the campaign's deliveries until none is outstanding (or until aborted); joins a run already in progress. */
  run(campaignId: string, options?: SendRunOptions): Promise<SendRunSummary>;
}

/**
 * Sends a campaign from the store's delivery rows. Work is claimed in small batches under a lease, so a
 * killed instance loses nothing: its rows become claimable again when the lease runs out, and only sends
 * that were in flight at the kill (at most `concurrency`) can go twice. Instances sharing a campaign never
 * hold the same row, and each takes limit / live-instances of the tenant budget from the heartbeat.
 */
export function createCampaignSender(deps: CampaignSenderDeps): CampaignSender {
  const clock = deps.clock ?? systemClock;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 5;
  const concurrency = Math.max(1, deps.concurrency ?? 16);
  const heartbeatMs = deps.heartbeatMs ?? 5_000;
  const idlePollMs = deps.idlePollMs ?? 1_000;
  const installConcurrency = Math.max(1, Math.min(concurrency, deps.installConcurrency ?? 8));
  const maxParked = installConcurrency * 4;
  const iso = (): string => new Date(clock.now()).toISOString();

  async function runOnce(campaignId: string, options: SendRunOptions): Promise<SendRunSummary> {
    const summary: SendRunSummary = { sent: 0, blocked: 0, installFailed: 0, failed: 0, deferred: 0, leaseLost: 0 };
    const queue: Delivery[] = [];
    /** Claimed people who need an install, waiting for an install slot. */
    const parked: Delivery[] = [];
    let installing = 0;
    let slotWaiters: (() => void)[] = [];
    let refilling: Promise<void> | undefined;
    let stopped = false;
    let done = false;
    let workers = 1;

    const beat = async (): Promise<void> => {
      try {
        workers = await deps.store.heartbeat(deps.workerId, iso(), heartbeatMs * 3);
        deps.sendLimiter.setActiveWorkers(workers);
        for (const limiter of deps.sharedLimiters ?? []) limiter.setActiveWorkers(workers);
      } catch (err) {
        deps.logger?.warn({ workerId: deps.workerId, code: codeOf(err) }, 'delivery heartbeat failed');
      }
    };
    await beat();
    // With a stable worker id (one per host), rows still claimed under our id are orphans of our previous
    // life, killed mid-send: take them back now rather than waiting for their lease to lapse.
    try {
      for (const orphan of (await deps.store.listDeliveries(campaignId)).filter((d) => d.state === 'claimed' && d.claimedBy === deps.workerId)) {
        await deps.store.deferDelivery(campaignId, orphan.userId, deps.workerId, iso(), 'resumed_after_restart', iso());
      }
    } catch (err) {
      deps.logger?.warn({ campaignId, workerId: deps.workerId, code: codeOf(err) }, 'resuming own claims failed');
    }
    const heartbeat = setInterval(() => void beat(), heartbeatMs);
    heartbeat.unref?.();
    const onAbort = (): void => {
      stopped = true;
      // Coroutines parked waiting for an install slot must notice the stop too.
      slotWaiters.forEach((wake) => wake());
      slotWaiters = [];
    };
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) stopped = true;

    // About two seconds of work at this instance's share of the budget: well inside the lease, small
    // enough that instances sharing a campaign interleave, and little to wait for after a crash.
    const batchLimit = (): number => {
      const rate = deps.sendLimiter.currentRate();
      const twoSeconds = Math.ceil(rate * 2);
      const perLease = Math.floor((rate * leaseMs) / 1000 / 4);
      return Math.max(1, Math.min(deps.batchSize ?? 100, perLease, Math.max(concurrency, twoSeconds)));
    };

    const refill = (): Promise<void> => {
      refilling ??= (async () => {
        try {
          const claimed = await deps.store.claimDeliveries({
            campaignId, workerId: deps.workerId, limit: batchLimit(), leaseMs, now: iso(),
          });
          // The batch's chats in one read (on Table storage one query, where a read a card was a quarter of a
          // roll-out's calls); any not read ahead are read as their card goes.
          await deps.reacher.prefetch?.(claimed.map((d) => d.userId)).catch((err: unknown) => {
            deps.logger?.warn({ campaignId, code: codeOf(err) }, 'reading a batch\'s chats ahead failed; reading each as it goes');
          });
          queue.push(...claimed);
        } catch (err) {
          deps.logger?.warn({ campaignId, workerId: deps.workerId, code: codeOf(err) }, 'claiming deliveries failed');
        } finally {
          refilling = undefined;
        }
      })();
      return refilling;
    };

    const take = async (): Promise<Delivery | undefined> => {
      if (queue.length === 0 && parked.length < maxParked) await refill();
      const next = queue.shift();
      // Claim the next batch while this one is still being sent, so the budget never idles.
      if (queue.length < concurrency && parked.length < maxParked && !stopped) void refill();
      return next;
    };

    // People without a stored chat need a Graph install first (about 10 a second at Graph's 30 calls a
    // second). At most `installConcurrency` coroutines install at once; the others keep sending to people
    // who already have a chat, and the rest wait parked for an install slot.
    const releaseInstallSlot = (): void => {
      installing -= 1;
      const waiters = slotWaiters;
      slotWaiters = [];
      waiters.forEach((wake) => wake());
    };
    const nextJob = async (): Promise<Job | undefined> => {
      while (!stopped) {
        if (parked.length > 0 && installing < installConcurrency) {
          installing += 1;
          return { delivery: parked.shift()!, install: true };
        }
        const delivery = await take();
        if (!delivery) {
          if (parked.length === 0) return undefined;
          // A slot may have freed while we were claiming: look again before waiting for the next one.
          if (installing < installConcurrency) continue;
          await new Promise<void>((resolve) => slotWaiters.push(resolve));
          continue;
        }
        const target = await deps.reacher.storedTarget(delivery.userId).catch(() => undefined);
        if (target) return { delivery, target, install: false };
        if (installing < installConcurrency) {
          installing += 1;
          return { delivery, install: true };
        }
        parked.push(delivery);
      }
      return undefined;
    };

    const finish = async (delivery: Delivery, result: ReachResult): Promise<void> => {
      const now = iso();
      let recorded: boolean;
      if (result.kind === 'final') {
        recorded = await deps.store.completeDelivery(campaignId, delivery.userId, deps.workerId, result.outcome, now);
        if (recorded) summary[result.outcome.state] += 1;
      } else if (delivery.attempts >= maxAttempts) {
        recorded = await deps.store.completeDelivery(
          campaignId, delivery.userId, deps.workerId, { state: 'failed', reason: `gave_up_${result.reason}` }, now,
        );
        if (recorded) summary.failed += 1;
      } else {
        const notBefore = new Date(clock.now() + result.afterMs).toISOString();
        recorded = await deps.store.deferDelivery(campaignId, delivery.userId, deps.workerId, notBefore, result.reason, now);
        if (recorded) summary.deferred += 1;
      }
      if (!recorded) {
        summary.leaseLost += 1;
        deps.logger?.warn({ campaignId, userId: delivery.userId, workerId: deps.workerId }, 'delivery lease lost before recording');
      }
      deps.onRecorded?.(delivery, result, recorded);
    };

    const processOne = async ({ delivery, target }: Job): Promise<void> => {
      // Never start a send on a claim about to lapse: another instance may already be taking it over.
      const leaseLeft = delivery.leaseUntil ? Date.parse(delivery.leaseUntil) - clock.now() : leaseMs;
      if (leaseLeft < Math.min(10_000, leaseMs / 4)) return;
      let result: ReachResult;
      try {
        const activity = await deps.renderActivity(delivery);
        result = await deps.reacher.reachVia(delivery.userId, target, activity);
      } catch (err) {
        result = { kind: 'retryLater', reason: codeOf(err), afterMs: 5_000 };
      }
      await finish(delivery, result);
    };

    // One count at a time however many coroutines are idle: counting is a scan on some stores.
    let counting: Promise<boolean> | undefined;
    const outstanding = (): Promise<boolean> => {
      counting ??= deps.store.countDeliveries(campaignId)
        .then((counts) => counts.pending > 0 || counts.claimed > 0)
        .finally(() => {
          counting = undefined;
        });
      return counting;
    };

    const worker = async (): Promise<void> => {
      while (!stopped && !done) {
        const job = await nextJob();
        if (job) {
          try {
            await processOne(job);
          } catch (err) {
            deps.logger?.warn({ campaignId, userId: job.delivery.userId, code: codeOf(err) }, 'recording a delivery failed');
          } finally {
            if (job.install) releaseInstallSlot();
          }
          continue;
        }
        try {
          if (!options.keepAlive && !(await outstanding())) {
            done = true;
            break;
          }
        } catch (err) {
          deps.logger?.warn({ campaignId, code: codeOf(err) }, 'counting deliveries failed');
        }
        await clock.sleep(idlePollMs);
      }
    };

    try {
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
    } finally {
      clearInterval(heartbeat);
      options.signal?.removeEventListener('abort', onAbort);
      slotWaiters.forEach((wake) => wake());
      await refilling;
      // Hand back claims never started so another instance need not wait for the lease to lapse.
      for (const unstarted of [...queue.splice(0), ...parked.splice(0)]) {
        await deps.store.deferDelivery(campaignId, unstarted.userId, deps.workerId, iso(), 'handed_back', iso()).catch(() => false);
      }
      await deps.store.removeWorker(deps.workerId).catch(() => undefined);
    }
    deps.logger?.info({ campaignId, workerId: deps.workerId, ...summary }, 'campaign send run finished');
    return summary;
  }

  // One run per campaign per process: a second caller (the background loop and a just-started campaign)
  // joins the run in progress. Two runs under one worker id would hand back each other's live claims.
  const active = new Map<string, Promise<SendRunSummary>>();

  return {
    run(campaignId, options = {}): Promise<SendRunSummary> {
      const inProgress = active.get(campaignId);
      if (inProgress) return inProgress;
      const started = runOnce(campaignId, options).finally(() => active.delete(campaignId));
      active.set(campaignId, started);
      return started;
    },
  };
}

function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  // Any error object's name, whichever realm or library made it (an instanceof Error check misses errors made by
  // another realm's Error, as libraries loaded outside a test file's context are).
  return Object.prototype.toString.call(err) === '[object Error]' && typeof (err as Error).name === 'string' ? (err as Error).name : 'unknown_error';
}
