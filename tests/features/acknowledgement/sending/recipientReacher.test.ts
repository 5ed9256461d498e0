import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { createBotConnectorSender } from '../../../../src/adapters/botConnector/botConnectorSender';
import { createRateLimiter } from '../../../../src/features/acknowledgement/sending/rateLimiter';
import { createOutboundBudget } from '../../../../src/teams/outboundBudget';
import { createRecipientReacher, RecipientReacher } from '../../../../src/features/acknowledgement/sending/recipientReacher';
import { createGraphClient } from '../../../../src/adapters/graph/graphClient';
import { createGraphAppInstaller } from '../../../../src/adapters/graph/teamsAppInstaller';
import { FakeConnector, personalChatId, startFakeConnector } from '../../../support/fakeConnector';
import { FakeGraph, startFakeGraph } from '../../../support/fakeGraph';
import { staffUsers, staticCredential } from '../../../adapters/graph/graphTestSupport';

const card = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5' } }] };

describe('reaching a person', () => {
  let connector: FakeConnector;
  let graph: FakeGraph;
  let store: AcknowledgementStore;
  let reacher: RecipientReacher;

  beforeEach(async () => {
    connector = await startFakeConnector({ ratePerSecond: 50 });
    graph = await startFakeGraph({ users: staffUsers(5), catalog: [{ id: 'cat-1', externalId: 'man-1' }], preinstalledFor: ['u0003'] });
    store = createSqliteAcknowledgementStore(':memory:');
    const client = createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca });
    reacher = createRecipientReacher({
      references: store,
      sender: createBotConnectorSender(),
      sendLimiter: createRateLimiter({ ratePerSecond: 50 }),
      installer: createGraphAppInstaller(client, { baseUrl: graph.baseUrl, catalogId: 'cat-1', limiter: createRateLimiter({ ratePerSecond: 30 }) }),
      serviceUrl: connector.serviceUrl,
      backoff: { baseMs: 10, maxMs: 50 },
    });
  });

  afterEach(async () => {
    await Promise.all([connector.close(), graph.close(), store.close()]);
  });

  it('when the person has a stored conversation reference, then the card goes there without touching Graph', async () => {
    await store.saveConversationReference({
      userId: 'u0001', conversationId: 'a:u0001', serviceUrl: connector.serviceUrl, reference: {}, updatedAt: new Date().toISOString(),
    });

    const result = await reacher.reach('u0001', card);

    expect(result).toEqual({ kind: 'final', outcome: { state: 'sent', activityId: connector.deliveries[0].activityId, conversationId: 'a:u0001' } });
    expect(connector.deliveriesTo('u0001')).toHaveLength(1);
    expect(connector.deliveries[0].activity.attachments).toEqual(card.attachments);
    expect(graph.requests).toHaveLength(0);
  });

  it('when the person has no reference, then the app is installed through Graph, the chat id kept, and the card sent to that chat', async () => {
    const result = await reacher.reach('u0002', card);

    expect(result.kind === 'final' && result.outcome.state).toBe('sent');
    expect(graph.installCount('u0002')).toBe(1);
    expect(connector.deliveries.map((d) => d.conversationId)).toEqual([personalChatId('u0002')]);
    expect((await store.getConversationReference('u0002'))?.conversationId).toBe(personalChatId('u0002'));
  });

  it('when Graph says the app is already installed (409), then the existing chat is used and the card still arrives', async () => {
    const result = await reacher.reach('u0003', card);

    expect(result.kind === 'final' && result.outcome.state).toBe('sent');
    expect(graph.installCount('u0003')).toBe(0);
    expect(connector.deliveriesTo('u0003')).toHaveLength(1);
  });

  it('when the person blocked the bot (403), then the outcome is blocked and it is not retried', async () => {
    connector.blockUser('u0004');

    const result = await reacher.reach('u0004', card);

    expect(result).toEqual({ kind: 'final', outcome: { state: 'blocked', reason: 'ConversationBlockedByUser', conversationId: personalChatId('u0004') } });
    expect(connector.stats().blocked).toBe(1);
    expect(connector.stats().requests).toBe(1);
  });

  it('when the connector answers 429 with Retry-After and then 502, then the send is retried and delivered exactly once', async () => {
    connector.failNext(1, 429, 1);
    connector.failNext(1, 502);

    const result = await reacher.reach('u0005', card);

    expect(result.kind === 'final' && result.outcome.state).toBe('sent');
    expect(connector.stats().injectedFailures).toBe(2);
    expect(connector.deliveriesTo('u0005')).toHaveLength(1);
  });

  it('when the connector keeps failing with 503, then the person is handed back for later with the reason', async () => {
    connector.failNext(10, 503);

    const result = await reacher.reach('u0001', card);

    expect(result.kind).toBe('retryLater');
    expect(result.kind === 'retryLater' && result.reason).toBe('http_503');
    expect(connector.deliveries).toHaveLength(0);
  });

  it('when the install is refused (no licence), then the outcome is installFailed with a code', async () => {
    await graph.close();
    graph = await startFakeGraph({ users: staffUsers(1), catalog: [{ id: 'cat-1', externalId: 'man-1' }], installFailures: { u0001: 403 } });
    const client = createGraphClient({ baseUrl: graph.baseUrl, credential: staticCredential, trustedCa: graph.ca });
    reacher = createRecipientReacher({
      references: store, sender: createBotConnectorSender(), sendLimiter: createRateLimiter({ ratePerSecond: 50 }),
      installer: createGraphAppInstaller(client, { baseUrl: graph.baseUrl, catalogId: 'cat-1' }), serviceUrl: connector.serviceUrl,
    });

    const result = await reacher.reach('u0001', card);

    expect(result).toEqual({ kind: 'final', outcome: { state: 'installFailed', reason: 'install_failed_403' } });
    expect(connector.stats().requests).toBe(0);
  });
});

