import { Activity, ActivityTypes } from 'botbuilder';
import { AppLogger } from '../shared/logger';
import { schoolTimeZone } from '../shared/schoolTime';
import { BotApp } from './botFeature';
import { AdaptiveCardJson, ADAPTIVE_CARD_CONTENT_TYPE, cardTaskModule } from './cards';
import { invokeMessage } from './invokeResponse';
import { createPersonLimits, LimitDecision, LimitedKind, PersonBudgets } from './personLimits';
import { createSharedPersonLimits } from './sharedPersonLimits';
import { SharedRecords } from '../shared/sharedRecords';
import { Verbs } from './verbs';

/**
 * The per-person limits as the bot applies them, once per activity, before any feature sees it: a message counts as a
 * question, a submitted report (the report form's Action.Execute, or the "Report a concern" message action's submit) as
 * a report, and every other invoke and card press (Action.Execute, Action.Submit, a dialog opening or step, a search, a
 * card refresh) as a press. Over the budget, the person is told kindly when to try again and nothing is done or sent to
 * Teams; a refused report comes back as the form they filled, with their text, and says what to do at once if a child
 * is in danger. An urgent report (and one `reportCannotWait` names) is never refused, and what `exempt` names (the safeguarding team's and a report's
 * recipients' actions on reports, the case cards' refreshes among them) is neither counted nor refused.
 */
export interface TurnLimitsOptions {
  budgets: PersonBudgets;
  /** Message-extension commands whose submit files a report (the concern feature's "Report a concern"). */
  reportCommandIds: readonly string[];
  /**
   * Activities no budget counts or refuses: the safeguarding team's and a report's recipients' actions on reports
   * (the concern feature's isSafeguardingWork). Asked of every activity, so it must be cheap; it decides by who sent it
   * (as Teams signed it) and what it does, never by anything the client says about itself (a refresh's trigger).
   */
  exempt?: (activity: Partial<Activity>) => boolean;
  /**
   * Whether a report's form would be filed: a send the form refuses (a required field empty, one too long) files nothing,
   * so it costs a press, not one of the person's reports (a teacher fixing a half-filled form must not run out of
   * reports before sending one). Without it every send counts as a report.
   */
  reportIsSendable?: (data: unknown) => boolean;
  /**
   * Reports never held back beyond the urgent ones: a child's safety that needs looking at today (the concern feature
   * says which). Like an urgent report, such a report still takes a token when there is one.
   */
  reportCannotWait?: (data: unknown) => boolean;
  /** The form a refused report comes back as, with what the person typed and the notice; without it the notice alone. */
  refusedReportCard?: (data: unknown, notice: string, inTaskModule: boolean) => AdaptiveCardJson;
  /**
   * Where the budgets are kept so that every instance of the app shares them (the shared records); without it, in this
   * process only.
   */
  records?: SharedRecords;
  /** Clock and bound, for tests. */
  now?: () => number;
  maxPeople?: number;
}

/** A report, question or press as the limits count it. */
export interface LimitedActivity {
  kind: LimitedKind;
  urgent: boolean;
  /** The report form's values as submitted. */
  data?: unknown;
  /** Submitted from the message action's dialog (answered with a task module, not a card). */
  inTaskModule: boolean;
}

