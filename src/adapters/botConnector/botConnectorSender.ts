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

/**
 * Posts activities to the Bot Connector REST API (`POST /v3/conversations/{id}/activities[/{replyToId}]`),
 * one request per call. It deliberately does not go through botbuilder's ConnectorClient: that client's
 * pipeline retries 429s on its own, hiding them from the shared rate budget, which must see every
 * throttle to slow every instance down.
 */
export function createBotConnectorSender(options: BotConnectorSenderOptions = {}): ActivitySender {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async send(target: ConversationTarget, activity: Record<string, unknown>): Promise<SendResult> {
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
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      } catch {
        return { status: 0, errorCode: 'Unreachable' };
      }
      const text = await response.text().catch(() => '');
      let json: { id?: unknown; error?: { code?: unknown } } = {};
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        json = {};
      }
      const result: SendResult = { status: response.status };
      if (response.ok && typeof json.id === 'string') result.activityId = json.id;
      if (!response.ok && typeof json.error?.code === 'string') result.errorCode = json.error.code;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
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
  return {
    async update(target, activityId, activity) {
      const base = withoutTrailingSlashes(target.serviceUrl);
      const url = `${base}/v3/conversations/${encodeURIComponent(target.conversationId)}/activities/${encodeURIComponent(activityId)}`;
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      const token = options.getToken ? await options.getToken() : undefined;
      if (token) headers.authorization = `Bearer ${token}`;
      const body = JSON.stringify({ ...activity, id: activityId, conversation: { id: target.conversationId } });
      try {
        const response = await fetch(url, { method: 'PUT', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        await response.text().catch(() => '');
        const result: SendResult = { status: response.status };
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
        return result;
      } catch {
        return { status: 0, errorCode: 'Unreachable' };
      }
    },
  };
}
