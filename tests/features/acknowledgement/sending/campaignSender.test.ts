import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { createBotConnectorSender } from '../../../../src/adapters/botConnector/botConnectorSender';
import { createCampaignSender, CampaignSender } from '../../../../src/features/acknowledgement/sending/campaignSender';
import { createRateLimiter } from '../../../../src/features/acknowledgement/sending/rateLimiter';
import { createRecipientReacher } from '../../../../src/features/acknowledgement/sending/recipientReacher';
import { ActivitySender, AppInstaller } from '../../../../src/features/acknowledgement/sending/sendingPorts';
import { createGraphClient } from '../../../../src/adapters/graph/graphClient';
import { createGraphAppInstaller } from '../../../../src/adapters/graph/teamsAppInstaller';
import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { FakeGraph, startFakeGraph } from '../../../support/fakeGraph';
import { waitFor } from '../../../support/waitFor';
import { staffUsers, staticCredential } from '../../../adapters/graph/graphTestSupport';

const CAMPAIGN = 'campaign-2026';
const ids = (n: number, prefix = 'u') => staffUsers(n, prefix).map((u) => u.id);
const render = () => ({ type: 'message', text: 'Please read and acknowledge the policy' });

/** Stores a conversation reference for each id, as if each person had opened the bot before. */
async function rememberChats(store: AcknowledgementStore, userIds: string[], serviceUrl: string): Promise<void> {
  for (const userId of userIds) {
    await store.saveConversationReference({ userId, conversationId: `a:${userId}`, serviceUrl, reference: {}, updatedAt: new Date().toISOString() });
  }
}

/** The Bot Connector sender, counting the sends under way (started and not yet answered). */
function countingSends(): { sender: ActivitySender; underWay: () => number } {
  const inner = createBotConnectorSender();
  let underWay = 0;
  return {
    sender: {
      async send(target, activity, written) {
        underWay += 1;
        try {
          return await inner.send(target, activity, written);
        } finally {
          underWay -= 1;
        }
      },
    },
    underWay: () => underWay,
  };
}

function senderFor(
  store: AcknowledgementStore, connector: FakeConnector, workerId: string, rate: number,
  extra: { graph?: FakeGraph; maxAttempts?: number; heartbeatMs?: number; concurrency?: number; sender?: ActivitySender } = {},
): CampaignSender {
  const sendLimiter = createRateLimiter({ ratePerSecond: rate });
  const installer = extra.graph
    ? createGraphAppInstaller(
      createGraphClient({ baseUrl: extra.graph.baseUrl, credential: staticCredential, trustedCa: extra.graph.ca }),
      { baseUrl: extra.graph.baseUrl, catalogId: 'cat-1', limiter: createRateLimiter({ ratePerSecond: 30 }) },
    )
    : undefined;
  const reacher = createRecipientReacher({
    references: store, sender: extra.sender ?? createBotConnectorSender(), sendLimiter, installer, serviceUrl: connector.serviceUrl,
    backoff: { baseMs: 20, maxMs: 100 },
  });
  return createCampaignSender({
    store, reacher, sendLimiter, workerId, renderActivity: render, idlePollMs: 50,
    heartbeatMs: extra.heartbeatMs ?? 1000, maxAttempts: extra.maxAttempts, concurrency: extra.concurrency ?? 8,
  });
}

