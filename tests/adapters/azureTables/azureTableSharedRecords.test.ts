import { createAzureTableSharedRecords } from '../../../src/adapters/azureTables/azureTableSharedRecords';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { describeSharedRecordsContract } from '../../support/contracts/sharedRecordsContract';

let azurite: AzuriteTables;
beforeAll(async () => {
  azurite = await startAzuriteTables();
});
afterAll(async () => {
  await azurite?.stop();
});

// Two clients of one table, as two instances have.
describeSharedRecordsContract('Azure Table storage (Azurite)', async () => {
  const connection = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: 'contract' };
  return [await createAzureTableSharedRecords(connection), await createAzureTableSharedRecords(connection)];
});
