import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { TeachingLinkStore } from '../../../src/features/policy/teaching/teachingLinks';
import { createAzureTableTeachingLinkStore } from '../../../src/adapters/azureTables/azureTableTeachingLinkStore';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteTeachingLinkStore } from '../../../src/adapters/sqlite/sqliteTeachingLinkStore';
import { AzuriteTables, startAzuriteTables } from '../azuriteServer';

/** One contract for every teaching-link adapter. */
function describeTeachingLinkStoreContract(name: string, make: () => Promise<TeachingLinkStore>): void {
  describe(`teaching link store contract: ${name}`, () => {
    it('when links are added, then they are listed oldest first with what was taught, by whom and when', async () => {
      const store = await make();
      const a = await store.add({ question: 'can i post the fair on my page', section: 'policy#4', taughtBy: 'owner-1', taughtAt: '2026-11-20T09:00:00.000Z' });
      await store.add({ question: 'who do i tell about a nasty comment', section: 'policy#9', taughtBy: 'owner-2', taughtAt: '2026-11-21T09:00:00.000Z' });
      const listed = await store.list();
      expect(listed.map((l) => [l.question, l.section, l.taughtBy, l.taughtAt])).toEqual([
        ['can i post the fair on my page', 'policy#4', 'owner-1', '2026-11-20T09:00:00.000Z'],
        ['who do i tell about a nasty comment', 'policy#9', 'owner-2', '2026-11-21T09:00:00.000Z'],
      ]);
      expect(listed[0].id).toBe(a.id);
    });

    it('when a link is removed, then it is no longer listed and removing it again reports false', async () => {
      const store = await make();
      const a = await store.add({ question: 'q one', section: 'policy#1', taughtBy: 'o', taughtAt: '2026-11-20T09:00:00.000Z' });
      const b = await store.add({ question: 'q two', section: 'policy#2', taughtBy: 'o', taughtAt: '2026-11-20T10:00:00.000Z' });
      expect(await store.remove(a.id, 'o', '2026-11-22T09:00:00.000Z')).toBe(true);
      expect((await store.list()).map((l) => l.id)).toEqual([b.id]);
      expect(await store.remove(a.id, 'o', '2026-11-22T09:00:01.000Z')).toBe(false);
      expect(await store.remove('no-such-link', 'o', '2026-11-22T09:00:01.000Z')).toBe(false);
    });
  });
}

describeTeachingLinkStoreContract('SQLite', async () => createSqliteTeachingLinkStore(openSqliteDatabase(':memory:')));

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });
describeTeachingLinkStoreContract('Azure Table (Azurite)', async () => createAzureTableTeachingLinkStore(
  TableClient.fromConnectionString(azurite.connectionString, `teach${randomUUID().replace(/-/g, '').slice(0, 12)}`, { allowInsecureConnection: true }),
));
