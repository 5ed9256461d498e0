import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';

/** The database holds safeguarding records: on a shared server no other account may read it. */
const posix = process.platform === 'win32' ? describe.skip : describe;

posix('the SQLite file a school keeps its records in', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-modes-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const mode = (p: string) => fs.statSync(p).mode & 0o777;

  it('when it is created, then the file and its WAL files are 0600 in a folder created 0700, whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const file = path.join(root, 'data', 'policy-bot.sqlite');
      const db = openSqliteDatabase(file);
      db.exec('CREATE TABLE t (x TEXT); INSERT INTO t VALUES (\'a\')');
      expect(mode(path.dirname(file))).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it('when a file made before the rule is readable by others, then opening it narrows it to 0600 and keeps its rows', () => {
    const file = path.join(root, 'old.sqlite');
    const first = openSqliteDatabase(file);
    first.exec('CREATE TABLE t (x TEXT); INSERT INTO t VALUES (\'kept\')');
    first.close();
    fs.chmodSync(file, 0o644);
    const db = openSqliteDatabase(file);
    expect(mode(file)).toBe(0o600);
    expect(db.prepare('SELECT x FROM t').get()).toEqual({ x: 'kept' });
    db.close();
  });
});
