import https from 'node:https';
import { ClientSecretCredential, ManagedIdentityCredential, TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler, Client, Context, Middleware, RedirectHandler, RetryHandler, RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { GraphSettings } from '../../config/deliverySettings';
import { parseRetryAfter } from '../../features/acknowledgement/sending/retryPolicy';
import { withoutTrailingSlashes } from '../../shared/linearTrim';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * How long one Graph request may take, answer read whole. Graph answers a page of 999 people in a few seconds; one
 * that never answers would otherwise hold a staff sync or a round's sending until the process restarts.
 */
export const GRAPH_CALL_TIMEOUT_MS = 60_000;

/** The request's own signal, if it has one, and the time limit: whichever ends first. */
function limitedSignal(own: AbortSignal | null | undefined, timeoutMs: number): AbortSignal {
  const limit = AbortSignal.timeout(timeoutMs);
  return own ? AbortSignal.any([own, limit]) : limit;
}

/** Options of the Graph client. */
export interface GraphClientOptions {
  /** Base URL without the version segment (https://graph.microsoft.com, or a local https fake). */
  baseUrl: string;
  credential: TokenCredential;
  /**
   * Extra CA certificate(s) (PEM) to trust, for a local fake with a self-signed certificate when
   * NODE_EXTRA_CA_CERTS cannot be set before the process starts (inside a test runner).
   */
  trustedCa?: string | string[];
  /** Retries of 429/503/504 inside the client, honouring Retry-After (default 3). */
  maxRetries?: number;
  /** Told of every 429 Graph answers (each retry included), so a rate budget can slow down. */
  onThrottled?(retryAfterMs: number | undefined): void;
  /** The time limit of one request (default GRAPH_CALL_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Creates the credential Graph calls use: a client secret, or a managed identity. */
export function createGraphCredential(settings: GraphSettings): TokenCredential {
  if (settings.useManagedIdentity) {
    return settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new ManagedIdentityCredential();
  }
  return new ClientSecretCredential(settings.tenantId ?? '', settings.clientId ?? '', settings.clientSecret ?? '');
}

/**
 * Creates a Graph client on a configurable base URL. The client's own middleware authenticates (only to
 * Graph hosts and the configured host), follows redirects and retries 429/503/504 honouring Retry-After.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const baseUrl = withoutTrailingSlashes(options.baseUrl);
  const host = new URL(baseUrl).hostname;
  const authProvider = new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] });
  const auth = new AuthenticationHandler(authProvider);
  const retry = new RetryHandler(new RetryHandlerOptions(1, options.maxRetries ?? 3));
  const redirect = new RedirectHandler();
  const telemetry = new TelemetryHandler();
  const observer = new ThrottleObserver(options.onThrottled);
  auth.setNext(retry);
  retry.setNext(observer);
  observer.setNext(redirect);
  redirect.setNext(telemetry);
  const timeoutMs = options.timeoutMs ?? GRAPH_CALL_TIMEOUT_MS;
  telemetry.setNext(options.trustedCa ? new CaTrustingHttpHandler(options.trustedCa, timeoutMs) : new FetchHttpHandler(timeoutMs));
  return Client.initWithMiddleware({ middleware: auth, baseUrl, customHosts: new Set([host]) });
}

/** Sits under the RetryHandler so it sees the 429s that handler retries silently. */
class ThrottleObserver implements Middleware {
  private next?: Middleware;

  constructor(private readonly onThrottled?: (retryAfterMs: number | undefined) => void) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    await this.next?.execute(context);
    if (context.response?.status === 429) this.onThrottled?.(parseRetryAfter(context.response.headers.get('retry-after')));
  }
}

/** The last link of the chain with the runtime's fetch (the library's default behaviour). */
class FetchHttpHandler implements Middleware {
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const init = (context.options ?? {}) as RequestInit;
    const signal = limitedSignal(init.signal ?? (typeof context.request === 'string' ? undefined : context.request.signal), this.timeoutMs);
    const response = await fetch(context.request, { ...init, signal });
    // Read whole inside the limit, so a body that stops half-way fails here rather than hanging its reader.
    context.response = new Response(response.status === 204 || response.status === 304 ? null : await response.arrayBuffer(), {
      status: response.status, statusText: response.statusText, headers: response.headers,
    });
  }
}

/** The last link of the chain over node:https with extra trusted CAs and keep-alive. */
class CaTrustingHttpHandler implements Middleware {
  private readonly agent: https.Agent;

  constructor(ca: string | string[], private readonly timeoutMs: number) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 64 });
  }

  async execute(context: Context): Promise<void> {
    const request = context.request;
    const url = typeof request === 'string' ? request : request.url;
    const init = (context.options ?? {}) as RequestInit;
    const headers = new Headers(init.headers ?? (typeof request === 'string' ? undefined : request.headers));
    const body = init.body === undefined || init.body === null ? undefined : await new Response(init.body).arrayBuffer();
    context.response = await new Promise<Response>((resolve, reject) => {
      const signal = limitedSignal(init.signal, this.timeoutMs);
      const req = https.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers.entries()), agent: this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
          }
          const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(payload, { status, headers: responseHeaders }));
        });
      });
      req.on('error', reject);
      if (body) req.write(Buffer.from(body));
      req.end();
    });
  }
}
