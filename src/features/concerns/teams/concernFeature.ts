import { Activity, TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import { validateConcernForm } from '../domain/concernValidation';
import { HeadteacherCheck } from '../domain/headteacherNames';
import { ReportedMessageSeal } from '../domain/reportedMessageSeal';
import { isPersonal, senderAadObjectId, tenantOf } from '../../../teams/activityFacts';
import { BotApp, BotFeature } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage, cardTaskModule } from '../../../teams/cards';
import { inPersonalChat, ProactiveAdapter } from '../../../teams/proactive';
import { Verbs } from '../../../teams/verbs';
import { errorCode } from '../../../shared/errorCode';
import { ConcernSettings } from '../../../config/concernSettings';
import { ConcernOutbox } from '../domain/concernOutbox';
import { ConcernLog } from '../domain/concernPorts';
import { formatConcernRecord, recordParts } from '../domain/concernRecord';
import { ConcernReporting } from '../domain/concernReporting';
import { personIdOf } from '../domain/concernRouting';
import { ConcernTriage } from '../domain/concernTriage';
import { ConcernError } from '../domain/concernTypes';
import { SafeguardingRouteCheck } from '../domain/safeguardingRouteCheck';
import { renderConcernAlertCard } from './cards/concernAlertCard';
import { readConcernStep } from './cards/concernFormCard';
import { readConcernForm } from '../domain/concernValidation';
import { listPage, renderConcernListCard } from './cards/concernListCard';
import { renderConcernReceiptCard } from './cards/concernReceiptCard';
import { actorOf, formFromMessageAction, originOf, reporterOf } from './concernActivity';
import { proactively } from './concernMessaging';
import { concernCaseCard } from './concernCaseCard';
import { createConcernForms } from './concernForms';
import { createConcernTriageRoutes, PRIVATE_PLACE_ONLY } from './concernTriageRoutes';
import { PlaceFacts } from './safeguardingPlaceTeams';
import { createSafeguardingRouteRoutes } from './safeguardingRouteRoutes';
import { TeamsContacts } from './teamsContacts';

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
  /** The safeguarding route check (compose/concerns.ts). */
  routeCheck: SafeguardingRouteCheck;
  /** Who people are in Teams and where Teams is, learnt as the bot goes. */
  contacts: TeamsContacts;
  /** What Teams said about the safeguarding place (its team, its channel type). */
  facts: PlaceFacts;
  /** The seal on a reported message (reportedMessageSeal.ts): the same one reporting checks it with. */
  messageSeal?: ReportedMessageSeal;
  /** The headteacher's name and whether they are on the team, as reporting checks a form against them (headteacherNames.ts). */
  headteacher?: HeadteacherCheck;
}

/** The concern feature: its routes, and the outbox the composition root runs at start and on a timer. */
export interface ConcernFeature extends BotFeature {
  /** Delivers everything stored but not yet delivered; call once at start (after the server listens). */
  processOutbox(): Promise<void>;
  /** Runs the outbox every `intervalMs`; returns a function that stops the timer. */
  startOutboxTimer(intervalMs?: number): () => void;
  /**
   * Checks the safeguarding route at start-up (when Teams' address is configured: production) and every `intervalMs`
   * after (default a day); returns a function that stops the timer.
   */
  startRouteChecks(intervalMs?: number): () => void;
  /** The safeguarding route's status in plain words, for the owners' help card. */
  routeStatusLines(): string[];
  /** Whether someone may use the team's commands (`concerns`, `concern <reference>`, `test alert`): help lists them for them. */
  mayUseTeamCommands(aadObjectId: string): boolean;
  /** The safeguarding route for /healthz: no names, no ids, safe to show anyone. */
  routeHealthDetail(): Record<string, unknown>;
  /** Runs the outbox at a given time (the delivery watch of a report); a timer in this process. */
  wakeOutboxAt(at: Date): void;
  /** A report refused over the person's limit, as the form they sent (with the route's warning while it applies). */
  refusedReportCard(data: unknown, notice: string, inTaskModule: boolean): AdaptiveCardJson;
  /** Whether a sent form would be filed (nothing required missing, nothing too long): only those count as reports. */
  reportIsSendable(data: unknown): boolean;
  /**
   * Whether an activity is the safeguarding team's, or a report's recipients', work on reports: a button of the alert or
   * case card (Open, Acknowledge, Assign, Add note, Record an action, Close), the card refreshing itself for them, or
   * `concerns` / `concern <reference>` typed. The per-person budgets never count or refuse it (issue 69): a DSL must
   * never be locked out of a report by their own cards. Decided by who Teams says sent it (the team, or a person a
   * report can be sent to) and what it does; nothing the client says of itself (a refresh's trigger) counts, so no one
   * else gets past a budget by calling a press a refresh, and no one gets past it with any other button. Their access to
   * each case is checked and recorded by triage as always.
   */
  isSafeguardingWork(activity: Partial<Activity>): boolean;
}

