import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { yieldToEventLoop } from './eventLoop';

/** The owner's work that runs in the background: a reminder pass, an export, adding a new campaign's recipients. */
export type OwnerJobKind = 'remind' | 'export' | 'recipients';

/** A job runs until it is done or has failed; a job left running by a stopped instance is resumed. */
export type OwnerJobState = 'running' | 'done' | 'failed';

/** Where the owner's progress card is, so the job can replace it as it goes (Bot Connector updateActivity). */
export interface OwnerCardRef {
  serviceUrl: string;
  conversationId: string;
  activityId: string;
}

/** Counters and short results a job keeps between slices: numbers and ids, never a person's details. */
export type OwnerJobData = Record<string, string | number>;

/** One background job, as the store keeps it: enough to show its progress and to go on from where it stopped. */
export interface OwnerJob {
  id: string;
  kind: OwnerJobKind;
  campaignId: string;
  /** The owner who started it (their Entra object id): the job acts with their rights. */
  actorId: string;
  state: OwnerJobState;
  done: number;
  /** 0 while not yet known. */
  total: number;
  /** Where the next slice starts (the last user id handled, for reminders and recipients); '' at the start. */
  cursor: string;
  data: OwnerJobData;
  card?: OwnerCardRef;
  /** The stable code of the failure, for a failed job. */
  error?: string;
  createdAt: string;
  updatedAt: string;
  /** The instance running it, and until when its claim holds without a word from it. */
  workerId?: string;
  leaseUntil?: string;
}

/**
 * The storage port of the background jobs. SQLite and Azure Table Storage implement it and pass one contract suite
 * (tests/support/contracts/ownerJobStoreContract.ts). Safe to use from several instances sharing one store.
 */
export interface OwnerJobStore {
  /** Records a new job (already claimed by the instance that creates it). */
  createJob(job: OwnerJob): Promise<void>;
  /** One job. */
  getJob(id: string): Promise<OwnerJob | undefined>;
  /** Jobs still running, oldest first: what an instance looks at when it starts. */
  listUnfinishedJobs(): Promise<OwnerJob[]>;
  /**
   * Takes a running job for this worker when it holds it already or nobody holds a live claim (its lease has run
   * out); returns the job as taken, or undefined. Two instances never both take one job.
   */
  claimJob(id: string, workerId: string, now: string, leaseMs: number): Promise<OwnerJob | undefined>;
  /** Saves a job's progress (and renews the claim) when this worker still holds it; false when it no longer does. */
  saveJob(job: OwnerJob, workerId: string): Promise<boolean>;
}

/** What a running job reports through: each call records progress, and every few ms saves it and yields. */
export interface JobContext {
  /**
   * Records progress after a batch (saved at once, so a restart goes on from here), and when the current slice
   * has used its time yields to the event loop. Throws JobStopped when the runner is stopping.
   */
  progress(update: { done?: number; total?: number; cursor?: string; data?: OwnerJobData }): Promise<void>;
}

/** What a finished job hands back: counters to keep, and what only this process holds (an export's link). */
export interface JobOutcome {
  data?: OwnerJobData;
  /** Shown on the owner's card at the end and never stored: a download link is a bearer secret. */
  delivery?: OwnerJobData;
}

/** Runs one kind of job in small batches, calling ctx.progress after each. */
export interface JobHandler {
  run(job: OwnerJob, ctx: JobContext): Promise<JobOutcome>;
}

/** Shows a job on the owner's card. */
export interface OwnerJobReporter {
  /** The job moved on (at most about once a second). */
  progress(job: OwnerJob): Promise<void>;
  /** The job ended, done or failed, with what it delivers (an export's link). */
  finished(job: OwnerJob, delivery?: OwnerJobData): Promise<void>;
}

/** What starting a job takes. */
export interface OwnerJobSpec {
  kind: OwnerJobKind;
  campaignId: string;
  actorId: string;
  total?: number;
  data?: OwnerJobData;
  card?: OwnerCardRef;
}

