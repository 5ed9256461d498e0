import { randomUUID } from 'node:crypto';
import { createAzureTableAcknowledgementStore } from '../../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { describeAcknowledgementStoreContract } from '../../support/contracts/acknowledgementStoreContract';

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

// Each test gets its own tables through a fresh prefix, so tests never see each other's rows.
describeAcknowledgementStoreContract('Azure Table (Azurite)', async () => createAzureTableAcknowledgementStore({
  connectionString: azurite.connectionString, allowInsecureConnection: true,
  tablePrefix: `t${randomUUID().replace(/-/g, '').slice(0, 12)}`,
}));

describe('Azure Table acknowledgement store', () => {
  it('when the table prefix is not letters and digits, then creation fails with a clear code', async () => {
    await expect(createAzureTableAcknowledgementStore({ connectionString: azurite.connectionString, tablePrefix: 'bad-prefix' }))
      .rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('when two store instances share the account, then they see the same campaign and split its deliveries', async () => {
    const opts = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: 'shared' };
    const a = await createAzureTableAcknowledgementStore(opts);
    const b = await createAzureTableAcknowledgementStore(opts);
    await a.addDeliveries('c1', Array.from({ length: 200 }, (_, i) => `r${i}`), '2026-09-01T00:00:00.000Z');
    const now = '2026-09-01T00:00:01.000Z';
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const got = await Promise.all([
        a.claimDeliveries({ campaignId: 'c1', workerId: 'A', limit: 30, leaseMs: 60000, now }),
        b.claimDeliveries({ campaignId: 'c1', workerId: 'B', limit: 30, leaseMs: 60000, now }),
      ]);
      seen.push(...got.flat().map((d) => d.userId));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(200);
  });
});
