import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { spreadShard } from '../../../src/adapters/azureTables/azureTableAcknowledgementEntities';
import { TALLY_BUCKETS, countsWriter } from '../../../src/adapters/azureTables/azureTableDeliveryTallies';
import { createAzureTableAcknowledgementStore } from '../../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { DeliveryTally } from '../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Acknowledgement, Campaign, StaffMember } from '../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { tallyRecords } from '../../../src/features/acknowledgement/domain/campaignProgress';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { describeAcknowledgementStoreContract } from '../../support/contracts/acknowledgementStoreContract';
import { describeAcknowledgementPeopleContract } from '../../support/contracts/acknowledgementPeopleContract';
import { describeAcknowledgementLeaversContract } from '../../support/contracts/acknowledgementLeaversContract';

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

// Each test gets its own tables through a fresh prefix, so tests never see each other's rows.
describeAcknowledgementStoreContract('Azure Table (Azurite)', async () => createAzureTableAcknowledgementStore({
  connectionString: azurite.connectionString, allowInsecureConnection: true,
  tablePrefix: `t${randomUUID().replace(/-/g, '').slice(0, 12)}`,
}));
describeAcknowledgementPeopleContract('Azure Table (Azurite)', async () => createAzureTableAcknowledgementStore({
  connectionString: azurite.connectionString, allowInsecureConnection: true,
  tablePrefix: `t${randomUUID().replace(/-/g, '').slice(0, 12)}`,
}));
describeAcknowledgementLeaversContract('Azure Table (Azurite)', async () => createAzureTableAcknowledgementStore({
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

describe('kept delivery tallies on Azure Table storage', () => {
  const T0 = '2026-09-01T08:00:00.000Z';
  const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
  const person = (n: number): StaffMember => ({
    userId: `p${String(n).padStart(4, '0')}`, userPrincipalName: `p${n}@school.example`, displayName: `Person ${n}`,
    department: ['Maths', 'English', 'Science'][n % 3], school: n % 2 ? 'North' : 'South', active: true, source: 'graph', updatedAt: T0,
  });
  const campaign: Campaign = {
    id: 'c1', policyId: 'social-media', versionHash: 'v1', audience: { kind: 'all' }, dueDate: '2026-09-30',
    startedAt: T0, startedBy: 'owner', round: 1, seriesId: 'c1', status: 'active',
  };
  const options = (prefix: string, onRequest?: (r: { table: string; method: string }) => void) => ({
    connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: prefix, ...(onRequest ? { onRequest } : {}),
  });
  const counted = (tallies: DeliveryTally[]) => tallies
    .map((t) => `${t.department}|${t.school}|${t.state}|${t.acknowledged}|${t.excused}|${t.opened}=${t.count}`).sort();

  it('when two instances add, claim, send, open, excuse and acknowledge at once, then the kept counts equal a count of the records', async () => {
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const a = await createAzureTableAcknowledgementStore(options(prefix));
    const b = await createAzureTableAcknowledgementStore(options(prefix));
    const people = Array.from({ length: 240 }, (_, i) => person(i));
    await a.upsertStaff(people);
    await a.createCampaign(campaign);
    const ids = people.map((p) => p.userId);
    // Both add overlapping halves at once: each person is added once.
    const added = await Promise.all([a.addDeliveries('c1', ids.slice(0, 160), at(0)), b.addDeliveries('c1', ids.slice(80), at(0))]);
    expect(added[0] + added[1]).toBe(240);
    const claimed = (await Promise.all([
      a.claimDeliveries({ campaignId: 'c1', workerId: 'A', limit: 120, leaseMs: 60_000, now: at(1) }),
      b.claimDeliveries({ campaignId: 'c1', workerId: 'B', limit: 120, leaseMs: 60_000, now: at(1) }),
    ])).flatMap((got, i) => got.map((d) => ({ d, store: i === 0 ? a : b, worker: i === 0 ? 'A' : 'B' })));
    await Promise.all(claimed.map(({ d, store, worker }, i) =>
      store.completeDelivery('c1', d.userId, worker, { state: i % 10 === 0 ? 'blocked' : 'sent' }, at(2))));
    const sent = claimed.filter((_, i) => i % 10 !== 0).map(({ d }) => d.userId);
    // Clicks, reads and excusals race on both instances, some on the same person.
    await Promise.all(sent.map((userId, i) => {
      const store = i % 2 ? a : b;
      if (i % 3 === 0) return store.appendAcknowledgement({ ...ackOf(people, userId), acknowledgedAt: at(3) });
      if (i % 3 === 1) return Promise.all([store.markOpened('c1', userId, at(3)), (i % 2 ? b : a).setExcused('c1', userId, { by: 'owner', at: at(3) })]);
      return store.markOpened('c1', userId, at(3));
    }));
    const fromRecords = tallyRecords(campaign, await a.listDeliveries('c1'), new Map(people.map((p) => [p.userId, p])), await a.listAcknowledgements('social-media', 'v1'));
    expect(counted(await b.tallyDeliveries('c1'))).toEqual(counted(fromRecords));
    expect((await a.tallyDeliveries('c1')).reduce((n, t) => n + t.count, 0)).toBe(240);
    const outstanding = (await a.listDeliveries('c1')).filter((d) => d.state === 'sent' && !d.excusedAt).map((d) => d.userId)
      .filter((id) => !sent.filter((_, i) => i % 3 === 0).includes(id));
    expect(await a.listOutstanding('c1')).toEqual(outstanding.sort());
  });

  it('when the owner asks for status, then it costs the same few requests at 40 and at 400 people', async () => {
    const cost = async (n: number) => {
      let requests = 0;
      const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const store = await createAzureTableAcknowledgementStore(options(prefix, () => { requests += 1; }));
      const people = Array.from({ length: n }, (_, i) => person(i));
      await store.upsertStaff(people);
      await store.createCampaign(campaign);
      await store.addDeliveries('c1', people.map((p) => p.userId), at(0));
      requests = 0;
      const tallies = await store.tallyDeliveries('c1');
      expect(tallies.reduce((sum, t) => sum + t.count, 0)).toBe(n);
      return requests;
    };
    const small = await cost(40);
    expect(small).toBeLessThanOrEqual(2);
    expect(await cost(400)).toBe(small);
  });

  it('when recipients are handed over as read from the staff list, then they are added with their details and no staff row is read again', async () => {
    const seen: string[] = [];
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const store = await createAzureTableAcknowledgementStore(options(prefix, (r) => { seen.push(`${r.method} ${r.table}`); }));
    const people = Array.from({ length: 60 }, (_, i) => person(i));
    await store.upsertStaff(people);
    await store.createCampaign(campaign);
    seen.length = 0;
    // Members for most (as the joiners check and a campaign's start hold them), ids for two (a point read each).
    expect(await store.addDeliveries('c1', [...people.slice(0, 58), 'p0058', 'p0059'], at(0))).toBe(60);
    expect(seen.filter((r) => r.endsWith('Staff'))).toEqual(['GET Staff', 'GET Staff']);
    seen.length = 0;
    expect(await store.addDeliveries('c1', people, at(1))).toBe(0);
    expect(seen.filter((r) => r.endsWith('Staff'))).toEqual([]);
    const fromRecords = tallyRecords(campaign, await store.listDeliveries('c1'), new Map(people.map((p) => [p.userId, p])), []);
    expect(counted(await store.tallyDeliveries('c1'))).toEqual(counted(fromRecords));
  });

  it('when many people acknowledge at once, then each is recorded once, their inserts share transactions, and a repeat or one already recorded elsewhere is told so', async () => {
    const seen: string[] = [];
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const a = await createAzureTableAcknowledgementStore(options(prefix, (r) => { seen.push(`${r.method} ${r.table}`); }));
    const b = await createAzureTableAcknowledgementStore(options(prefix));
    const people = Array.from({ length: 120 }, (_, i) => person(i));
    await a.upsertStaff(people);
    await a.createCampaign(campaign);
    await a.addDeliveries('c1', people, at(0));
    // Person 7 acknowledged through another instance first.
    expect((await b.appendAcknowledgement({ ...ackOf(people, 'p0007'), acknowledgedAt: at(1) })).recorded).toBe(true);
    seen.length = 0;
    const clicks = [...people.map((p) => p.userId), 'p0003', 'p0050'];
    const results = await Promise.all(clicks.map((id) => a.appendAcknowledgement({ ...ackOf(people, id), acknowledgedAt: at(2) })));
    const recorded = results.filter((r) => r.recorded).map((r) => r.acknowledgement.userId).sort();
    expect(recorded).toEqual(people.map((p) => p.userId).filter((id) => id !== 'p0007'));
    // The repeats and the one recorded elsewhere get the acknowledgement that stands.
    expect(results.filter((r) => !r.recorded).map((r) => `${r.acknowledgement.userId}@${r.acknowledgement.acknowledgedAt}`).sort())
      .toEqual([`p0003@${at(2)}`, `p0007@${at(1)}`, `p0050@${at(2)}`]);
    expect(await a.listAcknowledgements('social-media', 'v1')).toHaveLength(120);
    // 122 inserts in far fewer requests than 122 (a lone first insert, then transactions of up to 100).
    expect(seen.filter((r) => r === 'POST Acks').length).toBeLessThan(20);
    expect((await a.tallyDeliveries('c1')).filter((t) => t.acknowledged).reduce((n, t) => n + t.count, 0)).toBe(120);
  });

  it.each([['saved by this release (spread)', true], ['saved by an earlier release (one partition)', false]])('when an instance records an acknowledgement of a version %s before it has learnt of a campaign just started, then settling counts it, once', async (_, spread) => {
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const a = await createAzureTableAcknowledgementStore({ ...options(prefix), activeCampaignsTtlMs: 60_000 });
    const b = await createAzureTableAcknowledgementStore({ ...options(prefix), activeCampaignsTtlMs: 60_000 });
    const people = [person(1), person(2)];
    await a.upsertStaff(people);
    if (spread) await a.savePolicyVersion(versionV1);
    // b learns the active campaigns (none), then a starts one and adds both people.
    await b.appendAcknowledgement({ ...ackOf(people, 'p0002'), campaignId: 'older', acknowledgedAt: new Date(Date.now() - 60_000).toISOString() });
    // Started 20 s ago; how long each instance keeps its list stands in for waiting.
    const startedMs = Date.now() - 20_000;
    const started = { ...campaign, startedAt: new Date(startedMs).toISOString() };
    await a.createCampaign(started);
    await a.addDeliveries('c1', people, started.startedAt);
    // p0001 acknowledges on b, whose list does not show the campaign yet: its delivery there is left uncounted.
    await b.appendAcknowledgement({ ...ackOf(people, 'p0001'), campaignId: '', acknowledgedAt: new Date(startedMs + 1_000).toISOString() });
    const acknowledged = async () => (await a.tallyDeliveries('c1')).filter((t) => t.acknowledged).reduce((n, t) => n + t.count, 0);
    expect(await acknowledged()).toBe(0);
    // Before every instance's list must show it (a's lists live 60 s, plus the clock margin), settling waits for a later pass.
    expect(await a.settleAcknowledgements('c1')).toBe(0);
    const later = await createAzureTableAcknowledgementStore({ ...options(prefix), activeCampaignsTtlMs: 0 });
    expect(await later.settleAcknowledgements('c1')).toBe(1);
    expect(await acknowledged()).toBe(1);
    // Settled once: a second pass, on any instance, marks nothing and reads no acknowledgements.
    const seen: string[] = [];
    const another = await createAzureTableAcknowledgementStore({ ...options(prefix, (r) => { seen.push(`${r.method} ${r.table}`); }), activeCampaignsTtlMs: 0 });
    seen.length = 0;
    expect(await another.settleAcknowledgements('c1')).toBe(0);
    expect(seen).toEqual(['GET Campaigns']);
  });

  it('when a campaign was created before counts were kept, then its status is still counted from the records', async () => {
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const store = await createAzureTableAcknowledgementStore(options(prefix));
    await store.upsertStaff([person(1), person(2)]);
    await store.createCampaign(campaign);
    // The campaign row as an earlier version wrote it: no tallied flag (nor, so, deliveries spread over partitions).
    const campaigns = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Campaigns`, { allowInsecureConnection: true });
    await campaigns.updateEntity({ partitionKey: 'campaign', rowKey: 'c1', tallied: false, spread: false }, 'Merge');
    await store.addDeliveries('c1', ['p0001', 'p0002'], at(0));
    await store.appendAcknowledgement({ ...ackOf([person(1)], 'p0001'), acknowledgedAt: at(3) });
    // Counted from the records, a move of department shows at once (kept counts keep the one they were added under).
    await store.upsertStaff([{ ...person(1), department: 'Drama' }]);
    expect(counted(await store.tallyDeliveries('c1'))).toEqual([
      'Drama|North|pending|true|false|false=1', 'Science|South|pending|false|false|false=1',
    ].sort());
  });

  const marks = (tallies: DeliveryTally[]) => ({
    acknowledged: tallies.filter((t) => t.acknowledged).reduce((n, t) => n + t.count, 0),
    excused: tallies.filter((t) => t.excused).reduce((n, t) => n + t.count, 0),
    opened: tallies.filter((t) => t.opened).reduce((n, t) => n + t.count, 0),
  });

  /** Deliveries' partitions as stored, each with its rows' count (tally rows apart). */
  async function partitions(prefix: string): Promise<Map<string, number>> {
    const table = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Deliveries`, { allowInsecureConnection: true });
    const out = new Map<string, number>();
    for await (const e of table.listEntities()) if (!String(e.rowKey).startsWith('$')) out.set(e.partitionKey!, (out.get(e.partitionKey!) ?? 0) + 1);
    return out;
  }

  /** Sends everyone's card, one acknowledges, one is excused, one opens it; then the outstanding read a page of 7 at a time. */
  async function walkThrough(store: Awaited<ReturnType<typeof createAzureTableAcknowledgementStore>>, people: StaffMember[]) {
    await store.addDeliveries('c1', people.map((p) => p.userId), at(0));
    for (const d of await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 500, leaseMs: 60_000, now: at(1) })) {
      await store.completeDelivery('c1', d.userId, 'w', { state: 'sent' }, at(2));
    }
    await store.appendAcknowledgement({ ...ackOf(people, people[3].userId), acknowledgedAt: at(3) });
    await store.setExcused('c1', people[7].userId, { by: 'owner', at: at(3) });
    expect(await store.markOpened('c1', people[8].userId, at(4))).toBe(true);
    const seen: string[] = [];
    for (let page = await store.listOutstandingPage('c1', '', 7); page.length > 0; page = await store.listOutstandingPage('c1', seen[seen.length - 1], 7)) {
      seen.push(...page);
    }
    const reminded = await store.markRemindedMany('c1', seen, at(5), 86_400_000);
    return { seen, reminded };
  }

  /** Fresh tables with `n` staff and the campaign recorded. */
  async function started(n: number) {
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const store = await createAzureTableAcknowledgementStore(options(prefix));
    const people = Array.from({ length: n }, (_, i) => person(i));
    await store.upsertStaff(people);
    await store.createCampaign(campaign);
    return { prefix, store, people };
  }

  it('when a campaign starts, then its deliveries are spread over a partition per shard, each person always in theirs', async () => {
    const { prefix, store, people } = await started(200);
    const { seen, reminded } = await walkThrough(store, people);
    const stored = await partitions(prefix);
    const expected = new Map<string, number>();
    for (const p of people) {
      const pk = `c1|${String(spreadShard(encodeURIComponent(p.userId))).padStart(2, '0')}`;
      expected.set(pk, (expected.get(pk) ?? 0) + 1);
    }
    expect(stored).toEqual(expected);
    expect(stored.size).toBe(16);
    expect(Math.max(...stored.values())).toBeLessThan(200 / 4);
    expect(seen).toHaveLength(198);
    expect(new Set(seen).size).toBe(198);
    expect([...reminded].sort()).toEqual([...seen].sort());
    expect(await store.countDeliveries('c1')).toMatchObject({ sent: 200 });
    expect(marks(await store.tallyDeliveries('c1'))).toEqual({ acknowledged: 1, excused: 1, opened: 1 });
    expect(await store.getDelivery('c1', people[8].userId)).toMatchObject({ campaignId: 'c1', openedAt: at(4) });
    expect((await store.listCampaignPeople('c1', { list: 'outstanding', offset: 0, limit: 500 })).total).toBe(198);
  });

  it('when the sending thread keeps writing one shard, then acknowledgements marked there by the bot thread are never refused and every count adds up', async () => {
    const { prefix, store: sending, people } = await started(640);
    const requests: string[] = [];
    const opts = (writer: string, onRequest?: (r: { table: string; method: string }) => void) => ({ ...options(prefix, onRequest), countsWriter: writer });
    const sender = await createAzureTableAcknowledgementStore(opts('sending'));
    const bot = await createAzureTableAcknowledgementStore(opts('bot', (r) => { requests.push(`${r.method} ${r.table}`); }));
    // Two writers of one instance: each keeps its counts in a row of its own.
    expect(countsWriter('sending')).not.toBe(countsWriter('bot'));
    await sending.addDeliveries('c1', people.map((p) => p.userId), at(0));
    const inShard = people.filter((p) => spreadShard(encodeURIComponent(p.userId)) === 5);
    const [busy, acknowledging] = [inShard.slice(0, 12), inShard.slice(12, 32)];
    expect(acknowledging).toHaveLength(20);
    // The sender excuses and reinstates its twelve, four at a time, until the bot has done.
    let done = false;
    let senderWrites = 0;
    const hammer = Promise.all([0, 1, 2, 3].map(async (lane) => {
      for (let round = 0; !done; round++) {
        for (const p of busy.filter((_, i) => i % 4 === lane)) {
          await sender.setExcused('c1', p.userId, round % 2 ? null : { by: 'owner', at: at(2) });
          senderWrites++;
        }
      }
    }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    requests.length = 0;
    for (const p of acknowledging) {
      expect((await bot.appendAcknowledgement({ ...ackOf(people, p.userId), acknowledgedAt: at(3) })).recorded).toBe(true);
    }
    done = true;
    await hammer;
    expect(senderWrites).toBeGreaterThan(40);
    // Nothing of the bot's was refused: each acknowledgement one insert, one read of the delivery and one transaction with
    // its tally row, each of those read once.
    expect(requests.filter((r) => r === 'POST Acks')).toHaveLength(acknowledging.length);
    expect(requests.filter((r) => r === 'POST Deliveries')).toHaveLength(acknowledging.length);
    const reads = requests.filter((r) => r === 'GET Deliveries').length;
    expect(reads).toBeGreaterThan(acknowledging.length);
    expect(reads).toBeLessThanOrEqual(acknowledging.length + TALLY_BUCKETS);
    const fromRecords = tallyRecords(campaign, await bot.listDeliveries('c1'), new Map(people.map((p) => [p.userId, p])), await bot.listAcknowledgements('social-media', 'v1'));
    expect(counted(await bot.tallyDeliveries('c1'))).toEqual(counted(fromRecords));
    expect(marks(await sender.tallyDeliveries('c1')).acknowledged).toBe(20);
  });

  it('when a campaign\'s counts were kept in one row a shard by an earlier release, then they are still summed with the rows each writer keeps now', async () => {
    const { prefix, store, people } = await started(120);
    await store.addDeliveries('c1', people.map((p) => p.userId), at(0));
    await store.appendAcknowledgement({ ...ackOf(people, people[1].userId), acknowledgedAt: at(1) });
    // The counts moved into rows as the earlier release kept them: one a shard, `$tally|SS`, the writers' rows gone.
    const table = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Deliveries`, { allowInsecureConnection: true });
    const rows: Record<string, unknown>[] = [];
    for await (const e of table.listEntities<Record<string, unknown>>()) if (String(e.rowKey).startsWith('$')) rows.push(e);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((e) => /^\$tally\|\d\d\|w\d\|b\d$/.test(String(e.rowKey)))).toBe(true);
    const legacy = new Map<string, Map<string, number>>();
    for (const e of rows) {
      await table.deleteEntity(String(e.partitionKey), String(e.rowKey));
      const at = `${String(e.partitionKey)}\n${String(e.rowKey).slice(0, '$tally|00'.length)}`;
      const sum = legacy.get(at) ?? legacy.set(at, new Map()).get(at)!;
      for (const [combo, n] of JSON.parse(String(e.part0)) as [string, number][]) sum.set(combo, (sum.get(combo) ?? 0) + n);
    }
    for (const [at, sum] of legacy) {
      const [partitionKey, rowKey] = at.split('\n');
      await table.createEntity({ partitionKey, rowKey, parts: 1, part0: JSON.stringify([...sum]) });
    }
    const later = await createAzureTableAcknowledgementStore({ ...options(prefix), countsWriter: 'instance B' });
    await later.appendAcknowledgement({ ...ackOf(people, people[2].userId), acknowledgedAt: at(2) });
    await later.setExcused('c1', people[3].userId, { by: 'owner', at: at(2) });
    const fromRecords = tallyRecords(campaign, await later.listDeliveries('c1'), new Map(people.map((p) => [p.userId, p])), await later.listAcknowledgements('social-media', 'v1'));
    expect(counted(await later.tallyDeliveries('c1'))).toEqual(counted(fromRecords));
    expect(marks(await store.tallyDeliveries('c1'))).toEqual({ acknowledged: 2, excused: 1, opened: 0 });
    expect((await store.tallyDeliveries('c1')).reduce((n, t) => n + t.count, 0)).toBe(120);
  });

  it('when a local authority\'s staff span many schools, then a write moves a row of some schools\' counts, not all of them, and the counts add up', async () => {
    const { prefix, store } = await started(0);
    const people = Array.from({ length: 480 }, (_, i) => ({ ...person(i), school: `School ${i % 80}` }));
    await store.upsertStaff(people);
    await store.addDeliveries('c1', people, at(0));
    for (const p of people.slice(0, 160)) await store.appendAcknowledgement({ ...ackOf(people, p.userId), acknowledgedAt: at(1) });
    const table = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Deliveries`, { allowInsecureConnection: true });
    const byPartition = new Map<string, number[]>();
    for await (const e of table.listEntities<Record<string, unknown>>()) {
      if (!String(e.rowKey).startsWith('$')) continue;
      const sizes = byPartition.get(String(e.partitionKey)) ?? byPartition.set(String(e.partitionKey), []).get(String(e.partitionKey))!;
      sizes.push((JSON.parse(String(e.part0)) as unknown[]).length);
    }
    const [, sizes] = [...byPartition].sort((a, b) => b[1].reduce((n, x) => n + x, 0) - a[1].reduce((n, x) => n + x, 0))[0];
    const all = sizes.reduce((n, x) => n + x, 0);
    expect(sizes.length).toBeGreaterThanOrEqual(4);
    expect(sizes.length).toBeLessThanOrEqual(TALLY_BUCKETS);
    expect(Math.max(...sizes)).toBeLessThan(all / 2);
    const fromRecords = tallyRecords(campaign, await store.listDeliveries('c1'), new Map(people.map((p) => [p.userId, p])), await store.listAcknowledgements('social-media', 'v1'));
    expect(counted(await store.tallyDeliveries('c1'))).toEqual(counted(fromRecords));
    expect(marks(await store.tallyDeliveries('c1')).acknowledged).toBe(160);
  });

  it('when a campaign was started by the version before, then its deliveries stay in its one partition and everything works there', async () => {
    const { prefix, people } = await started(60);
    // The row as the version before wrote it: counts kept, deliveries in one partition (no spread flag).
    const campaigns = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Campaigns`, { allowInsecureConnection: true });
    await campaigns.updateEntity({ partitionKey: 'campaign', rowKey: 'c1', spread: false }, 'Merge');
    const store = await createAzureTableAcknowledgementStore(options(prefix));
    const { seen, reminded } = await walkThrough(store, people);
    expect(await partitions(prefix)).toEqual(new Map([['c1', 60]]));
    const outstanding = people.map((p) => p.userId).filter((id) => id !== people[3].userId && id !== people[7].userId);
    expect(seen).toEqual(outstanding);
    expect(reminded).toEqual(outstanding);
    expect(await store.countDeliveries('c1')).toMatchObject({ sent: 60 });
    expect((await store.tallyDeliveries('c1')).reduce((n, t) => n + t.count, 0)).toBe(60);
    expect(marks(await store.tallyDeliveries('c1'))).toEqual({ acknowledged: 1, excused: 1, opened: 1 });
    expect(await store.getDelivery('c1', people[8].userId)).toMatchObject({ campaignId: 'c1', openedAt: at(4) });
    expect((await store.listCampaignPeople('c1', { list: 'outstanding', offset: 0, limit: 500 })).total).toBe(58);
  });

  /** Every row of the acknowledgements table: partition -> row keys. */
  async function ackRows(prefix: string): Promise<Map<string, string[]>> {
    const table = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Acks`, { allowInsecureConnection: true });
    const out = new Map<string, string[]>();
    for await (const e of table.listEntities()) out.set(e.partitionKey!, [...(out.get(e.partitionKey!) ?? []), e.rowKey!]);
    return out;
  }

  const shardOf = (base: string, userId: string) => `${base}|${String(spreadShard(encodeURIComponent(userId))).padStart(2, '0')}`;

  it('when a version is saved by this release, then its acknowledgements and reads are spread over a partition per shard, and every reader finds them', async () => {
    const { prefix, store, people } = await started(48);
    await store.savePolicyVersion(versionV1);
    await store.addDeliveries('c1', people, at(0));
    await Promise.all(people.map((p, i) => store.appendAcknowledgement({ ...ackOf(people, p.userId), acknowledgedAt: at(10 + i) })));
    await Promise.all(people.slice(0, 12).map((p) => store.recordPolicyRead({ policyId: 'social-media', versionHash: 'v1', userId: p.userId, at: at(5), document: false })));

    // Each person's rows sit in their shard's partition, and nothing in the version's one partition.
    const rows = await ackRows(prefix);
    const ackPartitions = [...rows.keys()].filter((pk) => pk.startsWith('social-media|v1|'));
    expect(ackPartitions.length).toBeGreaterThanOrEqual(8);
    expect(rows.has('social-media|v1')).toBe(false);
    expect(rows.has('read|social-media|v1')).toBe(false);
    for (const p of people) expect(rows.get(shardOf('social-media|v1', p.userId))).toContain(`${p.userId}|c1`);
    for (const p of people.slice(0, 12)) expect(rows.get(shardOf('read|social-media|v1', p.userId))).toContain(p.userId);

    // Read back through an instance that has learnt nothing yet.
    const fresh = await createAzureTableAcknowledgementStore(options(prefix));
    expect((await fresh.listAcknowledgements('social-media', 'v1')).map((a) => a.userId)).toEqual(people.map((p) => p.userId));
    expect(await fresh.getAcknowledgement('social-media', 'v1', people[17].userId)).toMatchObject({ userId: people[17].userId, acknowledgedAt: at(27) });
    expect(await fresh.getAcknowledgement('social-media', 'v1', 'nobody')).toBeUndefined();
    expect(await fresh.getPolicyRead('social-media', 'v1', people[3].userId)).toMatchObject({ firstReadAt: at(5), pages: 1 });
    expect(await fresh.getPolicyRead('social-media', 'v1', people[30].userId)).toBeUndefined();
    // A second click is told the acknowledgement that stands.
    expect(await fresh.appendAcknowledgement({ ...ackOf(people, people[5].userId), acknowledgedAt: at(99) }))
      .toMatchObject({ recorded: false, acknowledgement: { acknowledgedAt: at(15) } });
    // A new round of the same version finds who has already acknowledged since it started.
    await fresh.createCampaign({ ...campaign, id: 'c2', seriesId: 'c2', startedAt: at(30) });
    await fresh.addDeliveries('c2', people, at(60));
    const c2 = await fresh.listDeliveries('c2');
    expect(c2.filter((d) => d.acknowledgedAt).map((d) => d.userId)).toEqual(people.slice(20).map((p) => p.userId));
    expect((await fresh.tallyDeliveries('c2')).filter((t) => t.acknowledged).reduce((n, t) => n + t.count, 0)).toBe(28);
  });

  it('when a version was saved by an earlier release, then its acknowledgements and reads stay in its one partition; and one an earlier release wrote there for a spread version is still listed and counted', async () => {
    const { prefix, store, people } = await started(20);
    // v0 as an earlier release wrote it: no layout flag.
    await store.savePolicyVersion({ ...versionV1, versionHash: 'v0' });
    const versions = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Versions`, { allowInsecureConnection: true });
    const { acksSpread: _flag, etag: _etag, timestamp: _ts, ...rest } = await versions.getEntity<Record<string, unknown>>('social-media', 'v0');
    await versions.upsertEntity(rest as { partitionKey: string; rowKey: string }, 'Replace');
    const fresh = await createAzureTableAcknowledgementStore(options(prefix));
    await Promise.all(people.slice(0, 6).map((p) => fresh.appendAcknowledgement({ ...ackOf(people, p.userId), versionHash: 'v0', campaignId: '', acknowledgedAt: at(1) })));
    await fresh.recordPolicyRead({ policyId: 'social-media', versionHash: 'v0', userId: people[0].userId, at: at(1), document: true });
    const rows = await ackRows(prefix);
    expect(rows.get('social-media|v0')).toHaveLength(6);
    expect(rows.get('read|social-media|v0')).toEqual([people[0].userId]);
    expect([...rows.keys()].filter((pk) => pk.includes('v0|'))).toEqual([]);
    expect(await fresh.getAcknowledgement('social-media', 'v0', people[2].userId)).toMatchObject({ acknowledgedAt: at(1) });
    expect(await fresh.getPolicyRead('social-media', 'v0', people[0].userId)).toMatchObject({ documentAt: at(1) });

    // v1 is spread; an instance of an earlier release, not knowing the flag, wrote person 4's acknowledgement into its one partition.
    await store.savePolicyVersion(versionV1);
    const acks = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Acks`, { allowInsecureConnection: true });
    const p4 = people[4];
    await acks.createEntity({
      partitionKey: 'social-media|v1', rowKey: `${p4.userId}|c1`, policyId: 'social-media', versionHash: 'v1', userId: p4.userId,
      upn: p4.userPrincipalName, displayName: p4.displayName, department: p4.department ?? '', school: p4.school ?? '', campaignId: 'c1',
      acknowledgedAt: at(2), channel: 'teams', readAt: '',
    });
    await fresh.appendAcknowledgement({ ...ackOf(people, people[9].userId), acknowledgedAt: at(3) });
    expect((await fresh.listAcknowledgements('social-media', 'v1')).map((a) => a.userId)).toEqual([p4.userId, people[9].userId]);
    await fresh.addDeliveries('c1', people, at(4));
    expect((await fresh.listDeliveries('c1')).filter((d) => d.acknowledgedAt).map((d) => d.userId)).toEqual([p4.userId, people[9].userId]);
  });
});

const versionV1 = {
  policyId: 'social-media', versionHash: 'v1', title: 'Staff social media policy', keyPoints: ['Never accept pupils as friends'],
  material: true, publishedAt: '2026-08-01T00:00:00.000Z',
};

function ackOf(people: readonly StaffMember[], userId: string): Acknowledgement {
  const p = people.find((m) => m.userId === userId)!;
  return {
    policyId: 'social-media', versionHash: 'v1', userId, userPrincipalName: p.userPrincipalName, displayName: p.displayName,
    ...(p.department ? { department: p.department } : {}), campaignId: 'c1', acknowledgedAt: '', channel: 'teams',
  };
}
