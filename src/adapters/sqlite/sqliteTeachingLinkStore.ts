import crypto from 'node:crypto';
import { TeachingAuditEntry, TeachingLink, TeachingLinkStore } from '../../features/policy/teaching/teachingLinks';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    // Beside the question log. A removed link keeps its row, with who removed it and when.
    version: 1,
    sql: `CREATE TABLE policy_teaching_links (
      id TEXT PRIMARY KEY, question TEXT NOT NULL, section TEXT NOT NULL, taught_by TEXT NOT NULL,
      taught_at TEXT NOT NULL, removed_by TEXT, removed_at TEXT);`,
  },
  {
    // Owner-only teaching commands refused to anyone else, for the record; never changed, never deleted.
    version: 2,
    sql: `CREATE TABLE policy_teaching_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, command TEXT NOT NULL);
    CREATE TRIGGER policy_teaching_audit_no_update BEFORE UPDATE ON policy_teaching_audit
      BEGIN SELECT RAISE(ABORT, 'TEACHING_AUDIT_APPEND_ONLY: the audit is never changed'); END;
    CREATE TRIGGER policy_teaching_audit_no_delete BEFORE DELETE ON policy_teaching_audit
      BEGIN SELECT RAISE(ABORT, 'TEACHING_AUDIT_APPEND_ONLY: the audit is never deleted'); END;
    -- REPLACE INTO deletes the row it replaces without firing the delete trigger: a colliding insert is refused.
    CREATE TRIGGER policy_teaching_audit_no_replace BEFORE INSERT ON policy_teaching_audit
      WHEN EXISTS (SELECT 1 FROM policy_teaching_audit WHERE seq = NEW.seq)
      BEGIN SELECT RAISE(ABORT, 'TEACHING_AUDIT_APPEND_ONLY: the audit is never replaced'); END;`,
  },
];

interface Row { id: string; question: string; section: string; taught_by: string; taught_at: string }

/** Teaching links and the teaching audit in the embedded SQLite database. */
export function createSqliteTeachingLinkStore(db: SqliteDatabase): TeachingLinkStore {
  migrate(db, 'policy-teaching', MIGRATIONS);
  const insert = db.prepare('INSERT INTO policy_teaching_links (id, question, section, taught_by, taught_at) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('UPDATE policy_teaching_links SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL');
  const live = db.prepare('SELECT id, question, section, taught_by, taught_at FROM policy_teaching_links WHERE removed_at IS NULL ORDER BY taught_at, rowid');
  // A plain INSERT, never OR REPLACE: seq is the audit's own number.
  const audit = db.prepare('INSERT INTO policy_teaching_audit (at, actor, action, command) VALUES (?, ?, ?, ?)');
  const auditLines = db.prepare('SELECT at, actor, action, command FROM policy_teaching_audit ORDER BY seq');
  return {
    async add(link) {
      const id = crypto.randomUUID();
      insert.run(id, link.question, link.section, link.taughtBy, link.taughtAt);
      return { ...link, id };
    },
    async remove(id, removedBy, removedAt) {
      return remove.run(removedBy, removedAt, id).changes === 1;
    },
    async list() {
      return (live.all() as Row[]).map((r): TeachingLink => ({ id: r.id, question: r.question, section: r.section, taughtBy: r.taught_by, taughtAt: r.taught_at }));
    },
    async appendAudit(entry) {
      audit.run(entry.at, entry.actor, entry.action, entry.command);
    },
    listAudit: async () => auditLines.all() as TeachingAuditEntry[],
  };
}
