import { ActivityTypes } from 'botbuilder';
import { BoundedMemoryStorage } from './boundedMemoryStorage';
import { AdaptiveCardsOptions, Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { AppLogger } from '../shared/logger';
import { BotApp, BotFeature } from './botFeature';
import { invokeMessage } from './invokeResponse';
import { createRedeliveryGuard } from './redelivery';
import { TurnLimits } from './turnLimits';

/** What the bot app needs: the adapter, and every capability as a feature, in the order their routes should win. */
export interface BotAppDeps {
  adapter: TeamsAdapter;
  logger: AppLogger;
  /** Registered in order; the policy feature, which answers any other message, comes last. */
  features: readonly BotFeature[];
  /** Bot's app id, needed for proactive messages in production. */
  botAppId?: string;
  /**
   * Per-person budgets: the messages' part runs before any feature sees a turn (the HTTP server, given the same object,
   * counts invokes before the adapter sees them); none when left out.
   */
  limits?: TurnLimits;
}

/** Builds the teams-ai application: the features' routes, then a clear answer for any unclaimed invoke, and the error handler. */
export function createBotApp(deps: BotAppDeps): BotApp {
  const { logger } = deps;
  const adaptiveCards: AdaptiveCardsOptions = {};
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    storage: new BoundedMemoryStorage(),
    adaptiveCards,
    removeRecipientMention: true,
    startTypingTimer: false,
  });

  // First of the beforeTurn handlers: a message Teams delivered again is handled once (and not counted twice); then a
  // turn over a person's budget ends before any feature's handler runs.
  const redelivery = createRedeliveryGuard(logger);
  redelivery.register(app);
  if (deps.limits) deps.limits.register(app);
  for (const feature of deps.features) feature.register(app);

  // Any invoke no feature claimed (an unknown or retired verb, a stale card) still gets a clear answer.
  app.activity(ActivityTypes.Invoke, async (ctx) => {
    await ctx.sendActivity(invokeMessage(ctx.activity.name, 'That button or action is not available any more. Type **help** to see what I can do.'));
  });

  app.error(async (ctx, err) => {
    // A failed turn's message is answered when Teams delivers it again.
    redelivery.forget(ctx);
    logger.error({ event: 'turn.error', code: (err as { code?: string }).code, name: (err as Error).name }, 'turn failed');
    const sorry = 'Sorry, something went wrong on my side. Please try again in a moment.';
    if (ctx.activity.type === ActivityTypes.Invoke) await ctx.sendActivity(invokeMessage(ctx.activity.name, sorry));
    // A message's apology is one more request to the address that just failed: where Teams could not be reached (or
    // did not answer in time), it would only wait as long again, so the turn fails at once (the HTTP answer says so).
    else if (teamsUnreachable(err)) throw new TurnFailedError(err);
    else await ctx.sendActivity(sorry).catch((again: unknown) => { throw new TurnFailedError(again); });
  });

  return app;
}

/**
 * What a failed turn passes on to botbuilder, which prints whatever it is given to stderr, outside the app's log: the
 * failure's name and code, never the error itself (a connector error carries the request it made: the conversation's
 * address, and a reply's text or card).
 */
export class TurnFailedError extends Error {
  readonly code?: string;
  constructor(cause: unknown) {
    const { name, code } = (cause ?? {}) as { name?: unknown; code?: unknown };
    const kind = [typeof name === 'string' ? name.slice(0, 60) : 'Error', typeof code === 'string' ? code.slice(0, 60) : ''].filter(Boolean).join(' ');
    super(`a turn failed (${kind})`);
    this.name = 'TurnFailedError';
    if (typeof code === 'string') this.code = code.slice(0, 60);
  }
}

/** Errors of reaching Teams at all (refused, unknown host, reset, no answer in time), not of what Teams answered. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'REQUEST_SEND_ERROR']);

export function teamsUnreachable(err: unknown): boolean {
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  return name === 'AbortError' || (typeof code === 'string' && UNREACHABLE_CODES.has(code));
}
