import { isLoopbackUrl } from './activityShape';

/**
 * Local mode has no authentication and listens on loopback, but a web page in the developer's browser can still reach
 * it: DNS rebinding (a name the attacker controls resolving to 127.0.0.1) makes the browser send `Host: evil.example`,
 * and a page may post from its own origin. Only requests addressed to this machine, from no web page or a local one,
 * are answered. The Agents Playground sends `Host: 127.0.0.1:<port>` (or localhost) and no Origin.
 */

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a Host header names this machine: 127.0.0.1, localhost or [::1], with the port it listens on or none. */
export function isLoopbackHost(host: string | undefined, listeningPort: number | undefined): boolean {
  if (!host) return false;
  const match = /^(\[::1\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!match || !LOOPBACK_NAMES.has(match[1])) return false;
  return match[2] === undefined || Number(match[2]) === listeningPort;
}

/** Whether an Origin header is a page on this machine (any port: a local tool); `null` and other sites are not. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    // An origin is scheme, host and port only: anything more (credentials, a path) is not what a browser sends.
    const bare = url.origin === origin.trim().toLowerCase().replace(/\/$/, '');
    return (url.protocol === 'http:' || url.protocol === 'https:') && bare && isLoopbackUrl(origin);
  } catch {
    return false;
  }
}

/** Why a local-mode request must be refused, or null when it is addressed to this machine and from no foreign page. */
export function foreignRequestProblem(headers: { host?: string; origin?: string | string[] }, listeningPort: number | undefined): string | null {
  if (!isLoopbackHost(headers.host, listeningPort)) {
    return 'Local mode answers only requests addressed to this machine (Host 127.0.0.1, localhost or [::1]).';
  }
  const origin = Array.isArray(headers.origin) ? headers.origin.join(',') : headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) return 'Local mode answers no request from a web page on another site.';
  return null;
}
