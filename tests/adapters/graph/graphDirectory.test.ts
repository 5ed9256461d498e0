import { createGraphClient } from '../../../src/adapters/graph/graphClient';
import { createGraphManagerLookup, createGraphStaffDirectory } from '../../../src/adapters/graph/graphDirectory';
import { DeliveryError } from '../../../src/features/acknowledgement/sending/sendingPorts';
import { FakeGraph, startFakeGraph } from '../../support/fakeGraph';
import { staffUsers, staticCredential } from './graphTestSupport';

describe('Graph staff directory', () => {
  let graph: FakeGraph;
  const throttles: (number | undefined)[] = [];

  afterEach(async () => {
    await graph?.close();
    throttles.length = 0;
  });

  const clientFor = (fake: FakeGraph, maxRetries = 3) =>
    createGraphClient({
      baseUrl: fake.baseUrl, credential: staticCredential, trustedCa: fake.ca, maxRetries,
      onThrottled: (ms) => throttles.push(ms),
    });

  it('when the staff group spans several pages and nests a group, then every enabled member comes back and guests and disabled accounts do not', async () => {
    const users = [
      ...staffUsers(23),
      { id: 'guest1', displayName: 'Guest', userPrincipalName: 'g#EXT#@school.example', userType: 'Guest' as const },
      { id: 'left1', displayName: 'Left', userPrincipalName: 'left@school.example', accountEnabled: false },
      { id: 'gov1', displayName: 'Governor', userPrincipalName: 'gov@school.example', department: 'Governors' },
      { id: 'outsider', displayName: 'Not staff', userPrincipalName: 'out@school.example' },
    ];
    graph = await startFakeGraph({
      users,
      pageSize: 10,
      groups: {
        staff: [...users.slice(0, 23).map((u) => u.id), 'guest1', 'left1', 'governors'],
        governors: ['gov1', 'u0001'],
      },
    });
    const directory = createGraphStaffDirectory(clientFor(graph), { groupId: 'staff', pageSize: 10 });

    const snapshot = await directory.readStaff();

    const ids = snapshot.members.map((m) => m.userId).sort();
    expect(ids).toEqual([...users.slice(0, 23).map((u) => u.id), 'gov1'].sort());
    expect(snapshot.complete).toBe(true);
    expect(snapshot.members.find((m) => m.userId === 'u0002')).toEqual({
      userId: 'u0002', displayName: 'Staff 0002', userPrincipalName: 'staff0002@school.example',
      department: 'Support', school: 'Northfield Primary',
    });
    const pages = graph.requests.filter((r) => r.path.endsWith('/transitiveMembers/microsoft.graph.user'));
    expect(pages).toHaveLength(3);
    expect(pages.every((r) => r.authorized && r.status === 200)).toBe(true);
  });

  it('when Graph answers 429 with Retry-After in the middle of paging, then the read waits, retries and still returns everyone', async () => {
    graph = await startFakeGraph({ users: staffUsers(25), pageSize: 10, groups: { staff: staffUsers(25).map((u) => u.id) } });
    graph.failNext(/transitiveMembers/, 1, 1);
    const directory = createGraphStaffDirectory(clientFor(graph), { groupId: 'staff' });

    const snapshot = await directory.readStaff();

    expect(snapshot.members).toHaveLength(25);
    expect(graph.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(throttles).toEqual([1000]);
  });

  it('when Graph keeps throttling past the retries, then the read fails with a transient, coded error', async () => {
    graph = await startFakeGraph({ users: staffUsers(3), groups: { staff: ['u0001'] } });
    graph.failNext(/transitiveMembers/, 2, 1);
    const directory = createGraphStaffDirectory(clientFor(graph, 1), { groupId: 'staff' });

    const failure = await directory.readStaff().catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).code).toBe('GRAPH_TRANSIENT');
    expect((failure as DeliveryError).transient).toBe(true);
    expect((failure as DeliveryError).details.status).toBe(429);
  });

  it('when reading all users by delta, then the delta link is kept and the next read returns only what changed', async () => {
    const users = staffUsers(15);
    graph = await startFakeGraph({
      users: [...users, { id: 'guest1', displayName: 'Guest', userPrincipalName: 'g@x', userType: 'Guest' }],
      pageSize: 4,
    });
    const directory = createGraphStaffDirectory(clientFor(graph), { pageSize: 4 });

    const first = await directory.readStaff();
    expect(first.members).toHaveLength(15);
    expect(first.complete).toBe(true);
    expect(first.nextSyncToken).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/delta\?(%24|\$)deltatoken=/);

    graph.upsertUser({ id: 'new1', displayName: 'New Starter', userPrincipalName: 'new1@school.example', department: 'Teaching' });
    graph.upsertUser({ ...users[3], accountEnabled: false });
    graph.removeUser(users[4].id);
    graph.removeUser(users[5].id, true);
    const second = await directory.readStaff(first.nextSyncToken);

    expect(second.complete).toBe(false);
    expect(second.members.map((m) => m.userId)).toEqual(['new1']);
    expect(second.departedIds.sort()).toEqual([users[3].id, users[4].id, users[5].id].sort());
    expect(second.nextSyncToken).toBeDefined();
    expect(second.nextSyncToken).not.toEqual(first.nextSyncToken);

    const third = await directory.readStaff(second.nextSyncToken);
    expect(third.members).toEqual([]);
    expect(third.departedIds).toEqual([]);
  });

  it.each([410, 400] as const)('when Graph refuses a kept delta link with %i (410 Gone, or 400 syncStateNotFound), then the read fails with DIRECTORY_RESYNC_REQUIRED and a new full read still works', async (status) => {
    graph = await startFakeGraph({ users: staffUsers(6), pageSize: 4 });
    const directory = createGraphStaffDirectory(clientFor(graph), { pageSize: 4 });
    const first = await directory.readStaff();
    graph.expireDeltaLinks(status);

    const failure = await directory.readStaff(first.nextSyncToken).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ code: 'DIRECTORY_RESYNC_REQUIRED', details: { status } });
    const again = await directory.readStaff();
    expect(again.complete).toBe(true);
    expect(again.members).toHaveLength(6);
  });

  it('when the read is stopped, then it asks Graph for no further page', async () => {
    graph = await startFakeGraph({ users: staffUsers(40), pageSize: 10 });
    const directory = createGraphStaffDirectory(clientFor(graph), { pageSize: 10 });
    const controller = new AbortController();
    controller.abort();

    await expect(directory.readStaff(undefined, controller.signal)).rejects.toThrow(/abort/i);

    expect(graph.requests.filter((r) => r.path === '/v1.0/users/delta')).toHaveLength(1);
  });

  it('when a digest needs line managers, then each person\'s manager comes from Graph, and none (404) is no manager rather than an error', async () => {
    graph = await startFakeGraph({
      users: [
        { id: 'head', displayName: 'Head', userPrincipalName: 'head@school.example' },
        { id: 'teacher', displayName: 'Teacher', userPrincipalName: 't@school.example', managerId: 'head' },
      ],
    });
    const managers = createGraphManagerLookup(clientFor(graph));
    expect(await managers.managerOf('teacher')).toBe('head');
    expect(await managers.managerOf('head')).toBeUndefined();
    graph.failNext(/\/manager$/, 1, 0, 403);
    await expect(managers.managerOf('teacher')).rejects.toMatchObject({ code: 'DIRECTORY_FAILED' });
  });
});
