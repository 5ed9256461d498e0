import { TableClient, odata } from '@azure/data-tables';
import { AcknowledgementStore, StoreError } from '../../features/acknowledgement/domain/acknowledgementStore';
import { ConcernStore } from '../../features/concerns/domain/concernPorts';
import {
  CONCERN_PARTITION, CONCERN_TABLE, concernEntity, concernKeys, createAzureTableConcernStoreOn, eventEntity, outboxEntity,
  referenceCounterName, referenceEntity,
} from '../azureTables/azureTableConcernStore';
import { countdownKey, PUBLISHED_TABLE, publishedEntities } from '../azureTables/azureTablePublishedPolicyStore';
import { feedbackEntity, QUESTION_PARTITION, QUESTION_TABLE, questionEntity } from '../azureTables/azureTableQuestionLog';
import { AzureTableConnection, backoff, getOrUndefined, httpStatusOf, openRecordTable, queryAll, safeKey } from '../azureTables/azureTableRecords';
import { FieldCipher } from '../fieldEncryption';
import { createSqliteAcknowledgementStoreOn } from '../sqlite/sqliteAcknowledgementStore';
import { createSqliteConcernStore } from '../sqlite/sqliteConcernStore';
import { SqliteDatabase } from '../sqlite/sqliteDatabase';
import { createSqlitePublishedPolicyStore } from '../sqlite/sqlitePublishedPolicyStore';
import { createSqliteQuestionLog } from '../sqlite/sqliteQuestionLog';
import { createSqliteTeachingLinkStore } from '../sqlite/sqliteTeachingLinkStore';

/** What was found and done for one kind of record. */
export interface CopyCount {
  kind: string;
  /** Records of this kind in the SQLite file. */
  sqlite: number;
  /** Written to Azure by this run. */
  copied: number;
  /** Already in Azure, identical (an earlier run copied them). */
  alreadyThere: number;
  /** Records of this kind in Azure after the copy (more than `sqlite` if the bot already wrote some there). */
  azure: number;
  /** Every SQLite record is in Azure. */
  ok: boolean;
}

/** Where to copy from and to. */
export interface CopyToAzureOptions {
  /** The SQLite file, opened by the caller (a backup copy is best: the schema is brought up to date first). */
  db: SqliteDatabase;
  /** The account and table prefix the app will use with STORAGE=azure. */
  connection: AzureTableConnection;
  /** The concern key (CONCERN_ENCRYPTION_KEY): ciphertext is copied as it is; the key reads each case back to check it. */
  cipher: FieldCipher;
  /** The acknowledgement store on Azure (the app's own factory), written through its port. */
  acknowledgement: AcknowledgementStore;
  /** Told after each kind is done. */
  progress?: (count: CopyCount) => void;
}

type Entity = { partitionKey: string; rowKey: string } & Record<string, unknown>;

/** Raised when Azure already holds a different record under a key the copy needs: nothing is overwritten. */
export class CopyConflictError extends Error {
  readonly code = 'COPY_CONFLICT';
  constructor(what: string) {
    super(`Azure already holds a different ${what}; nothing was overwritten. Copy into empty tables (a new AZURE_TABLE_PREFIX) before the bot writes there.`);
    this.name = 'CopyConflictError';
  }
}

/** A transaction holds at most 100 operations and 4 MiB; a batch stays well under both. */
const BATCH_OPS = 100;
const BATCH_BYTES = 2_500_000;

/** About how many bytes an entity takes on the wire (binary goes as base64). */
function wireSize(e: Entity): number {
  let n = 0;
  for (const [k, v] of Object.entries(e)) n += k.length + (v instanceof Uint8Array ? Math.ceil(v.byteLength * 4 / 3) : String(v).length * 2) + 16;
  return n;
}

/**
 * Creates each entity unless an identical one (by the properties named in `same`) is already there: append-only
 * records are never overwritten, and a second run finds everything in place. What is there is read once per
 * partition (the key range the entities span); what is missing is created in transactions of up to 100.
 */
