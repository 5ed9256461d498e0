import { sayingThrottles } from '../../src/compose/acknowledgementSending';
import { RateLimiter } from '../../src/features/acknowledgement/sending/rateLimiter';

describe('the send budget says when Teams answers 429', () => {
  it('when Teams answers 429 three times in a minute and once more later, then each pauses the budget and the log says so once a minute with the count', () => {
    const paused: (number | undefined)[] = [];
    const limiter: RateLimiter = {
      acquire: async () => undefined, throttled: (ms) => { paused.push(ms); }, setActiveWorkers: () => undefined, currentRate: () => 50,
    };
    const warnings: { obj: object; msg: string }[] = [];
    let t = 1_000_000;
    const budget = sayingThrottles(limiter, { info: () => undefined, warn: (obj, msg) => warnings.push({ obj, msg }) }, () => t);

    budget.throttled(1000);
    t += 10_000;
    budget.throttled(2000);
    t += 10_000;
    budget.throttled(undefined);
    t += 45_000;
    budget.throttled(1000);

    expect(paused).toEqual([1000, 2000, undefined, 1000]);
    expect(warnings.map((w) => w.obj)).toEqual([
      { event: 'sending.throttled', count: 1, retryAfterMs: 1000 },
      { event: 'sending.throttled', count: 3, retryAfterMs: 1000 },
    ]);
    expect(warnings[0].msg).toContain('SEND_ARRIVAL_SPREAD_MS');
    // Everything else is the budget's own.
    expect(budget.currentRate()).toBe(50);
  });

  it('when there is no logger, then the budget is used as it is', () => {
    const limiter = { acquire: async () => undefined, throttled: () => undefined, setActiveWorkers: () => undefined, currentRate: () => 50 } as RateLimiter;
    expect(sayingThrottles(limiter, undefined)).toBe(limiter);
  });
});
