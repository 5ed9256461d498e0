import crypto from 'node:crypto';
import { TeachingAuditEntry, TeachingLink, TeachingLinkStore } from '../../features/policy/teaching/teachingLinks';
import { isSealedQuestionValue, NO_QUESTION_SEALING, QuestionSealing, taughtQuestionSealId } from '../questionSealing';
import { migrate, SqliteDatabase, withSecureDelete } from './sqliteDatabase';

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

/**
 * Teaching links and the teaching audit in the embedded SQLite database. A live link's question (as the owner
 * approved it, names taken out) is sealed with the question log's key (adapters/questionSealing.ts); a removed link
 * keeps who taught and removed which section when, and its question is erased (an empty string, overwritten on
 * disk). Opened with the key, links an older release kept in the clear are sealed, or erased if removed; without the
 * key the store teaches nothing and shows nothing sealed (QUESTION_LOG_KEY_MISSING).
 */
export function createSqliteTeachingLinkStore(db: SqliteDatabase, sealing?: QuestionSealing): TeachingLinkStore {
  migrate(db, 'policy-teaching', MIGRATIONS);
  const seal = sealing ?? NO_QUESTION_SEALING;
  if (sealing) sealPlainLinks(db, sealing);
  const insert = db.prepare('INSERT INTO policy_teaching_links (id, question, section, taught_by, taught_at) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare(`UPDATE policy_teaching_links SET removed_by = ?, removed_at = ?, question = '' WHERE id = ? AND removed_at IS NULL`);
  const live = db.prepare('SELECT id, question, section, taught_by, taught_at FROM policy_teaching_links WHERE removed_at IS NULL ORDER BY taught_at, rowid');
  // A plain INSERT, never OR REPLACE: seq is the audit's own number.
  const audit = db.prepare('INSERT INTO policy_teaching_audit (at, actor, action, command) VALUES (?, ?, ?, ?)');
  const auditLines = db.prepare('SELECT at, actor, action, command FROM policy_teaching_audit ORDER BY seq');
  return {
    async add(link) {
      const id = crypto.randomUUID();
      insert.run(id, seal.seal(link.question, taughtQuestionSealId(id), 'taughtQuestion'), link.section, link.taughtBy, link.taughtAt);
      return { ...link, id };
    },
    async remove(id, removedBy, removedAt) {
      let changed = 0;
      // The sealed question is overwritten on disk, not only unlinked, and moved out of the write-ahead log.
      withSecureDelete(db, () => { changed = remove.run(removedBy, removedAt, id).changes; });
      if (changed === 1) db.pragma('wal_checkpoint(TRUNCATE)');
      return changed === 1;
    },
    async list() {
      return (live.all() as Row[]).map((r): TeachingLink => ({
        id: r.id, question: seal.open(r.question, taughtQuestionSealId(r.id), 'taughtQuestion'), section: r.section, taughtBy: r.taught_by, taughtAt: r.taught_at,
      }));
    },
    async appendAudit(entry) {
      audit.run(entry.at, entry.actor, entry.action, entry.command);
    },
    listAudit: async () => auditLines.all() as TeachingAuditEntry[],
  };
}

/**
 * Seals the live links' questions an older release kept in the clear, and erases the questions of links it removed;
 * the old text is overwritten on disk (secure_delete) and checkpointed out of the write-ahead log. A key that does not
 * open the links already sealed stops it first (FieldDecryptionError), so a wrong key never seals anything.
 */
function sealPlainLinks(db: SqliteDatabase, sealing: QuestionSealing): void {
  const rows = (db.prepare(`SELECT id, question, removed_at FROM policy_teaching_links WHERE question <> ''`).all() as { id: string; question: string; removed_at: string | null }[]);
  const plainLive = rows.filter((r) => r.removed_at === null && !isSealedQuestionValue(r.question));
  const removedWithText = rows.filter((r) => r.removed_at !== null);
  if (plainLive.length === 0 && removedWithText.length === 0) return;
  const sealed = rows.find((r) => isSealedQuestionValue(r.question));
  if (sealed) sealing.open(sealed.question, taughtQuestionSealId(sealed.id), 'taughtQuestion');
  const update = db.prepare('UPDATE policy_teaching_links SET question = ? WHERE id = ?');
  withSecureDelete(db, () => db.transaction(() => {
    for (const r of plainLive) update.run(sealing.seal(r.question, taughtQuestionSealId(r.id), 'taughtQuestion'), r.id);
    for (const r of removedWithText) update.run('', r.id);
  })());
  db.pragma('wal_checkpoint(TRUNCATE)');
}
