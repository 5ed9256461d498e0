import { Activity, TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import { conversationBaseId, isPersonal, tenantOf } from '../../../teams/activityFacts';
import { BotApp, BotFeature } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage, cardTaskModule } from '../../../teams/cards';
import { inPersonalChat, ProactiveAdapter } from '../../../teams/proactive';
import { Verbs } from '../../../teams/verbs';
import { errorCode } from '../../../shared/errorCode';
import { ConcernSettings } from '../../../config/concernSettings';
import { ConcernOutbox } from '../domain/concernOutbox';
import { ConcernLog } from '../domain/concernPorts';
import { formatConcernRecord } from '../domain/concernRecord';
import { ConcernReporting } from '../domain/concernReporting';
import { concernNotFoundMessage, normaliseConcernReference } from '../domain/concernReference';
import { ConcernTriage, TriageOperation } from '../domain/concernTriage';
import { ConcernActor, ConcernCase, ConcernError, DESTINATION_ROLE_LABELS } from '../domain/concernTypes';
import { renderConcernAlertCard } from './cards/concernAlertCard';
import { readConcernStep, renderConcernFormCard } from './cards/concernFormCard';
import { readConcernForm } from '../domain/concernValidation';
import { renderConcernListCard } from './cards/concernListCard';
import { renderConcernReceiptCard } from './cards/concernReceiptCard';
import { actorOf, formFromMessageAction, originOf, reporterOf } from './concernActivity';
import { concernCaseCard } from './concernCaseCard';

/** The message-action command id in the app manifest (composeExtensions, context "message"). */
export const REPORT_CONCERN_COMMAND_ID = 'reportConcern';

/** What the concern routes need: the use cases (built by compose/concerns.ts) and how to open a 1:1 chat. */
export interface ConcernFeatureDeps {
  settings: ConcernSettings;
  reporting: ConcernReporting;
  triage: ConcernTriage;
  outbox: ConcernOutbox;
  /** The same adapter that serves /api/messages, for sending the form to a person's 1:1 chat. */
  adapter: ProactiveAdapter;
  /** The bot's app id (BOT_ID); empty in local mode. */
  botAppId: string;
  /** Structured logger (AppLogger): ids and codes only. */
  logger: ConcernLog;
}

/** The concern feature: its routes, and the outbox the composition root runs at start and on a timer. */
export interface ConcernFeature extends BotFeature {
  /** Delivers everything stored but not yet delivered; call once at start (after the server listens). */
  processOutbox(): Promise<void>;
  /** Runs the outbox every `intervalMs`; returns a function that stops the timer. */
  startOutboxTimer(intervalMs?: number): () => void;
}

const LIST_REFUSAL = 'Only the safeguarding team can list concerns.';
const PRIVATE_PLACE_ONLY = 'Concern records open only in your 1:1 chat with me or in the safeguarding channel.';
const LIST_PATTERN = /^\s*concerns\s*$/i;
/** `concern <reference>`: 1-6 letters, the year, then the random code (or a sequential number from before). */
const OPEN_PATTERN = /^\s*concern\s+(export\s+)?([A-Za-z]{1,6}-\d{4}-[0-9A-Za-z]{1,12})\s*$/i;
const EXPORT_CHUNK_CHARS = 20_000;

/**
 * Creates the concern feature: "report a concern" in chat, the concernStart button, the "Report a concern"
 * message action, the triage verbs for the safeguarding team and the `concerns` / `concern SG-...` commands.
 */
