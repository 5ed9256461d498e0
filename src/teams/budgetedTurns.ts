import { Activity, ActivityTypes, DeliveryModes, Middleware, TurnContext } from 'botbuilder';
import { OutboundBudget } from './outboundBudget';

/** Activities the adapter answers in the HTTP response or never sends: they cost Teams nothing. */
const FREE_TYPES = new Set<string>([ActivityTypes.InvokeResponse, 'delay', ActivityTypes.Trace]);

/** How many requests to the connector sending these activities in this turn makes. */
export function connectorRequests(context: TurnContext, activities: readonly Partial<Activity>[]): number {
  if (context.activity.deliveryMode === DeliveryModes.ExpectReplies) return 0;
  return activities.filter((a) => !FREE_TYPES.has(a.type ?? '')).length;
}

/**
 * Makes every request a turn sends to Teams (replies, proactive messages sent through the adapter, card updates and
 * deletions) draw from the app's one outbound budget as a reply, ahead of bulk sending: a person's answer never waits
 * behind a roll-out, and never pushes a second over the limit.
 */
export function budgetedTurns(budget: Pick<OutboundBudget, 'acquire'>): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities(async (ctx, activities, send) => {
        for (let i = connectorRequests(ctx, activities); i > 0; i--) await budget.acquire('reply');
        return send();
      });
      context.onUpdateActivity(async (_ctx, _activity, update) => {
        await budget.acquire('reply');
        return update();
      });
      context.onDeleteActivity(async (_ctx, _reference, remove) => {
        await budget.acquire('reply');
        return remove();
      });
      await next();
    },
  };
}
