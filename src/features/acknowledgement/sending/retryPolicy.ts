/** How a send's HTTP status is treated. */
export type StatusClass = 'ok' | 'retry' | 'blocked' | 'fatal';

/** Statuses Teams and Graph document as transient: throttling, precondition races and gateway errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 500, 502, 503, 504]);

/** Classifies a connector status: 2xx sent, 403 blocked by the user, 429/412/5xx (and 0 = unreachable) retry, else fatal. */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 403) return 'blocked';
  if (status === 0 || RETRYABLE_STATUSES.has(status) || status >= 500) return 'retry';
  return 'fatal';
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Bounds of the backoff between attempts. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** The default backoff: 500 ms doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * The wait before retry number `attempt` (1 = first retry): exponential with "equal jitter" so many
 * senders throttled together do not come back together, and never shorter than the server's Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(retryAfterMs ?? 0, Math.round(jittered));
}