export function createConcernFeature(deps: ConcernFeatureDeps): ConcernFeature {
  const { settings, logger } = deps;
  const { reporting, triage, outbox } = deps;
  const dslChannelId = settings.routing.destinations.dslChannel?.kind === 'channel'
    ? settings.routing.destinations.dslChannel.conversationId
    : undefined;
  const inDslChannel = (a: Partial<Activity>) => dslChannelId !== undefined && conversationBaseId(a.conversation?.id) === dslChannelId;
  const privatePlace = (a: Partial<Activity>) => isPersonal(a) || inDslChannel(a);

  /** Sends the form to the person's own 1:1 chat; returns false when that chat cannot be reached. */
  async function sendFormPrivately(context: TurnContext): Promise<boolean> {
    return sendPrivately(context, renderConcernFormCard());
  }

  /** Sends a card to the person's own 1:1 chat; returns false when that chat cannot be reached. */
  async function sendPrivately(context: TurnContext, card: AdaptiveCardJson): Promise<boolean> {
    const form = cardMessage(card);
    if (isPersonal(context.activity)) {
      await context.sendActivity(form);
      return true;
    }
    const a = context.activity;
    try {
      await inPersonalChat(deps.adapter, deps.botAppId, { channelId: a.channelId ?? 'msteams', serviceUrl: a.serviceUrl ?? '', tenantId: tenantOf(a) }, a.from.id, async (ctx) => {
        await ctx.sendActivity(form);
      });
      return true;
    } catch (err) {
      logger.warn({ code: errorCode(err) }, 'could not open a 1:1 chat for the concern form');
      return false;
    }
  }

  async function startReport(context: TurnContext): Promise<string | undefined> {
    if (isPersonal(context.activity)) {
      await sendFormPrivately(context);
      return undefined;
    }
    const sent = await sendFormPrivately(context);
    return sent
      ? 'I have sent you the form in your private chat with me.'
      : 'Please open your private chat with me and type "report a concern". If anyone is in immediate danger, call 999 or speak to the DSL in person now.';
  }

  /** The answer to anyone without a signed-in Teams identity: the one "not found", as for any reference they may not see. */
  const anonymousAnswer = (reference: unknown) => concernNotFoundMessage(normaliseConcernReference(reference));

  /**
   * Asked somewhere details must not appear: nothing is shown, but access is still checked so that a reference the
   * person may not see is recorded and answered "not found" there as everywhere else.
   */
  async function answerOutsidePrivatePlace(actor: ConcernActor, reference: string, operation: TriageOperation): Promise<string> {
    try {
      await triage.assertMayAct(actor, reference, operation);
      return PRIVATE_PLACE_ONLY;
    } catch (err) {
      if (err instanceof ConcernError && err.code === 'CONCERN_NOT_FOUND') return err.message;
      throw err;
    }
  }

  /**
   * Runs a triage step and renders the result for the place it was asked from. A reference the person may not see
   * comes back from the use case as CONCERN_NOT_FOUND, recorded, with the same words whatever the reason.
   */
  async function triageStep(
    context: TurnContext,
    data: { reference?: unknown },
    operation: TriageOperation,
    step: (actor: ConcernActor, reference: string) => Promise<ConcernCase>,
    options: { updatesAlert?: boolean } = {},
  ): Promise<AdaptiveCardJson | string> {
    const actor = actorOf(context);
    const reference = typeof data.reference === 'string' ? data.reference : '';
    if (!actor) return anonymousAnswer(reference);
    try {
      if (!privatePlace(context.activity)) return await answerOutsidePrivatePlace(actor, reference, operation);
      const updated = await step(actor, reference);
      const channel = inDslChannel(context.activity);
      if (channel && options.updatesAlert && context.activity.replyToId) {
        // Everyone in the channel sees the new status, still without details; the person who acted is listed for a
        // refresh, so their own view of the card reopens the case for them (recorded as a refresh view) instead
        // of showing the alert.
        const refreshFor = context.activity.from?.id ? [context.activity.from.id] : [];
        await context.updateActivity({
          type: 'message', id: context.activity.replyToId, conversation: context.activity.conversation,
          attachments: cardMessage(renderConcernAlertCard(updated, { refreshFor })).attachments,
        });
      }
      return concernCaseCard(settings, updated, channel);
    } catch (err) {
      if (err instanceof ConcernError) {
        if (err.code === 'CONCERN_INVALID_COMMAND' || err.code === 'CONCERN_CLOSED') {
          // The card comes back with the problem named, and with the case: a view like any other, recorded.
          const current = await triage.openCase(actor, reference);
          return concernCaseCard(settings, current, inDslChannel(context.activity), { problem: err.message });
        }
        return err.message;
      }
      logger.error({ code: errorCode(err), verb: context.activity.value?.action?.verb }, 'concern triage failed');
      return 'That did not work. Please try again; if it keeps failing, tell the DSL in person.';
    }
  }

  return {
    name: 'concerns',

    async processOutbox() {
      await outbox.processDue();
    },

    startOutboxTimer(intervalMs = 60_000) {
      const timer = setInterval(() => {
        outbox.processDue().catch((err) => logger.error({ code: errorCode(err) }, 'concern outbox run failed'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    register(app: BotApp) {
      app.message(LIST_PATTERN, async (context) => {
        const actor = actorOf(context);
        if (!actor) {
          await context.sendActivity(LIST_REFUSAL);
          return;
        }
        try {
          if (!privatePlace(context.activity) && triage.isTeamMember(actor.aadObjectId)) {
            // Its references would be seen there: the team is pointed to a private place; anyone else is refused
            // (and recorded) below as everywhere.
            await context.sendActivity(PRIVATE_PLACE_ONLY);
            return;
          }
          const open = await triage.listOpen(actor);
          await context.sendActivity(cardMessage(renderConcernListCard(open)));
        } catch (err) {
          await context.sendActivity(err instanceof ConcernError && err.code === 'CONCERN_ACCESS_DENIED' ? LIST_REFUSAL : 'That did not work. Please try again.');
        }
      });

      app.message(OPEN_PATTERN, async (context) => {
        const match = OPEN_PATTERN.exec(context.activity.text ?? '');
        const actor = actorOf(context);
        if (!match || !actor) {
          await context.sendActivity(anonymousAnswer(match?.[2]));
          return;
        }
        const [, exportWord, reference] = match;
        try {
          if (!privatePlace(context.activity)) {
            await context.sendActivity(await answerOutsidePrivatePlace(actor, reference, exportWord ? 'export' : 'open'));
          } else if (exportWord && inDslChannel(context.activity)) {
            // The whole record in a channel message would be read by everyone in the channel; who may not export
            // it is answered (and recorded) as everywhere else.
            await triage.assertMayAct(actor, reference, 'export');
            await context.sendActivity('Exports come only in your 1:1 chat with me: type the same command there.');
          } else if (exportWord) {
            const record = formatConcernRecord(await triage.exportCase(actor, reference));
            for (let i = 0; i < record.length; i += EXPORT_CHUNK_CHARS) {
              await context.sendActivity({ type: 'message', text: record.slice(i, i + EXPORT_CHUNK_CHARS), textFormat: 'plain' });
            }
          } else {
            const c = await triage.openCase(actor, reference);
            // A reply in the channel is seen by everyone there: the alert, whose Open button shows the details
            // to the person who presses it; in a 1:1 chat the whole case.
            const card = inDslChannel(context.activity) ? renderConcernAlertCard(c) : concernCaseCard(settings, c, false);
            await context.sendActivity(cardMessage(card));
          }
        } catch (err) {
          const code = err instanceof ConcernError ? err.code : errorCode(err);
          if (err instanceof ConcernError) await context.sendActivity(err.message);
          else {
            logger.error({ code }, 'concern open failed');
            await context.sendActivity('That did not work. Please try again.');
          }
        }
      });

      app.message(/report\s+a\s+concern/i, async (context) => {
        const reply = await startReport(context);
        if (reply) await context.sendActivity(reply);
      });

      app.adaptiveCards.actionExecute(Verbs.concernStart, async (context) => {
        const reply = await startReport(context);
        return reply ?? 'The form is in the chat below.';
      });
      app.adaptiveCards.actionSubmit(Verbs.concernStart, async (context) => {
        const reply = await startReport(context);
        if (reply) await context.sendActivity(reply);
      });

      // Step 1 -> step 2 (or back with "Change kind"): nothing is stored until the report is sent.
      app.adaptiveCards.actionExecute(Verbs.concernChooseKind, async (_context, _state, data) => {
        const step = readConcernStep(data);
        return renderConcernFormCard({ values: step.values, problems: step.problems, chooseKind: step.next === 'kind', kindAssumed: step.kindAssumed });
      });

      app.adaptiveCards.actionExecute(Verbs.concernSubmit, async (context, _state, data) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        const result = await reporting.submitConcern(reporterOf(context), originOf(context, 'chat'), data);
        if (!result.ok) return renderConcernFormCard({ values: result.values, problems: result.problems });
        return renderConcernReceiptCard({
          reference: result.report.reference, urgent: result.urgent, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor,
          missing: result.missing, kindAssumed: result.kindAssumed,
        });
      });

      // The reporter adds what an urgent report went without; only they can, and it is appended, never changed.
      app.adaptiveCards.actionExecute(Verbs.concernAddDetails, async (context, _state, data: Record<string, unknown>) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        const reference = typeof data.reference === 'string' ? data.reference : '';
        const result = await reporting.addDetails(reporterOf(context), reference, data);
        if (!result.ok && result.missing.length === 0) return result.message;
        const typed = readConcernForm(data);
        const place = { reference: result.reference, urgent: result.urgent, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor };
        return renderConcernReceiptCard(result.ok
          ? { ...place, missing: result.stillMissing, added: result.added }
          : { ...place, missing: result.missing, typed, problem: result.message });
      });

      app.messageExtensions.fetchTask(REPORT_CONCERN_COMMAND_ID, async (context): Promise<TaskModuleTaskInfo> => {
        const card = renderConcernFormCard({ values: formFromMessageAction(context), inTaskModule: true });
        return cardTaskModule('Report a concern', card);
      });

      app.messageExtensions.submitAction(REPORT_CONCERN_COMMAND_ID, async (context, _state, data: Record<string, unknown>) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        if (data?.verb === Verbs.concernChooseKind) {
          const step = readConcernStep(data);
          const card = renderConcernFormCard({
            values: step.values, problems: step.problems, chooseKind: step.next === 'kind', kindAssumed: step.kindAssumed, inTaskModule: true,
          });
          return cardTaskModule('Report a concern', card) as TaskModuleTaskInfo;
        }
        const result = await reporting.submitConcern(reporterOf(context), originOf(context, 'messageAction'), data);
        if (!result.ok) {
          const card = renderConcernFormCard({ values: result.values, problems: result.problems, inTaskModule: true });
          return cardTaskModule('Report a concern', card) as TaskModuleTaskInfo;
        }
        const role = DESTINATION_ROLE_LABELS[result.deliveredTo ?? result.intendedFor];
        let rest = '';
        if (result.missing.length > 0) {
          // The dialog closes on this answer: the fields still to add come as a card in the reporter's own chat.
          const receipt = renderConcernReceiptCard({
            reference: result.report.reference, urgent: true, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor,
            missing: result.missing, kindAssumed: result.kindAssumed,
          });
          rest = (await sendPrivately(context, receipt))
            ? ' It went at once; when you can, add what it went without in your chat with me.'
            : ' It went at once; please give the DSL the rest in person.';
        }
        return `${result.urgent ? 'If anyone is in immediate danger, call 999 or speak to the DSL in person now. ' : ''}`
          + `Thank you. Your reference is ${result.report.reference}; it ${result.deliveredTo ? 'has gone' : 'is saved and being delivered'} to ${role}.${rest} `
          + 'You will be told in your chat with me when it is read and when it is closed.';
      });

      app.adaptiveCards.actionExecute(Verbs.concernOpen, async (context, _state, data: { reference?: unknown; refresh?: unknown; fromList?: unknown }) => {
        // Both are set by the client: they tag the view as a refresh; every Open is recorded either way.
        const refresh = data.refresh === true || (context.activity.value as { trigger?: string })?.trigger === 'automatic';
        if (data.fromList === true && !inDslChannel(context.activity)) {
          // Opened from the list in a 1:1 chat: send the case as its own message and leave the list as it was.
          // (In the channel a message would show the details to everyone, so the case replaces the list for the
          // person who opened it only.)
          const result = await triageStep(context, data, 'open', (actor, reference) => triage.openCase(actor, reference));
          if (typeof result === 'string') return result;
          await context.sendActivity(cardMessage(result));
          return `${String(data.reference)} is open below.`;
        }
        return triageStep(context, data, 'open', (actor, reference) => triage.openCase(actor, reference, { refresh }));
      });
      app.adaptiveCards.actionExecute(Verbs.concernAcknowledge, async (context, _state, data: { reference?: unknown }) =>
        triageStep(context, data, 'acknowledge', (actor, reference) => triage.acknowledge(actor, reference), { updatesAlert: true }));
      app.adaptiveCards.actionExecute(Verbs.concernAssign, async (context, _state, data: { reference?: unknown; assigneeId?: unknown }) =>
        triageStep(context, data, 'assign', (actor, reference) => triage.assign(actor, reference, String(data.assigneeId ?? '')), { updatesAlert: true }));
      app.adaptiveCards.actionExecute(Verbs.concernAddNote, async (context, _state, data: { reference?: unknown; note?: unknown }) =>
        triageStep(context, data, 'addNote', (actor, reference) => triage.addNote(actor, reference, String(data.note ?? ''))));
      app.adaptiveCards.actionExecute(Verbs.concernRecordAction, async (context, _state, data: { reference?: unknown; actionType?: unknown; actionDetail?: unknown }) =>
        triageStep(context, data, 'recordAction', (actor, reference) => triage.recordAction(actor, reference, String(data.actionType ?? ''), String(data.actionDetail ?? ''))));
      app.adaptiveCards.actionExecute(Verbs.concernClose, async (context, _state, data: { reference?: unknown; outcome?: unknown }) =>
        triageStep(context, data, 'close', (actor, reference) => triage.close(actor, reference, String(data.outcome ?? '')), { updatesAlert: true }));
    },
  };
}
