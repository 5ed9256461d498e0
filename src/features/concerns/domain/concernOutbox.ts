import {
  ChairMissed, ConcernDelivery, ConcernLog, ConcernStore, HeadteacherAttempt, OutboxEntry, OutboxTask, ReporterNotifier,
} from './concernPorts';
import { copiesToWithdraw, withdrawCopies } from './headCopies';
import { createRouteDelivery, RouteGuard } from './concernRouteDelivery';
import { aboutHeadteacherAudience, ConcernRoutingTable, isWaitingRole, personIdOf, resolveConcernRoute } from './concernRouting';
import { ConcernCase, ConcernError, DESTINATION_ROLE_LABELS, DestinationRole, NewConcernEvent } from './concernTypes';
import { asReporterKnows } from './reporterView';
import { errorCode } from '../../../shared/errorCode';
import { inPersonContact, ROUTE_NOT_CONFIGURED, waitingTeamText } from './routeSetup';
import { TellTeamOptions } from './safeguardingRouteCheck';

/** What the outbox needs. */
export interface ConcernOutboxDeps {
  store: ConcernStore;
  delivery: ConcernDelivery;
  notifier: ReporterNotifier;
  routing: ConcernRoutingTable;
  log: ConcernLog;
  now?: () => Date;
  /** Attempts per destination before moving on (default 3). */
  attemptsPerDestination?: number;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Backoff between attempts within one run, in ms (default 250, doubled each time). */
  retryDelayMs?: number;
  /** When every route failed, the next run tries again after this long (default 60 s). */
  redeliverAfterMs?: number;
  /**
   * The safeguarding route check: whether to skip the team's shared place (Teams refused it), what to do when Teams
   * refuses it, and how to tell the team and the owners that a report is waiting. Without it, reports follow the
   * routing table only.
   */
  route?: RouteGuard & { tellTeam(text: string, options?: TellTeamOptions): Promise<number> };
  /** The route settings production lacks (variable names), told to the team and owners with a report that waits. */
  routeMissing?: readonly string[];
}

/** How long a report may have reached no one before the reporter, the team and the owners are told (two minutes). */
export const UNDELIVERED_ALERT_MS = 2 * 60_000;