async function createAll(client: TableClient, entities: Entity[], same: string[], what: string): Promise<{ copied: number; alreadyThere: number }> {
  let copied = 0;
  let alreadyThere = 0;
  const byPartition = new Map<string, Entity[]>();
  for (const e of entities) {
    const group = byPartition.get(e.partitionKey);
    if (group) group.push(e);
    else byPartition.set(e.partitionKey, [e]);
  }
  for (const [pk, group] of byPartition) {
    const keys = group.map((e) => e.rowKey).sort();
    const existing = new Map((await queryAll(client, odata`PartitionKey eq ${pk} and RowKey ge ${keys[0]} and RowKey le ${keys[keys.length - 1]}`))
      .map((e) => [e.rowKey, e as Record<string, unknown>]));
    const missing: Entity[] = [];
    for (const e of group) {
      const there = existing.get(e.rowKey);
      if (!there) { missing.push(e); continue; }
      if (same.some((p) => there[p] !== e[p])) throw new CopyConflictError(`${what} (${e.rowKey})`);
      alreadyThere++;
    }
    let batch: Entity[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const r = await createBatch(client, batch, same, what);
      copied += r.copied;
      alreadyThere += r.alreadyThere;
      batch = [];
      bytes = 0;
    };
    for (const e of missing) {
      const size = wireSize(e);
      if (batch.length >= BATCH_OPS || bytes + size > BATCH_BYTES) await flush();
      batch.push(e);
      bytes += size;
    }
    await flush();
  }
  return { copied, alreadyThere };
}

/** One transaction; if something wrote one of these keys meanwhile, each is created (or compared) on its own. */
async function createBatch(client: TableClient, batch: Entity[], same: string[], what: string): Promise<{ copied: number; alreadyThere: number }> {
  try {
    await client.submitTransaction(batch.map((e) => ['create', e]));
    return { copied: batch.length, alreadyThere: 0 };
  } catch (err) {
    if (httpStatusOf(err) !== 409) throw err;
  }
  let copied = 0;
  let alreadyThere = 0;
  for (const e of batch) {
    try {
      await client.createEntity(e);
      copied++;
    } catch (err) {
      if (httpStatusOf(err) !== 409) throw err;
      const there = await getOrUndefined<Record<string, unknown>>(client, e.partitionKey, e.rowKey);
      if (!there || same.some((p) => there[p] !== e[p])) throw new CopyConflictError(`${what} (${e.rowKey})`);
      alreadyThere++;
    }
  }
  return { copied, alreadyThere };
}

/** Runs `fn` over the items, `width` at a time: port calls are one round trip each, and a school has thousands. */
async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const countRange = async (client: TableClient, pk: string, prefix: string, extra = ''): Promise<number> =>
  (await queryAll(client, `${odata`PartitionKey eq ${pk} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`}${extra}`)).length;

const result = (kind: string, sqlite: number, done: { copied: number; alreadyThere: number }, azure: number): CopyCount => ({
  kind, sqlite, ...done, azure, ok: done.copied + done.alreadyThere === sqlite && azure >= sqlite,
});

/**
 * Copies every record of a school's SQLite file into Azure Tables, as the Azure stores lay them out, and counts
 * both sides. Safe to run again: what is there already is checked and left alone.
 */
export async function copySqliteToAzure(options: CopyToAzureOptions): Promise<CopyCount[]> {
  const { db, connection } = options;
  const counts: CopyCount[] = [];
  const done = (c: CopyCount) => { counts.push(c); options.progress?.(c); };

  // Opening each SQLite store brings its schema up to date (and seals actor ids an old release kept in clear).
  const sqliteConcerns = createSqliteConcernStore(db, options.cipher);
  createSqliteQuestionLog(db);
  createSqlitePublishedPolicyStore(db);
  createSqliteTeachingLinkStore(db);
  const sqliteAck = createSqliteAcknowledgementStoreOn(db);
  // A wrong key would copy ciphertext no one can open with the key the app will have: check before writing anything.
  const first = db.prepare('SELECT id FROM concerns ORDER BY id LIMIT 1').get() as { id: number } | undefined;
  if (first) {
    try {
      await sqliteConcerns.getCaseById(first.id);
    } catch (err) {
      if ((err as { code?: string }).code !== 'FIELD_DECRYPT_FAILED') throw err;
      throw Object.assign(new Error('CONCERN_ENCRYPTION_KEY does not open the concerns in this file; nothing was copied'), { code: 'CONCERN_KEY_MISMATCH' });
    }
  }

  await copyConcerns(db, await openRecordTable(connection, CONCERN_TABLE), options.cipher, sqliteConcerns, done);
  await copyQuestions(db, await openRecordTable(connection, QUESTION_TABLE), done);
  await copyPublished(db, await openRecordTable(connection, PUBLISHED_TABLE), done);
  await copyTeachingLinks(db, await openRecordTable(connection, 'Teaching'), done);
  await copyAcknowledgementRecords(db, sqliteAck, options.acknowledgement, done);
  return counts;
}

