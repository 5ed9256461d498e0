import { ConcernOutbox } from './concernOutbox';
import { ConcernLog, ConcernStore, OutboxTask } from './concernPorts';
import { ConcernActor, ConcernCase } from './concernTypes';

/** Why a reference was refused: recorded in the audit, never told to the person (who is told "not found" whatever it is). */
export type RefusalReason = 'notFound' | 'aboutThem' | 'notPermitted';

/** What recording refusals needs. */
export interface ConcernRefusalsDeps {
  store: ConcernStore;
  outbox: ConcernOutbox;
  log: ConcernLog;
  /** The headteacher's Entra object id: their attempts on a case about them alert the chair of governors. */
  headteacherId?: string;
  /** After an alert to the chair about a case, further attempts on it alert again only after this long (default 1 hour). */
  chairAlertIntervalMs?: number;
  now?: () => Date;
}

/** The refusals of the concerns domain: one record of each, and the chair alerted when the head tries a case about them. */
export interface ConcernRefusals {
  /** True when the person is the configured headteacher and the case is about the headteacher. */
  isAboutThem(c: ConcernCase, actor: { aadObjectId: string }): boolean;
  /**
   * Appends the refusal (to the case when there is one, to the audit trail when not). When the headteacher tried
   * a case about them, the chair of governors is alerted through the outbox, at most once per case an hour.
   */
  record(actor: ConcernActor, operation: string, reference: string | undefined, found: ConcernCase | undefined, reason: RefusalReason, options?: RefusalOptions): Promise<void>;
}

/**
 * How the attempt came: `unprompted` when the person did not ask for this case as such (Teams refreshing a card they
 * were shown, or Open on a list of open concerns they were shown). The headteacher's unprompted attempt on a case they
 * were shown before it was marked as about them is recorded, and the chair not alerted: an old card, not snooping.
 */
export interface RefusalOptions {
  unprompted?: boolean;
}

/**
 * Refusals of one person on one case recorded one by one in an hour; past it, the last one says further attempts in the
 * hour are not recorded. An outside review pressed Open 6,000 times on a case about the headteacher (whose presses on
 * reports no budget counts): the case's record grew to 30 export messages of refusals, and every Open of it slowed.
 */
export const REFUSALS_RECORDED_AN_HOUR = 20;

/** Creates the refusal recorder. */
export function createConcernRefusals(deps: ConcernRefusalsDeps): ConcernRefusals {
  const now = deps.now ?? (() => new Date());
  const alertInterval = deps.chairAlertIntervalMs ?? 60 * 60_000;

  const isAboutThem = (c: ConcernCase, actor: { aadObjectId: string }) =>
    c.report.aboutHeadteacher && deps.headteacherId !== undefined && actor.aadObjectId === deps.headteacherId;

  /** Whether the case was shown to the person (sent to them, opened, listed, acted on) before it was first marked. */
  function shownBeforeMarking(c: ConcernCase, id: string): boolean {
    const marked = c.events.findIndex((e) => e.type === 'markedAboutHeadteacher');
    return c.events.slice(0, marked < 0 ? c.events.length : marked)
      .some((e) => e.actorId === id || (e.type === 'routed' && e.data.recipientId === id));
  }

  /** Runs the outbox without waiting for it, so that an alert being sent does not hold up the answer. */
  function runOutboxSoon(reference: string): void {
    deps.outbox.processDue().catch((err) => {
      deps.log.error({ reference, code: (err as { code?: string }).code ?? 'OUTBOX_ERROR' }, 'outbox run failed');
    });
  }

  return {
    isAboutThem,

    async record(actor, operation, reference, found, reason, options = {}) {
      const at = now().toISOString();
      const data: Record<string, string> = { operation, reference: reference ?? '', reason };
      if (found) {
        const hourAgo = Date.parse(at) - 60 * 60_000;
        const recent = found.events.filter((e) => e.type === 'accessRefused' && e.actorId === actor.aadObjectId && Date.parse(e.at) > hourAgo).length;
        if (recent >= REFUSALS_RECORDED_AN_HOUR) return;
        if (recent === REFUSALS_RECORDED_AN_HOUR - 1) data.more = 'notRecorded';
      }
      const tasks: OutboxTask[] = [];
      if (found && isAboutThem(found, actor) && options.unprompted && shownBeforeMarking(found, actor.aadObjectId)) {
        data.chairAlert = 'oldCard';
      } else if (found && isAboutThem(found, actor)) {
        const recentlyAlerted = found.events.some((e) => e.type === 'accessRefused' && e.data.chairAlert === 'queued'
          && Date.parse(at) - Date.parse(e.at) < alertInterval);
        data.chairAlert = recentlyAlerted ? 'alreadyAlerted' : 'queued';
        if (!recentlyAlerted) tasks.push({ kind: 'alertChair', operation, attemptAt: at });
      }
      await deps.store.append(found?.report.id ?? null, [{ type: 'accessRefused', at, actorId: actor.aadObjectId, actorName: actor.name, data }], tasks);
      // One log line for every reason: whoever reads the logs learns no more than the person who asked.
      deps.log.warn({ operation, reference, code: 'CONCERN_NOT_FOUND' }, 'concern access refused');
      if (found && tasks.length > 0) runOutboxSoon(found.report.reference);
    },
  };
}
