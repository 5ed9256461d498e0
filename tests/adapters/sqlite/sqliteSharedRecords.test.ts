import { createSqliteSharedRecords } from '../../../src/adapters/sqlite/sqliteSharedRecords';
import { startSqliteSharedRecordsThread } from '../../../src/adapters/sqlite/sqliteSharedRecordsThread';
import { describeSharedRecordsContract } from '../../support/contracts/sharedRecordsContract';
import { sharedSqliteFiles } from '../../support/contracts/sharedSqliteFile';

const files = sharedSqliteFiles();
afterAll(() => files.cleanUp());

// Two connections to one file, as two processes on one machine have.
describeSharedRecordsContract('SQLite (two connections to one file)', async () => {
  const [one, two] = files.openTwo();
  return [createSqliteSharedRecords(one), createSqliteSharedRecords(two)];
});

// The bot's own records go through a thread of their own (a write waiting for SQLite's lock waits there), beside
// another process's plain connection to the same file.
const threads: { close(): Promise<void> }[] = [];
afterAll(async () => { await Promise.all(threads.map((t) => t.close())); });
describeSharedRecordsContract('SQLite (a thread of its own and a connection, one file)', async () => {
  const [one, two] = files.openTwo();
  const thread = startSqliteSharedRecordsThread(one.name);
  threads.push(thread);
  return [thread, createSqliteSharedRecords(two)];
});
