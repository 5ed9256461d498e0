import { Clock } from '../../../../../src/features/acknowledgement/sending/rateLimiter';

/** A clock whose time moves only when the test runs it: sleeps resolve in time order, instantly. */
export interface ManualClock extends Clock {
  /** Runs timers in time order until none is left (or `untilMs` is reached), letting promises settle between. */
  run(untilMs?: number): Promise<void>;
  /** Moves time on without firing timers, as a blocked event loop does; overdue timers fire on the next run. */
  stall(ms: number): void;
}

/** Creates a manual clock starting at `startMs`. */
export function createManualClock(startMs = 1_000_000): ManualClock {
  let now = startMs;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => timers.push({ at: now + Math.max(0, ms), seq: seq++, resolve }));
    },
    stall(ms: number): void {
      now += ms;
    },
    async run(untilMs = Infinity): Promise<void> {
      await settle();
      while (timers.length > 0) {
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        if (timers[0].at > untilMs) break;
        const next = timers.shift()!;
        now = Math.max(now, next.at);
        next.resolve();
        await settle();
      }
      if (untilMs !== Infinity) now = Math.max(now, untilMs);
    },
  };
}
