import { TableClient, TransactionAction, odata } from '@azure/data-tables';
import { ConcernStore, OutboxEntry, OutboxTask } from '../../features/concerns/domain/concernPorts';
import { firstDue } from '../../features/concerns/domain/concernOutboxTasks';
import {
  ConcernCase, ConcernEvent, ConcernEventType, ConcernKind, ConcernOrigin, ConcernReport, ConcernReporter,
  NewConcernEvent, deriveConcernCase,
} from '../../features/concerns/domain/concernTypes';
import { ConcernReferenceDraw, createConcernReference } from '../../features/concerns/domain/concernReference';
import { FieldCipher } from '../../shared/fieldEncryption';
import { createConcernSealing } from '../concernSealing';
import {
  AzureTableConnection, backoff, getLong, getOrUndefined, httpStatusOf, openRecordTable, padKey, putLong, queryAll,
} from './azureTableRecords';
import { submitTransaction } from './azureTableTransactions';

/**
 * Concerns in Azure Table storage, laid out so every write a report needs is one entity group transaction:
 *
 * - one table (`<prefix>Concerns`), one partition (`concerns`): a school files tens of reports a year, far inside
 *   a partition's limits, and a transaction can only span one partition;
 * - `counters`: the last concern id, event seq and outbox id (and, from before references were random, the last
 *   reference number of each prefix and year, no longer written). Every write updates it under its etag in the
 *   same transaction as the entities it numbers, so two instances never hand out one number, and a write that lost
 *   the race is retried with fresh numbers;
 * - `concern|<id>` (the report) and `ref|<REFERENCE>` (its reference, drawn at random, unique): created, never
 *   updated. A drawn reference already taken fails the transaction (409) and the write is retried with a new draw;
 * - `event|<concern id or "audit">|<seq>`: created, never updated; a chronology is one range read;
 * - `outbox|<id>`: the one kind of entity that changes. A claim is a write under the etag dueOutbox read, so of two
 *   instances claiming one entry exactly one succeeds.
 *
 * Report fields and event payloads are sealed with the same field cipher and the same contexts as the SQLite store,
 * so a copy from SQLite moves the ciphertext as it is, and nothing is decrypted to move it.
 */
export interface AzureTableConcernStoreOptions extends AzureTableConnection {
  cipher: FieldCipher;
  /** This instance's id (WORKER_ID): an entry it left in flight is due again for it at once after a restart. */
  workerId: string;
  /** How long another instance's claim holds before the entry is due for anyone (default 10 minutes). */
  claimLeaseMs?: number;
  /** Draws a reference (default createConcernReference: random); a test passes one that repeats to see it redrawn. */
  newReference?: ConcernReferenceDraw;
}

/** The partition every concern entity lives in. */
export const CONCERN_PARTITION = 'concerns';
/** The table name after the prefix. */
export const CONCERN_TABLE = 'Concerns';
const COUNTERS = 'counters';
const TRIES = 30;

/** Row keys of the concern table. */
export const concernKeys = {
  concern: (id: number) => `concern|${padKey(id)}`,
  reference: (reference: string) => `ref|${reference.toUpperCase()}`,
  event: (concernId: number | null, seq: number) => `event|${concernId === null ? 'audit' : padKey(concernId)}|${padKey(seq)}`,
  outbox: (id: number) => `outbox|${padKey(id)}`,
  counters: COUNTERS,
};

/**
 * The counter of one prefix and year's sequential references, as a property name (prefixes are letters; hex keeps
 * any safe). References are random now; the counter is kept for the copy from SQLite of the references before.
 */
export const referenceCounterName = (prefix: string, year: number): string => `ref_${Buffer.from(prefix, 'utf8').toString('hex')}_${year}`;

type Props = Record<string, unknown>;
type Counters = Props & { lastId?: number; lastSeq?: number; lastOutbox?: number; etag?: string };

