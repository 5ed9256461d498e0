import { Activity, ActivityTypes, TurnContext } from 'botbuilder';
import { AppLogger } from '../shared/logger';
import { schoolTimeZone } from '../shared/schoolTime';
import { BotApp } from './botFeature';
import { AdaptiveCardJson, ADAPTIVE_CARD_CONTENT_TYPE, cardTaskModule } from './cards';
import { invokeMessage } from './invokeResponse';
import { createPersonLimits, LimitedKind, PersonBudgets } from './personLimits';
import { Verbs } from './verbs';

/**
 * The per-person limits as the bot applies them, once, before any feature sees a turn: a message counts as a question,
 * a submitted report (the report form's Action.Execute, or the "Report a concern" message action's submit) as a
 * report. Over the budget, the person is told kindly when to try again; a refused report comes back as the form they
 * filled, with their text, and says what to do at once if a child is in danger.
 */
export interface TurnLimitsOptions {
  budgets: PersonBudgets;
  /** Message-extension commands whose submit files a report (the concern feature's "Report a concern"). */
  reportCommandIds: readonly string[];
  /** The form a refused report comes back as, with what the person typed and the notice; without it the notice alone. */
  refusedReportCard?: (data: unknown, notice: string, inTaskModule: boolean) => AdaptiveCardJson;
  /** Clock and bound, for tests. */
  now?: () => number;
  maxPeople?: number;
}

/** A report or question as the limits count it. */
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

/** What an activity costs: a question, a report (urgent or not), or nothing. */
export function limitedActivity(activity: Partial<Activity>, reportCommandIds: readonly string[]): LimitedActivity | undefined {
  if (activity.type === ActivityTypes.Message) return { kind: 'question', urgent: false, inTaskModule: false };
  if (activity.type !== ActivityTypes.Invoke) return undefined;
  const value = record(activity.value);
  if (activity.name === 'adaptiveCard/action') {
    const action = record(value?.action);
    if (action?.verb !== Verbs.concernSubmit) return undefined;
    return { kind: 'report', urgent: isUrgentReport(action.data), data: action.data, inTaskModule: false };
  }
  if (activity.name === 'composeExtension/submitAction' && typeof value?.commandId === 'string' && reportCommandIds.includes(value.commandId)) {
    // "Next" and "Change kind" in the dialog move between the form's steps; nothing is filed.
    if (record(value.data)?.verb === Verbs.concernChooseKind) return undefined;
    return { kind: 'report', urgent: isUrgentReport(value.data), data: value.data, inTaskModule: true };
  }
  return undefined;
}

/** Whose budget a turn spends: the Entra object id Teams signs, else the channel account id. */
export function personOf(activity: Partial<Activity>): string {
  return activity.from?.aadObjectId || activity.from?.id || '(unknown)';
}

/** "14:32 (in about 10 minutes)", in the school's time zone. */
export function whenAgain(retryAt: number, now: number): string {
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: schoolTimeZone(), hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(retryAt));
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
    + 'If you need to report a concern that cannot wait, speak to the DSL in person.';
}

/** Registers the limits as the first beforeTurn handler: a turn over the budget ends there, answered. */
export function registerTurnLimits(app: BotApp, options: TurnLimitsOptions, logger: AppLogger): void {
  const now = options.now ?? Date.now;
  const limits = createPersonLimits(options.budgets, { now, maxPeople: options.maxPeople });
  app.turn('beforeTurn', async (context) => {
    const what = limitedActivity(context.activity, options.reportCommandIds);
    if (!what) return true;
    const decision = limits.take(personOf(context.activity), what.kind, { urgent: what.urgent });
    if (decision.allowed) {
      if (decision.urgentException) logger.info({ event: 'limit.urgentReportLetThrough' }, 'an urgent report over the person\'s budget was let through');
      return true;
    }
    // No person id, no text: how often people hit the limits is what matters.
    logger.warn({ event: 'limit.reached', kind: what.kind, urgent: what.urgent, told: decision.firstRefusal }, 'a person is over their budget: slowed');
    await answerRefusal(context, what, decision.retryAt, decision.firstRefusal, now(), options);
    return false;
  });
}

async function answerRefusal(context: TurnContext, what: LimitedActivity, retryAt: number, firstRefusal: boolean, at: number, options: TurnLimitsOptions): Promise<void> {
  if (what.kind === 'question') {
    // A flood of messages gets one answer, not one each: the person has been told when to ask again.
    if (firstRefusal) await context.sendActivity(questionRefusalNotice(retryAt, at));
    return;
  }
  const notice = reportRefusalNotice(retryAt, at);
  const card = options.refusedReportCard?.(what.data, notice, what.inTaskModule);
  const name = context.activity.name;
  if (!card) {
    await context.sendActivity(invokeMessage(name, notice));
    return;
  }
  const body = what.inTaskModule
    ? { task: { type: 'continue', value: cardTaskModule('Report a concern', card) } }
    : { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}
