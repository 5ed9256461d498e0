import { AppConfig } from '../config';
import { SharedRecords } from '../shared/sharedRecords';

/** Shared records opened for one user of them, and how to let go of what was opened. */
export interface OpenedSharedRecords {
  records: SharedRecords;
  close(): void;
}

/**
 * The shared records where the settings keep the app's other records: the SQLite file (a connection of their own) or
 * the Azure account's `<prefix>Shared` table. Opened on first use and loaded only then, so the process can start its
 * outbound budget before it loads the rest of the app (earlySending.ts). With SQLITE_PATH=:memory: (one process, tests)
 * they are this process's own.
 */
export function openSharedRecords(config: Pick<AppConfig, 'storage' | 'acknowledgement'>): OpenedSharedRecords {
  let closeDb: (() => void) | undefined;
  let closed = false;
  let opening: Promise<SharedRecords> | undefined;
  const open = (): Promise<SharedRecords> => {
    opening ??= (async () => {
      if (config.storage.kind === 'azure') {
        const [{ createAzureTableSharedRecords }, { azureRecordConnection }] = await Promise.all([
          import('../adapters/azureTables/azureTableSharedRecords'), import('./azureConnection'),
        ]);
        return createAzureTableSharedRecords(azureRecordConnection(config.storage, config.acknowledgement.azureTablePrefix));
      }
      if (closed) throw Object.assign(new Error('the shared records were closed'), { code: 'STORE_CLOSED' });
      if (config.storage.sqlitePath !== ':memory:') {
        // A file's records are read and written on a thread of their own: a write waiting for SQLite's lock waits there.
        const { startSqliteSharedRecordsThread } = await import('../adapters/sqlite/sqliteSharedRecordsThread');
        const thread = startSqliteSharedRecordsThread(config.storage.sqlitePath);
        closeDb = () => { void thread.close(); };
        return thread;
      }
      const [{ openSqliteDatabase }, { createSqliteSharedRecords }] = await Promise.all([
        import('../adapters/sqlite/sqliteDatabase'), import('../adapters/sqlite/sqliteSharedRecords'),
      ]);
      const db = openSqliteDatabase(config.storage.sqlitePath);
      closeDb = () => db.close();
      return createSqliteSharedRecords(db);
    })();
    // A failed open (Azure out of reach at start) is tried again at the next use.
    opening.catch(() => { opening = undefined; });
    return opening;
  };
  return {
    records: {
      read: async (space, key) => (await open()).read(space, key),
      write: async (space, key, value, version) => (await open()).write(space, key, value, version),
      sweep: async (space, before) => (await open()).sweep(space, before),
    },
    close() {
      closed = true;
      closeDb?.();
      closeDb = undefined;
    },
  };
}
