import { ConcernOutbox } from './concernOutbox';
import { ConcernLog, ConcernStore, OutboxTask, SafeguardingMember } from './concernPorts';
import {
  CONCERN_ACTION_TYPES, ConcernActionType, ConcernActor, ConcernCase, ConcernError, NewConcernEvent,
} from './concernTypes';

/** Limits for what triagers type, in characters. */
export const TRIAGE_TEXT_LIMIT = 4000;

/** What triage needs. */
export interface ConcernTriageDeps {
  store: ConcernStore;
  outbox: ConcernOutbox;
  /** The safeguarding team (DSL and deputies): the only people who may list, read and act on concerns. */
  team: readonly SafeguardingMember[];
  log: ConcernLog;
  /**
   * The headteacher's Entra object id. Reports about the headteacher stay hidden from them even when they are
   * on the safeguarding team (in many schools the head is the DSL).
   */
  headteacherId?: string;
  now?: () => Date;
}

/** The operations a case supports; each is checked and recorded. */
export type TriageOperation = 'open' | 'list' | 'export' | 'acknowledge' | 'assign' | 'addNote' | 'recordAction' | 'close';

/** Operations the person a report was sent to (a senior manager, the headteacher) may perform on that one case. */
const RECIPIENT_OPERATIONS: ReadonlySet<TriageOperation> = new Set(['open', 'acknowledge', 'addNote', 'recordAction', 'close']);

/** Triage of concerns by the safeguarding team: every change is an appended event. */
export interface ConcernTriage {
  /** True when the person is on the configured safeguarding team. */
  isTeamMember(aadObjectId: string): boolean;
  /** The configured team, for the Assign choices. */
  teamMembers(): readonly SafeguardingMember[];
  /** Reads a case; `recordView` false for automatic card refreshes, which are not a person choosing to look. */
  openCase(actor: ConcernActor, reference: string, recordView?: boolean): Promise<ConcernCase>;
  /** Lists open cases (team only); the listing is recorded in the audit. */
  listOpen(actor: ConcernActor): Promise<ConcernCase[]>;
  /** Returns a whole case for export (team only); the export is recorded. */
  exportCase(actor: ConcernActor, reference: string): Promise<ConcernCase>;
  /** Marks a case read; the reporter is told. Acknowledging twice changes nothing. */
  acknowledge(actor: ConcernActor, reference: string): Promise<ConcernCase>;
  /** Assigns a case to a member of the team. */
  assign(actor: ConcernActor, reference: string, assigneeId: string): Promise<ConcernCase>;
  /** Appends a note (also how corrections are made). */
  addNote(actor: ConcernActor, reference: string, note: string): Promise<ConcernCase>;
  /** Records a referral or other action with its reason. */
  recordAction(actor: ConcernActor, reference: string, actionType: string, detail: string): Promise<ConcernCase>;
  /** Closes a case with its outcome; the reporter is told it is closed. */
  close(actor: ConcernActor, reference: string, outcome: string): Promise<ConcernCase>;
}

