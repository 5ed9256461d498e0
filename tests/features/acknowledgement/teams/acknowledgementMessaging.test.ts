import { createAcknowledgePolicy } from '../../../../src/features/acknowledgement/domain/acknowledgePolicy';
import { DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { createAcknowledgementActivityRenderer, createCampaignMessenger } from '../../../../src/features/acknowledgement/teams/acknowledgementMessaging';
import { Verbs } from '../../../../src/teams/verbs';
import { Campaign } from '../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { cardProblems, cardVerbs } from '../../../support/cardAssertions';
import { memoryStore, person, policyVersion } from '../domain/ackTestKit';

const quietLog = () => {
  const lines: object[] = [];
  return { lines, logger: { info: (o: object) => { lines.push(o); }, warn: (o: object) => { lines.push(o); } } };
};

async function setUp() {
  const store = memoryStore();
  await store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
  await store.upsertStaff([person(1), person(2), person(3)]);
  const campaigns = createCampaignService({ store, clock: () => new Date(), rules: DEFAULT_CAMPAIGN_RULES, owners: ['o'], primaryPolicyId: 'social-media' });
  const { campaign } = await campaigns.startCampaign({ actorId: 'o', audience: { kind: 'all' } });
  return { store, campaign };
}

type Attachment = { contentType: string; content: Record<string, unknown> };
const cardIn = (activity: Record<string, unknown>) => (activity.attachments as Attachment[])[0].content;

describe('acknowledgement delivery bridge', () => {
  it('when the sender renders a delivery, then it gets the pending card, or the acknowledged one if already done', async () => {
    const { store, campaign } = await setUp();
    const render = createAcknowledgementActivityRenderer({ store });
    const pending = await render((await store.getDelivery(campaign.id, 'aad-1'))!);
    expect(pending.type).toBe('message');
    expect(cardProblems(cardIn(pending))).toEqual([]);
    expect(cardVerbs(cardIn(pending))).toContain(Verbs.acknowledge);
    await createAcknowledgePolicy({ store, clock: () => new Date() })({
      user: { userId: 'aad-2' }, policyId: 'social-media', versionHash: 'hash-v1', campaignId: campaign.id, channel: 'teams',
    });
    const done = await render((await store.getDelivery(campaign.id, 'aad-2'))!);
    expect(JSON.stringify(cardIn(done))).toContain('You acknowledged this on');
    expect(cardVerbs(cardIn(done))).not.toContain(Verbs.acknowledge);
  });

  it('when the sender renders deliveries not yet acknowledged, then it reads no one\'s acknowledgement; a marked one still shows the date', async () => {
    const { store, campaign } = await setUp();
    const reads: string[] = [];
    const getAcknowledgement = store.getAcknowledgement.bind(store);
    store.getAcknowledgement = (policyId, versionHash, userId) => { reads.push(userId); return getAcknowledgement(policyId, versionHash, userId); };
    const render = createAcknowledgementActivityRenderer({ store });
    for (const id of ['aad-1', 'aad-3']) expect(cardVerbs(cardIn(await render((await store.getDelivery(campaign.id, id))!)))).toContain(Verbs.acknowledge);
    expect(reads).toEqual([]);
    await createAcknowledgePolicy({ store, clock: () => new Date() })({
      user: { userId: 'aad-2' }, policyId: 'social-media', versionHash: 'hash-v1', campaignId: campaign.id, channel: 'teams',
    });
    const marked = (await store.getDelivery(campaign.id, 'aad-2'))!;
    expect(marked.acknowledgedAt).toBeDefined();
    expect(JSON.stringify(cardIn(await render(marked)))).toContain('You acknowledged this on');
    expect(reads).toEqual(['aad-2']);
  });

  it('when delivery is asked for again while a run is going, then runs never overlap and a second run follows', async () => {
    const { store, campaign } = await setUp();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const runner = {
      run: async () => {
        active += 1; runs += 1; maxActive = Math.max(maxActive, active);
        await new Promise((r) => setImmediate(r));
        active -= 1;
      },
    };
    const log = quietLog();
    const messenger = createCampaignMessenger({ store, runner, reacher: { reach: async () => ({ kind: 'final', outcome: { state: 'sent' } }) }, logger: log.logger });
    messenger.deliver(campaign.id);
    messenger.deliver(campaign.id);
    messenger.deliver(campaign.id);
    await messenger.idle();
    expect(maxActive).toBe(1);
    expect(runs).toBe(2);
  });

  it('when reminding, then each person gets the reminder card once and failures are counted, not thrown', async () => {
    const { store, campaign } = await setUp();
    const reached: { userId: string; activity: Record<string, unknown> }[] = [];
    const reacher = {
      reach: async (userId: string, activity: Record<string, unknown>) => {
        reached.push({ userId, activity });
        if (userId === 'aad-3') throw new Error('boom');
        return userId === 'aad-2' ? { kind: 'final', outcome: { state: 'blocked' } } : { kind: 'final', outcome: { state: 'sent' } };
      },
    };
    const log = quietLog();
    const messenger = createCampaignMessenger({ store, runner: { run: async () => undefined }, reacher, logger: log.logger });
    await messenger.remind(campaign, ['aad-1', 'aad-2', 'aad-3']);
    await messenger.idle();
    expect(reached.map((r) => r.userId).sort()).toEqual(['aad-1', 'aad-2', 'aad-3']);
    const card = cardIn(reached[0].activity);
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Reminder: please read the policy and acknowledge it by');
    expect(log.lines).toContainEqual({ campaignId: campaign.id, reminders: 3, failed: 2 });
  });

  it('when a first round asks about a version that changed an earlier one, then its reminder, like its card, says nothing of changes; a later round\'s says what changed since the round before asked', async () => {
    const store = memoryStore();
    const step = (kind: 'added' | 'removed', label: string, ordinal: number) => ({ kind, label, ordinal, runs: [] });
    // v1 was live but no round asked about it; v2 (round 1) and v3 (round 2) each changed the one before.
    await store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
    await store.savePolicyVersion(policyVersion('hash-v2', '2026-02-01T00:00:00.000Z', { changes: { sinceHash: 'hash-v1', sections: [step('added', 'Overview', 1)], gone: [], truncated: false } }));
    await store.savePolicyVersion(policyVersion('hash-v3', '2026-03-01T00:00:00.000Z', { changes: { sinceHash: 'hash-v2', sections: [step('added', '13. Governors', 13)], gone: [], truncated: false } }));
    const round1: Campaign = {
      id: 'ack-1', policyId: 'social-media', versionHash: 'hash-v2', audience: { kind: 'all' }, dueDate: '2026-03-01',
      startedAt: '2026-02-02T08:00:00.000Z', startedBy: 'o', round: 1, seriesId: 'ack-1', status: 'closed',
    };
    const round2: Campaign = { ...round1, id: 'ack-1-r2', versionHash: 'hash-v3', round: 2, status: 'active', startedAt: '2026-03-02T08:00:00.000Z' };
    await store.createCampaign(round1);
    await store.createCampaign(round2);
    const reached: Record<string, unknown>[] = [];
    const messenger = createCampaignMessenger({
      store, runner: { run: async () => undefined }, logger: quietLog().logger, now: () => new Date('2026-02-20T09:00:00.000Z'),
      reacher: { reach: async (_userId: string, activity: Record<string, unknown>) => { reached.push(activity); return { kind: 'final', outcome: { state: 'sent' } }; } },
    });
    await messenger.remind(round1, ['aad-1'], { wait: true });
    await messenger.remind(round2, ['aad-1'], { wait: true });
    const [first, second] = reached.map((a) => JSON.stringify(cardIn(a)));
    expect(first).toContain('Reminder: please read the policy');
    expect(first).not.toContain('What changed');
    expect(first).not.toContain('Overview');
    expect(second).toContain('What changed since the version published');
    expect(second).toContain('13. Governors');
    expect(second).not.toContain('Overview');
  });
});
