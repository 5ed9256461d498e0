import { markAboutHeadteacher } from './aboutHeadteacherMark';
import { copiesToWithdraw, copyData } from './headCopies';
import { ConcernOutbox } from './concernOutbox';
import { ConcernLog, ConcernStore, OutboxTask, PostedCopy, SafeguardingMember } from './concernPorts';
import { concernNotFoundMessage, normaliseConcernReference } from './concernReference';
import { ConcernRoutingTable } from './concernRouting';
import { createConcernRefusals, RefusalOptions, RefusalReason } from './concernRefusals';
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
  /**
   * The people reports are sent to by name (CONCERN_SENIOR_MANAGER, CONCERN_HEADTEACHER, the chair of governors...): each
   * may list the open reports sent to them, and only those.
   */
  recipients?: ReadonlySet<string>;
  /** How long a marked report may reach no one before the team is told (default two minutes, as for a new report). */
  undeliveredAlertMs?: number;
  /** Where reports go: a report marked about the headteacher afterwards goes where one marked so by its reporter would. */
  routing?: ConcernRoutingTable;
  /** After an alert to the chair about a case, further attempts on it alert again only after this long (default 1 hour). */
  chairAlertIntervalMs?: number;
  now?: () => Date;
}

/** The operations a case supports; each is checked and recorded. */
export type TriageOperation = 'open' | 'list' | 'export' | 'acknowledge' | 'assign' | 'addNote' | 'recordAction' | 'close' | 'aboutHeadteacher';

/**
 * Operations the person a report was sent to (a senior manager, the headteacher, the chair) may perform on that one case:
 * its export too, the record they keep as its case manager (in their 1:1 chat only, as for the team).
 */
const RECIPIENT_OPERATIONS: ReadonlySet<TriageOperation> = new Set(['open', 'export', 'acknowledge', 'addNote', 'recordAction', 'close']);

/** Triage of concerns by the safeguarding team: every change is an appended event. */
export interface ConcernTriage {
  /** True when the person is on the configured safeguarding team. */
  isTeamMember(aadObjectId: string): boolean;
  /**
   * True when the case, as it now stands, must not be shown to the person (it is about the headteacher and they are the
   * headteacher): a step they took just before it was marked returns a case they may no longer read.
   */
  hiddenFrom(c: ConcernCase, actor: ConcernActor): boolean;
  /** hiddenFrom on the case as it stands in the store now (read only for the headteacher: no one else is ever hidden from). */
  hiddenNow(c: ConcernCase, actor: ConcernActor): Promise<boolean>;
  /** The configured team, for the Assign choices. */
  teamMembers(): readonly SafeguardingMember[];
  /**
   * Reads a case; every read is recorded as a view, tagged as a refresh when the client says it is one (a card
   * refresh, `refresh: true` or trigger "automatic": both set by the client, so they tag the view, never skip it).
   * A reference the person may not see, whatever the reason, is recorded and answered CONCERN_NOT_FOUND.
   */
  openCase(actor: ConcernActor, reference: string, options?: { refresh?: boolean; fromList?: boolean }): Promise<ConcernCase>;
  /**
   * Checks the person may perform the operation on the case, showing and recording nothing of it when they may
   * (asked somewhere details are not shown); a refusal is recorded and answered CONCERN_NOT_FOUND, as everywhere.
   */
  assertMayAct(actor: ConcernActor, reference: string, operation: TriageOperation): Promise<void>;
  /** Whether the person may list concerns: the team (every open one) or someone reports are sent to by name (their own). */
  mayList(aadObjectId: string): boolean;
  /**
   * Lists open cases: every one for the team, those sent to them for a person reports go to by name; never one about
   * the person listing. The listing is recorded in the audit; anyone else is refused, and that is recorded too.
   */
  listOpen(actor: ConcernActor): Promise<ConcernCase[]>;
  /** Returns a whole case for export (the team, or the person it was sent to); the export is recorded. */
  exportCase(actor: ConcernActor, reference: string): Promise<ConcernCase>;
  /** Marks a case read; the reporter is told. Acknowledging twice changes nothing. */
  acknowledge(actor: ConcernActor, reference: string): Promise<ConcernCase>;
  /** Assigns a case to a member of the team. */
  assign(actor: ConcernActor, reference: string, assigneeId: string): Promise<ConcernCase>;
  /** Appends a note (also how corrections are made). */
  addNote(actor: ConcernActor, reference: string, note: string): Promise<ConcernCase>;
  /** Records a referral or other action with its reason. */
  recordAction(actor: ConcernActor, reference: string, actionType: string, detail: string): Promise<ConcernCase>;
  /**
   * Marks a case as about the headteacher (team only): from then on the headteacher cannot open, list or act on it, and it
   * is sent to the chair of governors (or the fallback a report about the headteacher has). Marking it again changes nothing.
   */
  markAboutHeadteacher(actor: ConcernActor, reference: string): Promise<ConcernCase>;
  /** Closes a case with its outcome; the reporter is told it is closed. */
  close(actor: ConcernActor, reference: string, outcome: string): Promise<ConcernCase>;
  /**
   * Keeps a copy of the case the bot has just posted in the person's own chat, when the person is the headteacher, so it
   * can be withdrawn if the report is marked as about them; if it was marked meanwhile, it is withdrawn at once.
   */
  keepCopyShown(actor: ConcernActor, c: ConcernCase, copy: PostedCopy): Promise<void>;
}

