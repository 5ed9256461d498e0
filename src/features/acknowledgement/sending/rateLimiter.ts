/** Time as the limiter sees it; tests pass a manual clock so no test depends on the machine's speed. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Options of a tenant-wide rate budget. */
export interface RateLimiterOptions {
  /** The tenant's limit in requests per second (shared by every instance). */
  ratePerSecond: number;
  /** Fraction of the limit to aim at, leaving room for network jitter (default 0.99). */
  utilisation?: number;
  /**
   * Most requests that may go out together when the process wakes late (a stalled event loop): a token
   * bucket checked at send time (default 3, below the connector's own tolerance). Late requests within it
   * still go, so a loaded machine loses little; beyond it they take a fresh slot instead of bunching.
   */
  burst?: number;
  /** After a 429 the rate drops to this fraction of its value (default 0.9)... */
  backoffFactor?: number;
  /** ...and climbs back to the target over this many seconds (default 5). */
  recoverySeconds?: number;
  clock?: Clock;
}

/** A rate budget that senders draw from before each request. */
export interface RateLimiter {
  /** Waits for this caller's turn. */
  acquire(): Promise<void>;
  /**
   * Waits for this caller's turn, counting its request from when the sender says it is on the wire (the call returned),
   * not from now: where absent, acquire counts it at once.
   */
  acquireForWrite?(): Promise<() => void>;
  /** Reports a 429: pause everyone for Retry-After and slow down. */
  throttled(retryAfterMs?: number): void;
  /** Splits the tenant limit with the other live instances (from the store's heartbeat). */
  setActiveWorkers(count: number): void;
  /** The rate this instance currently aims at, in requests per second. */
  currentRate(): number;
}

/**
 * A token bucket kept as a schedule of slots (GCRA): each caller reserves the next free slot and sleeps
 * until it, so many concurrent senders are paced evenly without polling, and a slow request never
 * holds up the others. A 429 invalidates every reserved slot (callers re-reserve after the pause) and
 * cuts the rate, which then recovers linearly: additive increase, multiplicative decrease. A small
 * bucket lets a late-woken process catch up a little, and a log of the last second's grants keeps this
 * instance under its share of the limit in every trailing second, however late its timers fire.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? systemClock;
  const utilisation = options.utilisation ?? 0.99;
  const burst = Math.max(1, options.burst ?? 3);
  const backoffFactor = options.backoffFactor ?? 0.9;
  const recoveryMs = (options.recoverySeconds ?? 5) * 1000;
  const minFactor = 0.2;

  let activeWorkers = 1;
  let nextSlot = -Infinity;
  let epoch = 0;
  let factorAtThrottle = 1;
  let throttledAt = -Infinity;
  let pausedUntil = -Infinity;
  let tokens = burst;
  const granted: number[] = [];
  let tokensAt = clock.now();

  const factor = (now: number): number => {
    if (now - throttledAt >= recoveryMs) return 1;
    const recovered = factorAtThrottle + ((1 - factorAtThrottle) * (now - throttledAt)) / recoveryMs;
    return Math.min(1, Math.max(minFactor, recovered));
  };
  const rate = (now: number): number => (options.ratePerSecond * utilisation * factor(now)) / activeWorkers;

  return {
    async acquire(): Promise<void> {
      for (let lateWakes = 0; ; ) {
        const now = clock.now();
        const interval = 1000 / rate(now);
        const slot = Math.max(nextSlot, now);
        nextSlot = slot + interval;
        const reservedIn = epoch;
        if (slot > now) await clock.sleep(slot - now);
        if (reservedIn !== epoch) continue;
        // The schedule paces; the bucket stops a stalled event loop from releasing a pile of overdue
        // requests at once. Bounded, so a machine that is always late still makes progress.
        const t = clock.now();
        tokens = Math.min(burst, tokens + ((t - tokensAt) * rate(t)) / 1000);
        tokensAt = t;
        if (tokens < 1 && ++lateWakes <= 3) continue;
        // Hard ceiling: this instance's share of the limit in any trailing second, whatever the lateness.
        while (granted.length > 0 && granted[0] <= t - 1000) granted.shift();
        if (granted.length >= Math.max(1, Math.floor(options.ratePerSecond / activeWorkers))) {
          nextSlot = Math.max(nextSlot, granted[0] + 1000);
          continue;
        }
        granted.push(t);
        tokens = Math.max(0, tokens - 1);
        return;
      }
    },
    throttled(retryAfterMs?: number): void {
      const now = clock.now();
      // 429s from requests already in flight when the first arrived belong to the same episode: cut once.
      if (now >= pausedUntil) {
        factorAtThrottle = Math.max(minFactor, factor(now) * backoffFactor);
        throttledAt = now;
      }
      pausedUntil = Math.max(pausedUntil, now + Math.max(retryAfterMs ?? 0, 1000 / rate(now)));
      epoch += 1;
      nextSlot = pausedUntil;
    },
    setActiveWorkers(count: number): void {
      activeWorkers = Math.max(1, Math.floor(count));
    },
    currentRate(): number {
      return rate(clock.now());
    },
  };
}
