import http from 'node:http';
import https from 'node:https';
import { ClientSecretCredential, ManagedIdentityCredential, TokenCredential } from '@azure/identity';
import { ActivitySender, ActivityUpdater, ConversationTarget, SendResult } from '../../features/acknowledgement/sending/sendingPorts';
import { parseRetryAfter } from '../../features/acknowledgement/sending/retryPolicy';
import { withoutTrailingSlashes } from '../../shared/linearTrim';

/** Gives the bearer token for Bot Connector calls; undefined sends none (local mode against the Playground). */
export type ConnectorTokenProvider = () => Promise<string | undefined>;

/** The bot identity used to sign connector calls, as Bot Framework names its kinds. */
export interface BotIdentity {
  appId: string;
  password?: string;
  tenantId?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/** Creates the token provider for a bot identity (client secret, or user-assigned managed identity). */
export function createBotConnectorTokenProvider(identity: BotIdentity): ConnectorTokenProvider {
  let credential: TokenCredential;
  if (identity.appType === 'UserAssignedMSI') {
    credential = new ManagedIdentityCredential({ clientId: identity.appId });
  } else {
    // Multi-tenant bots get their connector token from the botframework.com tenant.
    const tenant = identity.appType === 'SingleTenant' ? identity.tenantId ?? 'botframework.com' : 'botframework.com';
    credential = new ClientSecretCredential(tenant, identity.appId, identity.password ?? '');
  }
  return async () => (await credential.getToken(BOT_FRAMEWORK_SCOPE))?.token;
}

/** Options of the connector sender. */
export interface BotConnectorSenderOptions {
  /** Absent in local mode: the Playground's connector takes unauthenticated calls. */
  getToken?: ConnectorTokenProvider;
  timeoutMs?: number;
}

/** One request to the connector, as it came back: status, body text and Retry-After; status 0 when unreachable. */
interface ConnectorResponse { status: number; text: string; retryAfter: string | null }

/**
 * One request over node's http(s) with connections kept open: unlike fetch, it tells when the request is written to the
 * connection ('finish'), the moment the connector starts counting it, which fetch hides behind a new connection, a TLS
 * handshake or a busy thread's turn.
 */
function connectorRequest(agents: { http: http.Agent; https: https.Agent }, url: string, method: string, headers: Record<string, string>,
  body: string, timeoutMs: number, written?: () => void): Promise<ConnectorResponse> {
  return new Promise((resolve) => {
    const secure = url.startsWith('https:');
    const unreachable = () => {
      written?.();
      resolve({ status: 0, text: '', retryAfter: null });
    };
    let req: http.ClientRequest;
    try {
      req = (secure ? https : http).request(url, {
        method, agent: secure ? agents.https : agents.http, signal: AbortSignal.timeout(timeoutMs),
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter ?? null });
        });
        res.on('error', unreachable);
      });
    } catch {
      unreachable();
      return;
    }
    if (written) req.once('finish', written);
    req.on('error', unreachable);
    req.end(body);
  });
}

/** Connections to the connector kept open between requests (Teams' front door, or the Playground's). */
const keptOpen = () => ({ http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) });

/**
 * Posts activities to the Bot Connector REST API (`POST /v3/conversations/{id}/activities[/{replyToId}]`),
 * one request per call. It deliberately does not go through botbuilder's ConnectorClient: that client's
 * pipeline retries 429s on its own, hiding them from the shared rate budget, which must see every
 * throttle to slow every instance down.
 */
export function createBotConnectorSender(options: BotConnectorSenderOptions = {}): ActivitySender {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agents = keptOpen();
  return {
    async send(target: ConversationTarget, activity: Record<string, unknown>, written?: () => void): Promise<SendResult> {
      const base = withoutTrailingSlashes(target.serviceUrl);
      const conversation = encodeURIComponent(target.conversationId);
      const url = target.replyToId
        ? `${base}/v3/conversations/${conversation}/activities/${encodeURIComponent(target.replyToId)}`
        : `${base}/v3/conversations/${conversation}/activities`;
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      const token = options.getToken ? await options.getToken() : undefined;
      if (token) headers.authorization = `Bearer ${token}`;
      const body = JSON.stringify({
        ...activity,
        conversation: { id: target.conversationId, ...(activity.conversation as object | undefined) },
        ...(target.replyToId ? { replyToId: target.replyToId } : {}),
      });
      const response = await connectorRequest(agents, url, 'POST', headers, body, timeoutMs, written);
      if (response.status === 0) return { status: 0, errorCode: 'Unreachable' };
      let json: { id?: unknown; error?: { code?: unknown } } = {};
      try {
        json = response.text ? JSON.parse(response.text) : {};
      } catch {
        json = {};
      }
      const ok = response.status >= 200 && response.status < 300;
      const result: SendResult = { status: response.status };
      if (ok && typeof json.id === 'string') result.activityId = json.id;
      if (!ok && typeof json.error?.code === 'string') result.errorCode = json.error.code;
      const retryAfterMs = parseRetryAfter(response.retryAfter);
      if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
      return result;
    },
  };
}

/**
 * Replaces an activity the bot posted (`PUT /v3/conversations/{id}/activities/{activityId}`), as botbuilder's
 * updateActivity does, with the same token as the sender: how an owner's job card shows its progress.
 */
export function createBotConnectorUpdater(options: BotConnectorSenderOptions = {}): ActivityUpdater {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agents = keptOpen();
  return {
    async update(target, activityId, activity) {
      const base = withoutTrailingSlashes(target.serviceUrl);
      const url = `${base}/v3/conversations/${encodeURIComponent(target.conversationId)}/activities/${encodeURIComponent(activityId)}`;
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      const token = options.getToken ? await options.getToken() : undefined;
      if (token) headers.authorization = `Bearer ${token}`;
      const body = JSON.stringify({ ...activity, id: activityId, conversation: { id: target.conversationId } });
      const response = await connectorRequest(agents, url, 'PUT', headers, body, timeoutMs);
      if (response.status === 0) return { status: 0, errorCode: 'Unreachable' };
      const result: SendResult = { status: response.status };
      const retryAfterMs = parseRetryAfter(response.retryAfter);
      if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
      return result;
    },
  };
}
