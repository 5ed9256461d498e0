import {
  ConcernStore, NewConcern, OutboxEntry, OutboxTask,
} from '../../features/concerns/domain/concernPorts';
import {
  ConcernCase, ConcernError, ConcernEvent, ConcernEventType, ConcernKind, ConcernOrigin, ConcernReport, ConcernReporter,
  NewConcernEvent, deriveConcernCase,
} from '../../features/concerns/domain/concernTypes';
import { ConcernReferenceDraw, createConcernReference } from '../../features/concerns/domain/concernReference';
import { firstDue } from '../../features/concerns/domain/concernOutboxTasks';
import { FieldCipher } from '../../shared/fieldEncryption';
import { createConcernSealing } from '../concernSealing';
import { Migration, SqliteDatabase, migrate } from './sqliteDatabase';

/**
 * Reports are inserted once and never updated; events are append-only. Both are enforced by triggers so no
 * code path (nor a stray UPDATE in a console) can overwrite or delete a safeguarding record.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE concern_reference_counters (
        prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (prefix, year));
      CREATE TABLE concerns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL,
        immediate_danger INTEGER NOT NULL,
        about_headteacher INTEGER NOT NULL,
        submitted_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        reporter_enc TEXT NOT NULL,
        what_happened_enc TEXT NOT NULL,
        when_happened_enc TEXT NOT NULL,
        where_enc TEXT NOT NULL,
        link_enc TEXT,
        people_involved_enc TEXT NOT NULL,
        evidence_enc TEXT,
        attached_message_enc TEXT);
      CREATE TRIGGER concerns_no_update BEFORE UPDATE ON concerns
        BEGIN SELECT RAISE(ABORT, 'CONCERN_APPEND_ONLY: reports are never changed; append an event'); END;
      CREATE TRIGGER concerns_no_delete BEFORE DELETE ON concerns
        BEGIN SELECT RAISE(ABORT, 'CONCERN_APPEND_ONLY: reports are never deleted'); END;
      CREATE TABLE concern_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        concern_id INTEGER REFERENCES concerns(id),
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        actor_id TEXT,
        data_enc TEXT NOT NULL);
      CREATE INDEX concern_events_by_concern ON concern_events (concern_id, seq);
      CREATE TRIGGER concern_events_no_update BEFORE UPDATE ON concern_events
        BEGIN SELECT RAISE(ABORT, 'CONCERN_APPEND_ONLY: events are never changed; append a correction'); END;
      CREATE TRIGGER concern_events_no_delete BEFORE DELETE ON concern_events
        BEGIN SELECT RAISE(ABORT, 'CONCERN_APPEND_ONLY: events are never deleted'); END;
      CREATE TABLE concern_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        concern_id INTEGER NOT NULL REFERENCES concerns(id),
        task TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'inFlight', 'done')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        updated_at TEXT NOT NULL);
      CREATE INDEX concern_outbox_due ON concern_outbox (state, next_attempt_at);
    `,
  },
  {
    // INSERT OR REPLACE / REPLACE INTO delete the row they replace without firing the delete triggers, so a
    // report or its events could be overwritten: an insert that would collide with a stored row is refused.
    version: 2,
    sql: `
      CREATE TRIGGER concerns_no_replace BEFORE INSERT ON concerns
        WHEN EXISTS (SELECT 1 FROM concerns WHERE id = NEW.id OR reference = NEW.reference COLLATE NOCASE)
        BEGIN SELECT RAISE(ABORT, 'CONCERN_APPEND_ONLY: reports are never replaced'); END;
      CREATE TRIGGER concern_events_no_replace BEFORE INSERT ON concern_events
        WHEN EXISTS (SELECT 1 FROM concern_events WHERE seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, 'CONCERN_APPEND_ONLY: events are never replaced'); END;
    `,
  },
];

interface ConcernRow {
  id: number;
  reference: string;
  kind: string;
  immediate_danger: number;
  about_headteacher: number;
  submitted_at: string;
  origin: string;
  reporter_enc: string;
  what_happened_enc: string;
  when_happened_enc: string;
  where_enc: string;
  link_enc: string | null;
  people_involved_enc: string | null;
  evidence_enc: string | null;
  attached_message_enc: string | null;
}

interface EventRow {
  seq: number;
  concern_id: number | null;
  type: string;
  at: string;
  actor_id: string | null;
  data_enc: string;
}

interface OutboxRow {
  id: number;
  concern_id: number;
  task: string;
  state: OutboxEntry['state'];
  attempts: number;
  created_at: string;
  next_attempt_at: string;
}

/** Test seams of the concern stores. */
export interface ConcernStoreOptions {
  /** Draws a reference (default createConcernReference: random); a test passes one that repeats to see it redrawn. */
  newReference?: ConcernReferenceDraw;
}

