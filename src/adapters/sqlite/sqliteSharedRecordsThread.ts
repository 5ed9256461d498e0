import { parentPort, workerData } from 'node:worker_threads';
import { SharedRecord, SharedRecords } from '../../shared/sharedRecords';
import { moduleScript } from '../../shared/moduleScript';
import { openSqliteDatabase } from './sqliteDatabase';
import { createSqliteSharedRecords } from './sqliteSharedRecords';
import { errorReply, startThreadCalls, ThreadReply } from './threadCalls';

/**
 * The shared records in the SQLite file, read and written on a thread of their own. Each write is a transaction of its
 * own on the file, and while the sending thread or a background job holds SQLite's write lock it waits for it (a
 * commit, a checkpoint): on the bot's thread that wait held up everyone's messages, and every question and press now
 * writes its person's budget. Here the bot's thread only posts the call and goes on; a press that need not wait for its
 * write (sharedPersonLimits.ts) costs it a message, not a commit. The thread keeps the process alive only while an
 * answer is owed.
 */
export interface SqliteSharedRecordsThread extends SharedRecords {
  /** Ends the thread and its connection. */
  close(): Promise<void>;
}

type Request =
  | { id: number; op: 'read'; space: string; key: string }
  | { id: number; op: 'write'; space: string; key: string; value: unknown; version: string | undefined }
  | { id: number; op: 'sweep'; space: string; before: number };

/** Starts the thread for the shared records in the SQLite file at `filePath` (opened on the thread). */
export function startSqliteSharedRecordsThread(filePath: string): SqliteSharedRecordsThread {
  const calls = startThreadCalls(moduleScript(__filename, 'sqliteSharedRecordsThread', '.serveSharedRecords()'), { filePath }, {
    stopped: 'the shared records thread stopped', refuseAfterClose: 'the shared records were closed',
  });
  type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
  const ask = <T>(request: WithoutId<Request>): Promise<T> => calls.ask<T>(request);

  return {
    read: <T>(space: string, key: string) => ask<SharedRecord<T> | undefined>({ op: 'read', space, key }),
    write: (space, key, value, version) => ask<string | undefined>({ op: 'write', space, key, value, version }),
    sweep: (space, before) => ask<number>({ op: 'sweep', space, before }),
    close: () => calls.close(),
  };
}

/** How long a call here waits for SQLite's write lock before it fails, as busy_timeout did. */
const LOCK_WAIT_MS = 5_000;

/**
 * Runs one statement, asking again every millisecond while another connection holds SQLite's write lock. SQLite's own
 * busy wait sleeps longer each time it finds the lock taken (25, 50, then 100 ms), so while a background job commits a
 * batch every few milliseconds (a campaign's recipients) a waiting write kept missing the gaps and waited 230 ms or more,
 * and the teacher whose budget it was waited as long. Each statement here is one write of its own: a busy one changed
 * nothing, so asking again is safe.
 */
async function whenLockFree<T>(run: () => Promise<T>): Promise<T> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

/** The thread's side: opens the file and answers each call in turn. */
export function serveSharedRecords(): void {
  const { filePath } = workerData as { filePath: string };
  let records: SharedRecords | undefined;
  parentPort!.on('message', (request: Request) => {
    void (async () => {
      try {
        if (!records) {
          const db = openSqliteDatabase(filePath);
          records = createSqliteSharedRecords(db);
          // From here a busy lock is waited for in whenLockFree, not by SQLite's backing-off sleep.
          db.pragma('busy_timeout = 0');
        }
        const r = records;
        const result = await whenLockFree<unknown>(() => (request.op === 'read' ? r.read(request.space, request.key)
          : request.op === 'write' ? r.write(request.space, request.key, request.value, request.version)
            : r.sweep(request.space, request.before)));
        parentPort!.postMessage({ id: request.id, result } satisfies ThreadReply);
      } catch (err) {
        parentPort!.postMessage(errorReply(request.id, err));
      }
    })();
  });
}
