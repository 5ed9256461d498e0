import { Activity, ActivityTypes, DeliveryModes, Middleware, TurnContext } from 'botbuilder';
import { OutboundBudget, OutboundPriority } from './outboundBudget';

/** Activities the adapter answers in the HTTP response or never sends: they cost Teams nothing. */
const FREE_TYPES = new Set<string>([ActivityTypes.InvokeResponse, 'delay', ActivityTypes.Trace]);

/** Where a turn keeps the line its requests to Teams wait in (a reply's, unless marked). */
const PRIORITY_KEY = Symbol('outboundPriority');

/** How many requests to the connector sending these activities in this turn makes. */
export function connectorRequests(context: TurnContext, activities: readonly Partial<Activity>[]): number {
  if (context.activity.deliveryMode === DeliveryModes.ExpectReplies) return 0;
  return activities.filter((a) => !FREE_TYPES.has(a.type ?? '')).length;
}

/**
 * Marks every request this turn makes to Teams from now on (its posts, card updates and deletions) as a safeguarding
 * alert's: they go before any reply or campaign card waiting for the budget. For the proactive turns that deliver a
 * report, its fallbacks and what the team and the reporter are told about it; never for a turn a person started.
 */
export function sendAsSafeguarding(context: TurnContext): void {
  context.turnState.set(PRIORITY_KEY, 'safeguarding');
}

/** The line this turn's requests to Teams wait in. */
export function outboundPriorityOf(context: TurnContext): OutboundPriority {
  return context.turnState.get(PRIORITY_KEY) === 'safeguarding' ? 'safeguarding' : 'reply';
}

/**
 * Makes every request a turn sends to Teams (replies, proactive messages sent through the adapter, card updates and
 * deletions) draw from the app's one outbound budget: as a reply, ahead of bulk sending, or as a safeguarding alert
 * when the turn is marked (sendAsSafeguarding), ahead of both. A person's answer never waits behind a roll-out, an alert
 * never waits behind anyone's answer, and neither pushes a second over the limit.
 */
export function budgetedTurns(budget: Pick<OutboundBudget, 'acquire'>): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities(async (ctx, activities, send) => {
        for (let i = connectorRequests(ctx, activities); i > 0; i--) await budget.acquire(outboundPriorityOf(ctx));
        return send();
      });
      context.onUpdateActivity(async (ctx, _activity, update) => {
        await budget.acquire(outboundPriorityOf(ctx));
        return update();
      });
      context.onDeleteActivity(async (ctx, _reference, remove) => {
        await budget.acquire(outboundPriorityOf(ctx));
        return remove();
      });
      await next();
    },
  };
}
