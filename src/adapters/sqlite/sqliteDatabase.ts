import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/** An open better-sqlite3 database. */
export type SqliteDatabase = Database.Database;

/** One schema step; steps are applied in order, once, inside a transaction. */
export interface Migration {
  version: number;
  sql: string;
}

/**
 * Opens (creating if needed) the embedded database in WAL mode with sane durability settings. The file holds
 * safeguarding records: it is created readable by this user only (0600, in a folder created 0700), and an existing
 * file readable by others is narrowed to 0600. SQLite gives its -wal and -shm files the database file's mode.
 */
export function openSqliteDatabase(filePath: string): SqliteDatabase {
  if (filePath !== ':memory:') prepareOwnerOnlyFile(filePath);
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  immediateTransactions(db);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL,
    PRIMARY KEY (component, version))`);
  return db;
}

/**
 * Applies the migrations a component has not yet applied. Each component (feedback, acknowledgement,
 * concerns...) owns its tables and its own version numbers, so parts of the product evolve independently.
 */
export function migrate(db: SqliteDatabase, component: string, migrations: readonly Migration[]): void {
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations WHERE component = ?').all(component) as { version: number }[])
      .map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (component, version, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      // Asked again under the write lock: the sending thread opens the same file through its own connection at the same
      // moment, and a migration it applied since the read above would fail here ("duplicate column name").
      if (isApplied.get(component, m.version)) return;
      db.exec(m.sql);
      record.run(component, m.version, new Date().toISOString());
    })();
  }
}

/** Runs `work` with SQLite's secure_delete on (freed space is zeroed, so deleted or rewritten text is gone from the file), then restores it. */
export function withSecureDelete(db: SqliteDatabase, work: () => void): void {
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    work();
  } finally {
    db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
  }
}

/**
 * Creates the database's folder (0700) and file (0600) before SQLite does, or narrows an existing file to 0600. An
 * existing file is never opened here: closing any descriptor of a file drops every POSIX lock this process holds on it,
 * so opening and closing the file while another connection of the bot had it open (the sending thread's, the shared
 * records') dropped that connection's locks, and the next program to open and close the database (the documented
 * backup, sqlite3 on the command line) took itself for the last one and deleted the write-ahead log under the bot: every
 * acknowledgement after it was lost at the restart (found by an outside walk-through).
 */
function prepareOwnerOnlyFile(filePath: string): void {
  const resolved = path.resolve(filePath);
  fs.mkdirSync(path.dirname(resolved), { recursive: true, mode: 0o700 });
  try {
    // Only a file that does not exist yet, which no connection can have open.
    fs.closeSync(fs.openSync(resolved, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Windows has no POSIX modes; elsewhere a file made before this rule (0644) is narrowed.
  if (process.platform !== 'win32') {
    for (const file of [resolved, `${resolved}-wal`, `${resolved}-shm`]) {
      if (fs.existsSync(file) && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    }
  }
}

/**
 * Makes every transaction take the write lock as it begins (BEGIN IMMEDIATE), waiting up to busy_timeout for it. The
 * campaign sending thread writes to the same file through a second connection: a deferred transaction that reads first
 * and writes after would otherwise fail at once with SQLITE_BUSY whenever the other connection commits in between (a WAL
 * read snapshot cannot be upgraded to a write), losing a report or a campaign's recipients instead of waiting a moment.
 */
function immediateTransactions(db: SqliteDatabase): void {
  const deferred = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const tx = deferred(fn);
    const run = (...args: unknown[]) => tx.immediate(...args);
    return Object.assign(run, { default: tx.immediate, deferred: tx.deferred, immediate: tx.immediate, exclusive: tx.exclusive, database: db });
  }) as typeof db.transaction;
}