/** Delivers stored work exactly as recorded: reports to their destinations, notices to reporters, alerts to the chair. */
export interface ConcernOutbox {
  /** Processes every due entry once; safe to call at start, after each change and on a timer. */
  processDue(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates the outbox processor. Each entry is claimed (committed as in flight) before anything is sent, and
 * completed with its events in one transaction after, so a restart re-sends only what may not have arrived,
 * marked as a possible repeat, and never what was recorded as delivered.
 */
export function createConcernOutbox(deps: ConcernOutboxDeps): ConcernOutbox {
  const now = deps.now ?? (() => new Date());
  const attempts = deps.attemptsPerDestination ?? 3;
  const sleep = deps.sleep ?? realSleep;
  const retryDelay = deps.retryDelayMs ?? 250;
  const redeliverAfter = deps.redeliverAfterMs ?? 60_000;
  let running: Promise<void> | undefined;
  let again = false;
  /** How many reports were waiting for their route at the last run: said (as an error) when it changes. */
  let waitingBefore = 0;

  /**
   * Who is told that a report waits: the team (in its place too, when `inPlace`) and the owners; for a report about the
   * headteacher only those who may hear of it (the chair, the deputy DSL, the team 1:1 but never the head; no place, no owners).
   */
  const audienceFor = (concern: ConcernCase, inPlace: boolean): TellTeamOptions => (concern.report.aboutHeadteacher
    ? { aboutHeadteacher: aboutHeadteacherAudience(deps.routing) }
    : { owners: true, inPlace });

  const routes = createRouteDelivery({
    delivery: deps.delivery, routing: deps.routing, log: deps.log, route: deps.route, now, attempts, sleep, retryDelayMs: retryDelay,
  });

  async function route(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'route' }>, concern: ConcernCase) {
    const possibleDuplicate = entry.state === 'inFlight';
    const outcome = await routes.deliver(task.primary, task.fallback, concern, possibleDuplicate);
    if (outcome.delivered) {
      await deps.store.completeOutbox(entry.id, concern.report.id, outcome.events);
      const routed = outcome.events.find((e) => e.type === 'routed')!;
      const role = routed.data.role as DestinationRole;
      deps.log.info({ reference: concern.report.reference, role, stage: routed.data.stage }, 'concern delivered');
      // Sent to the headteacher while the report was being marked as about them (the marking's withdrawal may have run
      // before this copy existed): read it again now the copy is recorded, and withdraw it.
      const head = personIdOf(deps.routing.destinations.headteacher);
      if (head && routed.data.recipientId === head) {
        const current = await deps.store.getCaseById(concern.report.id);
        if (current?.report.aboutHeadteacher && copiesToWithdraw(current, head).length > 0) {
          await deps.store.append(concern.report.id, [], [{ kind: 'withdrawHeadCopies' }], now().toISOString());
          again = true;
        }
      }
      // The reporter was told it had not arrived, or that it waits for its route: tell them it has arrived.
      // (After a marking, only when it was the reporter's own and they were told.)
      const toldNotSent = concern.events.some((e) => (e.type === 'undeliveredAlerted' && (e.data.marked !== 'true' || e.data.reporterTold === 'true'))
        || (e.type === 'reporterNotified' && e.data.notice === 'waiting'));
      // Delivered by the fallback route: the receipt named where it was going, so the reporter is told where it went
      // (not after a marking by the team, which the reporter is never told of).
      if (toldNotSent) await tellReporter(concern, role, 'arrived');
      else if (routed.data.stage === 'fallback' && !asReporterKnows(concern).hidden && !possibleDuplicate) await tellReporter(concern, role, 'rerouted');
      // The process stopped while this report was being delivered, so the reporter's own request most likely
      // failed before they saw their reference: tell them now, in their 1:1 chat.
      else if (possibleDuplicate) await tellReporter(concern, role, 'received');
      return;
    }
    const next = new Date(now().getTime() + redeliverAfter).toISOString();
    await deps.store.rescheduleOutbox(entry.id, concern.report.id, next, outcome.events);
    deps.log.error({ reference: concern.report.reference, code: 'CONCERN_DELIVERY_FAILED' }, 'every route failed; will retry');
  }

  /**
   * Two minutes after a report, if it has reached no one: the reporter is told plainly to go to the DSL in person with
   * the reference, and the safeguarding team (in its place and 1:1) and the owners that report N is waiting; nothing
   * of its content goes with either. A report about the headteacher: a deputy DSL or the chair in person, and only those
   * who may hear of it are told (audienceFor).
   */
  async function watch(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'watchDelivery' }>, concern: ConcernCase) {
    if (task.since !== undefined) {
      await watchMarked(entry, task.since, concern);
      return;
    }
    if (concern.deliveredTo !== undefined) {
      await deps.store.completeOutbox(entry.id, concern.report.id, []);
      return;
    }
    const intendedFor = resolveConcernRoute(concern.report, deps.routing).primary;
    if (isWaitingRole(deps.routing, intendedFor)) {
      await watchWaiting(entry, concern, intendedFor);
      return;
    }
    const reference = concern.report.reference;
    const minutes = Math.max(1, Math.round((now().getTime() - Date.parse(concern.report.submittedAt)) / 60_000));
    let reporterTold = false;
    try {
      await deps.notifier.notify(concern.report, 'notArrived', undefined, concern);
      reporterTold = true;
    } catch (err) {
      deps.log.error({ reference, notice: 'notArrived', code: errorCode(err, 'DELIVERY_ERROR') }, 'reporter could not be told the report has not arrived');
    }
    const intended = concern.events.find((e) => e.type === 'routeFailed')?.data.role as DestinationRole | undefined;
    const text = `Safeguarding report ${reference} is waiting: it has reached no one for ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`
      + `${intended && intended in DESTINATION_ROLE_LABELS ? ` (it was for ${DESTINATION_ROLE_LABELS[intended]})` : ''}, because Teams would not take it anywhere the bot sends reports. `
      + `${reporterTold ? `The reporter has been told to come to ${inPersonContact(concern.report.aboutHeadteacher)} in person with the reference. ` : 'The reporter could not be told either. '}`
      + `The safeguarding team can open it now by typing "concern ${reference}" in their chat with me. Nothing of the report is in this message.`;
    const alerted = deps.route ? await deps.route.tellTeam(text, audienceFor(concern, true)) : 0;
    const at = now().toISOString();
    const events: NewConcernEvent[] = [
      { type: 'undeliveredAlerted', at, data: { minutes: String(minutes), reporterTold: String(reporterTold), alerted: String(alerted) } },
      ...(reporterTold ? [{ type: 'reporterNotified' as const, at, data: { notice: 'notArrived' } }] : []),
    ];
    await deps.store.completeOutbox(entry.id, concern.report.id, events);
    deps.log.error({ reference, code: 'CONCERN_UNDELIVERED', minutes, reporterTold, alerted }, 'report has reached no one: reporter, team and owners told');
  }

