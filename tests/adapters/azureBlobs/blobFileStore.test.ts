import { blobUrlOf, createBlobFileStore, filesContainerName } from '../../../src/adapters/azureBlobs/blobFileStore';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { describeFileStoreContract } from '../../support/contracts/fileStoreContract';

let azurite: AzuriteTables;
beforeAll(async () => {
  azurite = await startAzuriteTables({ blobs: true });
});
afterAll(async () => {
  await azurite?.stop();
});

// Two clients of one container, as two instances have.
describeFileStoreContract('Azure Blob Storage (Azurite)', async () => {
  const connection = { connectionString: azurite.connectionString, container: filesContainerName('Contract') };
  return [createBlobFileStore(connection), createBlobFileStore(connection)];
});

describe('where the files go on Azure', () => {
  it('when the tables are reached by their account URL, then the files are in the same account\'s Blob service, in a container named after the prefix', () => {
    expect(blobUrlOf('https://schoolbot123.table.core.windows.net/')).toBe('https://schoolbot123.blob.core.windows.net/');
    expect(filesContainerName('policybot')).toBe('policybot-files');
  });
});