async function copyConcerns(
  db: SqliteDatabase, client: TableClient, cipher: FieldCipher, sqliteStore: ConcernStore, done: (c: CopyCount) => void,
): Promise<void> {
  const reports = db.prepare('SELECT * FROM concerns ORDER BY id').all() as Record<string, unknown>[];
  const sealed = reports.map((r) => ({
    id: Number(r.id), reference: String(r.reference), kind: String(r.kind), immediateDanger: r.immediate_danger === 1,
    aboutHeadteacher: r.about_headteacher === 1, submittedAt: String(r.submitted_at), origin: String(r.origin),
    reporterEnc: String(r.reporter_enc), whatHappenedEnc: String(r.what_happened_enc), whenHappenedEnc: String(r.when_happened_enc),
    whereEnc: String(r.where_enc), linkEnc: r.link_enc as string | null, peopleInvolvedEnc: r.people_involved_enc as string | null,
    evidenceEnc: r.evidence_enc as string | null, attachedMessageEnc: r.attached_message_enc as string | null,
  }));
  const events = db.prepare('SELECT * FROM concern_events ORDER BY seq').all() as Record<string, unknown>[];
  const outbox = db.prepare('SELECT * FROM concern_outbox ORDER BY id').all() as Record<string, unknown>[];

  // The counters first, raised to at least what SQLite used: a report filed on Azure meanwhile takes a fresh number.
  const refCounters = db.prepare('SELECT prefix, year, last FROM concern_reference_counters').all() as { prefix: string; year: number; last: number }[];
  const wanted: Record<string, number> = {
    lastId: Math.max(0, ...sealed.map((c) => c.id)),
    lastSeq: Math.max(0, ...events.map((e) => Number(e.seq))),
    lastOutbox: Math.max(0, ...outbox.map((o) => Number(o.id))),
  };
  for (const r of refCounters) wanted[referenceCounterName(r.prefix, r.year)] = r.last;
  for (let attempt = 0; ; attempt++) {
    const current = await getOrUndefined<Record<string, unknown>>(client, CONCERN_PARTITION, concernKeys.counters);
    const patch: Record<string, number> = {};
    for (const [k, v] of Object.entries(wanted)) if (typeof current?.[k] !== 'number' || (current[k] as number) < v) patch[k] = v;
    try {
      if (!current) await client.createEntity({ partitionKey: CONCERN_PARTITION, rowKey: concernKeys.counters, ...patch });
      else if (Object.keys(patch).length > 0) await client.updateEntity({ partitionKey: CONCERN_PARTITION, rowKey: concernKeys.counters, ...patch }, 'Merge', { etag: current.etag as string });
      break;
    } catch (err) {
      if ((httpStatusOf(err) !== 412 && httpStatusOf(err) !== 409) || attempt > 20) throw err;
      await backoff(attempt);
    }
  }

  const reportsDone = await createAll(client, sealed.map(concernEntity), ['reference', 'submittedAt'], 'concern report');
  await createAll(client, sealed.map(referenceEntity), ['concernId'], 'concern reference');
  const azureReports = await countRange(client, CONCERN_PARTITION, 'concern|');
  done(result('concern reports', sealed.length, reportsDone, azureReports));

  const eventEntities = events.map((e) => eventEntity({
    seq: Number(e.seq), concernId: e.concern_id === null ? null : Number(e.concern_id), type: String(e.type), at: String(e.at), dataEnc: String(e.data_enc),
  }));
  const eventsDone = await createAll(client, eventEntities, ['type', 'at'], 'concern event');
  done(result('concern events and audit', events.length, eventsDone, await countRange(client, CONCERN_PARTITION, 'event|')));

  // Outbox entries are copied as they stand; one Azure has already moved on is left as Azure has it.
  const outboxDone = await createAll(client, outbox.map((o) => outboxEntity({
    id: Number(o.id), concernId: Number(o.concern_id), task: String(o.task), state: o.state as 'pending' | 'inFlight' | 'done',
    attempts: Number(o.attempts), createdAt: String(o.created_at), nextAttemptAt: String(o.next_attempt_at), updatedAt: String(o.updated_at),
  })), ['concernId', 'task'], 'concern outbox entry');
  done(result('concern outbox entries', outbox.length, outboxDone, await countRange(client, CONCERN_PARTITION, 'outbox|')));

  // Read every case back through the Azure store with the key: the copy is whole, and opens with this key.
  const azureStore = createAzureTableConcernStoreOn(client, { cipher, workerId: 'copy-check' });
  let same = 0;
  await inParallel(sealed, 8, async (c) => {
    const [fromSqlite, fromAzure] = await Promise.all([sqliteStore.getCaseById(c.id), azureStore.getCaseById(c.id)]);
    if (JSON.stringify(fromSqlite) === JSON.stringify(fromAzure)) same++;
  });
  done({ kind: 'concern cases read back identical', sqlite: sealed.length, copied: 0, alreadyThere: same, azure: same, ok: same === sealed.length });
}