const LIST_REFUSAL = 'Only the safeguarding team, and those reports are sent to, can list concerns.';
/** `concerns`, or `concerns 2` for the next page of a long list. */
const LIST_PATTERN = /^\s*concerns(?:\s+(\d{1,4}))?\s*$/i;
/** `concern <reference>` (`concern export <reference>`, or `export concern ...`): 1-6 letters, the year, then the random code (or a sequential number from before). */
const OPEN_PATTERN = /^\s*(export\s+)?concern\s+(export\s+)?([A-Za-z]{1,6}-\d{4}-[0-9A-Za-z]{1,12})\s*$/i;
const EXPORT_CHUNK_CHARS = 20_000;
/** The verbs of the alert and case cards (Open is also what the cards' refresh sends). */
const TRIAGE_VERBS: ReadonlySet<string> = new Set([
  Verbs.concernOpen, Verbs.concernAcknowledge, Verbs.concernAssign, Verbs.concernAddNote, Verbs.concernRecordAction, Verbs.concernClose, Verbs.concernAboutHeadteacher,
]);
/** Longer than any `concern <reference>` command: not read as one. */
const COMMAND_MAX_CHARS = 200;

/** The safeguarding team and everyone a report can be sent to by name (CONCERN_HEADTEACHER and the other roles). */
function safeguardingPeopleOf(settings: ConcernSettings): ReadonlySet<string> {
  const people = new Set(settings.team.map((m) => m.aadObjectId));
  for (const address of Object.values(settings.routing.destinations)) {
    if (address?.kind === 'person') people.add(address.aadObjectId);
    if (address?.kind === 'eachMember') for (const id of address.aadObjectIds) people.add(id);
  }
  return people;
}

