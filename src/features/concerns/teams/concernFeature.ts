import {
  Activity, CardFactory, ConversationParameters, ConversationReference, MessageFactory, TaskModuleTaskInfo, TurnContext,
} from 'botbuilder';
import { renderConcernFormCard } from './cards/concernFormCard';
import { renderConcernListCard } from './cards/concernListCard';
import { renderConcernReceiptCard } from './cards/concernReceiptCard';
import { renderConcernTriageCard } from './cards/concernTriageCard';
import { renderConcernAlertCard } from './cards/concernAlertCard';
import { AdaptiveCardJson } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { ConcernOutbox, createConcernOutbox } from '../domain/concernOutbox';
import {
  ConcernDelivery, ConcernLog, ConcernStore, ReporterNoticeKind, ReporterNotifier,
} from '../domain/concernPorts';
import { formatConcernRecord } from '../domain/concernRecord';
import { ConcernReporting, createConcernReporting } from '../domain/concernReporting';
import { ConcernTriage, createConcernTriage } from '../domain/concernTriage';
import {
  ConcernActor, ConcernCase, ConcernError, ConcernOrigin, ConcernReport, ConcernReporter, DESTINATION_ROLE_LABELS,
  DestinationRole,
} from '../domain/concernTypes';
import { emptyConcernForm } from '../domain/concernValidation';
import { ConcernSettings } from '../../../config/concernSettings';
import { BotApp, BotFeature } from '../../../teams/botFeature';

/** The message-action command id in the app manifest (composeExtensions, context "message"). */
export const REPORT_CONCERN_COMMAND_ID = 'reportConcern';

/** The part of the bot adapter used for proactive messages (TeamsAdapter / CloudAdapter provide it). */
export interface ProactiveAdapter {
  /** Continues an existing conversation (the DSL channel, a person's 1:1 chat). */
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

/** What the concern feature needs from the composition root. */
export interface ConcernFeatureDeps {
  settings: ConcernSettings;
  store: ConcernStore;
  /** The same adapter that serves /api/messages. */
  adapter: ProactiveAdapter;
  /** The bot's app id (BOT_ID); empty in local mode. */
  botAppId: string;
  /** Structured logger (AppLogger): ids and codes only. */
  logger: ConcernLog;
  now?: () => Date;
  /** Waits between delivery attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** How long a reporter's answer waits for delivery before saying "saved and being delivered" (default 4000 ms). */
  deliveryWaitMs?: number;
}

/** The concern feature: its routes, and the outbox the composition root runs at start and on a timer. */
export interface ConcernFeature extends BotFeature {
  /** Delivers everything stored but not yet delivered; call once at start (after the server listens). */
  processOutbox(): Promise<void>;
  /** Runs the outbox every `intervalMs`; returns a function that stops the timer. */
  startOutboxTimer(intervalMs?: number): () => void;
}

const CONCERN_REFUSAL = 'Only the safeguarding team can see or act on concerns. This attempt has been recorded.';
const PRIVATE_PLACE_ONLY = 'Concern records open only in your 1:1 chat with me or in the safeguarding channel.';
const LIST_PATTERN = /^\s*concerns\s*$/i;
const OPEN_PATTERN = /^\s*concern\s+(export\s+)?([A-Za-z]{1,6}-\d{4}-\d{1,9})\s*$/i;
const EXPORT_CHUNK_CHARS = 20_000;

function conversationBaseId(id: string | undefined): string {
  return (id ?? '').split(';')[0];
}

function isPersonal(activity: Partial<Activity>): boolean {
  return activity.conversation?.conversationType === 'personal';
}

function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

function actorOf(context: TurnContext): ConcernActor | undefined {
  const from = context.activity.from;
  // Identity comes only from the activity Teams signed, never from card data.
  return from?.aadObjectId ? { aadObjectId: from.aadObjectId, name: from.name ?? '' } : undefined;
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.statusCode === 'number') return `HTTP_${e.statusCode}`;
  if (typeof e?.code === 'string') return e.code;
  return 'UNEXPECTED';
}

/** A Teams message is at most ~28 KB of text; anything longer attached to a report is cut. */
const MAX_ATTACHED_MESSAGE_CHARS = 32_000;