/** Creates the triage use cases. */
export function createConcernTriage(deps: ConcernTriageDeps): ConcernTriage {
  const now = deps.now ?? (() => new Date());
  const team = new Map(deps.team.map((m) => [m.aadObjectId, m]));

  const isAboutThem = (c: ConcernCase, actor: { aadObjectId: string }) =>
    c.report.aboutHeadteacher && deps.headteacherId !== undefined && actor.aadObjectId === deps.headteacherId;

  async function refuse(actor: ConcernActor, operation: TriageOperation, reference: string | undefined, concernId: number | null): Promise<never> {
    await deps.store.append(concernId, [{
      type: 'accessRefused', at: now().toISOString(), actorId: actor.aadObjectId, actorName: actor.name,
      data: { operation, reference: reference ?? '' },
    }]);
    deps.log.warn({ operation, reference, code: 'CONCERN_ACCESS_DENIED' }, 'concern access refused');
    throw new ConcernError('CONCERN_ACCESS_DENIED', 'Only the safeguarding team can see or act on concerns.');
  }

  /** Loads a case the actor may work on, recording a refusal (without revealing whether it exists) otherwise. */
  async function assertCaseAccess(actor: ConcernActor, reference: string, operation: TriageOperation): Promise<ConcernCase> {
    const found = await deps.store.getCase(reference.trim());
    const allowed = !(found && isAboutThem(found, actor))
      && (team.has(actor.aadObjectId) || (found !== undefined && found.recipientId === actor.aadObjectId && RECIPIENT_OPERATIONS.has(operation)));
    if (!allowed) return refuse(actor, operation, reference, found?.report.id ?? null);
    if (!found) throw new ConcernError('CONCERN_NOT_FOUND', `No concern has the reference ${reference.trim()}.`);
    return found;
  }

  function assertText(value: unknown, label: string): string {
    const text = typeof value === 'string' ? value.trim() : '';
    if (!text) throw new ConcernError('CONCERN_INVALID_COMMAND', `${label} is needed.`);
    if (text.length > TRIAGE_TEXT_LIMIT) {
      throw new ConcernError('CONCERN_INVALID_COMMAND', `${label} is ${text.length} characters; the limit is ${TRIAGE_TEXT_LIMIT}.`);
    }
    return text;
  }

  function assertOpen(c: ConcernCase): void {
    if (c.status === 'closed') throw new ConcernError('CONCERN_CLOSED', `${c.report.reference} is closed; add a note instead.`);
  }

  async function record(actor: ConcernActor, c: ConcernCase, type: NewConcernEvent['type'], data: Record<string, string>, tasks: OutboxTask[] = []) {
    await deps.store.append(c.report.id, [{ type, at: now().toISOString(), actorId: actor.aadObjectId, actorName: actor.name, data }], tasks);
    deps.log.info({ reference: c.report.reference, event: type }, 'concern updated');
    if (tasks.length > 0) {
      try {
        await deps.outbox.processDue();
      } catch (err) {
        deps.log.error({ reference: c.report.reference, code: (err as { code?: string }).code ?? 'OUTBOX_ERROR' }, 'outbox run failed');
      }
    }
    return (await deps.store.getCaseById(c.report.id))!;
  }

  return {
    isTeamMember: (id) => team.has(id),
    teamMembers: () => deps.team,

    async openCase(actor, reference, recordView = true) {
      const c = await assertCaseAccess(actor, reference, 'open');
      return recordView ? record(actor, c, 'viewed', {}) : c;
    },

    async listOpen(actor) {
      if (!team.has(actor.aadObjectId)) return refuse(actor, 'list', undefined, null);
      const open = (await deps.store.listOpenCases()).filter((c) => !isAboutThem(c, actor));
      await deps.store.append(null, [{
        type: 'listed', at: now().toISOString(), actorId: actor.aadObjectId, actorName: actor.name, data: { count: String(open.length) },
      }]);
      return open;
    },

    async exportCase(actor, reference) {
      const c = await assertCaseAccess(actor, reference, 'export');
      return record(actor, c, 'exported', {});
    },

    async acknowledge(actor, reference) {
      const c = await assertCaseAccess(actor, reference, 'acknowledge');
      if (c.status !== 'new') return c;
      return record(actor, c, 'acknowledged', {}, [{ kind: 'notifyReporter', notice: 'acknowledged' }]);
    },

    async assign(actor, reference, assigneeId) {
      const c = await assertCaseAccess(actor, reference, 'assign');
      assertOpen(c);
      const member = team.get(typeof assigneeId === 'string' ? assigneeId : '');
      if (!member) throw new ConcernError('CONCERN_INVALID_COMMAND', 'Choose a member of the safeguarding team to assign.');
      if (isAboutThem(c, member)) throw new ConcernError('CONCERN_INVALID_COMMAND', 'A report about the headteacher cannot be assigned to the headteacher.');
      return record(actor, c, 'assigned', { assigneeId: member.aadObjectId, assigneeName: member.name ?? member.aadObjectId });
    },

    async addNote(actor, reference, note) {
      const c = await assertCaseAccess(actor, reference, 'addNote');
      return record(actor, c, 'noteAdded', { note: assertText(note, 'A note') });
    },

    async recordAction(actor, reference, actionType, detail) {
      const c = await assertCaseAccess(actor, reference, 'recordAction');
      if (!(CONCERN_ACTION_TYPES as readonly string[]).includes(actionType)) {
        throw new ConcernError('CONCERN_INVALID_COMMAND', 'Choose which action was taken.');
      }
      return record(actor, c, 'actionRecorded', {
        actionType: actionType as ConcernActionType, detail: assertText(detail, 'The reason and details of the action'),
      });
    },

    async close(actor, reference, outcome) {
      const c = await assertCaseAccess(actor, reference, 'close');
      assertOpen(c);
      return record(actor, c, 'closed', { outcome: assertText(outcome, 'The outcome') }, [{ kind: 'notifyReporter', notice: 'closed' }]);
    },
  };
}
