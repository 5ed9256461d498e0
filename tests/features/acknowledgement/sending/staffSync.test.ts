import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
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

  it('when all users are synced by delta twice, then the second sync merges only the changes and keeps departed staff as inactive', async () => {
    const users = staffUsers(12);
    graph = await startFakeGraph({ users, pageSize: 5 });
    const directory = createGraphStaffDirectory(createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca }));

    const first = await syncStaffDirectory(directory, store, '2026-09-01T08:00:00.000Z');
    expect(first).toMatchObject({ active: 12, incremental: false, departedIds: [] });
    expect(first.joinedIds).toHaveLength(12);
    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toMatch(/deltatoken/);

    graph.upsertUser({ ...users[0], department: 'Science' });
    graph.upsertUser({ id: 'new1', displayName: 'New Starter', userPrincipalName: 'new1@school.example' });
    graph.removeUser(users[1].id);
    const second = await syncStaffDirectory(directory, store, '2026-09-02T08:00:00.000Z');

    expect(second).toEqual({ active: 12, joinedIds: ['new1'], departedIds: [users[1].id], incremental: true });
    expect(await store.getStaff(users[0].id)).toMatchObject({ department: 'Science', displayName: users[0].displayName, active: true });
    expect(await store.getStaff(users[1].id)).toMatchObject({ active: false, displayName: users[1].displayName });
    const deltaCalls = graph.requests.filter((r) => r.path === '/v1.0/users/delta');
    expect(deltaCalls.length).toBeGreaterThanOrEqual(4);
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
    expect(result).toEqual({ active: 1, joinedIds: ['a'], departedIds: ['gone'], incremental: false });
    expect(await store.getSyncState(STAFF_SYNC_TOKEN_KEY)).toBe('fresh');
  });
});