function htmlToText(html: string): string {
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

/** The reporter as stored: who, and how to reach their 1:1 chat later (a conversation reference, no content). */
function reporterOf(context: TurnContext): ConcernReporter {
  const a = context.activity;
  return {
    aadObjectId: a.from?.aadObjectId ?? '',
    name: a.from?.name ?? '',
    address: {
      userId: a.from?.id ?? '',
      tenantId: tenantOf(a) ?? '',
      personal: isPersonal(a),
      reference: TurnContext.getConversationReference(a) as unknown as Record<string, unknown>,
    },
  };
}

function originOf(context: TurnContext, source: ConcernOrigin['source']): ConcernOrigin {
  const a = context.activity;
  return { serviceUrl: a.serviceUrl ?? '', tenantId: tenantOf(a), channelId: a.channelId ?? 'msteams', source };
}

/** Renders the card a destination sees: the team's card in the DSL channel, the recipient's in a 1:1. */
function destinationCard(
  settings: ConcernSettings,
  concern: ConcernCase,
  inDslChannel: boolean,
  extra: { possibleDuplicate?: boolean; problem?: string } = {},
): AdaptiveCardJson {
  const head = settings.routing.destinations.headteacher;
  const headId = head?.kind === 'person' ? head.aadObjectId : undefined;
  const card = renderConcernTriageCard({
    concern,
    // A report about the headteacher is never offered for assignment to the headteacher.
    team: concern.report.aboutHeadteacher ? settings.team.filter((m) => m.aadObjectId !== headId) : settings.team,
    // Refresh userIds must be Teams user MRIs (29:...), which configuration does not hold (it holds Entra object
    // ids). An empty list still gives everyone "Refresh card", and a card with `refresh` makes teams-ai replace
    // the message for everyone after each action (REPLACE_FOR_ALL), which is what keeps the card current.
    refreshUserIds: [],
    canAssign: inDslChannel,
    ...extra,
  });
  // In the channel the details go to the person who opened the case only: a card without `refresh` is the invoke
  // response for them, where one with `refresh` would replace the channel's message for everyone.
  if (inDslChannel) delete card.refresh;
  return card;
}

/** Posts reports through Bot Framework proactive messaging: the DSL channel, or a person's 1:1 chat. */
export function createTeamsConcernDelivery(adapter: ProactiveAdapter, botAppId: string, settings: ConcernSettings): ConcernDelivery {
  return {
    async deliver(_role, address, concern, options) {
      const origin = concern.report.origin;
      // The channel gets the alert without details; a person gets the whole report in their own 1:1 chat.
      const card = address.kind === 'channel'
        ? renderConcernAlertCard(concern, { possibleDuplicate: options.possibleDuplicate })
        : destinationCard(settings, concern, false, { possibleDuplicate: options.possibleDuplicate });
      const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
      activity.summary = `Safeguarding concern ${concern.report.reference}`;
      let messageId: string | undefined;
      if (address.kind === 'channel') {
        const reference: Partial<ConversationReference> = {
          channelId: origin.channelId,
          serviceUrl: origin.serviceUrl,
          bot: { id: botAppId, name: 'School Policy Bot' },
          conversation: { id: address.conversationId, isGroup: true, conversationType: 'channel', tenantId: origin.tenantId, name: '' },
        };
        await adapter.continueConversationAsync(botAppId, reference, async (ctx) => {
          messageId = (await ctx.sendActivity(activity))?.id;
        });
      } else {
        // Anyone outside the safeguarding channel gets the report only in their own 1:1 chat.
        const parameters = {
          isGroup: false,
          bot: { id: botAppId, name: 'School Policy Bot' },
          members: [{ id: address.aadObjectId, name: '' }],
          tenantId: origin.tenantId,
          channelData: { tenant: { id: origin.tenantId } },
        } as ConversationParameters;
        await adapter.createConversationAsync(botAppId, origin.channelId, origin.serviceUrl, undefined, parameters, async (ctx) => {
          messageId = (await ctx.sendActivity(activity))?.id;
        });
      }
      return { messageId };
    },
  };
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
      if (address.personal && address.reference) {
        const reference = { ...address.reference, activityId: undefined };
        await adapter.continueConversationAsync(botAppId, reference, async (ctx) => {
          await ctx.sendActivity(text);
        });
        return;
      }
      const parameters = {
        isGroup: false,
        bot: { id: botAppId, name: 'School Policy Bot' },
        members: [{ id: address.userId || report.reporter.aadObjectId, name: '' }],
        tenantId: address.tenantId || report.origin.tenantId,
        channelData: { tenant: { id: address.tenantId || report.origin.tenantId } },
      } as ConversationParameters;
      await adapter.createConversationAsync(botAppId, report.origin.channelId, report.origin.serviceUrl, undefined, parameters, async (ctx) => {
        await ctx.sendActivity(text);
      });
    },
  };
}

