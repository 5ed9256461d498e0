import { createGraphClient } from '../../../src/adapters/graph/graphClient';
import { createGraphAppInstaller } from '../../../src/adapters/graph/teamsAppInstaller';
import { DeliveryError } from '../../../src/features/acknowledgement/sending/sendingPorts';
import { FakeGraph, startFakeGraph } from '../../support/fakeGraph';
import { personalChatId } from '../../support/fakeConnector';
import { staffUsers, staticCredential } from './graphTestSupport';

const CATALOG = [{ id: 'catalog-app-1', externalId: 'manifest-id-1' }];

describe('Graph app installer', () => {
  let graph: FakeGraph;

  afterEach(async () => {
    await graph?.close();
  });

  const installerFor = (fake: FakeGraph, ids: { catalogId?: string; manifestId?: string }, maxRetries = 3) =>
    createGraphAppInstaller(
      createGraphClient({ baseUrl: fake.baseUrl, credential: staticCredential, trustedCa: fake.ca, maxRetries }),
      { baseUrl: fake.baseUrl, ...ids },
    );

  it('when the app is not installed for the person, then it is installed and their 1:1 chat id returned', async () => {
    graph = await startFakeGraph({ users: staffUsers(2), catalog: CATALOG });
    const installer = installerFor(graph, { catalogId: 'catalog-app-1' });

    const chat = await installer.installForUser('u0001');

    expect(chat).toEqual({ conversationId: personalChatId('u0001'), alreadyInstalled: false });
    expect(graph.installCount('u0001')).toBe(1);
    expect(graph.installedFor().has('u0002')).toBe(false);
  });

  it('when Graph answers 409 because the app is already installed, then the existing chat id is returned without a second install', async () => {
    graph = await startFakeGraph({ users: staffUsers(1), catalog: CATALOG, preinstalledFor: ['u0001'] });
    const installer = installerFor(graph, { catalogId: 'catalog-app-1' });

    const chat = await installer.installForUser('u0001');

    expect(chat).toEqual({ conversationId: personalChatId('u0001'), alreadyInstalled: true });
    expect(graph.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([409]);
    expect(graph.installCount('u0001')).toBe(0);
  });

  it('when only the manifest id is configured, then the catalog id is looked up once and used for every install', async () => {
    graph = await startFakeGraph({ users: staffUsers(3), catalog: [{ id: 'other', externalId: 'x' }, ...CATALOG] });
    const installer = installerFor(graph, { manifestId: 'manifest-id-1' });

    await installer.installForUser('u0001');
    await installer.installForUser('u0002');

    expect(graph.requests.filter((r) => r.path.endsWith('/appCatalogs/teamsApps'))).toHaveLength(1);
    expect(graph.installedFor()).toEqual(new Set(['u0001', 'u0002']));
  });

  it('when the app is not in the tenant catalog, then install fails with APP_NOT_IN_CATALOG', async () => {
    graph = await startFakeGraph({ users: staffUsers(1), catalog: CATALOG });
    const installer = installerFor(graph, { manifestId: 'not-uploaded' });

    const failure = await installer.installForUser('u0001').catch((e: unknown) => e);

    expect((failure as DeliveryError).code).toBe('APP_NOT_IN_CATALOG');
  });

  it('when Graph forbids the install (no Teams licence), then it fails with INSTALL_FAILED and is not worth retrying', async () => {
    graph = await startFakeGraph({ users: staffUsers(1), catalog: CATALOG, installFailures: { u0001: 403 } });
    const installer = installerFor(graph, { catalogId: 'catalog-app-1' });

    const failure = (await installer.installForUser('u0001').catch((e: unknown) => e)) as DeliveryError;

    expect(failure.code).toBe('INSTALL_FAILED');
    expect(failure.transient).toBe(false);
    expect(failure.details.status).toBe(403);
  });

  it('when an install is throttled once with Retry-After, then the client retries it and the person is reached', async () => {
    graph = await startFakeGraph({ users: staffUsers(1), catalog: CATALOG });
    graph.failNext(/\/teamwork\/installedApps$/, 1, 1);
    const installer = installerFor(graph, { catalogId: 'catalog-app-1' });

    const chat = await installer.installForUser('u0001');

    expect(chat.conversationId).toBe(personalChatId('u0001'));
    expect(graph.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 201]);
  });
});