  /**
   * A report marked as about the headteacher (the team's card) two minutes ago that has reached neither the chair nor
   * the fallback since: the headteacher who may have had it can no longer open it, so without this it would sit with
   * no one while the outbox retries. Those who may hear of a report about the headteacher are told its reference (never
   * the headteacher, never a shared place), and that it keeps being tried. Nothing of its content.
   */
  async function watchMarked(entry: OutboxEntry, since: string, concern: ConcernCase) {
    // Delivered since it was first marked, to the chair or their fallback: a route recorded after the first marking in
    // the chronology (not by time: the first delivery and the marking can share a millisecond). Two markings at once
    // (two members, or a member as the reporter's details moved it) send the chair one report and need one watch:
    // once those who may hear of it were told, a second watch tells no one again.
    const first = concern.events.findIndex((e) => e.type === 'markedAboutHeadteacher');
    const { primary, fallback } = resolveConcernRoute(concern.report, deps.routing);
    const since1st = concern.events.slice(first + 1);
    if (since1st.some((e) => (e.type === 'routed' && (e.data.role === primary || e.data.role === fallback))
      || (e.type === 'undeliveredAlerted' && e.data.marked === 'true'))) {
      await deps.store.completeOutbox(entry.id, concern.report.id, []);
      return;
    }
    const marked = Math.max(first, concern.events.findIndex((e) => e.type === 'markedAboutHeadteacher' && e.at === since));
    const reference = concern.report.reference;
    const minutes = Math.max(1, Math.round((now().getTime() - Date.parse(since)) / 60_000));
    const text = `Safeguarding report ${reference}, marked as about the headteacher ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} ago, has not reached `
      + 'the chair of governors or the deputy DSL: Teams would not take it. It keeps being tried. Please tell the chair of governors in person, and '
      + `open it by typing "concern ${reference}" in your chat with me. Nothing of the report is in this message.`;
    const alerted = deps.route ? await deps.route.tellTeam(text, audienceFor(concern, false)) : 0;
    // Moved by the reporter's own added details: their receipt said they would be told here if it had not arrived.
    const byReporter = concern.events[marked]?.data.cause === 'reporterDetails' || concern.events[marked]?.actorId === concern.report.reporter.aadObjectId;
    let reporterTold = false;
    if (byReporter) {
      try {
        await deps.notifier.notify(concern.report, 'notArrived', undefined, concern);
        reporterTold = true;
      } catch (err) {
        deps.log.error({ reference, notice: 'notArrived', code: errorCode(err, 'DELIVERY_ERROR') }, 'reporter could not be told the report has not arrived');
      }
    }
    const at = now().toISOString();
    await deps.store.completeOutbox(entry.id, concern.report.id, [
      { type: 'undeliveredAlerted', at, data: { minutes: String(minutes), marked: 'true', alerted: String(alerted), ...(byReporter ? { reporterTold: String(reporterTold) } : {}) } },
      ...(reporterTold ? [{ type: 'reporterNotified' as const, at, data: { notice: 'notArrived' } }] : []),
    ]);
    deps.log.error({ reference, code: 'CONCERN_UNDELIVERED', minutes, alerted, marked: true }, 'a report marked as about the headteacher has reached no one since: team told');
  }