async function copyQuestions(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
  const questions = db.prepare(`SELECT q.*, (SELECT helpful FROM policy_feedback f WHERE f.question_id = q.id ORDER BY f.rowid DESC LIMIT 1) AS helpful
    FROM policy_questions q ORDER BY asked_at`).all() as Record<string, unknown>[];
  const entities = questions.map((q) => questionEntity({
    id: String(q.id), question: String(q.question), answered: q.answered === 1, citedSection: q.cited_section as string | null,
    askedAt: String(q.asked_at), phrasedText: (q.phrased_text as string | null) ?? null, phrasedSection: (q.phrased_section as string | null) ?? null,
    helpful: q.helpful === null || q.helpful === undefined ? null : q.helpful === 1,
  }));
  const questionsDone = await createAll(client, entities, ['askedAt'], 'question');
  done(result('questions asked', questions.length, questionsDone, await countRange(client, QUESTION_PARTITION, 'q|')));

  const feedback = db.prepare('SELECT rowid AS n, question_id, helpful, at FROM policy_feedback ORDER BY rowid').all() as Record<string, unknown>[];
  // The SQLite row number names each reply, so a second run finds the same keys.
  const feedbackDone = await createAll(client, feedback.map((f) => feedbackEntity({
    questionId: String(f.question_id), helpful: f.helpful === 1, at: String(f.at), n: `sqlite-${String(f.n)}`,
  })), ['helpful', 'at'], 'feedback reply');
  done(result('"was this helpful?" replies', feedback.length, feedbackDone, await countRange(client, QUESTION_PARTITION, 'f|')));
}

