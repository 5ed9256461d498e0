import type { Statement } from 'better-sqlite3';
import { StaffMember, StoredConversationReference } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { Row, toStaff } from './sqliteAcknowledgementRows';

type Prepare = (sql: string) => Statement<unknown[]>;

/**
 * The staff list, the directory sync's state and how to reach each person (their 1:1 chat) in SQLite: what campaigns
 * read to know who is in them and where their card goes.
 */

/** Staff rows read at once by listStaff; the event loop is free between pages. */
const STAFF_PAGE = 2_000;

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** One member of staff by their Entra object id. */
export function getStaff(q: Prepare, userId: string): StaffMember | undefined {
  const row = q('SELECT * FROM ack_staff WHERE user_id = ?').get(userId) as Row | undefined;
  return row ? toStaff(row) : undefined;
}

/** The whole staff list, in keyset pages with a pause between: reading 50,000 rows in one call held the event loop for about a second. */
export async function listStaff(q: Prepare): Promise<StaffMember[]> {
  const out: StaffMember[] = [];
  const first = q('SELECT * FROM ack_staff ORDER BY user_id LIMIT ?');
  const next = q('SELECT * FROM ack_staff WHERE user_id > ? ORDER BY user_id LIMIT ?');
  for (let after: string | undefined; ;) {
    const rows = (after === undefined ? first.all(STAFF_PAGE) : next.all(after, STAFF_PAGE)) as Row[];
    for (const row of rows) out.push(toStaff(row));
    if (rows.length < STAFF_PAGE) return out;
    after = String(rows[rows.length - 1].user_id);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Staff by id: one statement for any number of ids (a JSON array), each looked up by the primary key. */
export function getStaffByIds(q: Prepare, userIds: readonly string[]): StaffMember[] {
  return (q('SELECT * FROM ack_staff WHERE user_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(userIds)) as Row[]).map(toStaff);
}

/** A page of the staff list after `afterUserId`. */
export function listStaffPage(q: Prepare, afterUserId: string, limit: number): StaffMember[] {
  return (q('SELECT * FROM ack_staff WHERE user_id > ? ORDER BY user_id LIMIT ?').all(afterUserId, limit) as Row[]).map(toStaff);
}

/** A value the directory sync keeps between runs (its delta link). */
export function getSyncState(q: Prepare, key: string): string | undefined {
  return str((q('SELECT value FROM ack_sync_state WHERE key = ?').get(key) as Row | undefined)?.value);
}

/** Keeps a value for the directory sync's next run. */
export function setSyncState(q: Prepare, key: string, value: string): void {
  q(`INSERT INTO ack_sync_state (key, value) VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, value);
}

/** Keeps how to reach a person in their 1:1 chat (the newest wins). */
export function saveConversationReference(q: Prepare, ref: StoredConversationReference): void {
  q(`INSERT INTO ack_conversation_refs (user_id, conversation_id, service_url, reference, updated_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET conversation_id = excluded.conversation_id,
    service_url = excluded.service_url, reference = excluded.reference, updated_at = excluded.updated_at`)
    .run(ref.userId, ref.conversationId, ref.serviceUrl, JSON.stringify(ref.reference), ref.updatedAt);
}

/** Which of `userIds` have a chat with the bot: their ids read in chunks, not a call each. */
export function withConversation(q: Prepare, userIds: readonly string[]): Set<string> {
  const found = new Set<string>();
  const CHUNK = 500;
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const chunk = userIds.slice(i, i + CHUNK);
    const rows = q(`SELECT user_id FROM ack_conversation_refs WHERE user_id IN (${chunk.map(() => '?').join(',')})`).pluck().all(...chunk) as string[];
    for (const id of rows) found.add(id);
  }
  return found;
}

const toReference = (row: Row): StoredConversationReference => ({
  userId: String(row.user_id), conversationId: String(row.conversation_id), serviceUrl: String(row.service_url),
  reference: JSON.parse(String(row.reference)) as Record<string, unknown>, updatedAt: String(row.updated_at),
});

/** How to reach a person, if they have a chat with the bot. */
export function getConversationReference(q: Prepare, userId: string): StoredConversationReference | undefined {
  const row = q('SELECT * FROM ack_conversation_refs WHERE user_id = ?').get(userId) as Row | undefined;
  return row ? toReference(row) : undefined;
}

/** The chats of those of `userIds` who have one, read in chunks of 500 ids. */
export function conversationReferences(q: Prepare, userIds: readonly string[]): Map<string, StoredConversationReference> {
  const found = new Map<string, StoredConversationReference>();
  const CHUNK = 500;
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const chunk = userIds.slice(i, i + CHUNK);
    const rows = q(`SELECT * FROM ack_conversation_refs WHERE user_id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as Row[];
    for (const row of rows) found.set(String(row.user_id), toReference(row));
  }
  return found;
}
