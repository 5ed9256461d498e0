import { classifyStatus, parseRetryAfter, retryDelayMs } from '../../../../src/features/acknowledgement/sending/retryPolicy';

describe('retry policy', () => {
  it('when the connector answers, then 2xx is sent, 403 blocked, 429/412/5xx/unreachable retried and other 4xx final', () => {
    expect([200, 201].map(classifyStatus)).toEqual(['ok', 'ok']);
    expect(classifyStatus(403)).toBe('blocked');
    expect([429, 412, 500, 502, 503, 504, 0].map(classifyStatus)).toEqual(Array(7).fill('retry'));
    expect([400, 401, 404, 413].map(classifyStatus)).toEqual(Array(4).fill('fatal'));
  });

  it('when Retry-After is seconds or an HTTP date, then it becomes milliseconds from now', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('when retries back off, then the wait doubles with jitter, is capped, and never undercuts Retry-After', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(retryDelayMs(1, undefined, opts, () => 0)).toBe(50);
    expect(retryDelayMs(1, undefined, opts, () => 1)).toBe(100);
    expect(retryDelayMs(3, undefined, opts, () => 1)).toBe(400);
    expect(retryDelayMs(10, undefined, opts, () => 1)).toBe(1000);
    expect(retryDelayMs(1, 5000, opts, () => 0.5)).toBe(5000);
  });
});
