import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase, SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';

/** Opens two connections to one fresh SQLite file, as two processes would have; call `cleanUp` in afterAll. */
export function sharedSqliteFiles(): { openTwo(): [SqliteDatabase, SqliteDatabase]; cleanUp(): void } {
  let dir: string | undefined;
  const dbs: SqliteDatabase[] = [];
  return {
    openTwo() {
      dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'shared-sqlite-'));
      const file = path.join(dir, `${dbs.length}.sqlite`);
      const pair: [SqliteDatabase, SqliteDatabase] = [openSqliteDatabase(file), openSqliteDatabase(file)];
      dbs.push(...pair);
      return pair;
    },
    cleanUp() {
      for (const db of dbs) if (db.open) db.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