const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Whether report form data is marked "Someone is in immediate danger" (the form's `immediateDanger` toggle). */
export function isUrgentReport(data: unknown): boolean {
  const flag = record(data)?.immediateDanger;
  return flag === true || flag === 'true';
}

const PRESS: LimitedActivity = { kind: 'press', urgent: false, inTaskModule: false };
const QUESTION: LimitedActivity = { kind: 'question', urgent: false, inTaskModule: false };

/** The typed command that opens the report form (the concern feature answers it), with an @mention or a full stop. */
const REPORT_COMMAND = /^(?:<at>[^<]{0,80}<\/at>\s*)?report\s+a\s+concern[.!]?$/i;

/** What an activity costs: a question, a report (urgent or not), a press, or nothing (conversation and install events). */
export function limitedActivity(
  activity: Partial<Activity>, reportCommandIds: readonly string[], reportIsSendable?: (data: unknown) => boolean,
  reportCannotWait?: (data: unknown) => boolean,
): LimitedActivity | undefined {
  // A report the form will refuse files nothing: a press (an urgent one is always filed, whatever is missing). One that
  // cannot wait (a child's safety for today) is let through as an urgent one is, once the form would file it.
  const report = (data: unknown, inTaskModule: boolean): LimitedActivity => {
    const urgent = isUrgentReport(data);
    if (!urgent && reportIsSendable && !reportIsSendable(data)) return PRESS;
    return { kind: 'report', urgent: urgent || (reportCannotWait?.(data) ?? false), data, inTaskModule };
  };
  if (activity.type === ActivityTypes.Message) {
    // An Action.Submit press arrives as a message carrying the card's data and no text of its own.
    if (activity.value !== undefined && !(activity.text ?? '').trim()) return PRESS;
    // "report a concern" typed opens the report form: a press, like the button, so a person who has run out of
    // questions (the message the bot pauses with says to type it) can still start a report.
    if (typeof activity.text === 'string' && activity.text.length <= 100 && REPORT_COMMAND.test(activity.text.trim())) return PRESS;
    return QUESTION;
  }
  if (activity.type !== ActivityTypes.Invoke) return undefined;
  const value = record(activity.value);
  if (activity.name === 'adaptiveCard/action') {
    const action = record(value?.action);
    if (action?.verb === Verbs.concernSubmit) return report(action.data, false);
    // Checking a draft is the heaviest thing a person can ask for (the models read up to 3,000 characters): it costs what
    // a question costs, not a press (an outside review kept the bot busy with 300 checks an hour at the press budget).
    if (action?.verb === Verbs.checkPost) return QUESTION;
  }
  if (activity.name === 'composeExtension/submitAction' && typeof value?.commandId === 'string' && reportCommandIds.includes(value.commandId)
    // "Next" and "Change kind" in the dialog move between the form's steps (presses); nothing is filed.
    && record(value.data)?.verb !== Verbs.concernChooseKind) {
    return report(value.data, true);
  }
  // Every other invoke is a press: a card button, a dialog opening or step, a search, a card refreshing itself.
  return PRESS;
}

/** Whose budget a turn spends: the Entra object id Teams signs, else the channel account id. */
export function personOf(activity: Partial<Activity>): string {
  return activity.from?.aadObjectId || activity.from?.id || '(unknown)';
}

// Making a formatter costs far more than using one, and a flood is answered thousands of times a second.
let clockFormat: { timeZone: string; format: Intl.DateTimeFormat } | undefined;

// The last minute formatted: a flood's refusals all name the same minute, or the next.
let lastClock: { timeZone: string; minute: number; clock: string } | undefined;

/** "14:32 (in about 10 minutes)", in the school's time zone. */
export function whenAgain(retryAt: number, now: number): string {
  const timeZone = schoolTimeZone();
  const minute = Math.floor(retryAt / 60_000);
  if (lastClock?.timeZone !== timeZone || lastClock.minute !== minute) {
    if (clockFormat?.timeZone !== timeZone) {
      clockFormat = { timeZone, format: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) };
    }
    lastClock = { timeZone, minute, clock: clockFormat.format.format(new Date(retryAt)) };
  }
  const { clock } = lastClock;
  const minutes = Math.max(1, Math.ceil((retryAt - now) / 60_000));
  return `${clock} (in about ${minutes} minute${minutes === 1 ? '' : 's'})`;
}

/** The notice for a report over the budget. */
export function reportRefusalNotice(retryAt: number, now: number): string {
  return `You have sent several reports in a short time, so this one has not been sent yet. Please try again at ${whenAgain(retryAt, now)}; `
    + 'what you typed is kept here. If a child is in immediate danger, do not wait: go to the DSL in person now, or call 999.';
}

/** The notice for a question over the budget. */
export function questionRefusalNotice(retryAt: number, now: number): string {
  return `You have sent me a lot of messages in a short time, so I am pausing before I answer more. You can ask again at ${whenAgain(retryAt, now)}. `
    + 'To report a concern meanwhile, type **report a concern**: that still opens the form. If a child is in immediate danger, '
    + 'speak to the DSL in person now, or call 999.';
}

/** The notice for a draft's Check over the budget (it shares the questions' budget); the draft stays in its card. */
export function checkRefusalNotice(retryAt: number, now: number): string {
  return `You have sent me a lot of messages and drafts in a short time, so I am pausing before I check more. Your draft is still in the card: `
    + `press Check again at ${whenAgain(retryAt, now)}.`;
}

/** The notice for a card press (or any other invoke) over the budget. */
export function pressRefusalNotice(retryAt: number, now: number): string {
  return `You have pressed a lot of buttons in a short time, so I am pausing: nothing was done for this one. You can press it again at ${whenAgain(retryAt, now)}. `
    + 'If you need to report a concern that cannot wait, speak to the DSL in person.';
}

/** An invoke's answer, as the adapter would have written it to the HTTP response. */
export interface InvokeAnswer {
  status: number;
  body: unknown;
}

/** What was refused, and when to try again. */
interface Refused {
  what: LimitedActivity;
  retryAt: number;
  firstRefusal: boolean;
}

type MaybePromise<T> = T | Promise<T>;
const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> => typeof (value as { then?: unknown } | undefined)?.then === 'function';

/**
 * The per-person limits of one bot. An invoke is counted by the HTTP layer before the adapter sees it, because its
 * answer goes back in its own HTTP response: one over the budget is answered there and then, and costs no turn, no
 * second token check and no connector client, so a flood of presses is cheap to refuse and holds up no one else's
 * request. A message (a question, an Action.Submit press) is counted by the app's first beforeTurn handler, because
 * its answer is a message sent to Teams. Each activity is counted once, in one of the two.
 */
