import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { PeoplePage, PeopleQuery } from '../../features/acknowledgement/domain/acknowledgementStore';
import { moduleScript } from '../../shared/moduleScript';
import { listCampaignPeople } from './sqliteAcknowledgementPeople';

/**
 * The owners' long reads of the SQLite file, made on a thread of their own through a read-only connection (WAL lets it
 * read while the bot and the sending thread write): the status card's page of people sorts every outstanding person of
 * a campaign by department and name and counts them by department, 100-300 ms of SQLite at 50,000 staff, which held
 * every teacher's question up for as long when it ran on the bot's thread. The thread does not keep the process alive
 * while nothing is asked of it, and is started again, once asked, if it ever ends.
 */
export interface SqliteReaderThread {
  /** A page of a campaign's people, as listCampaignPeople reads it on the bot's thread. */
  listCampaignPeople(campaignId: string, query: PeopleQuery): Promise<PeoplePage>;
  /** Ends the thread. */
  close(): Promise<void>;
}

type Request = { id: number; kind: 'people'; campaignId: string; query: PeopleQuery };
type Reply = { id: number; page: PeoplePage } | { id: number; error: { message: string; code?: string } };

/** Starts the reader thread for the database file at `filePath` (opened on the thread's first question). */
export function startSqliteReaderThread(filePath: string): SqliteReaderThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, { resolve(page: PeoplePage): void; reject(err: Error): void }>();

  const spawn = (): Worker => {
    const w = new Worker(moduleScript(__filename, 'sqliteReaderThread', '.serveReads()'), { eval: true, workerData: { filePath } });
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = waiting.get(reply.id);
      if (!p) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) w.unref();
      if ('page' in reply) p.resolve(reply.page);
      else p.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    });
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of waiting.values()) p.reject(Object.assign(new Error('the SQLite reader thread stopped'), { code: 'STORE_CLOSED' }));
      waiting.clear();
    });
    return w;
  };

  return {
    listCampaignPeople(campaignId, query) {
      return new Promise<PeoplePage>((resolve, reject) => {
        worker ??= spawn();
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        // Kept alive while an answer is owed.
        worker.ref();
        worker.postMessage({ id, kind: 'people', campaignId, query } satisfies Request);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}

/** The thread's side: opens the file read-only and answers each question in turn. */
export function serveReads(): void {
  const { filePath } = workerData as { filePath: string };
  let db: Database.Database | undefined;
  const statements = new Map<string, Statement<unknown[]>>();
  const q = (sql: string): Statement<unknown[]> => {
    let s = statements.get(sql);
    if (!s) {
      s = db!.prepare(sql) as Statement<unknown[]>;
      statements.set(sql, s);
    }
    return s;
  };
  parentPort!.on('message', (request: Request) => {
    try {
      if (!db) {
        db = new Database(filePath, { readonly: true, fileMustExist: true });
        db.pragma('busy_timeout = 5000');
      }
      parentPort!.postMessage({ id: request.id, page: listCampaignPeople(q, request.campaignId, request.query) } satisfies Reply);
    } catch (err) {
      const e = err as { message?: string; code?: string };
      parentPort!.postMessage({ id: request.id, error: { message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) } } satisfies Reply);
    }
  });
}