/** The stored (sealed) form of a report, shared with the copy from SQLite. */
export interface SealedConcern {
  id: number; reference: string; kind: string; immediateDanger: boolean; aboutHeadteacher: boolean; submittedAt: string;
  origin: string; reporterEnc: string; whatHappenedEnc: string; whenHappenedEnc: string; whereEnc: string;
  linkEnc: string | null; peopleInvolvedEnc: string | null; evidenceEnc: string | null; attachedMessageEnc: string | null;
}
/** The stored (sealed) form of an event. */
export interface SealedEvent { seq: number; concernId: number | null; type: string; at: string; dataEnc: string }
/** The stored form of an outbox entry. */
export interface StoredOutbox {
  id: number; concernId: number; task: string; state: OutboxEntry['state']; attempts: number; createdAt: string;
  nextAttemptAt: string; updatedAt: string;
}

const SEALED_FIELDS = ['reporter', 'whatHappened', 'whenHappened', 'where', 'link', 'peopleInvolved', 'evidence', 'attachedMessage'] as const;

/** The entity of a sealed report. */
export function concernEntity(c: SealedConcern): Props & { partitionKey: string; rowKey: string } {
  const e: Props & { partitionKey: string; rowKey: string } = {
    partitionKey: CONCERN_PARTITION, rowKey: concernKeys.concern(c.id), id: c.id, reference: c.reference, kind: c.kind,
    immediateDanger: c.immediateDanger, aboutHeadteacher: c.aboutHeadteacher, submittedAt: c.submittedAt, origin: c.origin,
  };
  const sealed: Record<(typeof SEALED_FIELDS)[number], string | null> = {
    reporter: c.reporterEnc, whatHappened: c.whatHappenedEnc, whenHappened: c.whenHappenedEnc, where: c.whereEnc,
    link: c.linkEnc, peopleInvolved: c.peopleInvolvedEnc, evidence: c.evidenceEnc, attachedMessage: c.attachedMessageEnc,
  };
  for (const f of SEALED_FIELDS) putLong(e, `${f}Enc`, sealed[f]);
  return e;
}

/** The entity that makes a reference unique and finds its report. */
export function referenceEntity(c: Pick<SealedConcern, 'id' | 'reference'>): Props & { partitionKey: string; rowKey: string } {
  return { partitionKey: CONCERN_PARTITION, rowKey: concernKeys.reference(c.reference), concernId: c.id };
}

/** The entity of a sealed event. */
export function eventEntity(e: SealedEvent): Props & { partitionKey: string; rowKey: string } {
  const entity: Props & { partitionKey: string; rowKey: string } = {
    partitionKey: CONCERN_PARTITION, rowKey: concernKeys.event(e.concernId, e.seq), seq: e.seq, type: e.type, at: e.at,
  };
  if (e.concernId !== null) entity.concernId = e.concernId;
  putLong(entity, 'dataEnc', e.dataEnc);
  return entity;
}

/** The entity of an outbox entry. */
export function outboxEntity(o: StoredOutbox): Props & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: CONCERN_PARTITION, rowKey: concernKeys.outbox(o.id), id: o.id, concernId: o.concernId, task: o.task,
    state: o.state, attempts: o.attempts, createdAt: o.createdAt, nextAttemptAt: o.nextAttemptAt, updatedAt: o.updatedAt,
    claimedBy: '', claimedAt: '',
  };
}

/** Opens the concern table (creating it when missing) and returns the store. */
export async function createAzureTableConcernStore(options: AzureTableConcernStoreOptions): Promise<ConcernStore> {
  return createAzureTableConcernStoreOn(await openRecordTable(options, CONCERN_TABLE), options);
}

