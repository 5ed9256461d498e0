import { ConversationReference, TurnContext } from 'botbuilder';
import { sendAsSafeguarding } from '../../../teams/budgetedTurns';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { botAccount, inChannel, inPersonalChat, inStoredConversation, ProactiveAdapter, ProactiveOrigin } from '../../../teams/proactive';
import { ConcernSettings } from '../../../config/concernSettings';
import { chairMissedWords, ConcernDelivery, HeadteacherAttempt, ReporterNoticeKind, ReporterNotifier } from '../domain/concernPorts';
import { primaryRouteFailure, TRIAGE_OPERATION_WORDS } from '../domain/concernRecord';
import { DestinationAddress, resolveConcernRoute } from '../domain/concernRouting';
import { ConcernCase, ConcernReport, DESTINATION_ROLE_LABELS, DestinationRole } from '../domain/concernTypes';
import { formatSchoolTime } from '../../../shared/schoolTime';
import { renderConcernAlertCard } from './cards/concernAlertCard';
import { renderConcernReceiptCard } from './cards/concernReceiptCard';
import { concernCaseCard } from './concernCaseCard';
import { TeamsContacts } from './teamsContacts';
import { CONCERN_TEXT_FIELDS, ConcernTextField } from '../domain/concernValidation';
import { COPY_NOT_WITHDRAWN } from '../domain/headCopies';
import { inPersonContact, waitingReporterText } from '../domain/routeSetup';

/** A Teams error code is an identifier (BotNotInConversationRoster); anything else is not kept. */
const TEAMS_CODE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * Keeps Teams' own reason with a failed call (RestError's `code`, from the error body: BotNotInConversationRoster,
 * ConversationNotFound, ...) as `teamsCode`, beside the HTTP status the domain reads; never the message.
 */
export function withTeamsCode(err: unknown): unknown {
  const e = err as { code?: unknown; statusCode?: unknown; teamsCode?: unknown };
  if (e && typeof e === 'object' && typeof e.statusCode === 'number' && typeof e.code === 'string' && TEAMS_CODE.test(e.code)) e.teamsCode = e.code;
  return err;
}

/**
 * Runs proactive `logic` so that its failure reaches the caller. The adapter hands an error thrown inside a proactive
 * turn to the app's error handler, which logs a failed turn and posts "Sorry, something went wrong" into the very
 * conversation that failed (the safeguarding channel, a DSL's chat) and, when that post works, lets the call succeed:
 * a report Teams refused would count as delivered. Here the error is kept and thrown after the turn instead.
 */
export async function proactively(run: (logic: (ctx: TurnContext) => Promise<void>) => Promise<void>, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
  let failure: { err: unknown } | undefined;
  await run(async (ctx) => {
    try {
      await logic(ctx);
    } catch (err) {
      failure = { err };
    }
  }).catch((err) => {
    failure = failure ?? { err };
  });
  if (failure) throw withTeamsCode(failure.err);
}

/**
 * Runs `logic` in a place or a person's 1:1 chat: the one way the concern feature reaches any address. Whatever it sends
 * (an alert, its 1:1 fallbacks, what the team and the chair are told, the route check's messages) goes first in the
 * app's budget with Teams, before any reply or campaign card: no one pressing buttons can hold it up.
 */
export async function inPlace(
  adapter: ProactiveAdapter, botAppId: string, origin: ProactiveOrigin, contacts: TeamsContacts,
  address: Exclude<DestinationAddress, { kind: 'eachMember' }>, logic: (ctx: TurnContext) => Promise<void>,
): Promise<void> {
  await proactively((run) => {
    if (address.kind === 'channel') return inChannel(adapter, botAppId, origin, address.conversationId, run);
    if (address.kind === 'groupChat') {
      return inStoredConversation(adapter, botAppId, {
        channelId: origin.channelId, serviceUrl: origin.serviceUrl, bot: botAccount(botAppId),
        conversation: { id: address.conversationId, isGroup: true, conversationType: 'groupChat', tenantId: origin.tenantId, name: '' },
      }, run);
    }
    return inPersonalChat(adapter, botAppId, origin, contacts.chatMemberId(address.aadObjectId), run);
  }, async (ctx) => {
    sendAsSafeguarding(ctx);
    await logic(ctx);
  });
}

/** The conversation a message the bot posted about a report is in, to update that message (a card replaced). */
export function postedIn(botAppId: string, report: ConcernReport, conversationId: string): Partial<ConversationReference> {
  return {
    channelId: report.origin.channelId, serviceUrl: report.origin.serviceUrl, bot: botAccount(botAppId),
    conversation: { id: conversationId, isGroup: false, conversationType: '', tenantId: report.origin.tenantId, name: '' },
  };
}

