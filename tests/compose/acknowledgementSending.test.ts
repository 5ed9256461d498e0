import { AcknowledgementStore } from '../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign } from '../../src/features/acknowledgement/domain/acknowledgementTypes';
import { parseDeliverySettings } from '../../src/config/deliverySettings';
import { createDeliveryModule } from '../../src/compose/acknowledgementSending';
import { createSqliteAcknowledgementStore } from '../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { FakeConnector, personalChatId, startFakeConnector } from '../support/fakeConnector';
import { FakeGraph, startFakeGraph } from '../support/fakeGraph';
import { staffUsers, staticCredential } from '../adapters/graph/graphTestSupport';

const campaign = (id: string): Campaign => ({
  id, policyId: 'policy', versionHash: 'hash', audience: { kind: 'all' }, dueDate: '2026-10-01',
  startedAt: '2026-09-01T08:00:00.000Z', startedBy: 'owner', round: 1, seriesId: id, status: 'active',
});
const render = () => ({ type: 'message', text: 'Please acknowledge the policy' });

describe('delivery module', () => {
  let connector: FakeConnector;
  let graph: FakeGraph | undefined;
  let store: AcknowledgementStore;

  beforeEach(async () => {
    connector = await startFakeConnector();
    store = createSqliteAcknowledgementStore(':memory:');
  });
  afterEach(async () => {
    await connector.close();
    await graph?.close();
    graph = undefined;
    await store.close();
  });

  it('when production settings point at Graph, then staff are read from the group and every one of them is installed for and sent the card', async () => {
    graph = await startFakeGraph({ users: staffUsers(12), groups: { staff: staffUsers(10).map((u) => u.id) }, catalog: [{ id: 'cat-1', externalId: 'm-1' }] });
    const { value: settings, errors } = parseDeliverySettings({
      GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's', GRAPH_BASE_URL: graph.baseUrl,
      STAFF_GROUP_ID: 'staff', TEAMS_APP_ID: 'm-1', BOT_SERVICE_URL: connector.serviceUrl, WORKER_ID: 'instance-1',
    }, 'production');
    expect(errors).toEqual([]);
    const delivery = createDeliveryModule({
      settings, bot: { appType: 'MultiTenant', openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration' }, store, renderActivity: render, graphCredential: staticCredential, graphTrustedCa: graph.ca,
    });

    const sync = await delivery.syncStaff(new Date('2026-09-01T07:00:00Z'));
    await store.createCampaign(campaign('c1'));
    await store.addDeliveries('c1', sync.joinedIds, new Date().toISOString());
    const results = await delivery.sendActiveCampaigns();

    expect(sync.active).toBe(10);
    expect(results.c1).toMatchObject({ sent: 10, failed: 0, installFailed: 0 });
    expect(connector.recipients()).toEqual(new Set(staffUsers(10).map((u) => u.id)));
    expect(connector.deliveries[0].conversationId).toBe(personalChatId(connector.deliveries[0].userId!));
    expect(graph.installedFor().size).toBe(10);
  });

  it('when local mode uses the roster, then only people with a stored chat are reached and the rest are recorded as not installable', async () => {
    const { value: settings } = parseDeliverySettings({}, 'local');
    const delivery = createDeliveryModule({ settings, bot: { appType: 'MultiTenant', openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration' }, store, renderActivity: render });

    const sync = await delivery.syncStaff();
    const [withChat, ...without] = sync.joinedIds;
    await store.saveConversationReference({ userId: withChat, conversationId: 'a:' + withChat, serviceUrl: connector.serviceUrl, reference: {}, updatedAt: 'x' });
    await store.createCampaign(campaign('c2'));
    await store.addDeliveries('c2', sync.joinedIds, new Date().toISOString());
    const results = await delivery.sendActiveCampaigns();

    expect(sync.joinedIds).toHaveLength(6);
    expect(results.c2).toMatchObject({ sent: 1, installFailed: without.length });
    expect(connector.recipients()).toEqual(new Set([withChat]));
    expect(await store.getDelivery('c2', without[0])).toMatchObject({ state: 'installFailed', reason: 'no_conversation_reference' });
  });
});