/** Draws before giving up on finding an unused reference: with 30 bits, even one clash is a rarity. */
export const REFERENCE_DRAWS = 20;

/**
 * Creates the embedded concern store; report fields and event data are sealed with the field cipher. References
 * are drawn at random and checked unused inside the write transaction; concern_reference_counters stays as the
 * record of the sequential references stored before (storage copy reads it), and is no longer written.
 */
export function createSqliteConcernStore(db: SqliteDatabase, cipher: FieldCipher, options: ConcernStoreOptions = {}): ConcernStore {
  migrate(db, 'concerns', MIGRATIONS);
  const newReference: ConcernReferenceDraw = options.newReference ?? ((prefix, year) => createConcernReference(prefix, year));

  const { seal, open, sealEvent, openEvent } = createConcernSealing(cipher);

  const insertConcern = db.prepare(`INSERT INTO concerns (reference, kind, immediate_danger, about_headteacher,
    submitted_at, origin, reporter_enc, what_happened_enc, when_happened_enc, where_enc, link_enc, people_involved_enc,
    evidence_enc, attached_message_enc) VALUES (@reference, @kind, @immediateDanger, @aboutHeadteacher, @submittedAt,
    @origin, @reporter, @whatHappened, @whenHappened, @where, @link, @peopleInvolved, @evidence, @attachedMessage)`);
  const insertEvent = db.prepare('INSERT INTO concern_events (concern_id, type, at, actor_id, data_enc) VALUES (?, ?, ?, ?, ?)');
  const insertTask = db.prepare(`INSERT INTO concern_outbox (concern_id, task, state, attempts, created_at, next_attempt_at, updated_at)
    VALUES (?, ?, 'pending', 0, ?, ?, ?)`);
  const selectByReference = db.prepare('SELECT * FROM concerns WHERE reference = ? COLLATE NOCASE');
  const selectById = db.prepare('SELECT * FROM concerns WHERE id = ?');
  const selectEvents = db.prepare('SELECT * FROM concern_events WHERE concern_id = ? ORDER BY seq');
  const selectOpen = db.prepare(`SELECT * FROM concerns c WHERE NOT EXISTS (
    SELECT 1 FROM concern_events e WHERE e.concern_id = c.id AND e.type = 'closed') ORDER BY c.id`);
  const selectDue = db.prepare(`SELECT * FROM concern_outbox WHERE state = 'inFlight'
    OR (state = 'pending' AND next_attempt_at <= ?) ORDER BY id`);
  // Every change of an entry changes its state or its attempts, so the pair read by dueOutbox is its version.
  const claim = db.prepare(`UPDATE concern_outbox SET state = 'inFlight', attempts = attempts + 1, updated_at = ?
    WHERE id = ? AND state = ? AND attempts = ?`);
  const complete = db.prepare(`UPDATE concern_outbox SET state = 'done', updated_at = ? WHERE id = ?`);
  const reschedule = db.prepare(`UPDATE concern_outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ?`);

  // Who acted is encrypted with the rest of the event: with the kind and about_headteacher in clear, a plain
  // actor id on a "submitted" row would say who made an allegation about the head to anyone with the file.
  const appendEvents = (concernId: number | null, events: NewConcernEvent[]) => {
    for (const e of events) {
      const payload = JSON.stringify({ actorId: e.actorId, actorName: e.actorName, data: e.data });
      insertEvent.run(concernId, e.type, e.at, null, sealEvent(payload, concernId, e.type, e.at));
    }
  };
  encryptStoredActorIds(db, (row) => {
    const payload = JSON.parse(openEvent(row.data_enc, row.concern_id, row.type, row.at)) as Record<string, unknown>;
    return sealEvent(JSON.stringify({ actorId: row.actor_id, ...payload }), row.concern_id, row.type, row.at);
  });
  // A task may say when it first falls due (the delivery watch, two minutes after the report); the rest are due now.
  const queueTasks = (concernId: number, tasks: OutboxTask[], now: string) => {
    for (const t of tasks) insertTask.run(concernId, JSON.stringify(t), now, firstDue(t, now), now);
  };

  const toReport = (row: ConcernRow): ConcernReport => {
    const ref = row.reference;
    const reporter = JSON.parse(open(row.reporter_enc, ref, 'reporter')!) as ConcernReporter;
    return {
      id: row.id,
      reference: ref,
      kind: row.kind as ConcernKind,
      immediateDanger: row.immediate_danger === 1,
      aboutHeadteacher: row.about_headteacher === 1,
      submittedAt: row.submitted_at,
      origin: JSON.parse(row.origin) as ConcernOrigin,
      reporter,
      details: {
        whatHappened: open(row.what_happened_enc, ref, 'whatHappened')!,
        whenHappened: open(row.when_happened_enc, ref, 'whenHappened')!,
        where: open(row.where_enc, ref, 'where')!,
        link: open(row.link_enc, ref, 'link'),
        peopleInvolved: open(row.people_involved_enc, ref, 'peopleInvolved') ?? '',
        evidence: open(row.evidence_enc, ref, 'evidence'),
        attachedMessage: open(row.attached_message_enc, ref, 'attachedMessage'),
      },
    };
  };
  const toEvent = (row: EventRow): ConcernEvent => {
    const payload = JSON.parse(openEvent(row.data_enc, row.concern_id, row.type, row.at)) as {
      actorId?: string; actorName?: string; data: Record<string, string>;
    };
    return {
      seq: row.seq, concernId: row.concern_id, type: row.type as ConcernEventType, at: row.at,
      actorId: payload.actorId ?? row.actor_id ?? undefined, actorName: payload.actorName, data: payload.data ?? {},
    };
  };
  const toCase = (row: ConcernRow): ConcernCase =>
    deriveConcernCase(toReport(row), (selectEvents.all(row.id) as EventRow[]).map(toEvent));
  const toEntry = (row: OutboxRow): OutboxEntry => ({
    id: row.id, concernId: row.concern_id, task: JSON.parse(row.task) as OutboxTask, state: row.state,
    attempts: row.attempts, createdAt: row.created_at, nextAttemptAt: row.next_attempt_at,
  });

  /** A drawn reference no report has (in any case); runs inside the write transaction, so no one takes it meanwhile. */
  const unusedReference = (prefix: string, year: number): string => {
    for (let i = 0; i < REFERENCE_DRAWS; i++) {
      const reference = newReference(prefix, year);
      if (!selectByReference.get(reference)) return reference;
    }
    throw new ConcernError('CONCERN_REFERENCE_EXHAUSTED', `no unused reference after ${REFERENCE_DRAWS} draws`);
  };

  const create = db.transaction((input: NewConcern, tasks: OutboxTask[]): ConcernReport => {
    const year = new Date(input.submittedAt).getUTCFullYear();
    const reference = unusedReference(input.referencePrefix, year);
    const d = input.draft.details;
    const info = insertConcern.run({
      reference,
      kind: input.draft.kind,
      immediateDanger: input.draft.immediateDanger ? 1 : 0,
      aboutHeadteacher: input.draft.aboutHeadteacher ? 1 : 0,
      submittedAt: input.submittedAt,
      origin: JSON.stringify(input.origin),
      reporter: seal(JSON.stringify(input.reporter), reference, 'reporter'),
      whatHappened: seal(d.whatHappened, reference, 'whatHappened'),
      whenHappened: seal(d.whenHappened, reference, 'whenHappened'),
      where: seal(d.where, reference, 'where'),
      link: seal(d.link, reference, 'link'),
      peopleInvolved: seal(d.peopleInvolved, reference, 'peopleInvolved'),
      evidence: seal(d.evidence, reference, 'evidence'),
      attachedMessage: seal(d.attachedMessage, reference, 'attachedMessage'),
    });
    const id = Number(info.lastInsertRowid);
    appendEvents(id, [{
      type: 'submitted', at: input.submittedAt, actorId: input.reporter.aadObjectId, actorName: input.reporter.name,
      data: {
        kind: input.draft.kind, urgent: String(input.draft.immediateDanger), source: input.origin.source,
        ...(input.draft.howSoon ? { howSoon: input.draft.howSoon } : {}),
        ...(input.draft.missing?.length ? { missing: input.draft.missing.join(',') } : {}),
      },
    }]);
    queueTasks(id, tasks, input.submittedAt);
    return toReport(selectById.get(id) as ConcernRow);
  });
  const appendTx = db.transaction((concernId: number | null, events: NewConcernEvent[], tasks: OutboxTask[], queuedAt?: string) => {
    appendEvents(concernId, events);
    if (concernId !== null && tasks.length > 0) queueTasks(concernId, tasks, events[0]?.at ?? queuedAt ?? new Date().toISOString());
  });
  const completeTx = db.transaction((id: number, concernId: number, events: NewConcernEvent[]) => {
    appendEvents(concernId, events);
    complete.run(events[0]?.at ?? new Date().toISOString(), id);
  });
  const rescheduleTx = db.transaction((id: number, concernId: number, next: string, events: NewConcernEvent[]) => {
    appendEvents(concernId, events);
    reschedule.run(next, events[0]?.at ?? new Date().toISOString(), id);
  });

  return {
    async createConcern(input, tasks) {
      // IMMEDIATE takes the write lock before checking the reference is unused, so two processes never store one twice.
      return create.immediate(input, tasks);
    },
    async getCase(reference) {
      const row = selectByReference.get(reference) as ConcernRow | undefined;
      return row ? toCase(row) : undefined;
    },
    async getCaseById(id) {
      const row = selectById.get(id) as ConcernRow | undefined;
      return row ? toCase(row) : undefined;
    },
    async listOpenCases() {
      return (selectOpen.all() as ConcernRow[]).map(toCase);
    },
    async append(concernId, events, tasks = [], queuedAt) {
      appendTx.immediate(concernId, events, tasks, queuedAt);
    },
    async dueOutbox(now) {
      return (selectDue.all(now) as OutboxRow[]).map(toEntry);
    },
    async claimOutbox(entry, now) {
      return claim.run(now, entry.id, entry.state, entry.attempts).changes === 1;
    },
    async completeOutbox(id, concernId, events) {
      completeTx.immediate(id, concernId, events);
    },
    async rescheduleOutbox(id, concernId, nextAttemptAt, events) {
      rescheduleTx.immediate(id, concernId, nextAttemptAt, events);
    },
  };
}

/**
 * Moves actor ids stored in clear (databases written before they were encrypted) into each event's encrypted
 * payload. The events table refuses updates, so the guard is lifted for this one rewrite and restored in the
 * same transaction; nothing else about an event changes.
 */
function encryptStoredActorIds(db: SqliteDatabase, reencrypt: (row: EventRow) => string): void {
  const plain = db.prepare('SELECT * FROM concern_events WHERE actor_id IS NOT NULL').all() as EventRow[];
  if (plain.length === 0) return;
  const guard = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'concern_events_no_update'").get() as { sql: string }).sql;
  const rewrite = db.prepare('UPDATE concern_events SET actor_id = NULL, data_enc = ? WHERE seq = ?');
  db.transaction(() => {
    db.exec('DROP TRIGGER concern_events_no_update');
    for (const row of plain) rewrite.run(reencrypt(row), row.seq);
    db.exec(guard);
  })();
}