export interface TurnLimits {
  /**
   * Takes an invoke from its person's budget: undefined lets it through; otherwise the answer to send, at once. Known
   * without waiting (a refusal already told, the budgets of this process), the answer comes as a value, not a promise,
   * so the server sends it within the piece of work it is timing: a flood's refusals are answered in the slices the
   * server hands out, not all together after them.
   */
  answerOverBudgetInvoke(activity: Partial<Activity>): InvokeAnswer | undefined | Promise<InvokeAnswer | undefined>;
  /** Registers the messages' limits as the app's first beforeTurn handler: a message over the budget ends there. */
  register(app: BotApp): void;
  /** Stops the shared budgets' background sweep. */
  close(): void;
}

/** Creates the limits: hand the same object to the HTTP server (invokes) and the bot app (messages). */
export function createTurnLimits(options: TurnLimitsOptions, logger: AppLogger): TurnLimits {
  const now = options.now ?? Date.now;
  const limits: { take(person: string, kind: LimitedKind, o: { urgent?: boolean }): Promise<LimitDecision> | LimitDecision; close?(): void } = options.records
    ? createSharedPersonLimits(options.budgets, { records: options.records, now, maxPeople: options.maxPeople, logger })
    : createPersonLimits(options.budgets, { now, maxPeople: options.maxPeople });
  // Refusals not logged one by one (a flood is one line per person each time their wait runs out), counted into the next line.
  const unlogged: Record<LimitedKind, number> = { report: 0, question: 0, press: 0 };

  /**
   * Takes the activity from its person's budget; when refused, what was refused and when to try again. A value when the
   * budgets answer at once, else a promise.
   */
  function overBudget(activity: Partial<Activity>): MaybePromise<Refused | undefined> {
    if (options.exempt?.(activity)) return undefined;
    const what = limitedActivity(activity, options.reportCommandIds, options.reportIsSendable, options.reportCannotWait);
    if (!what) return undefined;
    const decision = limits.take(personOf(activity), what.kind, { urgent: what.urgent });
    return isPromise(decision) ? decision.then((d) => decided(what, d)) : decided(what, decision);
  }

  function decided(what: LimitedActivity, decision: LimitDecision): Refused | undefined {
    if (decision.allowed) {
      if (decision.urgentException) logger.info({ event: 'limit.urgentReportLetThrough' }, 'an urgent report over the person\'s budget was let through');
      return undefined;
    }
    if (decision.firstRefusal) {
      // No person id, no text: how often people hit the limits, and how hard, is what matters.
      logger.warn({ event: 'limit.reached', kind: what.kind, urgent: what.urgent, alsoRefused: unlogged[what.kind] }, 'a person is over their budget: slowed');
      unlogged[what.kind] = 0;
    } else {
      unlogged[what.kind] += 1;
    }
    return { what, retryAt: decision.retryAt, firstRefusal: decision.firstRefusal };
  }

  return {
    answerOverBudgetInvoke(activity) {
      if (activity.type !== ActivityTypes.Invoke) return undefined;
      const answer = (refused: Refused | undefined) => (refused ? invokeRefusal(activity.name, refused.what, refused.retryAt, now(), options) : undefined);
      const refused = overBudget(activity);
      return isPromise(refused) ? refused.then(answer) : answer(refused);
    },
    register(app) {
      app.turn('beforeTurn', async (context) => {
        // Invokes were counted (and those over the budget answered) by the HTTP layer: answerOverBudgetInvoke.
        if (context.activity.type !== ActivityTypes.Message) return true;
        const refused = await overBudget(context.activity);
        if (!refused) return true;
        // A flood of messages (or Action.Submit presses) gets one answer, not one each: the person has been told when to try again.
        if (refused.firstRefusal) {
          const notice = refused.what.kind === 'press' ? pressRefusalNotice : questionRefusalNotice;
          await context.sendActivity(notice(refused.retryAt, now()));
        }
        return false;
      });
    },
    close() {
      limits.close?.();
    },
  };
}

/** The answer to an invoke over the budget: a press gets the notice on its card; a report, the form the person filled. */
function invokeRefusal(name: string | undefined, what: LimitedActivity, retryAt: number, at: number, options: TurnLimitsOptions): InvokeAnswer {
  const answer = (message: string) => invokeMessage(name, message).value as InvokeAnswer;
  // Nothing is sent to Teams: the client shows the answer on the card or in the dialog.
  if (what.kind === 'question') return answer(checkRefusalNotice(retryAt, at));
  if (what.kind !== 'report') return answer(pressRefusalNotice(retryAt, at));
  const notice = reportRefusalNotice(retryAt, at);
  const card = options.refusedReportCard?.(what.data, notice, what.inTaskModule);
  if (!card) return answer(notice);
  const body = what.inTaskModule
    ? { task: { type: 'continue', value: cardTaskModule('Report a concern', card) } }
    : { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
  return { status: 200, body };
}