  /**
   * A report whose route is not set up: the reporter was told on their receipt (recorded at submission) that it has NOT
   * been sent and to go to the DSL in person, so they are told again only if that record is missing; the safeguarding
   * team (1:1, never in a place not set up) and the owners are told the reference waits, and why (about the headteacher:
   * only those who may hear of it, audienceFor). Nothing of its content.
   */
  async function watchWaiting(entry: OutboxEntry, concern: ConcernCase, role: DestinationRole) {
    const reference = concern.report.reference;
    let reporterTold = concern.events.some((e) => e.type === 'reporterNotified' && e.data.notice === 'waiting');
    const events: NewConcernEvent[] = [];
    if (!reporterTold) {
      try {
        const seen = asReporterKnows(concern);
        await deps.notifier.notify(seen.report, 'waiting', undefined, { ...concern, report: seen.report });
        reporterTold = true;
        events.push({ type: 'reporterNotified', at: now().toISOString(), data: { notice: 'waiting' } });
      } catch (err) {
        deps.log.error({ reference, notice: 'waiting', code: errorCode(err, 'DELIVERY_ERROR') }, 'reporter could not be told the report waits');
      }
    }
    const missing = deps.routeMissing ?? [];
    const text = waitingTeamText(reference, role, missing, reporterTold, concern.report.aboutHeadteacher);
    const alerted = deps.route ? await deps.route.tellTeam(text, audienceFor(concern, false)) : 0;
    events.push({ type: 'undeliveredAlerted', at: now().toISOString(), data: { minutes: '0', reporterTold: String(reporterTold), alerted: String(alerted), waiting: 'true' } });
    await deps.store.completeOutbox(entry.id, concern.report.id, events);
    deps.log.error({ reference, code: ROUTE_NOT_CONFIGURED, role, missing, reporterTold, alerted }, 'report waits for its route to be configured: team and owners told');
  }

  /** Tells the reporter where their report went (received, or arrived after all); if that fails, the outbox tries again later. */
  async function tellReporter(concern: ConcernCase, role: DestinationRole, notice: 'received' | 'arrived' | 'rerouted') {
    const at = now().toISOString();
    const current = (await deps.store.getCaseById(concern.report.id)) ?? concern;
    const seen = asReporterKnows(current);
    const named = seen.hidden ? undefined : role;
    try {
      await deps.notifier.notify(seen.report, notice, named, { ...current, report: seen.report });
      await deps.store.append(concern.report.id, [{ type: 'reporterNotified', at, data: { notice } }]);
    } catch (err) {
      const code = errorCode(err, 'DELIVERY_ERROR');
      deps.log.warn({ reference: concern.report.reference, notice, code }, 'reporter notice failed');
      await deps.store.append(concern.report.id, [{ type: 'routeFailed', at, data: { role: 'reporter', notice, code } }],
        [{ kind: 'notifyReporter', notice, ...(named ? { role: named } : {}) }]);
    }
  }

