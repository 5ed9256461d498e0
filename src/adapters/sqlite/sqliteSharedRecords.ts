import { SharedRecords } from '../../shared/sharedRecords';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    // One row per record; `version` counts its writes, and a write names the version it read (UPDATE ... WHERE version).
    version: 1,
    sql: `CREATE TABLE shared_records (
      space TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (space, key));
      CREATE INDEX shared_records_updated ON shared_records (space, updated_at);`,
  },
];

/**
 * The shared records in the SQLite file: instances on one machine (and the bot's threads) share them through the file,
 * each write one statement under SQLite's write lock, kept only while the row is at the version the writer read.
 */
export function createSqliteSharedRecords(db: SqliteDatabase, now: () => number = Date.now): SharedRecords {
  migrate(db, 'shared-records', MIGRATIONS);
  const get = db.prepare('SELECT value, version FROM shared_records WHERE space = ? AND key = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO shared_records (space, key, value, version, updated_at) VALUES (?, ?, ?, 1, ?)');
  const update = db.prepare('UPDATE shared_records SET value = ?, version = version + 1, updated_at = ? WHERE space = ? AND key = ? AND version = ?');
  const sweep = db.prepare('DELETE FROM shared_records WHERE space = ? AND updated_at < ?');
  return {
    async read<T>(space: string, key: string) {
      const row = get.get(space, key) as { value: string; version: number } | undefined;
      return row ? { value: JSON.parse(row.value) as T, version: String(row.version) } : undefined;
    },
    async write(space, key, value, version) {
      const json = JSON.stringify(value);
      if (version === undefined) return insert.run(space, key, json, now()).changes === 1 ? '1' : undefined;
      const at = Number(version);
      if (!Number.isSafeInteger(at)) return undefined;
      return update.run(json, now(), space, key, at).changes === 1 ? String(at + 1) : undefined;
    },
    async sweep(space, before) {
      return sweep.run(space, before).changes;
    },
  };
}
