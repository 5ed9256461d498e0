import { StoredConversationReference } from '../domain/acknowledgementTypes';
import { AcknowledgementStore, DeliveryOutcome } from '../domain/acknowledgementStore';
import { ActivitySender, AppInstaller, ConversationTarget, DeliveryError, SendResult } from './sendingPorts';
import { Clock, RateLimiter, systemClock } from './rateLimiter';
import { classifyStatus, DEFAULT_BACKOFF, BackoffOptions, retryDelayMs } from './retryPolicy';

/** What happened when trying to reach one person: a final outcome, or "try again later" (throttling, outages). */
export type ReachResult =
  | { kind: 'final'; outcome: DeliveryOutcome }
  | { kind: 'retryLater'; reason: string; afterMs: number };

/** Reaches one person with one activity. */
export interface RecipientReacher {
  /** Finds or creates the person's chat with the bot and posts the activity there, retrying transient failures a few times. */
  reach(userId: string, activity: Record<string, unknown>): Promise<ReachResult>;
  /** The chat a stored conversation reference points at, if the person has one (no install needed). */
  storedTarget(userId: string): Promise<ConversationTarget | undefined>;
  /**
   * Reads these people's stored chats together, for the storedTarget calls that follow (each answered once from what
   * was read, then read afresh): a claimed batch costs the store one call, not one a card.
   */
  prefetch?(userIds: readonly string[]): Promise<void>;
  /** Like reach, with the stored target already looked up (undefined: install first). */
  reachVia(userId: string, stored: ConversationTarget | undefined, activity: Record<string, unknown>): Promise<ReachResult>;
}

/** Chats read ahead and not yet asked for, kept at most (a claimed batch is at most a hundred). */
const AHEAD_LIMIT = 2_000;

/** What the reacher works with. */
export interface RecipientReacherDeps {
  references: Pick<AcknowledgementStore, 'getConversationReference' | 'saveConversationReference' | 'conversationReferences'>;
  sender: ActivitySender;
  sendLimiter: RateLimiter;
  /** Absent in local mode: people are reached only through stored conversation references. */
  installer?: AppInstaller;
  /** Connector service URL for chats created by a Graph install. */
  serviceUrl: string;
  /** Send attempts per reach before handing the delivery back for later (default 4). */
  maxSendTries?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  random?: () => number;
}

/**
 * Reaching a person: through their stored conversation reference, or else by installing the app for them
 * through Graph and using the 1:1 chat id it gives. 403 means the person blocked the bot (final, never
 * retried); 429 pauses the shared budget for Retry-After; 412/5xx/unreachable back off with jitter.
 */
