import { createRateLimiter } from '../../../../src/features/acknowledgement/sending/rateLimiter';
import { createManualClock, ManualClock } from './support/manualClock';

/** Starts `count` concurrent acquires and returns the times (ms from start) at which each was granted. */
async function grantTimes(clock: ManualClock, acquire: () => Promise<void>, count: number): Promise<number[]> {
  const start = clock.now();
  const times: number[] = [];
  const all = Promise.all(Array.from({ length: count }, () => acquire().then(() => times.push(clock.now() - start))));
  await clock.run();
  await all;
  return times.sort((a, b) => a - b);
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => Math.round((t - times[i]) * 1000) / 1000);

describe('rate limiter', () => {
  it('when many senders draw at once, then they are paced evenly at the configured rate with no burst', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 50, utilisation: 1, clock });

    const times = await grantTimes(clock, () => limiter.acquire(), 100);

    expect(new Set(gaps(times))).toEqual(new Set([20]));
    expect(times[99] - times[0]).toBe(99 * 20);
  });

  it('when the default utilisation is used, then it aims just under the limit', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 50, clock });

    const times = await grantTimes(clock, () => limiter.acquire(), 51);

    expect(limiter.currentRate()).toBeCloseTo(49.5, 5);
    expect(times[50] - times[0]).toBeGreaterThan(1000);
  });

  it('when two instances are alive, then each takes half of the tenant budget', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 50, utilisation: 1, clock });
    limiter.setActiveWorkers(2);

    const times = await grantTimes(clock, () => limiter.acquire(), 10);

    expect(new Set(gaps(times))).toEqual(new Set([40]));
  });

  it('when a 429 arrives, then nobody is granted during Retry-After, the rate drops, and it recovers afterwards', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 50, utilisation: 1, backoffFactor: 0.5, recoverySeconds: 10, clock });
    const granted: number[] = [];
    const waiting = Promise.all(Array.from({ length: 20 }, () => limiter.acquire().then(() => granted.push(clock.now()))));
    await clock.run(clock.now() + 100);
    const throttledAt = clock.now();
    const before = granted.length;
    limiter.throttled(2000);
    await clock.run();
    await waiting;

    const after = granted.slice(before);
    expect(after.length).toBe(20 - before);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(throttledAt + 2000);
    expect(limiter.currentRate()).toBeLessThan(50);
    await clock.run(throttledAt + 11_000);
    expect(limiter.currentRate()).toBe(50);
  });

  it('when several 429s come back from one burst, then the rate is cut once, not once per response', () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 50, utilisation: 1, backoffFactor: 0.5, clock });
    for (let i = 0; i < 5; i++) limiter.throttled(1000);

    expect(limiter.currentRate()).toBeCloseTo(25, 5);
  });

  it('when the event loop stalls, then only a small burst of overdue requests goes at once and the rest take fresh slots', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 50, utilisation: 1, burst: 3, clock });
    const start = clock.now();
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 12 }, () => limiter.acquire().then(() => granted.push(clock.now() - start))));
    await clock.run(start);
    clock.stall(150);
    await clock.run();
    await all;

    const together = new Map<number, number>();
    for (const t of granted) together.set(t, (together.get(t) ?? 0) + 1);
    expect(together.get(150)).toBe(3);
    expect(Math.max(...together.values())).toBe(3);
    expect(granted).toHaveLength(12);
    // A token bucket's bound: n grants need at least (n - burst) intervals, stall or no stall.
    expect(Math.max(...granted) - Math.min(...granted)).toBeGreaterThanOrEqual((12 - 3) * 20);
  });

  it('when timers keep firing late, then no trailing second ever holds more than this instance\'s share of the limit', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, utilisation: 1, burst: 3, clock });
    limiter.setActiveWorkers(2);
    const start = clock.now();
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 30 }, () => limiter.acquire().then(() => granted.push(clock.now() - start))));
    for (let i = 0; i < 12; i++) {
      await clock.run(clock.now() + 250);
      clock.stall(400);
    }
    await clock.run();
    await all;

    granted.sort((a, b) => a - b);
    const mostInAnySecond = Math.max(...granted.map((t) => granted.filter((u) => u > t - 1000 && u <= t).length));
    expect(granted).toHaveLength(30);
    expect(mostInAnySecond).toBeLessThanOrEqual(5);
  });
});