/** Starts background jobs (the campaign use cases hold this much of the runner). */
export interface OwnerJobQueue {
  /** Records the job and starts it in the background; resolves once it is recorded. */
  enqueue(spec: OwnerJobSpec): Promise<OwnerJob>;
}

/** Thrown inside a job when its runner stops: the job stays running in the store, to be resumed. */
export class JobStopped extends Error {
  constructor() {
    super('job runner stopping');
    this.name = 'JobStopped';
  }
}

/** Thrown inside a job when another instance has taken it over (this one's claim ran out). */
class JobLost extends Error {
  constructor() {
    super('job claimed elsewhere');
    this.name = 'JobLost';
  }
}

/** What the runner needs. */
export interface OwnerJobRunnerDeps {
  jobs: OwnerJobStore;
  clock: () => Date;
  /** This instance, as the sending engine names it (survives a restart, so a restarted instance takes its jobs back at once). */
  workerId: string;
  reporter?: OwnerJobReporter;
  /** Longest a job runs before yielding to the event loop (default 12 ms: a batch finishes past it, so ~20 ms at worst). */
  sliceMs?: number;
  /** Least time between two progress reports of one job (default 1000 ms; the card is one Bot Connector call). */
  reportEveryMs?: number;
  /** How long a claim holds without progress (default 2 minutes). */
  leaseMs?: number;
  /** Logs ids, kinds and codes only. */
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** The runner: starts jobs, resumes those a stopped instance left, and stops between slices. */
export interface OwnerJobRunner extends OwnerJobQueue {
  /** Says which handler runs a kind (before resume). */
  register(kind: OwnerJobKind, handler: JobHandler): void;
  /** Takes and restarts every unfinished job this instance may take (at start-up); returns how many. */
  resume(): Promise<number>;
  /** Resolves when a job this runner runs has ended or stopped (at once when it runs none by that id). */
  waitFor(jobId: string): Promise<void>;
  /** Resolves when every job this runner started has ended or stopped. */
  idle(): Promise<void>;
  /** Stops every job at its next yield, leaving it running in the store; resolves when they have stopped. */
  stop(): Promise<void>;
}

const errorCodeOf = (err: unknown): string =>
  String((err as { code?: unknown })?.code ?? (err as Error)?.name ?? 'JOB_FAILED').slice(0, 60);

/**
 * Creates the job runner. Each job runs as a series of short slices: a handler works in batches and reports after
 * each; the runner saves the job (state, counters, cursor) after every batch and yields to the event loop
 * (setImmediate) once the slice has used `sliceMs`, so no owner command holds up other people's messages.
 */
export function createOwnerJobRunner(deps: OwnerJobRunnerDeps): OwnerJobRunner {
  const handlers = new Map<OwnerJobKind, JobHandler>();
  const active = new Map<string, Promise<void>>();
  const sliceMs = deps.sliceMs ?? 12;
  const reportEveryMs = deps.reportEveryMs ?? 1000;
  const leaseMs = deps.leaseMs ?? 120_000;
  let stopping = false;
  const at = () => deps.clock().toISOString();
  const leaseFrom = () => new Date(deps.clock().getTime() + leaseMs).toISOString();

  async function runJob(start: OwnerJob): Promise<void> {
    const handler = handlers.get(start.kind);
    let job: OwnerJob = { ...start, data: { ...start.data } };
    if (!handler) {
      deps.logger?.warn({ jobId: job.id, kind: job.kind }, 'no handler for job kind');
      return;
    }
    // Reports go out one after another, never holding up the job: a slow connector only delays the card.
    let reports: Promise<void> = Promise.resolve();
    const report = (fn: () => Promise<void>) => {
      reports = reports.then(fn).catch((err: unknown) => deps.logger?.warn({ jobId: job.id, code: errorCodeOf(err) }, 'job progress not shown'));
    };
    const save = async (): Promise<void> => {
      job = { ...job, updatedAt: at(), workerId: deps.workerId, leaseUntil: leaseFrom() };
      if (!(await deps.jobs.saveJob(job, deps.workerId))) throw new JobLost();
    };
    let sliceStart = performance.now();
    let lastReport = -Infinity;
    const ctx: JobContext = {
      async progress(update) {
        job = {
          ...job,
          ...(update.done !== undefined ? { done: update.done } : {}),
          ...(update.total !== undefined ? { total: update.total } : {}),
          ...(update.cursor !== undefined ? { cursor: update.cursor } : {}),
          ...(update.data ? { data: { ...job.data, ...update.data } } : {}),
        };
        await save();
        if (performance.now() - sliceStart < sliceMs) return;
        if (deps.reporter && job.card && performance.now() - lastReport >= reportEveryMs) {
          lastReport = performance.now();
          const snapshot = job;
          report(() => deps.reporter!.progress(snapshot));
        }
        await yieldToEventLoop();
        if (stopping) throw new JobStopped();
        sliceStart = performance.now();
      },
    };
    let delivery: OwnerJobData | undefined;
    try {
      const outcome = await handler.run(job, ctx);
      delivery = outcome.delivery;
      job = { ...job, state: 'done', data: { ...job.data, ...(outcome.data ?? {}) } };
      if (job.total < job.done) job = { ...job, total: job.done };
      await save();
      deps.logger?.info({ jobId: job.id, kind: job.kind, done: job.done }, 'job done');
    } catch (err) {
      if (err instanceof JobStopped || err instanceof JobLost) {
        deps.logger?.info({ jobId: job.id, kind: job.kind, done: job.done, code: err.name }, 'job paused');
        await reports;
        return;
      }
      job = { ...job, state: 'failed', error: errorCodeOf(err) };
      deps.logger?.warn({ jobId: job.id, kind: job.kind, code: job.error }, 'job failed');
      try {
        await save();
      } catch (saveErr) {
        deps.logger?.warn({ jobId: job.id, code: errorCodeOf(saveErr) }, 'failed job not recorded');
      }
    }
    if (deps.reporter && job.card) {
      const snapshot = job;
      report(() => deps.reporter!.finished(snapshot, delivery));
    }
    await reports;
  }

  function launch(job: OwnerJob): void {
    if (active.has(job.id)) return;
    const run = runJob(job)
      .catch((err: unknown) => deps.logger?.warn({ jobId: job.id, code: errorCodeOf(err) }, 'job runner failed'))
      .finally(() => active.delete(job.id));
    active.set(job.id, run);
  }

  return {
    register(kind, handler) {
      handlers.set(kind, handler);
    },

    async enqueue(spec) {
      const now = at();
      const job: OwnerJob = {
        id: `job-${now.slice(0, 10).replace(/-/g, '')}-${randomBytes(6).toString('hex')}`,
        kind: spec.kind, campaignId: spec.campaignId, actorId: spec.actorId, state: 'running',
        done: 0, total: spec.total ?? 0, cursor: '', data: { ...(spec.data ?? {}) }, ...(spec.card ? { card: spec.card } : {}),
        createdAt: now, updatedAt: now, workerId: deps.workerId, leaseUntil: leaseFrom(),
      };
      await deps.jobs.createJob(job);
      if (!stopping) launch(job);
      return job;
    },

    async resume() {
      let resumed = 0;
      for (const waiting of await deps.jobs.listUnfinishedJobs()) {
        if (stopping || active.has(waiting.id) || !handlers.has(waiting.kind)) continue;
        const claimed = await deps.jobs.claimJob(waiting.id, deps.workerId, at(), leaseMs);
        if (!claimed) continue;
        resumed += 1;
        deps.logger?.info({ jobId: claimed.id, kind: claimed.kind, done: claimed.done }, 'job resumed');
        launch(claimed);
      }
      return resumed;
    },

    async waitFor(jobId) {
      await active.get(jobId);
    },

    async idle() {
      while (active.size > 0) await Promise.all([...active.values()]);
    },

    async stop() {
      stopping = true;
      while (active.size > 0) await Promise.all([...active.values()]);
    },
  };
}
