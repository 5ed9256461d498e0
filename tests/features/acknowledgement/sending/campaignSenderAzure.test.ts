import { randomUUID } from 'node:crypto';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { createBotConnectorSender } from '../../../../src/adapters/botConnector/botConnectorSender';
import { createCampaignSender } from '../../../../src/features/acknowledgement/sending/campaignSender';
import { createRateLimiter } from '../../../../src/features/acknowledgement/sending/rateLimiter';
import { createRecipientReacher } from '../../../../src/features/acknowledgement/sending/recipientReacher';
import { createAzureTableAcknowledgementStore } from '../../../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { AzuriteTables, startAzuriteTables } from '../../../support/azuriteServer';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';

describe('campaign sender on Azure Table Storage', () => {
  let azurite: AzuriteTables;
  let connector: FakeConnector;
  const stores: AcknowledgementStore[] = [];

  beforeAll(async () => {
    azurite = await startAzuriteTables();
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  afterEach(async () => {
    await connector?.close();
    for (const store of stores.splice(0)) await store.close();
  });

  it('when two bot instances on the same storage account send one campaign, then nobody gets it twice and together they stay under the limit', async () => {
    const limit = 20;
    connector = await startFakeConnector({ ratePerSecond: limit, enforcement: 'slidingWindow' });
    const options = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: `s${randomUUID().replace(/-/g, '').slice(0, 10)}` };
    const [one, two] = [await createAzureTableAcknowledgementStore(options), await createAzureTableAcknowledgementStore(options)];
    stores.push(one, two);
    const everyone = Array.from({ length: 60 }, (_, i) => `staff-${i}`);
    for (const userId of everyone) {
      await one.saveConversationReference({ userId, conversationId: `a:${userId}`, serviceUrl: connector.serviceUrl, reference: {}, updatedAt: new Date().toISOString() });
    }
    await one.addDeliveries('annual', everyone, new Date().toISOString());
    await one.heartbeat('instance-1', new Date().toISOString(), 5000);
    await two.heartbeat('instance-2', new Date().toISOString(), 5000);
    const instance = (store: AcknowledgementStore, workerId: string) => {
      const sendLimiter = createRateLimiter({ ratePerSecond: limit });
      const reacher = createRecipientReacher({ references: store, sender: createBotConnectorSender(), sendLimiter, serviceUrl: connector.serviceUrl });
      return createCampaignSender({ store, reacher, sendLimiter, workerId, renderActivity: () => ({ type: 'message', text: 'card' }), idlePollMs: 100, concurrency: 4 });
    };

    const [a, b] = await Promise.all([instance(one, 'instance-1').run('annual'), instance(two, 'instance-2').run('annual')]);

    expect(a.sent + b.sent).toBe(60);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    expect(connector.duplicates()).toBe(0);
    expect(connector.recipients().size).toBe(60);
    // Each took half the budget (one instance alone would have sent at the full limit, together twice it).
    // The slack is arrival jitter on a busy machine (see campaignSender.test.ts), far below twice the limit.
    expect(connector.stats().maxArrivalsPerSecond).toBeLessThanOrEqual(limit + Math.ceil(limit * 0.15));
    expect(await two.countDeliveries('annual')).toMatchObject({ pending: 0, claimed: 0, sent: 60 });
  });
});
