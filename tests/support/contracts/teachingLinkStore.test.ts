import { TableClient } from '@azure/data-tables';
import crypto, { randomUUID } from 'node:crypto';
import { createQuestionSealing, QuestionSealing } from '../../../src/adapters/questionSealing';
import { TeachingLink, TeachingLinkStore } from '../../../src/features/policy/teaching/teachingLinks';
import { createAzureTableTeachingLinkStore } from '../../../src/adapters/azureTables/azureTableTeachingLinkStore';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteTeachingLinkStore } from '../../../src/adapters/sqlite/sqliteTeachingLinkStore';
import { AzuriteTables, startAzuriteTables } from '../azuriteServer';

/** A link as a release before sealing kept it: the question in the clear, removed or not. */
type OlderLink = Omit<TeachingLink, 'id'> & { removedBy?: string; removedAt?: string };

/** One place where teaching links are kept, opened as often as a test likes, and read as anyone with the storage reads it. */
interface TeachingLinkPlace {
  /** Opens the store on this place, with the question log's sealing (none: as opened without the key). */
  open(sealing?: QuestionSealing): Promise<TeachingLinkStore>;
  /** Everything the place holds for the links, as text. */
  stored(): Promise<string>;
  /** Writes a link as a release before sealing did. */
  keepAsOlderRelease(link: OlderLink): Promise<void>;
}

const sealing = createQuestionSealing(Buffer.alloc(32, 9));