/** The use cases the feature runs, built from its dependencies (exported for tests and tools). */
export interface ConcernServices {
  reporting: ConcernReporting;
  triage: ConcernTriage;
  outbox: ConcernOutbox;
}

/** Builds the concern use cases over Teams delivery. */
export function createConcernServices(deps: ConcernFeatureDeps): ConcernServices {
  const delivery = createTeamsConcernDelivery(deps.adapter, deps.botAppId, deps.settings);
  const notifier = createTeamsReporterNotifier(deps.adapter, deps.botAppId);
  const outbox = createConcernOutbox({
    store: deps.store, delivery, notifier, routing: deps.settings.routing, log: deps.logger, now: deps.now,
    sleep: deps.sleep, attemptsPerDestination: deps.settings.deliveryAttempts,
  });
  const reporting = createConcernReporting({
    store: deps.store, outbox, routing: deps.settings.routing, referencePrefix: deps.settings.referencePrefix,
    log: deps.logger, now: deps.now, deliveryWaitMs: deps.deliveryWaitMs,
  });
  const head = deps.settings.routing.destinations.headteacher;
  const triage = createConcernTriage({
    store: deps.store, outbox, team: deps.settings.team, log: deps.logger, now: deps.now,
    headteacherId: head?.kind === 'person' ? head.aadObjectId : undefined,
  });
  return { reporting, triage, outbox };
}

/**
 * Creates the concern feature: "report a concern" in chat, the concernStart button, the "Report a concern"
 * message action, the triage verbs for the safeguarding team and the `concerns` / `concern SG-...` commands.
 */
