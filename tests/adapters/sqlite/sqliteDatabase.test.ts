import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';

/** The sqlite3 program, where the machine has it (the deployment guide's backup uses it). */
const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3', '/opt/homebrew/bin/sqlite3'].find((p) => fs.existsSync(p));

/** The database holds safeguarding records: on a shared server no other account may read it. */
const posix = process.platform === 'win32' ? describe.skip : describe;

posix('the SQLite file a school keeps its records in', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-modes-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const mode = (p: string) => fs.statSync(p).mode & 0o777;

  it('when the bot opens a second connection and the documented backup (the sqlite3 program) then runs, then the write-ahead log stays and nothing written after is lost', () => {
    const file = path.join(root, 'policy-bot.sqlite');
    const first = openSqliteDatabase(file);
    first.exec('CREATE TABLE t (x TEXT); INSERT INTO t VALUES (\'before\')');
    // The sending thread's or the shared records' own connection, opened later in the same process.
    const second = openSqliteDatabase(file);
    if (SQLITE3) {
      execFileSync(SQLITE3, [file, `.backup '${path.join(root, 'backup.sqlite')}'`]);
      // Before, the backup took itself for the last connection and deleted the log under the bot.
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
    }
    first.exec('INSERT INTO t VALUES (\'after\')');
    first.close();
    second.close();
    const again = openSqliteDatabase(file);
    expect((again.prepare('SELECT x FROM t ORDER BY rowid').all() as { x: string }[]).map((r) => r.x)).toEqual(['before', 'after']);
    again.close();
  });

  it('when a connection opens a file that exists, then the file is never opened outside SQLite (closing it would drop the other connections\' locks)', () => {
    const file = path.join(root, 'policy-bot.sqlite');
    openSqliteDatabase(file).close();
    const opened = jest.spyOn(fs, 'openSync');
    try {
      const db = openSqliteDatabase(file);
      db.close();
      // Asked to create it only ('wx'), which fails for a file that exists: no descriptor of it is ever opened here.
      const openedIt = opened.mock.calls.map(([p], i) => ({ p, result: opened.mock.results[i].type }))
        .filter(({ p, result }) => path.resolve(String(p)) === path.resolve(file) && result === 'return');
      expect(openedIt).toEqual([]);
    } finally {
      opened.mockRestore();
    }
  });

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

describe('migrations on a file two connections open at once (the bot and its sending thread)', () => {
  const MIGRATIONS = [
    { version: 1, sql: 'CREATE TABLE campaigns (id TEXT PRIMARY KEY)' },
    { version: 2, sql: 'ALTER TABLE campaigns ADD COLUMN key_points TEXT' },
  ];

  it('when the other connection applies a migration between this one\'s look and its own, then it is not applied twice and neither start fails', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrate-'));
    const file = path.join(root, 'bot.sqlite');
    const bot = openSqliteDatabase(file);
    const thread = openSqliteDatabase(file);
    try {
      // The thread migrates just after the bot has read what was applied and before the bot's first migration begins.
      const begin = bot.transaction.bind(bot);
      let raced = false;
      bot.transaction = ((fn: () => void) => {
        if (!raced) {
          raced = true;
          migrate(thread, 'acknowledgement', MIGRATIONS);
        }
        return begin(fn);
      }) as typeof bot.transaction;
      expect(() => migrate(bot, 'acknowledgement', MIGRATIONS)).not.toThrow();
      expect(raced).toBe(true);
      expect(bot.prepare('SELECT version FROM schema_migrations WHERE component = ? ORDER BY version').all('acknowledgement'))
        .toEqual([{ version: 1 }, { version: 2 }]);
      expect((bot.prepare('PRAGMA table_info(campaigns)').all() as { name: string }[]).map((c) => c.name)).toEqual(['id', 'key_points']);
    } finally {
      bot.close();
      thread.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
