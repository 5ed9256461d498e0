import { Activity, TurnContext } from 'botbuilder';
import { conversationBaseId } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { inStoredConversation, ProactiveAdapter } from '../../../teams/proactive';
import { Verbs } from '../../../teams/verbs';
import { errorCode } from '../../../shared/errorCode';
import { ConcernSettings } from '../../../config/concernSettings';
import { ConcernLog, PostedCopy } from '../domain/concernPorts';
import { concernNotFoundMessage, normaliseConcernReference } from '../domain/concernReference';
import { ConcernTriage, TriageOperation } from '../domain/concernTriage';
import { ConcernActor, ConcernCase, ConcernError } from '../domain/concernTypes';
import { renderConcernAlertCard } from './cards/concernAlertCard';
import { answerInvoke } from './cardResponse';
import { actorOf } from './concernActivity';
import { concernCaseCard } from './concernCaseCard';
import { postedIn, proactively, WITHDRAWN_CARD } from './concernMessaging';

/** Where concern records may be read: a person's own 1:1 chat, or the safeguarding team's channel or group chat. */
export const PRIVATE_PLACE_ONLY = 'Concern records open only in your 1:1 chat with me or in the safeguarding channel.';

/** What the triage routes need. */
export interface ConcernTriageRoutesDeps {
  settings: ConcernSettings;
  triage: ConcernTriage;
  adapter: ProactiveAdapter;
  botAppId: string;
  logger: ConcernLog;
  /** True in the safeguarding team's channel or group chat. */
  inTeamPlace(a: Partial<Activity>): boolean;
  /** True in a person's 1:1 chat or the team's place. */
  privatePlace(a: Partial<Activity>): boolean;
}

/**
 * A card input's text: only a string is text. Anything else a forged card sends (an object, a list, a number) is read as
 * nothing, so the card says what is needed, rather than "[object Object]" going into the permanent chronology.
 */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The Open, Acknowledge, Assign, Add note, Record an action and Close verbs of the triage card. */
