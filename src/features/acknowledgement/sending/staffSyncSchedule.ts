import { StaffSyncResult } from './staffSync';

/** Calls `tick` every `ms` until the returned function is called (setInterval by default; tests pass a hand-cranked one). */
export type Repeater = (ms: number, tick: () => void) => () => void;

/** What the staff sync schedule needs. */
export interface StaffSyncScheduleOptions {
  /** Time between the start of one sync and the next look (STAFF_SYNC_MINUTES). */
  intervalMs: number;
  /** One sync; `signal` aborts when the schedule stops. */
  sync(signal: AbortSignal): Promise<StaffSyncResult>;
  /** Told of each finished sync (for the log). */
  onSynced?(result: StaffSyncResult): void;
  /** Told of each failed sync; the schedule carries on and tries again at the next tick. */
  onFailed?(err: unknown): void;
  repeat?: Repeater;
}

/** A running staff sync schedule. */
export interface StaffSyncSchedule {
  /** Syncs now, unless a sync is already running, and resolves when that sync has ended (never rejects). */
  runNow(): Promise<void>;
  /** Stops the timer, tells a running sync to stop, and resolves once it has ended. Later ticks do nothing. */
  stop(): Promise<void>;
  /** Syncs started so far, and ticks skipped because one was still running. */
  readonly counts: { started: number; skipped: number };
}

const everyInterval: Repeater = (ms, tick) => {
  const timer = setInterval(tick, ms);
  // The schedule never keeps the process alive by itself: stop() is for an orderly shutdown.
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Syncs the staff list every `intervalMs`, one sync at a time: a tick that comes while a sync is still running (a
 * slow full read of a large tenant) is skipped rather than queued, so syncs never overlap or pile up.
 */
export function startStaffSyncSchedule(options: StaffSyncScheduleOptions): StaffSyncSchedule {
  const controller = new AbortController();
  const counts = { started: 0, skipped: 0 };
  let running: Promise<void> | undefined;

  const runNow = (): Promise<void> => {
    if (controller.signal.aborted) return Promise.resolve();
    if (running) {
      counts.skipped += 1;
      return running;
    }
    counts.started += 1;
    running = options.sync(controller.signal)
      .then((result) => options.onSynced?.(result))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) options.onFailed?.(err);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const cancel = (options.repeat ?? everyInterval)(options.intervalMs, () => void runNow());
  return {
    runNow,
    counts,
    async stop() {
      cancel();
      controller.abort();
      await running;
    },
  };
}
