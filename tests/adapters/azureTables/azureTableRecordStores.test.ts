import { randomUUID } from 'node:crypto';
import { createAzureTablePublishedPolicyStore } from '../../../src/adapters/azureTables/azureTablePublishedPolicyStore';
import { createAzureTableQuestionLog } from '../../../src/adapters/azureTables/azureTableQuestionLog';
import { createQuestionSealing } from '../../../src/adapters/questionSealing';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { describePublishedPolicyStoreContract } from '../../support/contracts/publishedPolicyStoreContract';
import { describeQuestionLogContract } from '../../support/contracts/questionLogContract';

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

// Each test gets its own tables through a fresh prefix, so tests never see each other's rows.
const connection = (tablePrefix = `r${randomUUID().replace(/-/g, '').slice(0, 12)}`) => ({
  connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix,
});

// The question log's text is sealed (azureTableQuestionLogSealing.test.ts); the contract runs with a key.
const questionSealing = createQuestionSealing(Buffer.alloc(32, 5));
describeQuestionLogContract('Azure Table (Azurite)', () => createAzureTableQuestionLog(connection(), questionSealing));

describePublishedPolicyStoreContract('Azure Table (Azurite)', () => createAzureTablePublishedPolicyStore(connection()), async () => {
  const shared = connection();
  return [await createAzureTablePublishedPolicyStore(shared), await createAzureTablePublishedPolicyStore(shared)];
});
