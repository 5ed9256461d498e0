import { createSqliteSharedRecords } from '../../../src/adapters/sqlite/sqliteSharedRecords';
import { describeSharedRecordsContract } from '../../support/contracts/sharedRecordsContract';
import { sharedSqliteFiles } from '../../support/contracts/sharedSqliteFile';

const files = sharedSqliteFiles();
afterAll(() => files.cleanUp());

// Two connections to one file, as two processes on one machine have.
describeSharedRecordsContract('SQLite (two connections to one file)', async () => {
  const [one, two] = files.openTwo();
  return [createSqliteSharedRecords(one), createSqliteSharedRecords(two)];
});
