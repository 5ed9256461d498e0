import { ConversationReference } from 'botbuilder';
import { cardMessage } from '../../../teams/cards';
import { inChannel, inPersonalChat, inStoredConversation, ProactiveAdapter } from '../../../teams/proactive';
import { ConcernSettings } from '../../../config/concernSettings';
import { ConcernDelivery, HeadteacherAttempt, ReporterNoticeKind, ReporterNotifier } from '../domain/concernPorts';
import { TRIAGE_OPERATION_WORDS } from '../domain/concernRecord';
import { ConcernReport, DESTINATION_ROLE_LABELS, DestinationRole } from '../domain/concernTypes';
import { formatSchoolTime } from '../../../shared/schoolTime';
import { renderConcernAlertCard } from './cards/concernAlertCard';
import { concernCaseCard } from './concernCaseCard';

/** Posts reports through Bot Framework proactive messaging: the DSL channel, or a person's 1:1 chat. */
export function createTeamsConcernDelivery(adapter: ProactiveAdapter, botAppId: string, settings: ConcernSettings): ConcernDelivery {
  return {
    async deliver(_role, address, concern, options) {
      const origin = concern.report.origin;
      // The channel gets the alert without details; a person gets the whole report in their own 1:1 chat.
      const card = address.kind === 'channel'
        ? renderConcernAlertCard(concern, { possibleDuplicate: options.possibleDuplicate })
        : concernCaseCard(settings, concern, false, { possibleDuplicate: options.possibleDuplicate });
      const activity = cardMessage(card, `Safeguarding concern ${concern.report.reference}`);
      let messageId: string | undefined;
      const send = async (ctx: { sendActivity(a: typeof activity): Promise<{ id?: string } | undefined> }): Promise<void> => {
        messageId = (await ctx.sendActivity(activity))?.id;
      };
      if (address.kind === 'channel') await inChannel(adapter, botAppId, origin, address.conversationId, send);
      // Anyone outside the safeguarding channel gets the report only in their own 1:1 chat.
      else await inPersonalChat(adapter, botAppId, origin, address.aadObjectId, send);
      return { messageId };
    },

    async alertHeadteacherAttempt(address, report, attempt) {
      const text = headteacherAttemptText(report.reference, attempt);
      const say = async (ctx: { sendActivity(a: { type: 'message'; text: string; textFormat: 'plain' }): Promise<unknown> }): Promise<void> => {
        await ctx.sendActivity({ type: 'message', text, textFormat: 'plain' });
      };
      if (address.kind === 'channel') await inChannel(adapter, botAppId, report.origin, address.conversationId, say);
      else await inPersonalChat(adapter, botAppId, report.origin, address.aadObjectId, say);
    },
  };
}

/**
 * What the chair of governors is told when the headteacher tries a case about them: the reference, what they
 * tried and when; nothing of the case (the chair opens it by its reference to read it).
 */
export function headteacherAttemptText(reference: string, attempt: HeadteacherAttempt): string {
  const tried = TRIAGE_OPERATION_WORDS[attempt.operation] ?? 'open';
  return `Safeguarding alert: the headteacher tried to ${tried} concern ${reference}, which is about them, at ${formatSchoolTime(attempt.attemptAt)}. `
    + 'They were not shown it and were told no such concern was found. Every attempt is recorded in the case\'s audit; '
    + 'further attempts on this case within the hour are recorded without another alert.';
}

/** The words a reporter is told; the reference and the role, never details. */
export function reporterNoticeText(report: ConcernReport, notice: ReporterNoticeKind, deliveredTo: DestinationRole | undefined): string {
  const who = deliveredTo ? DESTINATION_ROLE_LABELS[deliveredTo] : 'the person dealing with it';
  if (notice === 'received') {
    return `Your report ${report.reference} is safely recorded and has gone to ${who}. If sending it showed an error, nothing was lost: there is no need to report it again.`;
  }
  return notice === 'acknowledged'
    ? `Your report ${report.reference} has been read by ${who}. Thank you for raising it.`
    : `Your report ${report.reference} has been closed by ${who}. Thank you. If you have a new worry, report it again.`;
}

/** Tells reporters about their report in their own 1:1 chat with the bot. */
export function createTeamsReporterNotifier(adapter: ProactiveAdapter, botAppId: string): ReporterNotifier {
  return {
    async notify(report, notice, deliveredTo) {
      const text = reporterNoticeText(report, notice, deliveredTo);
      const address = report.reporter.address as { userId?: string; tenantId?: string; personal?: boolean; reference?: Partial<ConversationReference> };
      const say = async (ctx: { sendActivity(t: string): Promise<unknown> }): Promise<void> => {
        await ctx.sendActivity(text);
      };
      if (address.personal && address.reference) {
        await inStoredConversation(adapter, botAppId, address.reference, say);
        return;
      }
      const origin = { ...report.origin, tenantId: address.tenantId || report.origin.tenantId };
      await inPersonalChat(adapter, botAppId, origin, address.userId || report.reporter.aadObjectId, say);
    },
  };
}
