import { Activity } from 'botbuilder';

/** Facts about an incoming activity that more than one feature reads, each read one way. */

/** A channel conversation id without its ";messageid=..." suffix. */
export function conversationBaseId(id: string | undefined): string {
  return (id ?? '').split(';')[0];
}

/** Whether the activity comes from a person's 1:1 chat with the bot. */
export function isPersonal(activity: Partial<Activity>): boolean {
  return activity.conversation?.conversationType === 'personal';
}

/** The Entra tenant the activity comes from. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/** The sender's Entra object id as Teams signed it; never taken from card data. */
export function senderAadObjectId(activity: Partial<Activity>): string | undefined {
  return activity.from?.aadObjectId || undefined;
}

/** Policy owners, checked one way everywhere: by the sender's Entra object id. */
export function isPolicyOwner(owners: readonly string[], activity: Partial<Activity>): boolean {
  const id = senderAadObjectId(activity);
  return id !== undefined && owners.includes(id);
}

/**
 * A message as typed, not an edit or a deletion of one: a route chosen by a function (not by text) must ask, since the
 * Teams AI library checks the activity's type only for routes chosen by text.
 */
export function isMessage(activity: Partial<Activity>): boolean {
  return activity.type === 'message';
}
