import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { OwnerJob, OwnerJobStore } from '../../../src/features/acknowledgement/domain/ownerJobs';
import { createAzureTableOwnerJobStore } from '../../../src/adapters/azureTables/azureTableOwnerJobStore';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteOwnerJobStore } from '../../../src/adapters/sqlite/sqliteOwnerJobStore';
import { AzuriteTables, startAzuriteTables } from '../azuriteServer';

const T0 = '2026-11-23T09:00:00.000Z';
const T1 = '2026-11-23T09:00:30.000Z';
const T5 = '2026-11-23T09:05:00.000Z';

function job(id: string, extra: Partial<OwnerJob> = {}): OwnerJob {
  return {
    id, kind: 'remind', campaignId: 'c1', actorId: 'owner', state: 'running', done: 0, total: 31_000, cursor: '', data: { reminded: 0 },
    card: { serviceUrl: 'https://smba.example/', conversationId: 'a:owner', activityId: 'act-1' },
    createdAt: T0, updatedAt: T0, workerId: 'A', leaseUntil: '2026-11-23T09:01:00.000Z', ...extra,
  };
}

/** One contract for every background-job adapter. */
function describeOwnerJobStoreContract(name: string, make: () => Promise<OwnerJobStore>): void {
  describe(`owner job store contract: ${name}`, () => {
    it('when a job is saved by its holder, then it reads back with its counters, cursor and card', async () => {
      const store = await make();
      await store.createJob(job('j1'));
      const saved = { ...job('j1'), done: 12_400, cursor: 'aad-12400', data: { reminded: 12_000, recentlyReminded: 400 }, updatedAt: T1 };
      expect(await store.saveJob(saved, 'A')).toBe(true);
      expect(await store.getJob('j1')).toEqual(saved);
      expect(await store.getJob('nope')).toBeUndefined();
    });

    it('when another worker saves a job it does not hold, then nothing changes', async () => {
      const store = await make();
      await store.createJob(job('j1'));
      expect(await store.saveJob({ ...job('j1'), done: 5 }, 'B')).toBe(false);
      expect((await store.getJob('j1'))?.done).toBe(0);
    });

    it('when jobs are unfinished, then they are listed oldest first, and finished ones are not', async () => {
      const store = await make();
      await store.createJob(job('j2', { createdAt: T1 }));
      await store.createJob(job('j1'));
      await store.createJob(job('j3', { createdAt: T1 }));
      expect(await store.saveJob({ ...job('j3', { createdAt: T1 }), state: 'done' }, 'A')).toBe(true);
      expect((await store.listUnfinishedJobs()).map((j) => j.id)).toEqual(['j1', 'j2']);
      // A finished job is not saved again, even by its holder.
      expect(await store.saveJob({ ...job('j3', { createdAt: T1 }), done: 99 }, 'A')).toBe(false);
    });

    it('when a worker claims a job, then only its holder or anyone after the lease runs out can take it', async () => {
      const store = await make();
      await store.createJob(job('j1'));
      expect(await store.claimJob('j1', 'B', T1, 60_000)).toBeUndefined();
      // The same worker after a restart takes it back at once.
      expect(await store.claimJob('j1', 'A', T1, 60_000)).toMatchObject({ id: 'j1', workerId: 'A', leaseUntil: '2026-11-23T09:01:30.000Z' });
      const taken = await store.claimJob('j1', 'B', T5, 60_000);
      expect(taken).toMatchObject({ workerId: 'B', done: 0, cursor: '' });
      expect(await store.saveJob({ ...job('j1'), done: 7 }, 'A')).toBe(false);
      expect(await store.saveJob({ ...taken!, done: 7 }, 'B')).toBe(true);
      expect(await store.claimJob('missing', 'B', T5, 60_000)).toBeUndefined();
    });

    it('when two workers claim an expired job at once, then exactly one gets it', async () => {
      const store = await make();
      await store.createJob(job('j1'));
      const got = await Promise.all([store.claimJob('j1', 'B', T5, 60_000), store.claimJob('j1', 'C', T5, 60_000)]);
      expect(got.filter(Boolean)).toHaveLength(1);
    });
  });
}

describeOwnerJobStoreContract('SQLite', async () => createSqliteOwnerJobStore(openSqliteDatabase(':memory:')));

describe('on Azurite', () => {
  let azurite: AzuriteTables;
  beforeAll(async () => { azurite = await startAzuriteTables(); });
  afterAll(async () => { await azurite?.stop(); });
  describeOwnerJobStoreContract('Azure Table (Azurite)', async () => createAzureTableOwnerJobStore(
    TableClient.fromConnectionString(azurite.connectionString, `jobs${randomUUID().replace(/-/g, '').slice(0, 12)}`, { allowInsecureConnection: true }),
  ));
});
