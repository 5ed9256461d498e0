import { ActivityTypes, TurnContext } from 'botbuilder';
import { BotApp } from './botFeature';
import { AppLogger } from '../shared/logger';
import { createRecentKeys } from '../shared/recentKeys';

/** How long a message's id is remembered: Teams redelivers within seconds to minutes of a failed or slow answer. */
export const REDELIVERY_WINDOW_MS = 10 * 60 * 1000;
/** Ids remembered at once on one instance (oldest forgotten first). */
const REMEMBERED = 50_000;

/** Messages Teams delivers again (a slow or failed answer) are answered once. */
export interface RedeliveryGuard {
  /** First of the bot's beforeTurn handlers: a message already being handled, or handled, ends its turn at once. */
  register(app: BotApp): void;
  /** A turn that failed: its message may be handled when Teams delivers it again. */
  forget(context: TurnContext): void;
}

const keyOf = (context: TurnContext): string | undefined => {
  const a = context.activity;
  return a.type === ActivityTypes.Message && a.id && a.conversation?.id ? `${a.conversation.id}\n${a.id}` : undefined;
};

/**
 * An outside walk-through (30 Nov) sent one message twice with the same id, as Teams does when the bot's answer was slow
 * or failed: the first was checked as a draft, the second answered as a question. A message's id, in its conversation,
 * is now handled once while it is remembered; a turn that failed is forgotten, so that Teams' next delivery is answered.
 * One instance remembers its own: a redelivery reaching another instance is handled there, as before.
 */
export function createRedeliveryGuard(logger: AppLogger, now: () => number = Date.now): RedeliveryGuard {
  const seen = createRecentKeys({ windowMs: REDELIVERY_WINDOW_MS, max: REMEMBERED, now });
  return {
    register(app) {
      app.turn('beforeTurn', async (context) => {
        const key = keyOf(context);
        if (key === undefined) return true;
        if (seen.isRecent(key)) {
          logger.info({ event: 'turn.redelivered' }, 'a message delivered again was not handled twice');
          return false;
        }
        seen.mark(key);
        return true;
      });
    },
    forget(context) {
      const key = keyOf(context);
      if (key !== undefined) seen.forget(key);
    },
  };
}