export function createConcernFeature(deps: ConcernFeatureDeps): ConcernFeature {
  const { settings, logger } = deps;
  const { reporting, triage, outbox } = createConcernServices(deps);
  const dslChannelId = settings.routing.destinations.dslChannel?.kind === 'channel'
    ? settings.routing.destinations.dslChannel.conversationId
    : undefined;
  const inDslChannel = (a: Partial<Activity>) => dslChannelId !== undefined && conversationBaseId(a.conversation?.id) === dslChannelId;
  const privatePlace = (a: Partial<Activity>) => isPersonal(a) || inDslChannel(a);

  /** Sends the form to the person's own 1:1 chat; returns false when that chat cannot be reached. */
  async function sendFormPrivately(context: TurnContext): Promise<boolean> {
    const form = MessageFactory.attachment(CardFactory.adaptiveCard(renderConcernFormCard()));
    if (isPersonal(context.activity)) {
      await context.sendActivity(form);
      return true;
    }
    const a = context.activity;
    try {
      await deps.adapter.createConversationAsync(deps.botAppId, a.channelId ?? 'msteams', a.serviceUrl ?? '', undefined, {
        isGroup: false,
        bot: { id: deps.botAppId, name: 'School Policy Bot' },
        members: [{ id: a.from.id, name: '' }],
        tenantId: tenantOf(a),
        channelData: { tenant: { id: tenantOf(a) } },
      } as ConversationParameters, async (ctx) => {
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

  /**
   * Asked somewhere details must not appear: nothing is shown, but access is still checked so that an outsider's
   * attempt is refused and recorded wherever it is made. Returns true when the person was refused.
   */
  async function refusedOutsidePrivatePlace(actor: ConcernActor, reference: string | undefined): Promise<boolean> {
    try {
      if (reference) await triage.openCase(actor, reference, false);
      else await triage.listOpen(actor);
      return false;
    } catch (err) {
      return err instanceof ConcernError && err.code === 'CONCERN_ACCESS_DENIED';
    }
  }

  /** Runs a triage step and renders the result for the place it was asked from; refusals are recorded by the use case. */
  async function triageStep(
    context: TurnContext,
    data: { reference?: unknown },
    step: (actor: ConcernActor, reference: string) => Promise<ConcernCase>,
    options: { updatesAlert?: boolean } = {},
  ): Promise<AdaptiveCardJson | string> {
    const actor = actorOf(context);
    const reference = typeof data.reference === 'string' ? data.reference : '';
    if (!actor) return CONCERN_REFUSAL;
    if (!privatePlace(context.activity)) return (await refusedOutsidePrivatePlace(actor, reference)) ? CONCERN_REFUSAL : PRIVATE_PLACE_ONLY;
    try {
      const updated = await step(actor, reference);
      const channel = inDslChannel(context.activity);
      if (channel && options.updatesAlert && context.activity.replyToId) {
        // Everyone in the channel sees the new status, still without details.
        await context.updateActivity({
          type: 'message', id: context.activity.replyToId, conversation: context.activity.conversation,
          attachments: [CardFactory.adaptiveCard(renderConcernAlertCard(updated))],
        });
      }
      return destinationCard(settings, updated, channel);
    } catch (err) {
      if (err instanceof ConcernError) {
        if (err.code === 'CONCERN_ACCESS_DENIED') return CONCERN_REFUSAL;
        if (err.code === 'CONCERN_INVALID_COMMAND' || err.code === 'CONCERN_CLOSED') {
          const current = await triage.openCase(actor, reference, false);
          return destinationCard(settings, current, inDslChannel(context.activity), { problem: err.message });
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
          await context.sendActivity(CONCERN_REFUSAL);
          return;
        }
        if (!privatePlace(context.activity)) {
          await context.sendActivity((await refusedOutsidePrivatePlace(actor, undefined)) ? CONCERN_REFUSAL : PRIVATE_PLACE_ONLY);
          return;
        }
        try {
          const open = await triage.listOpen(actor);
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(renderConcernListCard(open))));
        } catch (err) {
          await context.sendActivity(err instanceof ConcernError && err.code === 'CONCERN_ACCESS_DENIED' ? CONCERN_REFUSAL : 'That did not work. Please try again.');
        }
      });

      app.message(OPEN_PATTERN, async (context) => {
        const match = OPEN_PATTERN.exec(context.activity.text ?? '');
        const actor = actorOf(context);
        if (!match || !actor) {
          await context.sendActivity(CONCERN_REFUSAL);
          return;
        }
        const [, exportWord, reference] = match;
        if (!privatePlace(context.activity)) {
          await context.sendActivity((await refusedOutsidePrivatePlace(actor, reference)) ? CONCERN_REFUSAL : PRIVATE_PLACE_ONLY);
          return;
        }
        try {
          if (exportWord && inDslChannel(context.activity)) {
            // The whole record in a channel message would be read by everyone in the channel.
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
            const card = inDslChannel(context.activity) ? renderConcernAlertCard(c) : destinationCard(settings, c, false);
            await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
          }
        } catch (err) {
          const code = err instanceof ConcernError ? err.code : errorCode(err);
          if (code === 'CONCERN_ACCESS_DENIED') await context.sendActivity(CONCERN_REFUSAL);
          else if (err instanceof ConcernError) await context.sendActivity(err.message);
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

      app.adaptiveCards.actionExecute(Verbs.concernSubmit, async (context, _state, data) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        const result = await reporting.submitConcern(reporterOf(context), originOf(context, 'chat'), data);
        if (!result.ok) return renderConcernFormCard({ values: result.values, problems: result.problems });
        return renderConcernReceiptCard({
          reference: result.report.reference, urgent: result.urgent, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor,
        });
      });

      app.messageExtensions.fetchTask(REPORT_CONCERN_COMMAND_ID, async (context): Promise<TaskModuleTaskInfo> => {
        const payload = (context.activity.value as {
          messagePayload?: { body?: { content?: string; contentType?: string }; from?: { user?: { displayName?: string } }; createdDateTime?: string; linkToMessage?: string };
        })?.messagePayload;
        const rawBody = payload?.body?.content;
        // The message action carries someone else's message: bounded, and only ever treated as text.
        const body = typeof rawBody === 'string' ? rawBody.slice(0, MAX_ATTACHED_MESSAGE_CHARS) : '';
        const text = payload?.body?.contentType === 'html' ? htmlToText(body) : body.trim();
        const author = payload?.from?.user?.displayName;
        const attached = text ? `${author ? `From ${author}` : 'Message'}${payload?.createdDateTime ? ` at ${payload.createdDateTime}` : ''}:\n${text}` : '';
        const card = renderConcernFormCard({
          values: emptyConcernForm({
            attachedMessage: attached,
            link: payload?.linkToMessage ?? '',
            where: 'Microsoft Teams message',
          }),
          inTaskModule: true,
        });
        return { title: 'Report a concern', card: CardFactory.adaptiveCard(card), height: 'large', width: 'medium' };
      });

      app.messageExtensions.submitAction(REPORT_CONCERN_COMMAND_ID, async (context, _state, data) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        const result = await reporting.submitConcern(reporterOf(context), originOf(context, 'messageAction'), data);
        if (!result.ok) {
          const card = renderConcernFormCard({ values: result.values, problems: result.problems, inTaskModule: true });
          return { title: 'Report a concern', card: CardFactory.adaptiveCard(card), height: 'large', width: 'medium' } as TaskModuleTaskInfo;
        }
        const role = DESTINATION_ROLE_LABELS[result.deliveredTo ?? result.intendedFor];
        return `${result.urgent ? 'If anyone is in immediate danger, call 999 or speak to the DSL in person now. ' : ''}`
          + `Thank you. Your reference is ${result.report.reference}; it ${result.deliveredTo ? 'has gone' : 'is saved and being delivered'} to ${role}. `
          + 'You will be told in your chat with me when it is read and when it is closed.';
      });

      app.adaptiveCards.actionExecute(Verbs.concernOpen, async (context, _state, data: { reference?: unknown; refresh?: unknown; fromList?: unknown }) => {
        const automatic = data.refresh === true || (context.activity.value as { trigger?: string })?.trigger === 'automatic';
        if (data.fromList === true && !inDslChannel(context.activity)) {
          // Opened from the list in a 1:1 chat: send the case as its own message and leave the list as it was.
          // (In the channel a message would show the details to everyone, so the case replaces the list for the
          // person who opened it only.)
          const result = await triageStep(context, data, (actor, reference) => triage.openCase(actor, reference));
          if (typeof result === 'string') return result;
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(result)));
          return `${String(data.reference)} is open below.`;
        }
        return triageStep(context, data, (actor, reference) => triage.openCase(actor, reference, !automatic));
      });
      app.adaptiveCards.actionExecute(Verbs.concernAcknowledge, async (context, _state, data: { reference?: unknown }) =>
        triageStep(context, data, (actor, reference) => triage.acknowledge(actor, reference), { updatesAlert: true }));
      app.adaptiveCards.actionExecute(Verbs.concernAssign, async (context, _state, data: { reference?: unknown; assigneeId?: unknown }) =>
        triageStep(context, data, (actor, reference) => triage.assign(actor, reference, String(data.assigneeId ?? '')), { updatesAlert: true }));
      app.adaptiveCards.actionExecute(Verbs.concernAddNote, async (context, _state, data: { reference?: unknown; note?: unknown }) =>
        triageStep(context, data, (actor, reference) => triage.addNote(actor, reference, String(data.note ?? ''))));
      app.adaptiveCards.actionExecute(Verbs.concernRecordAction, async (context, _state, data: { reference?: unknown; actionType?: unknown; actionDetail?: unknown }) =>
        triageStep(context, data, (actor, reference) => triage.recordAction(actor, reference, String(data.actionType ?? ''), String(data.actionDetail ?? ''))));
      app.adaptiveCards.actionExecute(Verbs.concernClose, async (context, _state, data: { reference?: unknown; outcome?: unknown }) =>
        triageStep(context, data, (actor, reference) => triage.close(actor, reference, String(data.outcome ?? '')), { updatesAlert: true }));
    },
  };
}
