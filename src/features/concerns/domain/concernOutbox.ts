import { ConcernDelivery, ConcernLog, ConcernStore, OutboxEntry, OutboxTask, ReporterNotifier } from './concernPorts';
import { ConcernRoutingTable } from './concernRouting';
import { ConcernCase, ConcernError, DestinationRole, NewConcernEvent } from './concernTypes';
import { errorCode } from '../../../shared/errorCode';

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
}

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

  async function tryDestination(role: DestinationRole, concern: ConcernCase, possibleDuplicate: boolean): Promise<
    { ok: true; messageId?: string; recipientId?: string } | { ok: false; code: string }
  > {
    const address = deps.routing.destinations[role];
    if (!address) return { ok: false, code: 'CONCERN_DESTINATION_UNCONFIGURED' };
    let code = 'DELIVERY_ERROR';
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(retryDelay * 2 ** (i - 1));
      try {
        const { messageId } = await deps.delivery.deliver(role, address, concern, { possibleDuplicate });
        return { ok: true, messageId, recipientId: address.kind === 'person' ? address.aadObjectId : undefined };
      } catch (err) {
        code = errorCode(err, 'DELIVERY_ERROR');
        deps.log.warn({ reference: concern.report.reference, role, attempt: i + 1, code }, 'concern delivery attempt failed');
      }
    }
    return { ok: false, code };
  }

  async function route(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'route' }>, concern: ConcernCase) {
    const possibleDuplicate = entry.state === 'inFlight';
    const events: NewConcernEvent[] = [];
    for (const [stage, role] of [['primary', task.primary], ['fallback', task.fallback]] as const) {
      const result = await tryDestination(role, concern, possibleDuplicate);
      const at = now().toISOString();
      if (result.ok) {
        events.push({
          type: 'routed', at,
          data: {
            role, stage, messageId: result.messageId ?? '', recipientId: result.recipientId ?? '',
            possibleDuplicate: String(possibleDuplicate),
          },
        });
        await deps.store.completeOutbox(entry.id, concern.report.id, events);
        deps.log.info({ reference: concern.report.reference, role, stage }, 'concern delivered');
        // The process stopped while this report was being delivered, so the reporter's own request most likely
        // failed before they saw their reference: tell them now, in their 1:1 chat.
        if (possibleDuplicate) await tellReporterReceived(concern, role);
        return;
      }
      events.push({ type: 'routeFailed', at, data: { role, stage, code: result.code, attempts: String(attempts) } });
      deps.log.error({ reference: concern.report.reference, role, stage, code: result.code }, 'concern destination failed');
    }
    const next = new Date(now().getTime() + redeliverAfter).toISOString();
    await deps.store.rescheduleOutbox(entry.id, concern.report.id, next, events);
    deps.log.error({ reference: concern.report.reference, code: 'CONCERN_DELIVERY_FAILED' }, 'every route failed; will retry');
  }

  /** Tells the reporter their reference and where it went; if that fails, the outbox tries again later. */
  async function tellReporterReceived(concern: ConcernCase, role: DestinationRole) {
    const at = now().toISOString();
    try {
      await deps.notifier.notify(concern.report, 'received', role);
      await deps.store.append(concern.report.id, [{ type: 'reporterNotified', at, data: { notice: 'received' } }]);
    } catch (err) {
      const code = errorCode(err, 'DELIVERY_ERROR');
      deps.log.warn({ reference: concern.report.reference, notice: 'received', code }, 'reporter notice failed');
      await deps.store.append(concern.report.id, [{ type: 'routeFailed', at, data: { role: 'reporter', notice: 'received', code } }],
        [{ kind: 'notifyReporter', notice: 'received' }]);
    }
  }

  async function notify(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'notifyReporter' }>, concern: ConcernCase) {
    try {
      await deps.notifier.notify(concern.report, task.notice, concern.deliveredTo);
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

  /** Tells the chair of governors the headteacher tried a case about them; nothing of the case goes with it. */
  async function alertChair(entry: OutboxEntry, task: Extract<OutboxTask, { kind: 'alertChair' }>, concern: ConcernCase) {
    const address = deps.routing.destinations.chairOfGovernors;
    const attempt = { operation: task.operation, attemptAt: task.attemptAt };
    const failed = (code: string): NewConcernEvent[] => [
      { type: 'routeFailed', at: now().toISOString(), data: { role: 'chairOfGovernors', notice: 'headteacherAttempt', code } },
    ];
    if (!address) {
      deps.log.error({ reference: concern.report.reference, code: 'CONCERN_DESTINATION_UNCONFIGURED' }, 'chair of governors not configured; headteacher attempt not alerted');
      await deps.store.completeOutbox(entry.id, concern.report.id, failed('CONCERN_DESTINATION_UNCONFIGURED'));
      return;
    }
    try {
      await deps.delivery.alertHeadteacherAttempt(address, concern.report, attempt);
      await deps.store.completeOutbox(entry.id, concern.report.id, [{ type: 'chairAlerted', at: now().toISOString(), data: attempt }]);
      deps.log.info({ reference: concern.report.reference, role: 'chairOfGovernors' }, 'chair of governors alerted');
    } catch (err) {
      const code = errorCode(err, 'DELIVERY_ERROR');
      const giveUp = entry.attempts >= 10 || code === 'HTTP_403';
      deps.log.warn({ reference: concern.report.reference, role: 'chairOfGovernors', code, giveUp }, 'chair alert failed');
      if (giveUp) await deps.store.completeOutbox(entry.id, concern.report.id, failed(code));
      else await deps.store.rescheduleOutbox(entry.id, concern.report.id, new Date(now().getTime() + redeliverAfter).toISOString(), failed(code));
    }
  }

  async function runOnce(): Promise<void> {
    const due = await deps.store.dueOutbox(now().toISOString());
    for (const entry of due) {
      const concern = await deps.store.getCaseById(entry.concernId);
      if (!concern) throw new ConcernError('CONCERN_NOT_FOUND', `outbox entry ${entry.id} names a missing concern`);
      // Another instance sharing the store took it first: it is theirs to deliver.
      if (!(await deps.store.claimOutbox(entry, now().toISOString()))) continue;
      if (entry.task.kind === 'route') await route(entry, entry.task, concern);
      else if (entry.task.kind === 'notifyReporter') await notify(entry, entry.task, concern);
      else await alertChair(entry, entry.task, concern);
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