describe('campaign sender', () => {
  let connector: FakeConnector | undefined;
  let graph: FakeGraph | undefined;
  let store: AcknowledgementStore | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await connector?.close();
    await graph?.close();
    await store?.close();
    connector = graph = store = undefined;
  });

  it('when a campaign is sent, then each person gets exactly one card and every outcome is recorded', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    graph = await startFakeGraph({
      users: staffUsers(40), catalog: [{ id: 'cat-1', externalId: 'm' }], preinstalledFor: ['u0037'], installFailures: { u0038: 404 },
    });
    store = createSqliteAcknowledgementStore(':memory:');
    const everyone = ids(40);
    await rememberChats(store, everyone.slice(0, 30), connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, everyone, new Date().toISOString());
    connector.blockUser('u0005');
    connector.blockUser('u0035');

    const summary = await senderFor(store, connector, 'w1', 500, { graph }).run(CAMPAIGN);

    expect(summary).toMatchObject({ sent: 37, blocked: 2, installFailed: 1, failed: 0, leaseLost: 0 });
    expect(await store.countDeliveries(CAMPAIGN)).toEqual({ pending: 0, claimed: 0, sent: 37, blocked: 2, installFailed: 1, failed: 0, left: 0 });
    expect(connector.duplicates()).toBe(0);
    expect(connector.recipients().size).toBe(37);
    // Ten had no chat yet: eight new installs, one already installed (409), one refused.
    expect(graph.installedFor().size).toBe(9);
    expect(graph.installCount('u0037')).toBe(0);
    expect(await store.getDelivery(CAMPAIGN, 'u0038')).toMatchObject({ state: 'installFailed', reason: 'install_failed_404' });
    const blocked = await store.getDelivery(CAMPAIGN, 'u0005');
    expect(blocked).toMatchObject({ state: 'blocked', reason: 'ConversationBlockedByUser' });
    const sent = await store.getDelivery(CAMPAIGN, 'u0031');
    expect(sent).toMatchObject({ state: 'sent', conversationId: '19:u0031_fakebot@unq.gbl.spaces' });
    expect(sent?.activityId).toBe(connector.deliveriesTo('u0031')[0].activityId);
  });

  it('when a campaign is sent, then each claimed batch\'s chats are read together, never one a card', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    store = createSqliteAcknowledgementStore(':memory:');
    const everyone = ids(120);
    await rememberChats(store, everyone, connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, everyone, new Date().toISOString());
    const reads = { one: 0, batches: [] as number[] };
    const [one, many] = [store.getConversationReference.bind(store), store.conversationReferences!.bind(store)];
    store.getConversationReference = (userId) => { reads.one += 1; return one(userId); };
    store.conversationReferences = (userIds) => { reads.batches.push(userIds.length); return many(userIds); };

    const summary = await senderFor(store, connector, 'w1', 500).run(CAMPAIGN);

    expect(summary).toMatchObject({ sent: 120, failed: 0, leaseLost: 0 });
    expect(connector.recipients().size).toBe(120);
    expect(reads.one).toBe(0);
    expect(reads.batches.reduce((a, b) => a + b, 0)).toBe(120);
    expect(reads.batches.length).toBeLessThan(120 / 4);
  });

  it('when sends keep failing with 503, then the person is retried later and finally recorded as failed with the reason', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    store = createSqliteAcknowledgementStore(':memory:');
    await rememberChats(store, ['u0001'], connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, ['u0001'], new Date().toISOString());
    connector.failNext(100, 503);

    const summary = await senderFor(store, connector, 'w1', 500, { maxAttempts: 2 }).run(CAMPAIGN);

    expect(summary).toMatchObject({ sent: 0, failed: 1, deferred: 1 });
    expect(await store.getDelivery(CAMPAIGN, 'u0001')).toMatchObject({ state: 'failed', reason: 'gave_up_http_503', attempts: 2 });
    expect(connector.deliveries).toHaveLength(0);
  });

  it('when installs are slow, then people who already have a chat are not held up behind them', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    store = createSqliteAcknowledgementStore(':memory:');
    const needInstall = ids(4, 'new');
    const haveChat = ids(30);
    await rememberChats(store, haveChat, connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, [...needInstall, ...haveChat], new Date().toISOString());
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const installer: AppInstaller = {
      async installForUser(userId) {
        await gate;
        return { conversationId: `a:${userId}`, alreadyInstalled: false };
      },
    };
    const sendLimiter = createRateLimiter({ ratePerSecond: 500 });
    const reacher = createRecipientReacher({ references: store, sender: createBotConnectorSender(), sendLimiter, installer, serviceUrl: connector.serviceUrl });
    const sender = createCampaignSender({
      store, reacher, sendLimiter, workerId: 'w1', renderActivity: render, concurrency: 4, installConcurrency: 2, idlePollMs: 50,
    });

    const run = sender.run(CAMPAIGN);
    await waitFor(() => connector!.deliveries.length >= haveChat.length, { what: 'the cards to everyone who has a chat, while the installs are held', seen: () => connector!.deliveries.length });
    const beforeInstalls = connector.recipients();
    openGate();
    const summary = await run;

    expect(beforeInstalls).toEqual(new Set(haveChat));
    expect(summary.sent).toBe(34);
    expect(connector.recipients().size).toBe(34);
    expect(connector.duplicates()).toBe(0);
  });

  it('when the sender is asked to stop, then sends in flight finish and its unstarted claims are handed back at once', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0, latencyMs: 50 });
    store = createSqliteAcknowledgementStore(':memory:');
    const everyone = ids(200);
    await rememberChats(store, everyone, connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, everyone, new Date().toISOString());
    const controller = new AbortController();

    const sends = countingSends();
    const run = senderFor(store, connector, 'w1', 100, { sender: sends.sender }).run(CAMPAIGN, { signal: controller.signal });
    await waitFor(() => connector!.deliveries.length >= 20, { what: 'twenty cards to reach Teams', seen: () => connector!.deliveries.length });
    controller.abort();
    const summary = await run;
    // Nothing is left to arrive later: every send the run started had been answered when it returned, so what Teams
    // received and what the store holds are final now, with no time allowed for stragglers.
    expect(sends.underWay()).toBe(0);

    const counts = await store.countDeliveries(CAMPAIGN);
    expect(counts.claimed).toBe(0);
    expect(counts.sent).toBe(summary.sent);
    expect(counts.pending).toBe(200 - summary.sent);
    expect(connector.deliveries).toHaveLength(summary.sent);
    expect(summary.sent).toBeLessThan(200);
  });

  it('when the same campaign is started twice in one process, then the second call joins the first run', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    store = createSqliteAcknowledgementStore(':memory:');
    await rememberChats(store, ids(30), connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, ids(30), new Date().toISOString());
    const sender = senderFor(store, connector, 'w1', 200);

    const [first, second] = await Promise.all([sender.run(CAMPAIGN), sender.run(CAMPAIGN)]);

    expect(second).toBe(first);
    expect(first.sent).toBe(30);
    expect(connector.duplicates()).toBe(0);
  });

  it('when two instances share a campaign, then nobody gets the card twice and together they stay under the tenant limit', async () => {
    const limit = 20;
    connector = await startFakeConnector({ ratePerSecond: limit, enforcement: 'slidingWindow' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-campaign-'));
    const dbFile = path.join(dir, 'ack.sqlite');
    store = createSqliteAcknowledgementStore(dbFile);
    const other = createSqliteAcknowledgementStore(dbFile);
    const everyone = ids(90);
    await rememberChats(store, everyone, connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, everyone, new Date().toISOString());
    // Both instances are up before either sends, as two app service instances would be.
    await store.heartbeat('a', new Date().toISOString(), 3000);
    await store.heartbeat('b', new Date().toISOString(), 3000);

    const [a, b] = await Promise.all([
      senderFor(store, connector, 'a', limit).run(CAMPAIGN),
      senderFor(other, connector, 'b', limit).run(CAMPAIGN),
    ]);
    await other.close();

    expect(a.sent + b.sent).toBe(90);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    expect(connector.duplicates()).toBe(0);
    expect(connector.recipients().size).toBe(90);
    // Each took half the budget: without sharing, two instances would send twice the limit (40 a second).
    // The slack is arrival jitter, not sending: requests paced apart at the sender can arrive bunched when
    // the machine is busy (a full parallel test run on 2 cores reached limit + 2), and the connector throttles
    // what bunches past its window. Either way far below what unshared budgets would reach.
    const slack = Math.ceil(limit * 0.15);
    expect(connector.stats().maxArrivalsPerSecond).toBeLessThanOrEqual(limit + slack);
    expect(connector.stats().throttled).toBeLessThanOrEqual(slack);
  });

  it.each([
    ['as another instance, after the dead one\'s leases lapse', 'first', 'second', 3000],
    // A ten-minute lease: the restart can only finish by taking its own orphaned claims back at once.
    ['under the same worker id, taking its orphaned claims back at once', 'host-1', 'host-1', 600_000],
  ])('when the sender process is killed mid-campaign and restarted %s, then nobody is lost and only the in-flight window can get it twice', async (_how, firstId, secondId, leaseMs) => {
    const total = 150;
    const concurrency = 8;
    // Slow answers keep several sends in flight, so the kill really interrupts some of them.
    connector = await startFakeConnector({ ratePerSecond: 50, latencyMs: 100 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kill-campaign-'));
    const dbFile = path.join(dir, 'ack.sqlite');
    store = createSqliteAcknowledgementStore(dbFile);
    const everyone = ids(total);
    await rememberChats(store, everyone, connector.serviceUrl);
    await store.addDeliveries(CAMPAIGN, everyone, new Date().toISOString());

    const startWorker = (workerId: string): ChildProcess => {
      const child = spawn(process.execPath, [
        '-r', path.join(__dirname, 'support', 'tsRegister.js'), path.join(__dirname, 'support', 'senderWorker.ts'),
        '--db', dbFile, '--campaign', CAMPAIGN, '--connector', connector!.serviceUrl, '--worker-id', workerId,
        '--concurrency', String(concurrency), '--lease-ms', String(leaseMs), '--heartbeat-ms', '500',
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    };
    const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const first = startWorker(firstId);
    const firstExit = exited(first);
    await waitFor(() => connector!.deliveries.length >= total / 3 || first.exitCode !== null,
      { what: 'the first sender to send a third of the cards', timeoutMs: 30_000, intervalMs: 10, seen: () => connector!.deliveries.length });
    first.kill('SIGKILL');
    await firstExit;
    const atKill = connector.deliveries.length;
    expect(atKill).toBeLessThan(total);
    const atRestart = await store.countDeliveries(CAMPAIGN);
    const recordedByFirst = atRestart.sent;
    // The dead sender left claims behind: the case the lease (or the same-id resume) must handle.
    expect(atRestart.claimed).toBeGreaterThan(0);

    const second = startWorker(secondId);
    let output = '';
    second.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    expect(await exited(second)).toBe(0);

    expect(connector.recipients().size).toBe(total);
    expect(connector.duplicates()).toBeLessThanOrEqual(concurrency);
    expect(await store.countDeliveries(CAMPAIGN)).toMatchObject({ pending: 0, claimed: 0, sent: total });
    expect(JSON.parse(output.trim()).sent).toBe(total - recordedByFirst);
  });
});