async function copyPublished(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
  const versions = db.prepare('SELECT * FROM policy_published ORDER BY seq').all() as Record<string, unknown>[];
  let copied = 0;
  let alreadyThere = 0;
  for (const v of versions) {
    const seq = Number(v.seq);
    // SQLite's seq keeps the order; numbers are per policy on Azure and may have gaps.
    const { pieces, version } = publishedEntities({
      policyId: String(v.policy_id), fileName: String(v.file_name), content: v.content as Buffer, contentHash: String(v.content_hash),
      configuredHash: String(v.configured_hash), publishedBy: String(v.published_by), publishedAt: String(v.published_at),
    }, `sqlite-${seq}`);
    await createAll(client, pieces, [], 'published file piece');
    const r = await createAll(client, [{ partitionKey: safeKey(String(v.policy_id)), rowKey: countdownKey('v', seq), seq, ...version }],
      ['contentHash', 'publishedAt'], 'published version');
    copied += r.copied;
    alreadyThere += r.alreadyThere;
  }
  const policies = [...new Set(versions.map((v) => String(v.policy_id)))];
  const audit = db.prepare('SELECT * FROM policy_audit ORDER BY seq').all() as Record<string, unknown>[];
  const auditDone = await createAll(client, audit.map((a) => ({
    partitionKey: safeKey(String(a.policy_id)), rowKey: countdownKey('a', Number(a.seq)), seq: Number(a.seq), at: String(a.at), actor: String(a.actor),
    action: String(a.action), policyId: String(a.policy_id), details: String(a.details),
  })), ['at', 'action'], 'publishing audit entry');
  let azureVersions = 0;
  for (const p of policies) azureVersions += await countRange(client, safeKey(p), 'v|');
  done(result('published policy versions', versions.length, { copied, alreadyThere }, azureVersions));
  let azureAudit = 0;
  for (const p of new Set(audit.map((a) => String(a.policy_id)))) azureAudit += await countRange(client, safeKey(p), 'a|');
  done(result('publishing audit entries', audit.length, auditDone, azureAudit));
}

async function copyTeachingLinks(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
  const links = db.prepare('SELECT * FROM policy_teaching_links ORDER BY taught_at, rowid').all() as Record<string, unknown>[];
  // The Azure store lists links in row-key order, so the key starts with when it was taught, as its own ids do.
  const entities = links.map((l): Entity => ({
    partitionKey: 'links', rowKey: `${String(l.taught_at).replace(/[^0-9]/g, '')}-${String(l.id)}`, question: String(l.question),
    section: String(l.section), taughtBy: String(l.taught_by), taughtAt: String(l.taught_at),
    ...(l.removed_at ? { removedBy: String(l.removed_by), removedAt: String(l.removed_at) } : {}),
  }));
  const r = await createAll(client, entities, ['question', 'taughtAt'], 'teaching link');
  done(result('teaching links (removed ones included)', links.length, r, await countRange(client, 'links', '')));
}