  async function notify(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'notifyReporter' }>, concern: ConcernCase) {
    try {
      // As the reporter may know it: a retry after the team marked the report names no new place and reads as sent.
      const seen = asReporterKnows(concern);
      const named = task.role ?? (seen.hidden ? undefined : concern.deliveredTo);
      await deps.notifier.notify(seen.report, task.notice, named, { ...concern, report: seen.report });
      await deps.store.completeOutbox(entry.id, concern.report.id, [
        { type: 'reporterNotified', at: now().toISOString(), data: { notice: task.notice } },
      ]);
    } catch (err) {
      const code = errorCode(err, 'DELIVERY_ERROR');
      const giveUp = entry.attempts >= 10 || code === 'HTTP_403';
      deps.log.warn({ reference: concern.report.reference, notice: task.notice, code, giveUp }, 'reporter notice failed');
      const events: NewConcernEvent[] = [
        { type: 'routeFailed', at: now().toISOString(), data: { role: 'reporter', notice: task.notice, code } },
      ];
      if (giveUp) await deps.store.completeOutbox(entry.id, concern.report.id, events);
      else await deps.store.rescheduleOutbox(entry.id, concern.report.id, new Date(now().getTime() + redeliverAfter).toISOString(), events);
    }
  }

  /**
   * Tells the chair of governors the headteacher tried a case about them; nothing of the case goes with it. When the
   * chair is not set up, Teams refuses them, or three runs could not reach them, the alert goes to the fallback a
   * report about the headteacher has (the deputy DSL; never the headteacher or the team's channel), so it is not lost.
   */
  async function alertChair(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'alertChair' }>, concern: ConcernCase) {
    const role = task.to ?? 'chairOfGovernors';
    const address = deps.routing.destinations[role];
    const attempt: HeadteacherAttempt = { operation: task.operation, attemptAt: task.attemptAt, ...(task.chairMissed ? { chairMissed: task.chairMissed } : {}) };
    const failed = (code: string): NewConcernEvent[] => [
      { type: 'routeFailed', at: now().toISOString(), data: { role, notice: 'headteacherAttempt', code } },
    ];
    const fallback = resolveConcernRoute({ kind: concern.report.kind, aboutHeadteacher: true }, deps.routing).fallback;
    const next = role === 'chairOfGovernors' && fallback !== role && deps.routing.destinations[fallback] ? fallback : undefined;
    const giveUp = async (code: string) => {
      if (next) {
        // The fallback's task is stored before this one is closed: a restart between the two repeats an alert, never loses it.
        const chairMissed: ChairMissed = code === 'CONCERN_DESTINATION_UNCONFIGURED' ? 'notSetUp' : code === 'HTTP_403' ? 'refused' : 'unreachable';
        await deps.store.append(concern.report.id, failed(code), [{ kind: 'alertChair', operation: task.operation, attemptAt: task.attemptAt, to: next, chairMissed }]);
        await deps.store.completeOutbox(entry.id, concern.report.id, []);
        again = true;
      } else {
        await deps.store.completeOutbox(entry.id, concern.report.id, failed(code));
      }
    };
    if (!address) {
      deps.log.error({ reference: concern.report.reference, role, code: 'CONCERN_DESTINATION_UNCONFIGURED', next }, 'headteacher attempt: role not configured');
      await giveUp('CONCERN_DESTINATION_UNCONFIGURED');
      return;
    }
    try {
      await deps.delivery.alertHeadteacherAttempt(role, address, concern.report, attempt);
      const alerted: Record<string, string> = { operation: attempt.operation, attemptAt: attempt.attemptAt };
      if (role !== 'chairOfGovernors') Object.assign(alerted, { role }, attempt.chairMissed ? { chairMissed: attempt.chairMissed } : {});
      await deps.store.completeOutbox(entry.id, concern.report.id, [{ type: 'chairAlerted', at: now().toISOString(), data: alerted }]);
      deps.log.info({ reference: concern.report.reference, role }, 'alerted to a headteacher attempt');
    } catch (err) {
      const code = errorCode(err, 'DELIVERY_ERROR');
      // `attempts` counts the runs before this one: the chair is tried three times before their fallback, others eleven.
      const stop = entry.attempts >= (next ? 2 : 10) || code === 'HTTP_403';
      deps.log.warn({ reference: concern.report.reference, role, code, giveUp: stop, next }, 'headteacher attempt alert failed');
      if (stop) await giveUp(code);
      else await deps.store.rescheduleOutbox(entry.id, concern.report.id, new Date(now().getTime() + redeliverAfter).toISOString(), failed(code));
    }
  }

  /** A route stored before the case was marked as about the headteacher: it would go where the headteacher may read it. */
  const isSuperseded = (task: Extract<OutboxTask, { kind: 'route' }>, concern: ConcernCase) =>
    concern.report.aboutHeadteacher && task.primary !== resolveConcernRoute(concern.report, deps.routing).primary;

  /**
   * A route to the chair queued twice by two markings at once (two members pressed "About the headteacher?" together, or
   * the team as the reporter's details moved it): once the chair has had it since the first marking, the other is not sent
   * again. (Only the chair counts: a delivery to the deputy, which may be the earlier route's fallback, does not.)
   */
  const isRepeatOfMarking = (task: Extract<OutboxTask, { kind: 'route' }>, concern: ConcernCase) => {
    const marked = concern.events.findIndex((e) => e.type === 'markedAboutHeadteacher');
    return marked >= 0 && concern.events.slice(marked + 1)
      .some((e) => e.type === 'routed' && e.data.role === task.primary);
  };

  const withdrawDeps = { ...deps, now, redeliverAfterMs: redeliverAfter };

  async function runOnce(): Promise<void> {
    const due = await deps.store.dueOutbox(now().toISOString());
    let waiting = 0;
    for (const entry of due) {
      const concern = await deps.store.getCaseById(entry.concernId);
      if (!concern) throw new ConcernError('CONCERN_NOT_FOUND', `outbox entry ${entry.id} names a missing concern`);
      const superseded = entry.task.kind === 'route' && isSuperseded(entry.task, concern);
      if (entry.task.kind === 'route' && (superseded || isRepeatOfMarking(entry.task, concern))) {
        // Marked as about the headteacher since this task was stored (by the team, or by the reporter's added details):
        // the route to the chair is its own task, and this one, to where the report went before, is never sent.
        if (await deps.store.claimOutbox(entry, now().toISOString())) {
          await deps.store.completeOutbox(entry.id, concern.report.id, []);
          deps.log.info({ reference: concern.report.reference, role: entry.task.primary }, superseded
            ? 'route superseded: the report is about the headteacher' : 'route already delivered since the report was marked');
        }
        continue;
      }
      // A report for a role not set up waits here, untried and unclaimed, until the app restarts with the role set up.
      if (entry.task.kind === 'route' && isWaitingRole(deps.routing, entry.task.primary)) {
        waiting += 1;
        continue;
      }
      // Another instance sharing the store took it first: it is theirs to deliver.
      if (!(await deps.store.claimOutbox(entry, now().toISOString()))) continue;
      if (entry.task.kind === 'route') await route(entry, entry.task, concern);
      else if (entry.task.kind === 'notifyReporter') await notify(entry, entry.task, concern);
      else if (entry.task.kind === 'watchDelivery') await watch(entry, entry.task, concern);
      else if (entry.task.kind === 'withdrawHeadCopies') await withdrawCopies(entry, concern, withdrawDeps);
      else await alertChair(entry, entry.task, concern);
    }
    if (waiting !== waitingBefore) {
      const fields = { code: ROUTE_NOT_CONFIGURED, waiting, missing: deps.routeMissing ?? [] };
      const text = `${waiting} ${waiting === 1 ? 'report waits' : 'reports wait'} for the safeguarding route to be configured`;
      if (waiting > 0) deps.log.error(fields, text);
      else deps.log.info(fields, text);
      waitingBefore = waiting;
    }
  }

  return {
    async processDue() {
      // One runner per process: a second call while running asks for one more pass instead of racing.
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await runOnce();
          } while (again);
        } finally {
          running = undefined;
        }
      })();
      return running;
    },
  };
}
