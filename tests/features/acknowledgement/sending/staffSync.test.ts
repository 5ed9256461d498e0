import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { StaffMember } from '../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { DeliveryError, StaffDirectorySource, StaffSnapshot } from '../../../../src/features/acknowledgement/sending/sendingPorts';
import { STAFF_SYNC_TOKEN_KEY, syncStaffDirectory } from '../../../../src/features/acknowledgement/sending/staffSync';
import { createGraphClient } from '../../../../src/adapters/graph/graphClient';
import { createGraphStaffDirectory } from '../../../../src/adapters/graph/graphDirectory';
import { FakeGraph, startFakeGraph } from '../../../support/fakeGraph';
import { staffUsers, staticCredential } from '../../../adapters/graph/graphTestSupport';

describe('staff directory sync', () => {
  let graph: FakeGraph | undefined;
  let store: AcknowledgementStore;

  beforeEach(() => {
    store = createSqliteAcknowledgementStore(':memory:');
  });
  afterEach(async () => {
    await graph?.close();
    graph = undefined;
    await store.close();
  });

  /** The store, with a record of how much of the staff list each sync read and wrote. */
  const watched = (inner: AcknowledgementStore) => {
    const seen = { listed: 0, looked: [] as string[], written: [] as string[] };
    const store = {
      getSyncState: (k: string) => inner.getSyncState(k),
      setSyncState: (k: string, v: string) => inner.setSyncState(k, v),
      listStaff: () => { seen.listed += 1; return inner.listStaff(); },
      getStaffByIds: (ids: readonly string[]) => { seen.looked.push(...ids); return inner.getStaffByIds(ids); },
      upsertStaff: (m: readonly StaffMember[]) => { seen.written.push(...m.map((x) => x.userId)); return inner.upsertStaff(m); },
      listCampaigns: inner.listCampaigns.bind(inner), markLeft: inner.markLeft.bind(inner), markReturned: inner.markReturned.bind(inner),
      appendAudit: inner.appendAudit.bind(inner),
    };
    const reset = () => { seen.listed = 0; seen.looked = []; seen.written = []; };
    return { store, seen, reset };
  };

  it('when all users are synced by delta twice, then the first sync reads everyone and the second reads and writes only the 3 people who changed', async () => {
    const users = staffUsers(120);
    graph = await startFakeGraph({ users, pageSize: 50 });
    const directory = createGraphStaffDirectory(createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca }));
    const { store: counted, seen, reset } = watched(store);

    const first = await syncStaffDirectory(directory, counted, '2026-09-01T08:00:00.000Z');
    expect(first).toMatchObject({ active: 120, changed: 120, incremental: false, departedIds: [] });
    expect(first.joinedIds).toHaveLength(120);
    expect(seen.listed).toBe(1);
    expect(seen.written).toHaveLength(120);
    expect(graph.deltaUsersServed()).toBe(120);
    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toMatch(/deltatoken/);

    graph.upsertUser({ ...users[0], department: 'Science' });
    graph.upsertUser({ id: 'new1', displayName: 'New Starter', userPrincipalName: 'new1@school.example' });
    graph.removeUser(users[1].id);
    reset();
    const requestsBefore = graph.requests.length;
    const second = await syncStaffDirectory(directory, counted, '2026-09-02T08:00:00.000Z');

    expect(second).toEqual({ changed: 3, joinedIds: ['new1'], departedIds: [users[1].id], incremental: true });
    expect(seen.listed).toBe(0);
    expect(seen.looked.sort()).toEqual([users[0].id, users[1].id, 'new1'].sort());
    expect(seen.written.sort()).toEqual([users[0].id, users[1].id, 'new1'].sort());
    expect(graph.deltaUsersServed()).toBe(123);
    expect(graph.requests.slice(requestsBefore).map((r) => r.path)).toEqual(['/v1.0/users/delta']);
    expect(await store.getStaff(users[0].id)).toMatchObject({ department: 'Science', displayName: users[0].displayName, active: true });
    expect(await store.getStaff(users[1].id)).toMatchObject({ active: false, displayName: users[1].displayName });
    expect(await store.getStaff('new1')).toMatchObject({ active: true, displayName: 'New Starter' });
    expect((await store.listStaff()).filter((m) => m.active)).toHaveLength(120);

    reset();
    const third = await syncStaffDirectory(directory, counted, '2026-09-03T08:00:00.000Z');
    expect(third).toEqual({ changed: 0, joinedIds: [], departedIds: [], incremental: true });
    expect(seen).toEqual({ listed: 0, looked: [], written: [] });
  });

  it.each([410, 400] as const)('when Graph refuses the kept delta link (%i), then the sync reads everyone again, marks those gone as leavers and keeps the new link', async (status) => {
    const users = staffUsers(30);
    graph = await startFakeGraph({ users, pageSize: 10 });
    const directory = createGraphStaffDirectory(createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca }));
    const { store: counted, seen, reset } = watched(store);
    await syncStaffDirectory(directory, counted, '2026-09-01T08:00:00.000Z');
    const expired = await store.getSyncState(STAFF_SYNC_TOKEN_KEY);

    graph.removeUser(users[5].id);
    graph.expireDeltaLinks(status);
    reset();
    const resynced = await syncStaffDirectory(directory, counted, '2026-09-02T08:00:00.000Z');

    expect(resynced).toEqual({ active: 29, changed: 1, joinedIds: [], departedIds: [users[5].id], incremental: false });
    expect(graph.requests.filter((r) => r.status === status)).toHaveLength(1);
    expect(seen.listed).toBe(1);
    expect(await store.getStaff(users[5].id)).toMatchObject({ active: false });
    const fresh = await store.getSyncState(STAFF_SYNC_TOKEN_KEY);
    expect(fresh).toMatch(/deltatoken/);
    expect(fresh).not.toEqual(expired);

    graph.upsertUser({ ...users[2], displayName: 'Renamed' });
    reset();
    expect(await syncStaffDirectory(directory, counted, '2026-09-03T08:00:00.000Z')).toEqual({ changed: 1, joinedIds: [], departedIds: [], incremental: true });
    expect(seen.listed).toBe(0);
  });

  it('when Graph refuses the delta link for another reason (403), then nothing is reread or written and the link is kept for the next try', async () => {
    graph = await startFakeGraph({ users: staffUsers(8), pageSize: 5 });
    const directory = createGraphStaffDirectory(createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca }));
    await syncStaffDirectory(directory, store, '2026-09-01T08:00:00.000Z');
    const kept = await store.getSyncState(STAFF_SYNC_TOKEN_KEY);
    graph.upsertUser({ id: 'new1', displayName: 'New Starter', userPrincipalName: 'new1@school.example' });
    graph.failNext(/\/users\/delta$/, 1, 0, 403);

    await expect(syncStaffDirectory(directory, store, '2026-09-02T08:00:00.000Z')).rejects.toMatchObject({ code: 'DIRECTORY_FAILED' });

    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toBe(kept);
    expect(await store.getStaff('new1')).toBeUndefined();
    expect(await syncStaffDirectory(directory, store, '2026-09-02T09:00:00.000Z')).toMatchObject({ joinedIds: ['new1'], incremental: true });
  });

  it('when the sync is stopped as the directory answers, then nothing is written and the old link is kept', async () => {
    graph = await startFakeGraph({ users: staffUsers(12), pageSize: 5 });
    const directory = createGraphStaffDirectory(createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca }));
    await syncStaffDirectory(directory, store, '2026-09-01T08:00:00.000Z');
    const kept = await store.getSyncState(STAFF_SYNC_TOKEN_KEY);
    graph.upsertUser({ id: 'new1', displayName: 'New Starter', userPrincipalName: 'new1@school.example' });
    const controller = new AbortController();
    const stoppedOnAnswer: StaffDirectorySource = {
      kind: 'graph',
      readStaff: async (token, signal) => {
        const snapshot = await directory.readStaff(token, signal);
        controller.abort();
        return snapshot;
      },
    };

    await expect(syncStaffDirectory(stoppedOnAnswer, store, '2026-09-02T08:00:00.000Z', controller.signal)).rejects.toThrow(/abort/i);

    expect(await store.getStaff('new1')).toBeUndefined();
    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toBe(kept);
  });

  it('when a full read brings 2,500 new people, then they are written in slices with other work let in between, and the link is kept only after the last', async () => {
    const everyone: StaffSnapshot = {
      members: Array.from({ length: 2_500 }, (_, i) => ({ userId: `p${i}`, displayName: `P ${i}`, userPrincipalName: `p${i}@x` })),
      departedIds: [], complete: true, nextSyncToken: 'link-1',
    };
    const source: StaffDirectorySource = { kind: 'graph', readStaff: async () => everyone };
    const events: string[] = [];
    const writes = {
      getSyncState: (k: string) => store.getSyncState(k),
      setSyncState: (k: string, v: string) => { events.push('link kept'); return store.setSyncState(k, v); },
      listStaff: () => store.listStaff(),
      getStaffByIds: (ids: readonly string[]) => store.getStaffByIds(ids),
      upsertStaff: (m: readonly StaffMember[]) => {
        events.push(`wrote ${m.length}`);
        // Another message arriving now gets its turn before the next slice if the sync yields.
        setImmediate(() => events.push('other work'));
        return store.upsertStaff(m);
      },
      listCampaigns: store.listCampaigns.bind(store), markLeft: store.markLeft.bind(store), markReturned: store.markReturned.bind(store),
      appendAudit: store.appendAudit.bind(store),
    };

    const result = await syncStaffDirectory(source, writes, '2026-09-01T08:00:00.000Z');

    expect(events).toEqual(['wrote 1000', 'other work', 'wrote 1000', 'other work', 'wrote 500', 'link kept']);
    expect(result).toMatchObject({ active: 2_500, changed: 2_500 });
    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toBe('link-1');
  });

  it('when the kept delta link has expired (410), then a full read replaces it and absent staff are marked departed', async () => {
    await store.setSyncState(STAFF_SYNC_TOKEN_KEY, 'https://graph.example/expired');
    await store.upsertStaff([{ userId: 'gone', userPrincipalName: 'g@x', displayName: 'G', active: true, source: 'graph', updatedAt: 'x' }]);
    const calls: (string | undefined)[] = [];
    const source: StaffDirectorySource = {
      kind: 'graph',
      async readStaff(token?: string): Promise<StaffSnapshot> {
        calls.push(token);
        if (token) throw new DeliveryError('DIRECTORY_FAILED', 'expired', { status: 410 });
        return { members: [{ userId: 'a', displayName: 'A', userPrincipalName: 'a@x' }], departedIds: [], complete: true, nextSyncToken: 'fresh' };
      },
    };

    const result = await syncStaffDirectory(source, store, '2026-09-01T08:00:00.000Z');

    expect(calls).toEqual(['https://graph.example/expired', undefined]);
    expect(result).toEqual({ active: 1, changed: 2, joinedIds: ['a'], departedIds: ['gone'], incremental: false });
    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toBe('fresh');
  });

  it('when a delta says people left and one came back, then running campaigns take out the leavers and put the returner back before the staff list is written, and a sync stopped in between does it again', async () => {
    const person = (userId: string, active = true): StaffMember => ({ userId, userPrincipalName: `${userId}@x`, displayName: userId, active, source: 'graph', updatedAt: 'x' });
    await store.upsertStaff([person('stays'), person('leaves'), person('back', false)]);
    await store.createCampaign({
      id: 'c1', policyId: 'p', versionHash: 'h', audience: { kind: 'all' }, dueDate: '2026-10-01', startedAt: '2026-08-01T00:00:00.000Z',
      startedBy: 'owner', round: 1, seriesId: 'c1', status: 'active',
    });
    await store.addDeliveries('c1', ['stays', 'leaves', 'back'], '2026-08-01T00:00:00.000Z');
    await store.markLeft('c1', ['back'], '2026-08-02T00:00:00.000Z');
    const delta: StaffSnapshot = { members: [{ userId: 'back', displayName: 'back', userPrincipalName: 'back@x' }], departedIds: ['leaves'], complete: false, nextSyncToken: 'l2' };
    const source: StaffDirectorySource = { kind: 'graph', readStaff: async () => delta };
    const order: string[] = [];
    const failingWrite = {
      ...watched(store).store,
      markLeft: (c: string, ids: readonly string[], at: string) => { order.push('campaign'); return store.markLeft(c, ids, at); },
      upsertStaff: async () => { order.push('staff'); throw new Error('stopped'); },
    };

    await expect(syncStaffDirectory(source, failingWrite, '2026-09-01T08:00:00.000Z')).rejects.toThrow('stopped');
    expect(order).toEqual(['campaign', 'staff']);
    expect((await store.getDelivery('c1', 'leaves'))?.state).toBe('left');
    // The staff list was not written, so the next sync finds the same changes and finishes them.
    const result = await syncStaffDirectory(source, store, '2026-09-01T09:00:00.000Z');
    expect(result).toMatchObject({ departedIds: ['leaves'], joinedIds: ['back'] });
    expect(result.campaigns).toBeUndefined();
    expect((await store.getDelivery('c1', 'back'))?.state).toBe('pending');
    expect((await store.getDelivery('c1', 'leaves'))?.state).toBe('left');
    expect((await store.getDelivery('c1', 'stays'))?.state).toBe('pending');
    expect((await store.getStaff('leaves'))?.active).toBe(false);
    expect((await store.listAudit('c1')).map((a) => [a.action, a.details])).toEqual([['campaign.staffChanged', { left: 1, returned: 1 }]]);
  });
});