async function copyAcknowledgementRecords(
  db: SqliteDatabase, from: AcknowledgementStore, to: AcknowledgementStore, done: (c: CopyCount) => void,
): Promise<void> {
  // Policy versions: saving one already there changes nothing.
  const versionKeys = db.prepare('SELECT policy_id, version_hash FROM ack_policy_versions').all() as { policy_id: string; version_hash: string }[];
  let vThere = 0;
  for (const k of versionKeys) {
    if (await to.getPolicyVersion(k.policy_id, k.version_hash)) { vThere++; continue; }
    await to.savePolicyVersion((await from.getPolicyVersion(k.policy_id, k.version_hash))!);
  }
  let vAzure = 0;
  for (const k of versionKeys) if (await to.getPolicyVersion(k.policy_id, k.version_hash)) vAzure++;
  done(result('policy versions', versionKeys.length, { copied: versionKeys.length - vThere, alreadyThere: vThere }, vAzure));

  // The staff list is the directory's copy, replaced on every sync: the newer of the two wins.
  const staff = await from.listStaff();
  const azureStaff = new Map((await to.listStaff()).map((s) => [s.userId, s]));
  const newer = staff.filter((s) => !azureStaff.has(s.userId) || azureStaff.get(s.userId)!.updatedAt < s.updatedAt);
  for (let i = 0; i < newer.length; i += 1000) await to.upsertStaff(newer.slice(i, i + 1000));
  const staffAfter = new Set((await to.listStaff()).map((s) => s.userId));
  done(result('staff', staff.length, { copied: newer.length, alreadyThere: staff.length - newer.length }, staff.filter((s) => staffAfter.has(s.userId)).length));

  const syncKeys = db.prepare('SELECT key, value FROM ack_sync_state').all() as { key: string; value: string }[];
  let sThere = 0;
  for (const s of syncKeys) {
    if ((await to.getSyncState(s.key)) === s.value) { sThere++; continue; }
    await to.setSyncState(s.key, s.value);
  }
  let sAzure = 0;
  for (const s of syncKeys) if ((await to.getSyncState(s.key)) === s.value) sAzure++;
  done(result('sync state values', syncKeys.length, { copied: syncKeys.length - sThere, alreadyThere: sThere }, sAzure));

  const refUsers = (db.prepare('SELECT user_id FROM ack_conversation_refs').all() as { user_id: string }[]).map((r) => r.user_id);
  let rThere = 0;
  for (const u of refUsers) {
    const mine = (await from.getConversationReference(u))!;
    const theirs = await to.getConversationReference(u);
    if (theirs && theirs.updatedAt >= mine.updatedAt) { rThere++; continue; }
    await to.saveConversationReference(mine);
  }
  let rAzure = 0;
  for (const u of refUsers) if (await to.getConversationReference(u)) rAzure++;
  done(result('conversation references', refUsers.length, { copied: refUsers.length - rThere, alreadyThere: rThere }, rAzure));

  const campaigns = await from.listCampaigns();
  let cThere = 0;
  for (const c of campaigns) {
    try {
      await to.createCampaign(c);
    } catch (err) {
      if (!(err instanceof StoreError) || err.code !== 'STORE_CONFLICT') throw err;
      const theirs = await to.getCampaign(c.id);
      if (theirs?.policyId !== c.policyId || theirs.versionHash !== c.versionHash) throw new CopyConflictError(`campaign (${c.id})`);
      cThere++;
    }
  }
  let cAzure = 0;
  for (const c of campaigns) if (await to.getCampaign(c.id)) cAzure++;
  done(result('campaigns', campaigns.length, { copied: campaigns.length - cThere, alreadyThere: cThere }, cAzure));

  await copyDeliveries(campaigns.map((c) => c.id), from, to, done);

  // Acknowledgements are keyed by (policy, version, person, campaign): the first one stays, so a second run adds none.
  let acks = 0;
  let aCopied = 0;
  let aAzure = 0;
  for (const k of versionKeys) {
    const mine = await from.listAcknowledgements(k.policy_id, k.version_hash);
    acks += mine.length;
    const keyOf = (a: { userId: string; campaignId?: string }) => `${a.userId}\u0000${a.campaignId ?? ''}`;
    const before = new Set((await to.listAcknowledgements(k.policy_id, k.version_hash)).map(keyOf));
    await inParallel(mine.filter((a) => !before.has(keyOf(a))), 16, async (a) => { if ((await to.appendAcknowledgement(a)).recorded) aCopied++; });
    const theirs = new Set((await to.listAcknowledgements(k.policy_id, k.version_hash)).map(keyOf));
    aAzure += mine.filter((a) => theirs.has(keyOf(a))).length;
  }
  const orphanAcks = (db.prepare(`SELECT COUNT(*) AS n FROM ack_acknowledgements a WHERE NOT EXISTS (SELECT 1 FROM ack_policy_versions v
    WHERE v.policy_id = a.policy_id AND v.version_hash = a.version_hash)`).get() as { n: number }).n;
  done({ ...result('acknowledgements', acks + orphanAcks, { copied: aCopied, alreadyThere: acks - aCopied }, aAzure) });

  // The audit trail has no key of its own: a line is copied as many times as SQLite has it more than Azure does.
  const total = (db.prepare('SELECT COUNT(*) AS n FROM ack_audit').get() as { n: number }).n;
  const mine = await from.listAudit(undefined, total);
  const theirs = new Map<string, number>();
  for (const e of await to.listAudit(undefined, Number.MAX_SAFE_INTEGER)) theirs.set(JSON.stringify(e), (theirs.get(JSON.stringify(e)) ?? 0) + 1);
  let auditCopied = 0;
  let auditThere = 0;
  for (const e of mine) {
    const k = JSON.stringify(e);
    const left = theirs.get(k) ?? 0;
    if (left > 0) { theirs.set(k, left - 1); auditThere++; continue; }
    await to.appendAudit(e);
    auditCopied++;
  }
  const after = new Map<string, number>();
  for (const e of await to.listAudit(undefined, Number.MAX_SAFE_INTEGER)) after.set(JSON.stringify(e), (after.get(JSON.stringify(e)) ?? 0) + 1);
  let found = 0;
  for (const e of mine) {
    const k = JSON.stringify(e);
    const left = after.get(k) ?? 0;
    if (left > 0) { after.set(k, left - 1); found++; }
  }
  done(result('acknowledgement audit lines', total, { copied: auditCopied, alreadyThere: auditThere }, found));
}

