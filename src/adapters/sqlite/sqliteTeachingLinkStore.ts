import crypto from 'node:crypto';
import { TeachingLink, TeachingLinkStore } from '../../features/policy/teaching/teachingLinks';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    // Beside the question log. A removed link keeps its row, with who removed it and when.
    version: 1,
    sql: `CREATE TABLE policy_teaching_links (
      id TEXT PRIMARY KEY, question TEXT NOT NULL, section TEXT NOT NULL, taught_by TEXT NOT NULL,
      taught_at TEXT NOT NULL, removed_by TEXT, removed_at TEXT);`,
  },
];

interface Row { id: string; question: string; section: string; taught_by: string; taught_at: string }

/** Teaching links in the embedded SQLite database. */
export function createSqliteTeachingLinkStore(db: SqliteDatabase): TeachingLinkStore {
  migrate(db, 'policy-teaching', MIGRATIONS);
  const insert = db.prepare('INSERT INTO policy_teaching_links (id, question, section, taught_by, taught_at) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('UPDATE policy_teaching_links SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL');
  const live = db.prepare('SELECT id, question, section, taught_by, taught_at FROM policy_teaching_links WHERE removed_at IS NULL ORDER BY taught_at, rowid');
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
  };
}