/** The store over an open table client. */
export function createAzureTableConcernStoreOn(
  client: TableClient, options: Pick<AzureTableConcernStoreOptions, 'cipher' | 'workerId' | 'claimLeaseMs' | 'newReference'>,
): ConcernStore {
  const { cipher, workerId } = options;
  const newReference: ConcernReferenceDraw = options.newReference ?? ((prefix, year) => createConcernReference(prefix, year));
  const leaseMs = options.claimLeaseMs ?? 10 * 60_000;
  const { seal, open, sealEvent, openEvent } = createConcernSealing(cipher);

  /**
   * Runs one numbered write: reads the counters, lets `build` number its entities from them, and commits the
   * counters and the entities in one transaction under the counters' etag; on a lost race, does it all again.
   */
  async function numbered<T>(build: (c: Counters) => { counters: Props; actions: TransactionAction[]; result: T }): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const current: Counters = (await getOrUndefined<Counters>(client, CONCERN_PARTITION, COUNTERS)) ?? {};
      const { counters, actions, result } = build(current);
      const counterEntity = { partitionKey: CONCERN_PARTITION, rowKey: COUNTERS, ...counters };
      const counterAction: TransactionAction = current.etag
        ? ['update', counterEntity, 'Merge', { etag: current.etag }]
        : ['create', counterEntity];
      try {
        await submitTransaction(client, [counterAction, ...actions]);
        return result;
      } catch (err) {
        const status = httpStatusOf(err);
        // 412: another instance moved the counters first; 409: it created them first, or the drawn reference is
        // taken (build draws again). Anything else is real.
        if ((status !== 412 && status !== 409) || attempt >= TRIES) throw err;
        await backoff(attempt);
      }
    }
  }

  /** Seals events and numbers them from `lastSeq`. */
  const sealEvents = (concernId: number | null, events: NewConcernEvent[], lastSeq: number): SealedEvent[] =>
    events.map((e, i) => ({
      seq: lastSeq + i + 1, concernId, type: e.type, at: e.at,
      // Who acted is sealed with the rest of the event, as in SQLite (an actor id beside "aboutHeadteacher" says too much).
      dataEnc: sealEvent(JSON.stringify({ actorId: e.actorId, actorName: e.actorName, data: e.data }), concernId, e.type, e.at),
    }));

  const taskEntities = (concernId: number, tasks: OutboxTask[], lastOutbox: number, now: string) =>
    tasks.map((t, i) => outboxEntity({
      id: lastOutbox + i + 1, concernId, task: JSON.stringify(t), state: 'pending', attempts: 0, createdAt: now, nextAttemptAt: firstDue(t, now), updatedAt: now,
    }));

  const toReport = (e: Props): ConcernReport => {
    const ref = String(e.reference);
    return {
      id: Number(e.id),
      reference: ref,
      kind: e.kind as ConcernKind,
      immediateDanger: e.immediateDanger === true,
      aboutHeadteacher: e.aboutHeadteacher === true,
      submittedAt: String(e.submittedAt),
      origin: JSON.parse(String(e.origin)) as ConcernOrigin,
      reporter: JSON.parse(open(getLong(e, 'reporterEnc'), ref, 'reporter')!) as ConcernReporter,
      details: {
        whatHappened: open(getLong(e, 'whatHappenedEnc'), ref, 'whatHappened')!,
        whenHappened: open(getLong(e, 'whenHappenedEnc'), ref, 'whenHappened')!,
        where: open(getLong(e, 'whereEnc'), ref, 'where')!,
        link: open(getLong(e, 'linkEnc'), ref, 'link'),
        peopleInvolved: open(getLong(e, 'peopleInvolvedEnc'), ref, 'peopleInvolved') ?? '',
        evidence: open(getLong(e, 'evidenceEnc'), ref, 'evidence'),
        attachedMessage: open(getLong(e, 'attachedMessageEnc'), ref, 'attachedMessage'),
      },
    };
  };
  const toEvent = (e: Props): ConcernEvent => {
    const concernId = typeof e.concernId === 'number' ? e.concernId : null;
    const payload = JSON.parse(openEvent(getLong(e, 'dataEnc')!, concernId, String(e.type), String(e.at))) as {
      actorId?: string; actorName?: string; data?: Record<string, string>;
    };
    return {
      seq: Number(e.seq), concernId, type: e.type as ConcernEventType, at: String(e.at),
      actorId: payload.actorId ?? undefined, actorName: payload.actorName, data: payload.data ?? {},
    };
  };
  const eventsOf = async (concernId: number): Promise<ConcernEvent[]> => {
    const from = `event|${padKey(concernId)}|`;
    const rows = await queryAll(client, odata`PartitionKey eq ${CONCERN_PARTITION} and RowKey ge ${from} and RowKey lt ${`${from}~`}`);
    return rows.map(toEvent);
  };
  const caseOf = async (e: Props): Promise<ConcernCase> => deriveConcernCase(toReport(e), await eventsOf(Number(e.id)));
  const caseById = async (id: number): Promise<ConcernCase | undefined> => {
    const e = await getOrUndefined(client, CONCERN_PARTITION, concernKeys.concern(id));
    return e ? caseOf(e) : undefined;
  };
  const toEntry = (e: Props & { etag: string }): OutboxEntry => ({
    id: Number(e.id), concernId: Number(e.concernId), task: JSON.parse(String(e.task)) as OutboxTask,
    state: e.state as OutboxEntry['state'], attempts: Number(e.attempts), createdAt: String(e.createdAt),
    nextAttemptAt: String(e.nextAttemptAt), version: e.etag,
  });

  /** Appends events (and tasks, and an outbox change) in one numbered transaction. */
  const appendWith = (concernId: number | null, events: NewConcernEvent[], tasks: OutboxTask[], outboxChange?: Props, queuedAt?: string) =>
    numbered((c) => {
      const lastSeq = c.lastSeq ?? 0;
      const lastOutbox = c.lastOutbox ?? 0;
      const now = events[0]?.at ?? queuedAt ?? new Date().toISOString();
      const actions: TransactionAction[] = sealEvents(concernId, events, lastSeq).map((s) => ['create', eventEntity(s)]);
      if (concernId !== null) for (const t of taskEntities(concernId, tasks, lastOutbox, now)) actions.push(['create', t]);
      if (outboxChange) actions.push(['update', { partitionKey: CONCERN_PARTITION, ...outboxChange } as { partitionKey: string; rowKey: string }, 'Merge']);
      return {
        counters: { lastSeq: lastSeq + events.length, lastOutbox: lastOutbox + (concernId !== null ? tasks.length : 0) },
        actions, result: undefined,
      };
    });

  return {
    async createConcern(input, tasks) {
      const year = new Date(input.submittedAt).getUTCFullYear();
      const submitted: NewConcernEvent = {
        type: 'submitted', at: input.submittedAt, actorId: input.reporter.aadObjectId, actorName: input.reporter.name,
        data: {
          kind: input.draft.kind, urgent: String(input.draft.immediateDanger), source: input.origin.source,
          ...(input.draft.howSoon ? { howSoon: input.draft.howSoon } : {}),
          ...(input.draft.missing?.length ? { missing: input.draft.missing.join(',') } : {}),
        },
      };
      const stored = await numbered((c) => {
        const id = (c.lastId ?? 0) + 1;
        // Unique because `ref|<REFERENCE>` is created in the same transaction: a taken one fails it, and this runs again.
        const reference = newReference(input.referencePrefix, year);
        const d = input.draft.details;
        const sealed: SealedConcern = {
          id, reference, kind: input.draft.kind, immediateDanger: input.draft.immediateDanger, aboutHeadteacher: input.draft.aboutHeadteacher,
          submittedAt: input.submittedAt, origin: JSON.stringify(input.origin),
          reporterEnc: seal(JSON.stringify(input.reporter), reference, 'reporter')!,
          whatHappenedEnc: seal(d.whatHappened, reference, 'whatHappened')!,
          whenHappenedEnc: seal(d.whenHappened, reference, 'whenHappened')!,
          whereEnc: seal(d.where, reference, 'where')!,
          linkEnc: seal(d.link, reference, 'link'),
          peopleInvolvedEnc: seal(d.peopleInvolved, reference, 'peopleInvolved'),
          evidenceEnc: seal(d.evidence, reference, 'evidence'),
          attachedMessageEnc: seal(d.attachedMessage, reference, 'attachedMessage'),
        };
        const lastSeq = c.lastSeq ?? 0;
        const lastOutbox = c.lastOutbox ?? 0;
        const actions: TransactionAction[] = [
          ['create', concernEntity(sealed)],
          ['create', referenceEntity(sealed)],
          ...sealEvents(id, [submitted], lastSeq).map((s): TransactionAction => ['create', eventEntity(s)]),
          ...taskEntities(id, tasks, lastOutbox, input.submittedAt).map((t): TransactionAction => ['create', t]),
        ];
        return {
          counters: { lastId: id, lastSeq: lastSeq + 1, lastOutbox: lastOutbox + tasks.length },
          actions, result: actions[0][1] as Props,
        };
      });
      // Read back from what was committed, sealed, so the caller sees exactly what the store holds.
      return toReport(stored);
    },
    async getCase(reference) {
      const ref = await getOrUndefined<{ concernId: number }>(client, CONCERN_PARTITION, concernKeys.reference(reference));
      return ref ? caseById(Number(ref.concernId)) : undefined;
    },
    getCaseById: (id) => caseById(id),
    async listOpenCases() {
      const [reports, closed] = await Promise.all([
        queryAll(client, odata`PartitionKey eq ${CONCERN_PARTITION} and RowKey ge ${'concern|'} and RowKey lt ${'concern|~'}`),
        queryAll(client, odata`PartitionKey eq ${CONCERN_PARTITION} and RowKey ge ${'event|'} and RowKey lt ${'event|~'} and type eq ${'closed'}`),
      ]);
      const closedIds = new Set(closed.map((e) => e.concernId));
      return Promise.all(reports.filter((r) => !closedIds.has(r.id)).map(caseOf));
    },
    async append(concernId, events, tasks = [], queuedAt) {
      await appendWith(concernId, events, tasks, undefined, queuedAt);
    },
    async dueOutbox(now) {
      const rows = await queryAll(client, odata`PartitionKey eq ${CONCERN_PARTITION} and RowKey ge ${'outbox|'} and RowKey lt ${'outbox|~'} and state ne ${'done'}`);
      const nowMs = Date.parse(now);
      return rows.filter((e) => {
        if (e.state === 'pending') return String(e.nextAttemptAt) <= now;
        // In flight: ours from before a restart, or another instance's whose claim has lapsed (it stopped mid-send).
        return e.claimedBy === workerId || Date.parse(String(e.claimedAt)) + leaseMs <= nowMs || !e.claimedAt;
      }).map(toEntry);
    },
    async claimOutbox(entry, now) {
      const patch = {
        partitionKey: CONCERN_PARTITION, rowKey: concernKeys.outbox(entry.id), state: 'inFlight', attempts: entry.attempts + 1,
        updatedAt: now, claimedBy: workerId, claimedAt: now,
      };
      try {
        // Without the etag it was read with, there is no way to know it is unchanged: read it and compare.
        let etag = entry.version;
        if (!etag) {
          const current = await getOrUndefined(client, CONCERN_PARTITION, concernKeys.outbox(entry.id));
          if (!current || current.state !== entry.state || current.attempts !== entry.attempts) return false;
          etag = current.etag;
        }
        await client.updateEntity(patch, 'Merge', { etag });
        return true;
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 412 || status === 404) return false;
        throw err;
      }
    },
    async completeOutbox(id, concernId, events) {
      const at = events[0]?.at ?? new Date().toISOString();
      await appendWith(concernId, events, [], { rowKey: concernKeys.outbox(id), state: 'done', updatedAt: at });
    },
    async rescheduleOutbox(id, concernId, nextAttemptAt, events) {
      const at = events[0]?.at ?? new Date().toISOString();
      await appendWith(concernId, events, [], { rowKey: concernKeys.outbox(id), state: 'pending', nextAttemptAt, updatedAt: at, claimedBy: '', claimedAt: '' });
    },
  };
}