/** The worker id the copy claims deliveries under, to give them their recorded outcome. */
const COPY_WORKER = 'sqlite-copy';
const FINAL_STATES = new Set(['sent', 'blocked', 'installFailed', 'failed']);

/**
 * Deliveries have no "put this record" in the port: each is added, then given its outcome the way a sender would
 * (claimed, then completed), and its read, excused, reminded and digest marks are replayed. A delivery SQLite held in
 * flight (claimed) is left pending, to be sent again. Attempts are not carried over.
 */
async function copyDeliveries(campaignIds: string[], from: AcknowledgementStore, to: AcknowledgementStore, done: (c: CopyCount) => void): Promise<void> {
  let total = 0;
  let added = 0;
  let matching = 0;
  for (const campaignId of campaignIds) {
    const mine = await from.listDeliveries(campaignId);
    total += mine.length;
    if (mine.length === 0) continue;
    const now = new Date().toISOString();
    added += await to.addDeliveries(campaignId, mine.map((d) => d.userId), mine.reduce((a, d) => (d.updatedAt < a ? d.updatedAt : a), now));
    const theirs = new Map((await to.listDeliveries(campaignId)).map((d) => [d.userId, d]));
    const byUser = new Map(mine.map((d) => [d.userId, d]));
    const toFinish = mine.filter((d) => FINAL_STATES.has(d.state) && theirs.get(d.userId)?.state === 'pending');
    if (toFinish.length > 0) {
      const finishing = new Set(toFinish.map((d) => d.userId));
      // Claiming takes any due pending delivery; those SQLite still had pending go straight back, as they were.
      for (;;) {
        const claimed = await to.claimDeliveries({ campaignId, workerId: COPY_WORKER, limit: 500, leaseMs: 10 * 60_000, now });
        if (claimed.length === 0) break;
        await inParallel(claimed, 16, async (c) => {
          const d = byUser.get(c.userId);
          if (d && finishing.has(c.userId)) {
            await to.completeDelivery(campaignId, c.userId, COPY_WORKER, {
              state: d.state as 'sent' | 'blocked' | 'installFailed' | 'failed', reason: d.reason, activityId: d.activityId, conversationId: d.conversationId,
            }, d.sentAt ?? d.updatedAt);
            finishing.delete(c.userId);
          } else {
            await to.deferDelivery(campaignId, c.userId, COPY_WORKER, d?.notBefore ?? now, d?.reason ?? 'copied from SQLite', now);
          }
        });
        if (finishing.size === 0) break;
      }
    }
    await inParallel(mine, 16, async (d) => {
      const t = theirs.get(d.userId);
      if (d.openedAt && !t?.openedAt) await to.markOpened(campaignId, d.userId, d.openedAt);
      if (d.excusedAt && !t?.excusedAt) await to.setExcused(campaignId, d.userId, { by: d.excusedBy ?? 'unknown', at: d.excusedAt });
      if (d.lastRemindedAt && !t?.lastRemindedAt) await to.markReminded(campaignId, d.userId, d.lastRemindedAt, 0);
      if (d.lastDigestAt && !t?.lastDigestAt) await to.markDigested(campaignId, d.userId, d.lastDigestAt, 0);
    });
    const after = new Map((await to.listDeliveries(campaignId)).map((d) => [d.userId, d]));
    for (const d of mine) {
      const t = after.get(d.userId);
      const wanted = d.state === 'claimed' ? 'pending' : d.state;
      if (t && t.state === wanted && Boolean(t.openedAt) === Boolean(d.openedAt) && Boolean(t.excusedAt) === Boolean(d.excusedAt)) matching++;
    }
  }
  done(result('campaign deliveries', total, { copied: added, alreadyThere: total - added }, matching));
}
