/**
 * The one way an unexpected error becomes something safe to log: an HTTP status from an SDK or connector
 * ("HTTP_403"), else the error's own string code ("ECONNRESET", "CONCERN_CLOSED"), else `fallback`.
 * Never the message, which can carry what a person typed.
 */
export function errorCode(err: unknown, fallback = 'UNEXPECTED'): string {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return `HTTP_${e.statusCode}`;
  if (typeof e?.code === 'string' && e.code) return e.code;
  return fallback;
}