/** Creates the triage use cases. */
export function createConcernTriage(deps: ConcernTriageDeps): ConcernTriage {
  const now = deps.now ?? (() => new Date());
  const team = new Map(deps.team.map((m) => [m.aadObjectId, m]));
  const refusals = createConcernRefusals(deps);
  const { isAboutThem } = refusals;

  const actedBy = (actor: ConcernActor) => ({ actorId: actor.aadObjectId, actorName: actor.name });

  /** Records the refusal and answers "not found": the same words whatever the reason, naming only what was typed. */
  async function refuse(
    actor: ConcernActor, operation: TriageOperation, reference: string | undefined, found: ConcernCase | undefined, reason: RefusalReason,
    options: RefusalOptions = {},
  ): Promise<never> {
    await refusals.record(actor, operation, reference, found, reason, options);
    throw new ConcernError('CONCERN_NOT_FOUND', concernNotFoundMessage(reference));
  }

  /** Loads a case the actor may work on; anything else is recorded and answered as "not found". */
  async function assertCaseAccess(actor: ConcernActor, typed: unknown, operation: TriageOperation, options: RefusalOptions = {}): Promise<ConcernCase> {
    const reference = normaliseConcernReference(typed);
    const found = reference ? await deps.store.getCase(reference) : undefined;
    if (!found) return refuse(actor, operation, reference, undefined, 'notFound');
    if (isAboutThem(found, actor)) return refuse(actor, operation, reference, found, 'aboutThem', options);
    const mayAct = team.has(actor.aadObjectId)
      || (found.recipientId === actor.aadObjectId && RECIPIENT_OPERATIONS.has(operation));
    if (!mayAct) return refuse(actor, operation, reference, found, 'notPermitted');
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
    return recordAll(c, [{ type, at: now().toISOString(), ...actedBy(actor), data }], tasks);
  }

  /** Whether the message is kept already as one of the head's copies, and not withdrawn since. */
  const isHeld = (c: ConcernCase, copy: PostedCopy) => copiesToWithdraw(c, deps.headteacherId)
    .some((k) => k.conversationId === copy.conversationId && k.messageId === copy.messageId);

  /** Appends the events (and the outbox's work, run at once) and returns the case as it now stands. */
  async function recordAll(c: ConcernCase, events: NewConcernEvent[], tasks: OutboxTask[]) {
    await deps.store.append(c.report.id, events, tasks);
    deps.log.info({ reference: c.report.reference, event: events[events.length - 1].type }, 'concern updated');
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
    hiddenFrom: (c, actor) => isAboutThem(c, actor),
    async hiddenNow(c, actor) {
      if (!deps.headteacherId || actor.aadObjectId !== deps.headteacherId) return false;
      const current = await deps.store.getCaseById(c.report.id);
      return current !== undefined && isAboutThem(current, actor);
    },
    teamMembers: () => deps.team,

    async openCase(actor, reference, options = {}) {
      // A card refresh or Open on a list is not asked for as such: an old card of the headteacher's alerts no one.
      const c = await assertCaseAccess(actor, reference, 'open', { unprompted: options.refresh === true || options.fromList === true });
      return record(actor, c, 'viewed', options.refresh ? { refresh: 'true' } : {});
    },

    async assertMayAct(actor, reference, operation) {
      await assertCaseAccess(actor, reference, operation);
    },

    mayList: (id) => team.has(id) || (deps.recipients?.has(id) ?? false),

    async listOpen(actor) {
      const onTeam = team.has(actor.aadObjectId);
      if (!onTeam && !deps.recipients?.has(actor.aadObjectId)) {
        await deps.store.append(null, [{ type: 'accessRefused', at: now().toISOString(), ...actedBy(actor), data: { operation: 'list', reference: '' } }]);
        deps.log.warn({ operation: 'list', code: 'CONCERN_ACCESS_DENIED' }, 'concern access refused');
        throw new ConcernError('CONCERN_ACCESS_DENIED', 'Only the safeguarding team, and those reports are sent to, can list concerns.');
      }
      const open = (await deps.store.listOpenCases())
        .filter((c) => !isAboutThem(c, actor) && (onTeam || c.recipientId === actor.aadObjectId));
      await deps.store.append(null, [{
        type: 'listed', at: now().toISOString(), ...actedBy(actor), data: { count: String(open.length) },
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
      // Any known action is taken, not only those the card now offers for the kind: a card posted before the lists
      // changed still offers the old ones, and what was really done must not be lost for it.
      if (!(CONCERN_ACTION_TYPES as readonly string[]).includes(actionType)) {
        throw new ConcernError('CONCERN_INVALID_COMMAND', 'Choose which action was taken.');
      }
      return record(actor, c, 'actionRecorded', {
        actionType: actionType as ConcernActionType, detail: assertText(detail, 'The reason and details of the action'),
      });
    },

    async markAboutHeadteacher(actor, reference) {
      const c = await assertCaseAccess(actor, reference, 'aboutHeadteacher');
      if (c.report.aboutHeadteacher) return c;
      if (!deps.routing) throw new ConcernError('CONCERN_DESTINATION_UNCONFIGURED', 'Where reports about the headteacher go is not set up.');
      const marked = markAboutHeadteacher(c, {
        ...actedBy(actor), at: now(), routing: deps.routing,
        ...(deps.headteacherId ? { headteacherId: deps.headteacherId } : {}), ...(deps.undeliveredAlertMs ? { undeliveredAlertMs: deps.undeliveredAlertMs } : {}),
      });
      return recordAll(c, marked.events, marked.tasks);
    },

    async keepCopyShown(actor, c, copy) {
      if (!deps.headteacherId || actor.aadObjectId !== deps.headteacherId || !copy.conversationId || !copy.messageId) return;
      // A message kept already (the head pressing the same card again) is not kept twice: one line in the record each.
      const before = await deps.store.getCaseById(c.report.id);
      const held = before !== undefined && isHeld(before, copy);
      if (!held) await deps.store.append(c.report.id, [{ type: 'copyShown', at: now().toISOString(), ...actedBy(actor), data: copyData(copy) }]);
      // Kept (when not kept already) before it is read: a marking before the read is seen here; one after it withdraws
      // this copy with the rest.
      const current = held ? before : await deps.store.getCaseById(c.report.id);
      if (!current?.report.aboutHeadteacher) return;
      await deps.store.append(c.report.id, [], [{ kind: 'withdrawHeadCopies' }], now().toISOString());
      await deps.outbox.processDue().catch((err) => {
        deps.log.error({ reference: c.report.reference, code: (err as { code?: string }).code ?? 'OUTBOX_ERROR' }, 'outbox run failed');
      });
    },

    async close(actor, reference, outcome) {
      const c = await assertCaseAccess(actor, reference, 'close');
      assertOpen(c);
      return record(actor, c, 'closed', { outcome: assertText(outcome, 'The outcome') }, [{ kind: 'notifyReporter', notice: 'closed' }]);
    },
  };
}
