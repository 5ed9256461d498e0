import { TableClient } from '@azure/data-tables';
import { ConcernStore } from '../../features/concerns/domain/concernPorts';
import {
  CONCERN_PARTITION, concernEntity, concernKeys, createAzureTableConcernStoreOn, eventEntity, outboxEntity,
  referenceCounterName, referenceEntity,
} from '../azureTables/azureTableConcernStore';
import { countdownKey, publishedEntities } from '../azureTables/azureTablePublishedPolicyStore';
import { feedbackEntity, QUESTION_PARTITION, questionEntity } from '../azureTables/azureTableQuestionLog';
import { disclosureDayEntity, draftCheckEntity } from '../azureTables/azureTableQuestionRetention';
import { backoff, getOrUndefined, httpStatusOf, putLong, safeKey } from '../azureTables/azureTableRecords';
import { FieldCipher } from '../../shared/fieldEncryption';
import { SqliteDatabase } from '../sqlite/sqliteDatabase';
import { CopyCount, countRange, createAll, Entity, inParallel, result } from './copyHelpers';

/** Copies of the record stores kept in their own tables: concerns, the question log, published versions, teaching links. */

/** Concern reports, events and outbox, sealed as they are; every case is then read back through the Azure store. */
export async function copyConcerns(
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

/** Questions with their latest feedback, and every feedback reply. */
export async function copyQuestions(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
  const questions = db.prepare(`SELECT q.*, (SELECT helpful FROM policy_feedback f WHERE f.question_id = q.id ORDER BY f.rowid DESC LIMIT 1) AS helpful
    FROM policy_questions q ORDER BY asked_at`).all() as Record<string, unknown>[];
  const entities = questions.map((q) => questionEntity({
    id: String(q.id), question: String(q.question), answered: q.answered === 1, citedSection: q.cited_section as string | null,
    askedAt: String(q.asked_at), phrasedText: (q.phrased_text as string | null) ?? null, phrasedSection: (q.phrased_section as string | null) ?? null,
    helpful: q.helpful === null || q.helpful === undefined ? null : q.helpful === 1,
    // Issue 50: the choice's section goes sealed, as stored; its state and time in the clear, as both stores keep them.
    sure: q.sure !== 0, chosenSection: (q.chosen_section as string | null) ?? null, chosenAt: (q.chosen_at as string | null) ?? null,
    choiceState: (q.choice_state as string | null) ?? null,
  }));
  const questionsDone = await createAll(client, entities, ['askedAt'], 'question');
  done(result('questions asked', questions.length, questionsDone, await countRange(client, QUESTION_PARTITION, 'q|')));

  const feedback = db.prepare('SELECT rowid AS n, question_id, helpful, at FROM policy_feedback ORDER BY rowid').all() as Record<string, unknown>[];
  // The SQLite row number names each reply, so a second run finds the same keys.
  const feedbackDone = await createAll(client, feedback.map((f) => feedbackEntity({
    questionId: String(f.question_id), helpful: f.helpful === 1, at: String(f.at), n: `sqlite-${String(f.n)}`,
  })), ['helpful', 'at'], 'feedback reply');
  done(result('"was this helpful?" replies', feedback.length, feedbackDone, await countRange(client, QUESTION_PARTITION, 'f|')));

  // Disclosure-like and held-back questions are counted by day only; the SQLite row number names each, so a second run finds them.
  const days = db.prepare('SELECT rowid AS n, asked_on, reading FROM policy_disclosure_like ORDER BY rowid').all() as { n: number; asked_on: string; reading: string }[];
  const daysDone = await createAll(client, days.map((d) => disclosureDayEntity(
    QUESTION_PARTITION, d.asked_on, d.reading === 'heldBack' ? 'heldBack' : 'offered', `sqlite-${d.n}`,
  )), ['askedOn'], 'disclosure-like day');
  done(result('disclosure-like questions (the day only)', days.length, daysDone, await countRange(client, QUESTION_PARTITION, 'd|')));

  // Draft posts checked (issue 53): the day and the concerns' ids only; the SQLite row number names each.
  const checks = db.prepare('SELECT rowid AS n, checked_on, concerns FROM policy_draft_checks ORDER BY rowid').all() as { n: number; checked_on: string; concerns: string }[];
  const checksDone = await createAll(client, checks.map((c) => draftCheckEntity(
    QUESTION_PARTITION, c.checked_on, c.concerns === '' ? [] : c.concerns.split(','), `sqlite-${c.n}`,
  )), ['checkedOn', 'concerns'], 'draft check');
  done(result('draft posts checked (the day and the concerns only)', checks.length, checksDone, await countRange(client, QUESTION_PARTITION, 'k|')));

  // What deleted questions counted, by day, and the record of each deletion run (azureTableQuestionRetention.ts).
  const counted = db.prepare('SELECT * FROM policy_question_days ORDER BY day').all() as { day: string; asked: number; declined: number; unhelpful: number }[];
  const countedDone = await createAll(client, counted.map((c) => ({
    partitionKey: QUESTION_PARTITION, rowKey: `c|${c.day}`, day: c.day, asked: c.asked, declined: c.declined, unhelpful: c.unhelpful,
  })), ['asked', 'declined', 'unhelpful'], 'day count of deleted questions');
  done(result('day counts of deleted questions', counted.length, countedDone, await countRange(client, QUESTION_PARTITION, 'c|')));
  const runs = db.prepare('SELECT * FROM policy_question_retention ORDER BY seq').all() as { seq: number; at: string; cutoff: string; deleted: number }[];
  const runsDone = await createAll(client, runs.map((r) => ({
    partitionKey: QUESTION_PARTITION, rowKey: `r|${r.at.replace(/[^0-9]/g, '')}|sqlite-${r.seq}`, at: r.at, cutoff: r.cutoff, deleted: r.deleted,
  })), ['at', 'cutoff', 'deleted'], 'question deletion record');
  done(result('question deletions (the record)', runs.length, runsDone, await countRange(client, QUESTION_PARTITION, 'r|')));
}

/** Published versions (files in pieces) and the publishing audit, under SQLite's numbers. */
export async function copyPublished(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
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

/**
 * Teaching links, removed ones included (without their question, erased when removed). A live link's question is
 * copied sealed as it is: it is sealed under the link's UUID, which the Azure row key ends with.
 */
export async function copyTeachingLinks(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
  const links = db.prepare('SELECT * FROM policy_teaching_links ORDER BY taught_at, rowid').all() as Record<string, unknown>[];
  // The Azure store lists links in row-key order, so the key starts with when it was taught, as its own ids do.
  const entities = links.map((l): Entity => {
    const e: Entity = {
      partitionKey: 'links', rowKey: `${String(l.taught_at).replace(/[^0-9]/g, '')}-${String(l.id)}`,
      section: String(l.section), taughtBy: String(l.taught_by), taughtAt: String(l.taught_at),
      ...(l.removed_at ? { removedBy: String(l.removed_by), removedAt: String(l.removed_at) } : {}),
    };
    if (!l.removed_at) putLong(e, 'question', String(l.question));
    return e;
  });
  // The link is the same by what was taught when; its sealed text differs when an older copy sent it in the clear.
  const r = await createAll(client, entities, ['section', 'taughtAt'], 'teaching link');
  done(result('teaching links (removed ones included)', links.length, r, await countRange(client, 'links', '')));

  // Refused teaching commands: the Azure store keys them by time, then a unique part; SQLite's number is that part.
  const audit = db.prepare('SELECT * FROM policy_teaching_audit ORDER BY seq').all() as Record<string, unknown>[];
  const auditDone = await createAll(client, audit.map((a): Entity => ({
    partitionKey: 'audit', rowKey: `${String(a.at).replace(/[^0-9]/g, '')}-sqlite-${String(a.seq)}`,
    at: String(a.at), actor: String(a.actor), action: String(a.action), command: String(a.command),
  })), ['at', 'action'], 'teaching audit entry');
  done(result('teaching audit entries', audit.length, auditDone, await countRange(client, 'audit', '')));
}
