import { Activity, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import { tenantOf } from './activityFacts';

/** The part of the bot adapter used for proactive messages (TeamsAdapter / CloudAdapter provide it). */
export interface ProactiveAdapter {
  /** Continues an existing conversation (a channel, a person's 1:1 chat). */
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
  /** Creates (or reopens) a 1:1 conversation with a person. */
  createConversationAsync(
    botAppId: string,
    channelId: string,
    serviceUrl: string,
    audience: string | undefined,
    parameters: ConversationParameters,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/** The bot as it names itself in the conversations it starts. */
export const BOT_DISPLAY_NAME = 'School Policy Bot';

/** The bot's identity in a conversation reference or parameters: built here only. */
export function botAccount(botAppId: string): { id: string; name: string } {
  return { id: botAppId, name: BOT_DISPLAY_NAME };
}

/** Where a proactive message goes: the service and tenant it came from. */
export interface ProactiveOrigin {
  channelId: string;
  serviceUrl: string;
  tenantId?: string;
}

/**
 * Opens (or reopens) a person's 1:1 chat with the bot and runs `logic` in it. `memberId` is the Teams user id
 * (29:...) or the Entra object id; Teams accepts either for a personal conversation.
 */
export async function inPersonalChat(
  adapter: ProactiveAdapter,
  botAppId: string,
  origin: ProactiveOrigin,
  memberId: string,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  const parameters = {
    isGroup: false,
    bot: botAccount(botAppId),
    members: [{ id: memberId, name: '' }],
    tenantId: origin.tenantId,
    channelData: { tenant: { id: origin.tenantId } },
  } as ConversationParameters;
  await adapter.createConversationAsync(botAppId, origin.channelId, origin.serviceUrl, undefined, parameters, logic);
}

/** Runs `logic` in a Teams channel conversation the bot is installed in (the safeguarding team's channel). */
export async function inChannel(
  adapter: ProactiveAdapter,
  botAppId: string,
  origin: ProactiveOrigin,
  conversationId: string,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  const reference: Partial<ConversationReference> = {
    channelId: origin.channelId,
    serviceUrl: origin.serviceUrl,
    bot: botAccount(botAppId),
    conversation: { id: conversationId, isGroup: true, conversationType: 'channel', tenantId: origin.tenantId, name: '' },
  };
  await adapter.continueConversationAsync(botAppId, reference, logic);
}

/** Continues a conversation from a stored reference (a reporter's own 1:1 chat), as a new message, not a reply. */
export async function inStoredConversation(
  adapter: ProactiveAdapter,
  botAppId: string,
  reference: Partial<ConversationReference>,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  await adapter.continueConversationAsync(botAppId, { ...reference, activityId: undefined }, logic);
}

/**
 * Runs `logic` in the 1:1 chat of the person who sent `activity` (in a group chat or a channel), opened or reopened from
 * the service and tenant the activity came from, so that what it sends reaches only them. A failure (Teams refused to
 * open the chat, or a send in it) is thrown to the caller: the adapter would otherwise hand it to the app's error
 * handler, which posts "Sorry" and lets the call succeed.
 */
export async function inSendersPersonalChat(
  adapter: ProactiveAdapter,
  botAppId: string,
  activity: Partial<Activity>,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  const origin = { channelId: activity.channelId ?? 'msteams', serviceUrl: activity.serviceUrl ?? '', tenantId: tenantOf(activity) };
  let failure: { err: unknown } | undefined;
  await inPersonalChat(adapter, botAppId, origin, activity.from?.id ?? '', async (ctx) => {
    try {
      await logic(ctx);
    } catch (err) {
      failure = { err };
    }
  }).catch((err: unknown) => { failure = failure ?? { err }; });
  if (failure) throw failure.err;
}