export function createConcernTriageRoutes(deps: ConcernTriageRoutesDeps) {
  const { settings, triage, logger, inTeamPlace, privatePlace } = deps;

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
   * Brings every other copy of the case's alert up to date, still without details: the shared place's post when the
   * action was taken elsewhere, and each team member's own 1:1 alert (reports reach members one by one when the place
   * refuses them, or by design). Each copy shows the same status, so no member reads a stale "New".
   */
  async function updateOtherAlerts(c: ConcernCase, here: string): Promise<void> {
    const copies: { c: string; m: string }[] = [];
    for (const e of c.events) {
      if (e.type !== 'routed' || e.data.role !== 'dslChannel') continue;
      if (e.data.deliveries) {
        try {
          copies.push(...(JSON.parse(e.data.deliveries) as { c: string; m: string }[]));
        } catch { /* an unreadable list updates nothing */ }
      } else if (e.data.conversationId && e.data.messageId) copies.push({ c: e.data.conversationId, m: e.data.messageId });
    }
    const card = cardMessage(renderConcernAlertCard(c));
    // A copy the headteacher was shown as a case (an alert they opened in their 1:1 chat) is withdrawn, never turned
    // back into an alert, once the report is about them.
    const headsCopies = new Set(c.report.aboutHeadteacher
      ? c.events.filter((e) => e.type === 'copyShown').map((e) => `${e.data.conversationId} ${e.data.messageId}`) : []);
    for (const copy of copies) {
      if (!copy.c || !copy.m || conversationBaseId(copy.c) === here || headsCopies.has(`${copy.c} ${copy.m}`)) continue;
      await replaceCard(c, copy, card, 'could not update a copy of the alert');
    }
  }

  /** Replaces one card the bot posted about the case (a conversation and its message id); a failure is logged by its code. */
  async function replaceCard(c: ConcernCase, copy: { c: string; m: string }, card: ReturnType<typeof cardMessage>, failure: string): Promise<void> {
    await proactively((run) => inStoredConversation(deps.adapter, deps.botAppId, postedIn(deps.botAppId, c.report, copy.c), run), async (ctx) => {
      await ctx.updateActivity({ ...card, id: copy.m });
    }).catch((err) => logger.warn({ reference: c.report.reference, code: errorCode(err) }, failure));
  }

  /**
   * A case card (or an export's part, or a list the case is on: `form`) just posted in a person's own chat: kept, when
   * they are the headteacher, so it can be withdrawn.
   */
  async function keepCopy(context: TurnContext, c: ConcernCase | undefined, messageId: string | undefined, form?: PostedCopy['form']): Promise<void> {
    const actor = actorOf(context);
    const conversationId = context.activity.conversation?.id;
    // Only in a person's own chat: what the team's place was shown is an alert or a list, and is never taken back there.
    if (!actor || !c || !messageId || !conversationId || inTeamPlace(context.activity)) return;
    await triage.keepCopyShown(actor, c, { conversationId, messageId, ...(form ? { form } : {}) })
      .catch((err) => logger.error({ reference: c.report.reference, code: errorCode(err) }, 'could not keep the headteacher\'s copy'));
  }

  /**
   * The case card a step answers with, as the person may see it now: a case that became about the headteacher while
   * they acted (they marked it themselves, or a member marked it as they pressed) is not shown to them, only that it was
   * passed on; a case card that replaces a message in their own chat is kept as one of their copies (withdrawn if the
   * report proves to be about them: it is read again as it is kept).
   */
  const shownCards = new WeakMap<AdaptiveCardJson, ConcernCase>();
  function shown(context: TurnContext, c: ConcernCase, card: AdaptiveCardJson): AdaptiveCardJson {
    const actor = actorOf(context);
    if (actor && triage.hiddenFrom(c, actor)) return { ...WITHDRAWN_CARD };
    shownCards.set(card, c);
    return card;
  }

  /** Answers an Action.Execute; a case card answered in a person's own chat is kept as their copy (keepCopy). */
  async function answer(context: TurnContext, result: AdaptiveCardJson | string): Promise<AdaptiveCardJson | string> {
    const c = typeof result === 'string' ? undefined : shownCards.get(result);
    const actor = actorOf(context);
    // Read again just before the card is written: a marking since the step ran is not answered with the case.
    if (c && actor && await triage.hiddenNow(c, actor)) return answerInvoke(context, { ...WITHDRAWN_CARD });
    const answered = await answerInvoke(context, result);
    await keepCopy(context, c, context.activity.replyToId);
    return answered;
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
    const a = context.activity;
    try {
      if (!privatePlace(a)) return await answerOutsidePrivatePlace(actor, reference, operation);
      const updated = await step(actor, reference);
      const inPlace = inTeamPlace(a);
      if (options.updatesAlert) {
        if (inPlace && a.replyToId) {
          // Everyone in the place sees the new status, still without details; the person who acted is listed for a
          // refresh, so their own view of the card reopens the case for them (recorded as a refresh view).
          const refreshFor = a.from?.id ? [a.from.id] : [];
          await context.updateActivity({
            type: 'message', id: a.replyToId, conversation: a.conversation,
            attachments: cardMessage(renderConcernAlertCard(updated, { refreshFor })).attachments,
          });
        }
        await updateOtherAlerts(updated, conversationBaseId(a.conversation?.id));
      }
      return shown(context, updated, concernCaseCard(settings, updated, inPlace, { viewerIsTeam: triage.isTeamMember(actor.aadObjectId) }));
    } catch (err) {
      if (err instanceof ConcernError) {
        if (err.code === 'CONCERN_INVALID_COMMAND' || err.code === 'CONCERN_CLOSED') {
          // The card comes back with the problem named, and with the case: a view like any other, recorded.
          const current = await triage.openCase(actor, reference).catch((again) => {
            if (again instanceof ConcernError) return again.message;
            throw again;
          });
          if (typeof current === 'string') return current;
          return shown(context, current, concernCaseCard(settings, current, inTeamPlace(a), { problem: err.message, viewerIsTeam: triage.isTeamMember(actor.aadObjectId) }));
        }
        return err.message;
      }
      logger.error({ code: errorCode(err), verb: (a.value as { action?: { verb?: string } } | undefined)?.action?.verb }, 'concern triage failed');
      return 'That did not work. Please try again; if it keeps failing, tell the DSL in person.';
    }
  }

  return {
    anonymousAnswer,
    answerOutsidePrivatePlace,
    keepCopy,

    register(app: BotApp) {
      app.adaptiveCards.actionExecute(Verbs.concernOpen, async (context, _state, data: { reference?: unknown; refresh?: unknown; fromList?: unknown }) => {
        // Both are set by the client: they tag the view as a refresh; every Open is recorded either way.
        const refresh = data.refresh === true || (context.activity.value as { trigger?: string })?.trigger === 'automatic';
        if (data.fromList === true && !inTeamPlace(context.activity)) {
          // Opened from the list in a 1:1 chat: send the case as its own message and leave the list as it was.
          // (In the team's place a message would show the details to everyone, so the case replaces the list for the
          // person who opened it only.)
          const result = await triageStep(context, data, 'open', (actor, reference) => triage.openCase(actor, reference, { fromList: true }));
          if (typeof result === 'string') return result;
          const sent = await context.sendActivity(cardMessage(result));
          await keepCopy(context, shownCards.get(result), sent?.id);
          return `${String(data.reference)} is open below.`;
        }
        return answer(context, await triageStep(context, data, 'open', (actor, reference) => triage.openCase(actor, reference, { refresh, fromList: data.fromList === true })));
      });
      app.adaptiveCards.actionExecute(Verbs.concernAcknowledge, async (context, _state, data: { reference?: unknown }) =>
        answer(context, await triageStep(context, data, 'acknowledge', (actor, reference) => triage.acknowledge(actor, reference), { updatesAlert: true })));
      app.adaptiveCards.actionExecute(Verbs.concernAssign, async (context, _state, data: { reference?: unknown; assigneeId?: unknown }) =>
        answer(context, await triageStep(context, data, 'assign', (actor, reference) => triage.assign(actor, reference, textOf(data.assigneeId)), { updatesAlert: true })));
      app.adaptiveCards.actionExecute(Verbs.concernAddNote, async (context, _state, data: { reference?: unknown; note?: unknown }) =>
        answer(context, await triageStep(context, data, 'addNote', (actor, reference) => triage.addNote(actor, reference, textOf(data.note)))));
      app.adaptiveCards.actionExecute(Verbs.concernRecordAction, async (context, _state, data: { reference?: unknown; actionType?: unknown; actionDetail?: unknown }) =>
        answer(context, await triageStep(context, data, 'recordAction', (actor, reference) => triage.recordAction(actor, reference, textOf(data.actionType), textOf(data.actionDetail)))));
      app.adaptiveCards.actionExecute(Verbs.concernAboutHeadteacher, async (context, _state, data: { reference?: unknown }) =>
        // The marking queues the withdrawal of every copy the headteacher holds; the outbox runs it (and retries it).
        answer(context, await triageStep(context, data, 'aboutHeadteacher', (actor, reference) => triage.markAboutHeadteacher(actor, reference), { updatesAlert: true })));
      app.adaptiveCards.actionExecute(Verbs.concernClose, async (context, _state, data: { reference?: unknown; outcome?: unknown }) =>
        answer(context, await triageStep(context, data, 'close', (actor, reference) => triage.close(actor, reference, textOf(data.outcome)), { updatesAlert: true })));
    },
  };
}
