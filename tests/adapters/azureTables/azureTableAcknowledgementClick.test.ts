import { randomUUID } from 'node:crypto';
import {
  RequestCounter, createAzureTableAcknowledgementStore, createRequestCounter,
} from '../../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { AcknowledgementStore } from '../../../src/features/acknowledgement/domain/acknowledgementStore';
import { AcknowledgementModule, createAcknowledgementModule } from '../../../src/features/acknowledgement/teams/acknowledgementModule';
import { parseAcknowledgementSettings } from '../../../src/config/acknowledgementSettings';
import { Verbs } from '../../../src/teams/verbs';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { BotHost, postActivity, startBotHost } from '../../support/botHost';
import { person, policyVersion } from '../../features/acknowledgement/domain/ackTestKit';

/**
 * What one "I have read and understood" click costs on Azure Table storage, counted as HTTP requests to Azurite
 * while the real bot (app, restify server, acknowledgement feature) answers the invoke over HTTP. Two bot instances
 * share the tables, as two App Service instances would.
 */

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

interface Instance {
  store: AcknowledgementStore;
  requests: RequestCounter;
  mod: AcknowledgementModule;
  host: BotHost;
  /** Clicks the acknowledge button and returns the card's text, with the store's requests made meanwhile. */
  click(userId: string, data: Record<string, string>): Promise<{ card: string; requests: Record<string, number>; total: number }>;
}

const OWNER = 'aad-owner';
const instances: Instance[] = [];

async function startInstance(prefix: string, clock: () => Date = () => new Date()): Promise<Instance> {
  const requests = createRequestCounter();
  const store = await createAzureTableAcknowledgementStore({
    connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: prefix, onRequest: requests.observe,
  });
  const { value: settings } = parseAcknowledgementSettings({}, 'local');
  const mod = createAcknowledgementModule({
    store, settings, owners: [OWNER], primaryPolicyId: 'social-media', channel: 'teams',
    logger: { info: () => undefined, warn: () => undefined }, now: clock,
  });
  const host = await startBotHost(() => [mod.feature]);
  let n = 0;
  const instance: Instance = {
    store, requests, mod, host,
    async click(userId, data) {
      requests.reset();
      const res = await postActivity(host.botUrl, {
        type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', id: `click-${++n}`,
        from: { id: `29:${userId}`, aadObjectId: userId, name: 'From Teams' }, recipient: { id: '28:bot' },
        conversation: { id: `a:${userId}`, conversationType: 'personal', tenantId: 't' }, replyToId: 'card-1',
        value: { action: { type: 'Action.Execute', verb: Verbs.acknowledge, data }, trigger: 'manual' },
      });
      expect(res.status).toBe(200);
      return { card: JSON.stringify(res.body.value), requests: requests.kinds(), total: requests.total };
    },
  };
  instances.push(instance);
  return instance;
}

afterEach(async () => {
  for (const i of instances.splice(0)) {
    await i.host.close();
    await i.store.close();
  }
});

/** A school on Azure: version v1 loaded, four staff, a campaign for everyone; the people's chats are stored. */
async function school(prefix: string, a: Instance) {
  await a.store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
  await a.store.upsertStaff([person(1), person(2), person(3), person(4)]);
  for (const n of [1, 2, 3]) {
    await a.store.saveConversationReference({
      userId: `aad-${n}`, conversationId: `a:aad-${n}`, serviceUrl: 'http://127.0.0.1:9/', reference: {}, updatedAt: new Date().toISOString(),
    });
  }
  const { campaign } = await a.mod.campaigns.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
  return { campaign, data: { policyId: 'social-media', versionHash: 'hash-v1', campaignId: campaign.id }, prefix };
}

const prefix = () => `k${randomUUID().replace(/-/g, '').slice(0, 12)}`;