describe('reaching people within the app\'s one budget with Teams', () => {
  it('when the cards let go during 300 ms only reach the wire at its end (no open connection, a busy thread), then no second of what Teams receives holds more than 50', async () => {
    // Virtual time: the budget's timers and the sender's waits run in order, whatever the machine's speed.
    let t = 1_000_000;
    const timers: { at: number; wake: () => void }[] = [];
    const sleep = (ms: number) => new Promise<void>((wake) => { timers.push({ at: t + ms, wake }); });
    const budget = createOutboundBudget({ ratePerSecond: 50, now: () => t, sleep });
    const written: number[] = [];
    // For the first 300 ms of every two seconds nothing gets on the wire: what was let go then goes at the end of it.
    const sender = {
      async send(_target: unknown, _activity: unknown, onWritten?: () => void) {
        const into = (t - 1_000_000) % 2_000;
        if (into < 300) await sleep(300 - into);
        written.push(t);
        onWritten?.();
        return { status: 201, activityId: '1:1' };
      },
    };
    const reacher = createRecipientReacher({
      references: {} as AcknowledgementStore, sender, sendLimiter: budget.sender('bulk'), serviceUrl: 'https://smba.example',
      clock: { now: () => t, sleep },
    });
    let running = true;
    for (let i = 0; i < 16; i++) {
      void (async () => {
        while (running) await reacher.reachVia(`u${i}`, { serviceUrl: 'https://smba.example', conversationId: `a:u${i}` }, card);
      })();
    }
    while (t < 1_000_000 + 12_000) {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) break;
      t = Math.max(t, next.at);
      next.wake();
    }
    running = false;

    let busiest = 0;
    for (let i = 0, j = 0; i < written.length; i++) {
      while (written[i] - written[j] >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    expect(busiest).toBeLessThanOrEqual(50);
    // What the stalls cost is only what they held back: the budget still fills the seconds between them.
    expect(written.length).toBeGreaterThan(12 * 50 * 0.8);
  });
});