export function createRecipientReacher(deps: RecipientReacherDeps): RecipientReacher {
  const clock = deps.clock ?? systemClock;
  const maxTries = deps.maxSendTries ?? 4;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;

  async function install(userId: string): Promise<ConversationTarget | ReachResult> {
    if (!deps.installer) {
      return { kind: 'final', outcome: { state: 'installFailed', reason: 'no_conversation_reference' } };
    }
    try {
      const chat = await deps.installer.installForUser(userId);
      const ref: StoredConversationReference = {
        userId,
        conversationId: chat.conversationId,
        serviceUrl: deps.serviceUrl,
        reference: {
          channelId: 'msteams',
          serviceUrl: deps.serviceUrl,
          conversation: { id: chat.conversationId, conversationType: 'personal' },
          user: { aadObjectId: userId },
        },
        updatedAt: new Date(clock.now()).toISOString(),
      };
      await deps.references.saveConversationReference(ref);
      return { serviceUrl: deps.serviceUrl, conversationId: chat.conversationId };
    } catch (err) {
      if (err instanceof DeliveryError && err.transient) {
        return { kind: 'retryLater', reason: `install_${err.details.status ?? 'transient'}`, afterMs: retryDelayMs(1, err.details.retryAfterMs, backoff, deps.random) };
      }
      const code = err instanceof DeliveryError ? `${err.code.toLowerCase()}${err.details.status ? `_${err.details.status}` : ''}` : 'install_error';
      return { kind: 'final', outcome: { state: 'installFailed', reason: code } };
    }
  }

  const targetOf = (stored: StoredConversationReference): ConversationTarget => ({ serviceUrl: stored.serviceUrl, conversationId: stored.conversationId });

  // Chats read ahead for a claimed batch (null: the person has none), each taken once; bounded, oldest dropped first.
  const ahead = new Map<string, ConversationTarget | null>();

  async function storedTarget(userId: string): Promise<ConversationTarget | undefined> {
    const known = ahead.get(userId);
    if (known !== undefined) {
      ahead.delete(userId);
      return known ?? undefined;
    }
    const stored = await deps.references.getConversationReference(userId);
    return stored ? targetOf(stored) : undefined;
  }

  const reacher: RecipientReacher = {
    storedTarget,
    async prefetch(userIds) {
      if (!deps.references.conversationReferences || userIds.length === 0) return;
      const found = await deps.references.conversationReferences(userIds);
      for (const userId of userIds) {
        const stored = found.get(userId);
        ahead.delete(userId);
        ahead.set(userId, stored ? targetOf(stored) : null);
      }
      while (ahead.size > AHEAD_LIMIT) ahead.delete(ahead.keys().next().value as string);
    },
    async reach(userId, activity): Promise<ReachResult> {
      return reacher.reachVia(userId, await storedTarget(userId), activity);
    },
    async reachVia(userId, stored, activity): Promise<ReachResult> {
      let viaStoredReference = stored !== undefined;
      let target: ConversationTarget | ReachResult = stored ?? (await install(userId));
      if ('kind' in target) return target;

      let lastReason = 'unknown';
      let lastRetryAfter: number | undefined;
      for (let attempt = 1; attempt <= maxTries; attempt++) {
        // Counted from when the request is on the wire, where the budget and the sender can tell: what happens in between
        // (a token, a new connection, a busy thread) then never bunches requests at Teams.
        const written = deps.sendLimiter.acquireForWrite ? await deps.sendLimiter.acquireForWrite() : await deps.sendLimiter.acquire();
        let result: SendResult;
        try {
          result = await deps.sender.send(target, activity, written ?? undefined);
        } finally {
          written?.();
        }
        const verdict = classifyStatus(result.status);
        if (verdict === 'ok') {
          return { kind: 'final', outcome: { state: 'sent', activityId: result.activityId, conversationId: target.conversationId } };
        }
        if (verdict === 'blocked') {
          return { kind: 'final', outcome: { state: 'blocked', reason: result.errorCode ?? 'http_403', conversationId: target.conversationId } };
        }
        if (verdict === 'fatal') {
          // A stored chat that no longer exists (app removed and added again): install once more and retry.
          if (result.status === 404 && viaStoredReference && deps.installer) {
            viaStoredReference = false;
            target = await install(userId);
            if ('kind' in target) return target;
            attempt -= 1;
            continue;
          }
          return { kind: 'final', outcome: { state: 'failed', reason: result.errorCode ?? `http_${result.status}` } };
        }
        lastReason = result.status === 0 ? 'unreachable' : `http_${result.status}`;
        lastRetryAfter = result.retryAfterMs;
        if (result.status === 429) {
          // The shared budget pauses for Retry-After; waiting for it again here would only waste the slot.
          deps.sendLimiter.throttled(result.retryAfterMs ?? 1000);
        } else if (attempt < maxTries) {
          await clock.sleep(retryDelayMs(attempt, result.retryAfterMs, backoff, deps.random));
        }
      }
      return { kind: 'retryLater', reason: lastReason, afterMs: retryDelayMs(maxTries, lastRetryAfter, backoff, deps.random) };
    },
  };
  return reacher;
}
