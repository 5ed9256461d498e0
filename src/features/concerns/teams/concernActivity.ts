import { TurnContext } from 'botbuilder';
import { formatSchoolTimestamp } from '../../../shared/schoolTime';
import { isPersonal, senderAadObjectId, tenantOf } from '../../../teams/activityFacts';
import { ConcernActor, ConcernOrigin, ConcernReporter } from '../domain/concernTypes';
import { ConcernFormValues, emptyConcernForm } from '../domain/concernValidation';
import { ReportedMessageSeal } from '../domain/reportedMessageSeal';

/** Who is acting on a concern, from the activity Teams signed, never from card data. */
export function actorOf(context: TurnContext): ConcernActor | undefined {
  const id = senderAadObjectId(context.activity);
  return id ? { aadObjectId: id, name: context.activity.from?.name ?? '' } : undefined;
}

/**
 * The reporter as stored: who, and how to reach their 1:1 chat later (a conversation reference, no content), and in
 * their 1:1 chat the message their receipt replaces (the form they pressed Send on), so a later notice can bring it up
 * to date.
 */
export function reporterOf(context: TurnContext): ConcernReporter {
  const a = context.activity;
  const receipt = isPersonal(a) && a.type === 'invoke' && a.name === 'adaptiveCard/action' && typeof a.replyToId === 'string' ? a.replyToId : undefined;
  return {
    aadObjectId: a.from?.aadObjectId ?? '',
    name: a.from?.name ?? '',
    address: {
      userId: a.from?.id ?? '',
      tenantId: tenantOf(a) ?? '',
      personal: isPersonal(a),
      reference: TurnContext.getConversationReference(a) as unknown as Record<string, unknown>,
      ...(receipt ? { receiptActivityId: receipt.slice(0, 200) } : {}),
    },
  };
}

/** Where a report came from, for replies and deliveries on the same service. */
export function originOf(context: TurnContext, source: ConcernOrigin['source']): ConcernOrigin {
  const a = context.activity;
  return { serviceUrl: a.serviceUrl ?? '', tenantId: tenantOf(a), channelId: a.channelId ?? 'msteams', source };
}

/** A Teams message is at most ~28 KB of text; anything longer attached to a report is cut. */
const MAX_ATTACHED_MESSAGE_CHARS = 32_000;

/** A Teams message body (HTML) as plain text: the reporter sees it as text and it is stored as text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    // [^<>]* keeps this linear on hostile input such as '<<<<...' (no backtracking across '<').
    .replace(/<[^<>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The form's starting values for "Report a concern" on someone else's message: that message, bounded, as text. */
export function formFromMessageAction(context: TurnContext, seal?: ReportedMessageSeal): ConcernFormValues {
  const payload = (context.activity.value as {
    messagePayload?: { body?: { content?: string; contentType?: string }; from?: { user?: { displayName?: string } }; createdDateTime?: string; linkToMessage?: string };
  })?.messagePayload;
  const rawBody = payload?.body?.content;
  const body = typeof rawBody === 'string' ? rawBody.slice(0, MAX_ATTACHED_MESSAGE_CHARS) : '';
  const text = payload?.body?.contentType === 'html' ? htmlToText(body) : body.trim();
  const author = payload?.from?.user?.displayName;
  // The time as people at the school read it ("2 Mar 2026, 09:05 GMT"), not Teams' UTC stamp.
  const sent = typeof payload?.createdDateTime === 'string' && !Number.isNaN(Date.parse(payload.createdDateTime)) ? formatSchoolTimestamp(payload.createdDateTime) : '';
  const attached = text ? `${author ? `From ${author}` : 'Message'}${sent ? ` at ${sent}` : ''}:\n${text}` : '';
  // Sealed for the person reporting it: the form carries it to the send, and a message altered on the way is marked.
  const reporterId = senderAadObjectId(context.activity) ?? '';
  const attachedSeal = attached && seal && reporterId ? seal.seal(reporterId, attached) : '';
  return emptyConcernForm({ attachedMessage: attached, attachedSeal, link: payload?.linkToMessage ?? '', where: 'Microsoft Teams message' });
}
