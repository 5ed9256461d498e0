import type { Statement } from 'better-sqlite3';
import { AuditEntry } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { SqliteDatabase } from './sqliteDatabase';
import { Row } from './sqliteAcknowledgementRows';

type Prepare = (sql: string) => Statement<unknown[]>;

/** The acknowledgement audit trail (appended, never changed) and the sending workers' heartbeats, in SQLite. */

/** Appends one line to the audit trail. */
export function appendAudit(q: Prepare, e: AuditEntry): void {
  q('INSERT INTO ack_audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)')
    .run(e.at, e.actor, e.action, e.subject, e.details ? JSON.stringify(e.details) : null);
}

/** The newest `limit` lines (of one subject, or all), oldest first. */
export function listAudit(q: Prepare, subject: string | undefined, limit: number): AuditEntry[] {
  const rows = (subject
    ? q('SELECT * FROM (SELECT * FROM ack_audit WHERE subject = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq').all(subject, limit)
    : q('SELECT * FROM (SELECT * FROM ack_audit ORDER BY seq DESC LIMIT ?) ORDER BY seq').all(limit)) as Row[];
  return rows.map((r) => ({
    at: String(r.at), actor: String(r.actor), action: String(r.action), subject: String(r.subject),
    ...(r.details ? { details: JSON.parse(String(r.details)) as AuditEntry['details'] } : {}),
  }));
}

/** Marks a worker alive until `now + ttlMs` and returns how many are alive (they share the sending budget). */
export function heartbeat(db: SqliteDatabase, q: Prepare, workerId: string, now: string, ttlMs: number): number {
  const until = new Date(Date.parse(now) + ttlMs).toISOString();
  return db.transaction(() => {
    q(`INSERT INTO ack_workers (worker_id, alive_until) VALUES (?, ?)
      ON CONFLICT (worker_id) DO UPDATE SET alive_until = excluded.alive_until`).run(workerId, until);
    return (q('SELECT COUNT(*) AS n FROM ack_workers WHERE alive_until > ?').get(now) as { n: number }).n;
  })();
}

/** Forgets a worker that stopped. */
export function removeWorker(q: Prepare, workerId: string): void {
  q('DELETE FROM ack_workers WHERE worker_id = ?').run(workerId);
}