describe('an acknowledgement click on Azure Table storage', () => {
  it('when a person clicks, then it costs 3 round trips (their delivery by key, the insert, the delivery and its tally in one transaction) and is recorded with their directory details', async () => {
    const p = prefix();
    const a = await startInstance(p);
    const { data, campaign } = await school(p, a);
    // The instance's first click also reads the version (kept for good) and the active campaigns (kept for seconds, by
    // the card's use case and by the store, which marks the person in each campaign of the version).
    const first = await a.click('aad-1', data);
    expect(first.card).toContain('You acknowledged this on');
    expect(first.requests).toEqual({ 'GET Versions': 1, 'GET Campaigns': 2, 'GET Deliveries': 1, 'POST Acks': 1, 'POST Deliveries': 1 });

    const click = await a.click('aad-2', data);
    expect(click.card).toContain('You acknowledged this on');
    expect(click.requests).toEqual({ 'GET Deliveries': 1, 'POST Acks': 1, 'POST Deliveries': 1 });
    expect(click.total).toBeLessThanOrEqual(3);
    const status = await a.mod.campaigns.campaignStatus({ actorId: OWNER, campaignId: campaign.id });
    expect(status).toMatchObject({ total: 4, acknowledged: 2 });
    expect(await a.store.getAcknowledgement('social-media', 'hash-v1', 'aad-2')).toMatchObject({
      campaignId: campaign.id, userPrincipalName: 'person2@school.example', displayName: 'Person 2', department: 'Science', channel: 'teams',
    });
  });

  it('when the person\'s chat is not stored, then the click costs the same 3 round trips and records it', async () => {
    const p = prefix();
    const a = await startInstance(p);
    const { data } = await school(p, a);
    await a.click('aad-1', data);
    const click = await a.click('aad-4', data);
    expect(click.card).toContain('You acknowledged this on');
    expect(click.requests).toEqual({ 'GET Deliveries': 1, 'POST Acks': 1, 'POST Deliveries': 1 });
    expect(await a.store.getAcknowledgement('social-media', 'hash-v1', 'aad-4')).toBeDefined();
  });

  it('when they click again, then nothing new is recorded: no round trip on the same instance, 3 on another', async () => {
    const p = prefix();
    const a = await startInstance(p);
    const { data } = await school(p, a);
    const b = await startInstance(p);
    await b.click('aad-3', data);
    const first = await a.click('aad-1', data);
    const firstAt = /You acknowledged this on [^"]*/.exec(first.card)![0];

    const again = await a.click('aad-1', data);
    expect(again.card).toContain('nothing new was recorded');
    expect(again.card).toContain(firstAt);
    expect(again.total).toBe(0);

    const elsewhere = await b.click('aad-1', data);
    expect(elsewhere.card).toContain('nothing new was recorded');
    expect(elsewhere.card).toContain(firstAt);
    // The insert is refused (409) and the acknowledgement on record is read by its key; the delivery, read for the
    // click, is already marked, so nothing is written.
    expect(elsewhere.requests).toEqual({ 'GET Deliveries': 1, 'POST Acks': 1, 'GET Acks': 1 });
    expect((await a.store.listAcknowledgements('social-media', 'hash-v1')).filter((x) => x.userId === 'aad-1')).toHaveLength(1);
  });

  it('when another instance starts a round for a new version, then a click on its card is recorded for it at once, not called replaced', async () => {
    const p = prefix();
    const a = await startInstance(p);
    const { data, campaign } = await school(p, a);
    await a.click('aad-1', data);
    const b = await startInstance(p);
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await b.store.savePolicyVersion(v2);
    await b.mod.campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'), isNew: true });
    // The owner starts the new version's round from its preview (issue 54: nothing starts on its own).
    const { campaign: round2 } = await b.mod.campaigns.startNextRound({ actorId: OWNER, campaignId: campaign.id, keyPoints: ['Read the new version.'] });

    // Instance a still keeps the first campaign; the card disagrees with it, so a reads the campaigns afresh.
    const click = await a.click('aad-2', { policyId: 'social-media', versionHash: 'hash-v2', campaignId: round2.id });
    expect(click.card).toContain('You acknowledged this on');
    expect(click.requests).toMatchObject({ 'GET Campaigns': 1, 'POST Acks': 1, 'POST Deliveries': 1 });
    expect(await a.store.getAcknowledgement('social-media', 'hash-v2', 'aad-2')).toMatchObject({ campaignId: round2.id });
  });

  it('when the kept campaign is older than its few seconds, then an old card is judged on the store: replaced, nothing recorded', async () => {
    const p = prefix();
    let offsetMs = 0;
    const a = await startInstance(p, () => new Date(Date.now() + offsetMs));
    const { data, campaign } = await school(p, a);
    await a.click('aad-1', data);
    const b = await startInstance(p);
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await b.store.savePolicyVersion(v2);
    await b.mod.campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'), isNew: true });
    await b.mod.campaigns.startNextRound({ actorId: OWNER, campaignId: campaign.id, keyPoints: ['Read the new version.'] });

    offsetMs = 11_000;
    const click = await a.click('aad-2', data);
    expect(click.card).toContain('hash-v2');
    expect(click.card).not.toContain('You acknowledged this on');
    expect(await a.store.getAcknowledgement('social-media', 'hash-v1', 'aad-2')).toBeUndefined();
  });

  it('when the same instance starts a new round, then its next click sees it without waiting for the kept campaign to expire', async () => {
    const p = prefix();
    const a = await startInstance(p);
    const { data, campaign } = await school(p, a);
    await a.click('aad-1', data);
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await a.store.savePolicyVersion(v2);
    await a.mod.campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'), isNew: true });
    await a.mod.campaigns.startNextRound({ actorId: OWNER, campaignId: campaign.id, keyPoints: ['Read the new version.'] });
    const click = await a.click('aad-2', data);
    expect(click.card).toContain('hash-v2');
    expect(click.card).not.toContain('You acknowledged this on');
  });
});