/** What a copy the headteacher held of a report about them becomes: that it was passed on, and nothing of it. */
const WITHDRAWN_TEXT = 'This report has been passed on to someone else to deal with. It is no longer shown here.';
export const WITHDRAWN_CARD: AdaptiveCardJson = {
  type: 'AdaptiveCard', version: '1.5',
  body: [{ type: 'TextBlock', wrap: true, text: WITHDRAWN_TEXT }],
};

/**
 * Posts reports through Bot Framework proactive messaging: the safeguarding team's channel or group chat (the alert,
 * no details), a member of the team 1:1 (the same alert), or anyone else 1:1 (the case, in their own chat).
 */
export function createTeamsConcernDelivery(adapter: ProactiveAdapter, botAppId: string, settings: ConcernSettings, contacts: TeamsContacts): ConcernDelivery {
  return {
    async deliver(role, address, concern, options) {
      if (address.kind === 'eachMember') throw Object.assign(new Error('deliver to each member one by one'), { code: 'CONCERN_DESTINATION_UNCONFIGURED' });
      const teamAlert = address.kind !== 'person' || role === 'dslChannel';
      const card = teamAlert
        ? renderConcernAlertCard(concern, { possibleDuplicate: options.possibleDuplicate })
        : concernCaseCard(settings, concern, false, {
          possibleDuplicate: options.possibleDuplicate, fallbackReason: options.fallbackReason,
          // A member of the team it reaches 1:1 (a headteacher on the team) gets the team's buttons at once, as on refresh.
          viewerIsTeam: address.kind === 'person' && settings.team.some((m) => m.aadObjectId === address.aadObjectId),
        });
      const activity = cardMessage(card, `Safeguarding concern ${concern.report.reference}`);
      let messageId: string | undefined;
      let conversationId: string | undefined;
      await inPlace(adapter, botAppId, concern.report.origin, contacts, address, async (ctx) => {
        messageId = (await ctx.sendActivity(activity))?.id;
        conversationId = ctx.activity.conversation?.id;
      });
      return { messageId, conversationId };
    },

    async alertHeadteacherAttempt(role, address, report, attempt) {
      if (address.kind === 'eachMember') return;
      const text = headteacherAttemptText(report.reference, attempt, role !== 'chairOfGovernors');
      await inPlace(adapter, botAppId, report.origin, contacts, address, async (ctx) => {
        await ctx.sendActivity({ type: 'message', text, textFormat: 'plain' });
      });
    },

    async withdrawCopy(report, copy) {
      // No details, no buttons, no refresh: nothing of the report is shown or asked for again from this card.
      await proactively((run) => inStoredConversation(adapter, botAppId, postedIn(botAppId, report, copy.conversationId), run), async (ctx) => {
        sendAsSafeguarding(ctx);
        await ctx.updateActivity(copy.form === 'text'
          ? { type: 'message', text: WITHDRAWN_TEXT, textFormat: 'plain', id: copy.messageId }
          : { ...cardMessage(WITHDRAWN_CARD), id: copy.messageId });
      });
    },
  };
}

/**
 * What the chair of governors is told when the headteacher tries a case about them: the reference, what they
 * tried and when; nothing of the case (the chair opens it by its reference to read it).
 */
export function headteacherAttemptText(reference: string, attempt: HeadteacherAttempt, insteadOfChair = attempt.chairMissed !== undefined): string {
  const tried = TRIAGE_OPERATION_WORDS[attempt.operation] ?? 'open';
  const instead = insteadOfChair ? ` (sent to you because ${chairMissedWords(attempt.chairMissed)})` : '';
  if (attempt.operation === COPY_NOT_WITHDRAWN) {
    return `Safeguarding alert${instead}: concern ${reference} is about the headteacher, and a copy of it in their Teams chat could not be withdrawn `
      + `(${formatSchoolTime(attempt.attemptAt)}): they may still be able to read it as it stood when they were shown it; nothing added since is shown to them, `
      + 'and they cannot open or act on it. The case\'s record says which copy and why. Nothing of the report is in this message.';
  }
  return `Safeguarding alert${instead}: the headteacher tried to ${tried} concern ${reference}, which is about them, at ${formatSchoolTime(attempt.attemptAt)}. `
    + 'They were not shown it and were told no such concern was found. Their attempts are recorded in the case\'s audit (the first 20 '
    + 'each hour one by one); further attempts on this case within the hour bring no other alert.';
}

/**
 * The words a reporter is told; the reference and the role, never details. `intendedFor` is the role a waiting report is
 * for; a rerouted one says, from the case's record, whether its role is not set up in the bot or could not be delivered to.
 */