/** The Action.Execute verb an invoke carries, if any. */
function verbOf(activity: Partial<Activity>): unknown {
  if (activity.name !== 'adaptiveCard/action') return undefined;
  return (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
}

/**
 * Creates the concern feature: "report a concern" in chat, the concernStart button, the "Report a concern"
 * message action, the triage verbs for the safeguarding team and the `concerns` / `concern SG-...` commands.
 */
export function createConcernFeature(deps: ConcernFeatureDeps): ConcernFeature {
  const { settings, logger } = deps;
  const { reporting, triage, outbox } = deps;
  const place = settings.routing.destinations.dslChannel;
  const forms = createConcernForms(settings.routing);
  const runCheck = (trigger: 'startup' | 'daily') => {
    deps.routeCheck.check(trigger).catch((err) => logger.error({ event: 'safeguardingRoute.checkFailed', code: errorCode(err) }, 'route check failed'));
  };
  const routeRoutes = createSafeguardingRouteRoutes({
    place, routeCheck: deps.routeCheck, contacts: deps.contacts, facts: deps.facts, logger,
    maySendTestAlert: (id) => triage.isTeamMember(id) || personIdOf(settings.routing.destinations.deputyDsl) === id,
  });
  const inDslChannel = (a: Partial<Activity>) => routeRoutes.inPlace(a);
  const privatePlace = (a: Partial<Activity>) => isPersonal(a) || inDslChannel(a);
  const triageRoutes = createConcernTriageRoutes({
    settings, triage, adapter: deps.adapter, botAppId: deps.botAppId, logger, inTeamPlace: inDslChannel, privatePlace,
  });
  const { anonymousAnswer, answerOutsidePrivatePlace, keepCopy } = triageRoutes;
  const timers = new Set<NodeJS.Timeout>();
  const safeguardingPeople = safeguardingPeopleOf(settings);
  const wakeOutboxAt = (at: Date) => {
    // One second late, so the watch is due when the outbox reads it.
    const timer = setTimeout(() => {
      timers.delete(timer);
      outbox.processDue().catch((err) => logger.error({ code: errorCode(err) }, 'concern outbox run failed'));
    }, Math.max(0, at.getTime() - Date.now()) + 1000);
    timer.unref();
    timers.add(timer);
  };

  /** Sends the form to the person's own 1:1 chat; returns false when that chat cannot be reached. */
  async function sendFormPrivately(context: TurnContext): Promise<boolean> {
    return sendPrivately(context, forms.form());
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
      // Through proactively(): a failed send is a failure here (not a "Sorry" posted by the error handler), so the
      // person is told to open their chat instead of being told the form was sent.
      const origin = { channelId: a.channelId ?? 'msteams', serviceUrl: a.serviceUrl ?? '', tenantId: tenantOf(a) };
      await proactively((run) => inPersonalChat(deps.adapter, deps.botAppId, origin, a.from.id, run), async (ctx) => {
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
      return () => {
        clearInterval(timer);
        for (const t of timers) clearTimeout(t);
        timers.clear();
      };
    },

    startRouteChecks(intervalMs = 24 * 60 * 60_000) {
      // Production knows Teams' address from its settings and checks at once. Local mode has none until the Agents
      // Playground sends something: there the check runs when the bot is added to the place, on "test alert", and daily.
      // A route not configured has nothing to check: it is checked at the start after it is set.
      if (deps.contacts.origin() && place) runCheck('startup');
      const timer = setInterval(() => {
        if (deps.contacts.origin() && place) runCheck('daily');
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    routeStatusLines: () => deps.routeCheck.statusLines(),
    mayUseTeamCommands: (id) => triage.isTeamMember(id),
    routeHealthDetail: () => deps.routeCheck.healthDetail(),
    wakeOutboxAt,
    refusedReportCard: (data, notice, inTaskModule) => forms.refused(data, notice, inTaskModule),
    reportIsSendable: (data) => validateConcernForm(data, deps.headteacher?.known() ?? {}).ok,

    isSafeguardingWork(activity) {
      const id = senderAadObjectId(activity);
      if (!id || !safeguardingPeople.has(id)) return false;
      if (activity.type === 'invoke') {
        const verb = verbOf(activity);
        return typeof verb === 'string' && TRIAGE_VERBS.has(verb);
      }
      if (activity.type !== 'message' || typeof activity.text !== 'string' || activity.text.length > COMMAND_MAX_CHARS) return false;
      // In a channel the command follows the bot's @mention.
      const text = activity.text.replace(/<at>[^<]*<\/at>/g, '');
      return LIST_PATTERN.test(text) || OPEN_PATTERN.test(text);
    },

    register(app: BotApp) {
      routeRoutes.register(app);
      app.message(LIST_PATTERN, async (context) => {
        const actor = actorOf(context);
        if (!actor) {
          await context.sendActivity(LIST_REFUSAL);
          return;
        }
        try {
          if (!privatePlace(context.activity) && triage.mayList(actor.aadObjectId)) {
            // Its references would be seen there: the team is pointed to a private place; anyone else is refused
            // (and recorded) below as everywhere.
            await context.sendActivity(PRIVATE_PLACE_ONLY);
            return;
          }
          const open = await triage.listOpen(actor);
          const page = Number(LIST_PATTERN.exec(context.activity.text ?? '')?.[1] ?? 1);
          const sent = await context.sendActivity(cardMessage(renderConcernListCard(open, page)));
          for (const c of listPage(open, page).shown) await keepCopy(context, c, sent?.id, 'list');
        } catch (err) {
          await context.sendActivity(err instanceof ConcernError && err.code === 'CONCERN_ACCESS_DENIED' ? LIST_REFUSAL : 'That did not work. Please try again.');
        }
      });

      app.message(OPEN_PATTERN, async (context) => {
        const match = OPEN_PATTERN.exec(context.activity.text ?? '');
        const actor = actorOf(context);
        if (!match || !actor) {
          await context.sendActivity(anonymousAnswer(match?.[3]));
          return;
        }
        const [, exportFirst, exportWord = exportFirst, reference] = match;
        try {
          if (!privatePlace(context.activity)) {
            await context.sendActivity(await answerOutsidePrivatePlace(actor, reference, exportWord ? 'export' : 'open'));
          } else if (exportWord && inDslChannel(context.activity)) {
            // The whole record in a channel message would be read by everyone in the channel; who may not export
            // it is answered (and recorded) as everywhere else.
            await triage.assertMayAct(actor, reference, 'export');
            await context.sendActivity('Exports come only in your 1:1 chat with me: type the same command there.');
          } else if (exportWord) {
            const exported = await triage.exportCase(actor, reference);
            for (const part of recordParts(formatConcernRecord(exported), exported.report.reference, EXPORT_CHUNK_CHARS)) {
              if (await triage.hiddenNow(exported, actor)) break; // marked as about them mid-export: no more parts
              const sent = await context.sendActivity({ type: 'message', text: part, textFormat: 'plain' });
              await keepCopy(context, exported, sent?.id, 'text');
            }
          } else {
            const c = await triage.openCase(actor, reference);
            // A reply in the channel is seen by everyone there: the alert, whose Open button shows the details
            // to the person who presses it; in a 1:1 chat the whole case, kept as the head's copy when it is theirs.
            const card = inDslChannel(context.activity) ? renderConcernAlertCard(c) : concernCaseCard(settings, c, false, { viewerIsTeam: triage.isTeamMember(actor.aadObjectId) });
            await keepCopy(context, c, (await context.sendActivity(cardMessage(card)))?.id);
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
        return forms.form({ values: step.values, problems: step.problems, chooseKind: step.next === 'kind', kindAssumed: step.kindAssumed });
      });

      app.adaptiveCards.actionExecute(Verbs.concernSubmit, async (context, _state, data) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        const result = await reporting.submitConcern(reporterOf(context), originOf(context, 'chat'), data);
        if (!result.ok) return forms.form({ values: result.values, problems: result.problems });
        return renderConcernReceiptCard({
          reference: result.report.reference, urgent: result.urgent, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor,
          missing: result.missing, kindAssumed: result.kindAssumed, waiting: result.waiting, aboutHeadteacher: result.report.aboutHeadteacher,
          repeated: result.repeated,
        });
      });

      // The reporter adds what an urgent report went without; only they can, and it is appended, never changed.
      app.adaptiveCards.actionExecute(Verbs.concernAddDetails, async (context, _state, data: Record<string, unknown>) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        const reference = typeof data.reference === 'string' ? data.reference : '';
        const result = await reporting.addDetails(reporterOf(context), reference, data);
        if (!result.ok && result.missing.length === 0) return result.message;
        const typed = readConcernForm(data);
        const place = {
          reference: result.reference, urgent: result.urgent, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor,
          waiting: result.waiting, aboutHeadteacher: result.intendedFor === 'chairOfGovernors',
        };
        return renderConcernReceiptCard(result.ok
          ? { ...place, missing: result.stillMissing, added: result.added, movedToChair: result.movedToChair !== undefined }
          : { ...place, missing: result.missing, typed, problem: result.message });
      });

      app.messageExtensions.fetchTask(REPORT_CONCERN_COMMAND_ID, async (context): Promise<TaskModuleTaskInfo> => {
        const card = forms.form({ values: formFromMessageAction(context, deps.messageSeal), inTaskModule: true });
        return cardTaskModule('Report a concern', card);
      });

      app.messageExtensions.submitAction(REPORT_CONCERN_COMMAND_ID, async (context, _state, data: Record<string, unknown>) => {
        if (!actorOf(context)) return 'Reports need a signed-in Teams user.';
        if (data?.verb === Verbs.concernChooseKind) {
          const step = readConcernStep(data);
          const card = forms.form({
            values: step.values, problems: step.problems, chooseKind: step.next === 'kind', kindAssumed: step.kindAssumed, inTaskModule: true,
          });
          return cardTaskModule('Report a concern', card) as TaskModuleTaskInfo;
        }
        const result = await reporting.submitConcern(reporterOf(context), originOf(context, 'messageAction'), data);
        if (!result.ok) {
          const card = forms.form({ values: result.values, problems: result.problems, inTaskModule: true });
          return cardTaskModule('Report a concern', card) as TaskModuleTaskInfo;
        }
        let rest = '';
        if (result.missing.length > 0 && result.repeated) {
          // The first sending already put the fields still to add in the reporter's own chat.
          rest = ' When you can, add what it is missing in your chat with me.';
        } else if (result.missing.length > 0) {
          // The dialog closes on this answer: the fields still to add come as a card in the reporter's own chat.
          const receipt = renderConcernReceiptCard({
            reference: result.report.reference, urgent: true, deliveredTo: result.deliveredTo, intendedFor: result.intendedFor,
            missing: result.missing, kindAssumed: result.kindAssumed, waiting: result.waiting, aboutHeadteacher: result.report.aboutHeadteacher,
          });
          const sent = await sendPrivately(context, receipt);
          if (result.waiting) rest = sent ? ' When you can, add what it is missing in your chat with me.' : ' Please give the rest in person too.';
          else rest = sent ? ' It went at once; when you can, add what it went without in your chat with me.' : ' It went at once; please give the DSL the rest in person.';
        }
        return forms.filedText(result, rest);
      });

      triageRoutes.register(app);
    },
  };
}
