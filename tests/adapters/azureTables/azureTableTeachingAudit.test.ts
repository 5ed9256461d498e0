import crypto from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { createAzureTableTeachingLinkStore } from '../../../src/adapters/azureTables/azureTableTeachingLinkStore';
import { TeachingAuditEntry } from '../../../src/features/policy/teaching/teachingLinks';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';

describe('the teaching audit on Azure Tables (Azurite)', () => {
  let azurite: AzuriteTables;
  beforeAll(async () => { azurite = await startAzuriteTables(); });
  afterAll(async () => { await azurite?.stop(); });

  it('when refusals are appended, then they read back in order, and the links list is unchanged', async () => {
    const table = `t${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}Teaching`;
    const store = await createAzureTableTeachingLinkStore(TableClient.fromConnectionString(azurite.connectionString, table, { allowInsecureConnection: true }));
    const refused: TeachingAuditEntry = { at: '2026-11-21T09:00:00.000Z', actor: 'aad-outsider', action: 'owner.refused', command: 'unteach' };

    await store.appendAudit(refused);
    await store.appendAudit({ ...refused, at: '2026-11-21T09:00:01.000Z', command: 'taught' });

    expect(await store.listAudit()).toEqual([refused, { ...refused, at: '2026-11-21T09:00:01.000Z', command: 'taught' }]);
    expect(await store.list()).toEqual([]);
  });
});