export function reporterNoticeText(report: ConcernReport, notice: ReporterNoticeKind, deliveredTo: DestinationRole | undefined, intendedFor: DestinationRole = 'dslChannel',
  concern?: Pick<ConcernCase, 'events'>): string {
  const who = deliveredTo ? DESTINATION_ROLE_LABELS[deliveredTo] : 'the person dealing with it';
  switch (notice) {
    case 'waiting':
      return waitingReporterText(report.reference, intendedFor, report.aboutHeadteacher);
    case 'received':
      return `Your report ${report.reference} is safely recorded and has gone to ${who}. If sending it showed an error, nothing was lost: there is no need to report it again.`;
    case 'notArrived':
      // A report about the headteacher: never "the DSL", who may be the head.
      return `Your report ${report.reference} has NOT reached anyone yet: Teams would not deliver it. Please go to ${inPersonContact(report.aboutHeadteacher)} in person now and give them `
        + `the reference ${report.reference}. If a child is in immediate danger, call 999. Your report is safely recorded, I keep trying to deliver it, `
        + 'and I will tell you here when it arrives.';
    case 'arrived':
      return `Your report ${report.reference} has now arrived: it has reached ${who}. There is no need to report it again.`;
    case 'rerouted':
      return concern && primaryRouteFailure(concern.events)?.data.code === 'CONCERN_DESTINATION_UNCONFIGURED'
        ? `Your report ${report.reference} has gone to ${who}, because ${DESTINATION_ROLE_LABELS[intendedFor]} is not set up to receive reports in this bot. There is no need to report it again.`
        : `Your report ${report.reference} could not be delivered to ${DESTINATION_ROLE_LABELS[intendedFor]}, so it has gone to ${who} instead. There is no need to report it again.`;
    case 'acknowledged':
      return `Your report ${report.reference} has been read by ${who}. Thank you for raising it.`;
    default:
      return `Your report ${report.reference} has been closed by ${who}. Thank you. If you have a new worry, report it again.`;
  }
}

/** Fields an urgent report went without and the reporter has not added yet (the receipt still asks for them). */
function stillMissing(c: ConcernCase): ConcernTextField[] {
  const submitted = c.events.find((e) => e.type === 'submitted');
  const added = new Set(c.events.filter((e) => e.type === 'detailsAdded').flatMap((e) => Object.keys(e.data)));
  return (submitted?.data.missing ?? '').split(',')
    .filter((f): f is ConcernTextField => (CONCERN_TEXT_FIELDS as readonly string[]).includes(f)).filter((f) => !added.has(f));
}

type ReporterAddress = { userId?: string; tenantId?: string; personal?: boolean; reference?: Partial<ConversationReference>; receiptActivityId?: string };

/**
 * Tells reporters about their report in their own 1:1 chat with the bot, and keeps their receipt card true; as an
 * alert's, first in the app's budget with Teams (a reporter told "it has NOT reached anyone" must hear it at once).
 */
export function createTeamsReporterNotifier(adapter: ProactiveAdapter, botAppId: string, settings: ConcernSettings): ReporterNotifier {
  return {
    async notify(report, notice, deliveredTo, concern) {
      const intendedFor = resolveConcernRoute(report, settings.routing).primary;
      const text = reporterNoticeText(report, notice, deliveredTo, intendedFor, concern);
      const address = report.reporter.address as ReporterAddress;
      const say = async (ctx: TurnContext): Promise<void> => {
        sendAsSafeguarding(ctx);
        await ctx.sendActivity(text);
        // The receipt said "being delivered": bring it up to date, so it never says what is no longer true.
        if (concern && (notice === 'notArrived' || notice === 'arrived' || notice === 'waiting' || notice === 'rerouted') && address.receiptActivityId) {
          const card = renderConcernReceiptCard({
            reference: report.reference, urgent: report.immediateDanger, deliveredTo: notice === 'arrived' || notice === 'rerouted' ? deliveredTo : undefined,
            intendedFor, missing: stillMissing(concern), aboutHeadteacher: report.aboutHeadteacher,
            ...(notice === 'waiting' ? { waiting: true } : notice === 'rerouted' ? {} : { arrival: notice === 'notArrived' ? 'notArrived' as const : 'arrivedLate' as const }),
          });
          await ctx.updateActivity({ ...cardMessage(card), id: address.receiptActivityId }).catch(() => undefined);
        }
      };
      const origin = { ...report.origin, tenantId: address.tenantId || report.origin.tenantId };
      await proactively((run) => (address.personal && address.reference
        ? inStoredConversation(adapter, botAppId, address.reference, run)
        : inPersonalChat(adapter, botAppId, origin, address.userId || report.reporter.aadObjectId, run)), say);
    },
  };
}
