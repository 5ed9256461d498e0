import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { PeoplePage, PeopleQuery } from '../../features/acknowledgement/domain/acknowledgementStore';
import { moduleScript } from '../../shared/moduleScript';
import { listCampaignPeople } from './sqliteAcknowledgementPeople';
import { errorReply, startThreadCalls, ThreadReply } from './threadCalls';

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

/** Starts the reader thread for the database file at `filePath` (opened on the thread's first question). */
export function startSqliteReaderThread(filePath: string): SqliteReaderThread {
  const calls = startThreadCalls(moduleScript(__filename, 'sqliteReaderThread', '.serveReads()'), { filePath }, { stopped: 'the SQLite reader thread stopped' });
  return {
    listCampaignPeople: (campaignId, query) => calls.ask<PeoplePage>({ kind: 'people', campaignId, query }),
    close: () => calls.close(),
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
      parentPort!.postMessage({ id: request.id, result: listCampaignPeople(q, request.campaignId, request.query) } satisfies ThreadReply);
    } catch (err) {
      parentPort!.postMessage(errorReply(request.id, err));
    }
  });
}