/** One contract for every teaching-link adapter. */
function describeTeachingLinkStoreContract(name: string, place: () => Promise<TeachingLinkPlace>): void {
  describe(`teaching link store contract: ${name}`, () => {
    it('when links are added, then they are listed oldest first with what was taught, by whom and when', async () => {
      const store = await (await place()).open(sealing);
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
      const store = await (await place()).open(sealing);
      const a = await store.add({ question: 'q one', section: 'policy#1', taughtBy: 'o', taughtAt: '2026-11-20T09:00:00.000Z' });
      const b = await store.add({ question: 'q two', section: 'policy#2', taughtBy: 'o', taughtAt: '2026-11-20T10:00:00.000Z' });
      expect(await store.remove(a.id, 'o', '2026-11-22T09:00:00.000Z')).toBe(true);
      expect((await store.list()).map((l) => l.id)).toEqual([b.id]);
      expect(await store.remove(a.id, 'o', '2026-11-22T09:00:01.000Z')).toBe(false);
      expect(await store.remove('no-such-link', 'o', '2026-11-22T09:00:01.000Z')).toBe(false);
    });

    it('when a link is added, then the store holds no plain text of its question, and another instance with the key reads it', async () => {
      const where = await place();
      await (await where.open(sealing)).add({ question: 'can i share the glimmerwort fete photos', section: 'policy#4', taughtBy: 'owner-1', taughtAt: '2026-11-20T09:00:00.000Z' });

      expect(await where.stored()).not.toMatch(/glimmerwort/);
      expect((await (await where.open(sealing)).list()).map((l) => l.question)).toEqual(['can i share the glimmerwort fete photos']);
    });

    it('when a link is removed, then its question is erased, and the record of who taught and removed which section when stays', async () => {
      const where = await place();
      const store = await where.open(sealing);
      const link = await store.add({ question: 'can i share the glimmerwort fete photos', section: 'policy#4', taughtBy: 'owner-1', taughtAt: '2026-11-20T09:00:00.000Z' });
      const sealedBefore = (await where.stored()).match(/gcm1\.[A-Za-z0-9+/=.]+/)?.[0];
      expect(sealedBefore).toBeDefined();

      expect(await store.remove(link.id, 'owner-2', '2026-11-22T09:00:00.000Z')).toBe(true);

      const after = await where.stored();
      expect(after).not.toContain(sealedBefore);
      expect(after).not.toMatch(/glimmerwort|gcm1\./);
      for (const kept of ['policy#4', 'owner-1', '2026-11-20T09:00:00.000Z', 'owner-2', '2026-11-22T09:00:00.000Z']) expect(after).toContain(kept);
    });

    it('when links an older release kept in the clear are opened with the key, then the live ones are sealed and still taught, and the removed ones lose their text', async () => {
      const where = await place();
      await where.open();
      await where.keepAsOlderRelease({ question: 'can i tag the wembleworth twins', section: 'policy#5', taughtBy: 'owner-1', taughtAt: '2026-01-01T09:00:00.000Z' });
      await where.keepAsOlderRelease({
        question: 'may i follow the quoddle parents', section: 'policy#6', taughtBy: 'owner-1', taughtAt: '2026-01-02T09:00:00.000Z', removedBy: 'owner-2', removedAt: '2026-01-03T09:00:00.000Z',
      });

      const store = await where.open(sealing);

      expect(await where.stored()).not.toMatch(/wembleworth|quoddle/);
      expect((await store.list()).map((l) => [l.question, l.section])).toEqual([['can i tag the wembleworth twins', 'policy#5']]);
      expect(await where.stored()).toContain('owner-2');
    });

    it('when the store is opened with another key, then it refuses before sealing anything, and shows nothing', async () => {
      const where = await place();
      await (await where.open(sealing)).add({ question: 'sealed with the right key', section: 'policy#1', taughtBy: 'o', taughtAt: '2026-11-20T09:00:00.000Z' });
      await where.keepAsOlderRelease({ question: 'can i tag the wembleworth twins', section: 'policy#5', taughtBy: 'o', taughtAt: '2026-11-21T09:00:00.000Z' });

      await expect(where.open(createQuestionSealing(crypto.randomBytes(32)))).rejects.toMatchObject({ code: 'FIELD_DECRYPT_FAILED' });

      expect(await where.stored()).toMatch(/wembleworth/);
      expect((await (await where.open(sealing)).list()).map((l) => l.question)).toEqual(['sealed with the right key', 'can i tag the wembleworth twins']);
    });

    it('when the store is opened without the key, then it teaches nothing in the clear and shows no sealed question', async () => {
      const where = await place();
      await (await where.open(sealing)).add({ question: 'sealed with the key', section: 'policy#1', taughtBy: 'o', taughtAt: '2026-11-20T09:00:00.000Z' });

      const keyless = await where.open();

      await expect(keyless.add({ question: 'in the clear?', section: 'policy#2', taughtBy: 'o', taughtAt: '2026-11-21T09:00:00.000Z' }))
        .rejects.toMatchObject({ code: 'QUESTION_LOG_KEY_MISSING' });
      await expect(keyless.list()).rejects.toMatchObject({ code: 'QUESTION_LOG_KEY_MISSING' });
      expect(await where.stored()).not.toMatch(/in the clear/);
    });
  });
}

describeTeachingLinkStoreContract('SQLite', async () => {
  const db = openSqliteDatabase(':memory:');
  return {
    open: async (key) => createSqliteTeachingLinkStore(db, key),
    stored: async () => JSON.stringify(db.prepare('SELECT * FROM policy_teaching_links').all()),
    async keepAsOlderRelease(l) {
      db.prepare('INSERT INTO policy_teaching_links (id, question, section, taught_by, taught_at, removed_by, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(randomUUID(), l.question, l.section, l.taughtBy, l.taughtAt, l.removedBy ?? null, l.removedAt ?? null);
    },
  };
});

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });
describeTeachingLinkStoreContract('Azure Table (Azurite)', async () => {
  const client = TableClient.fromConnectionString(azurite.connectionString, `teach${randomUUID().replace(/-/g, '').slice(0, 12)}`, { allowInsecureConnection: true });
  return {
    open: (key) => createAzureTableTeachingLinkStore(client, key),
    async stored() {
      const out: unknown[] = [];
      for await (const e of client.listEntities()) out.push(e);
      return JSON.stringify(out);
    },
    async keepAsOlderRelease(l) {
      // As the release before sealing wrote them: row key in time order, the question as it was taught.
      await client.createEntity({ partitionKey: 'links', rowKey: `${l.taughtAt.replace(/[^0-9]/g, '')}-${randomUUID()}`, ...l });
    },
  };
});
