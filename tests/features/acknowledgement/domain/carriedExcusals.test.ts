import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { createCampaignChasing } from '../../../../src/features/acknowledgement/domain/campaignChasing';
import { createCampaignJobHandlers } from '../../../../src/features/acknowledgement/domain/campaignJobs';
import { DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { previousRoundId } from '../../../../src/features/acknowledgement/domain/carriedExcusals';
import { createOwnerJobRunner, OwnerJobKind } from '../../../../src/features/acknowledgement/domain/ownerJobs';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteAcknowledgementStoreOn } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createSqliteOwnerJobStore } from '../../../../src/adapters/sqlite/sqliteOwnerJobStore';
import { manualClock, memoryStore, person, policyVersion, recordingMessenger } from './ackTestKit';

const OWNER = 'owner';

/** One bot instance over a shared database, with background jobs, as the composition root builds it in production. */
function instanceWithJobs(db: SqliteDatabase, workerId: string) {
  const store = createSqliteAcknowledgementStoreOn(db);
  const clock = () => new Date();
  const messenger = recordingMessenger();
  const runner = createOwnerJobRunner({ jobs: createSqliteOwnerJobStore(db), clock, workerId, sliceMs: 0, reportEveryMs: 0 });
  const campaigns = createCampaignService({ store, clock, rules: DEFAULT_CAMPAIGN_RULES, owners: [OWNER], primaryPolicyId: 'social-media', messenger, jobs: runner });
  const handlers = createCampaignJobHandlers({ store, campaigns, rules: DEFAULT_CAMPAIGN_RULES, clock, messenger });
  for (const [kind, handler] of Object.entries(handlers)) runner.register(kind as OwnerJobKind, handler);
  const chasing = createCampaignChasing({
    store, clock, owners: [OWNER], logger: { info: () => undefined, warn: () => undefined },
    notifier: { toManager: async () => false, toOwner: async () => false },
  });
  return { store, runner, campaigns, chasing };
}

/** Someone excused (on leave) in the round running when a new version's round starts stays excused in it. */
describe('excusals carried into a new version\'s round', () => {
  async function roundWithOneExcused() {
    const store = memoryStore();
    const clock = manualClock('2026-09-01T08:00:00.000Z');
    const v1 = policyVersion('hash-v1', '2026-08-01T00:00:00.000Z');
    await store.savePolicyVersion(v1);
    await store.upsertStaff([person(1), person(2), person(3)]);
    const campaigns = createCampaignService({ store, clock: clock.now, rules: DEFAULT_CAMPAIGN_RULES, owners: ['owner'], primaryPolicyId: 'social-media' });
    const { campaign } = await campaigns.startCampaign({ actorId: 'owner', audience: { kind: 'all' } });
    expect(await store.setExcused(campaign.id, 'aad-2', { by: 'owner', at: clock.now().toISOString() })).toBe(true);
    clock.advanceDays(10);
    const v2 = policyVersion('hash-v2', clock.now().toISOString());
    await store.savePolicyVersion(v2);
    await campaigns.onPolicyVersionRegistered({ version: v2, previous: v1, isNew: true });
    return { store, clock, campaigns, campaign };
  }

  it('when the owner previews and starts the new round, then the preview says one stays excused, and in the new round they are excused, by the same owner, on the record', async () => {
    const { store, campaigns, campaign } = await roundWithOneExcused();
    expect((await campaigns.previewNextRound({ actorId: 'owner', campaignId: campaign.id })).excused).toBe(1);
    const { campaign: next } = await campaigns.startNextRound({ actorId: 'owner', campaignId: campaign.id, keyPoints: ['Read it again.'] });
    expect(previousRoundId(next)).toBe(campaign.id);
    const status = await campaigns.campaignStatus({ actorId: 'owner', campaignId: next.id });
    expect(status).toMatchObject({ total: 3, excused: 1 });
    const excused = await store.listCampaignPeople(next.id, { list: 'excused', offset: 0, limit: 10 });
    expect(excused.people.map((p) => [p.userId, p.excusedBy])).toEqual([['aad-2', 'owner']]);
    expect((await store.listAudit(next.id)).filter((a) => a.action === 'campaign.excused').map((a) => a.details)).toEqual([{ userId: 'aad-2', carriedFrom: campaign.id }]);
    // Lifted as any excusal is: they are outstanding again.
    expect(await store.setExcused(next.id, 'aad-2', null)).toBe(true);
    expect((await campaigns.campaignStatus({ actorId: 'owner', campaignId: next.id })).excused).toBe(0);
  });

  it('when someone excused in round 1 has since left the staff list, then the new round neither carries nor adds them', async () => {
    const { store, campaigns, campaign } = await roundWithOneExcused();
    await store.upsertStaff([person(2, { active: false })]);
    const { campaign: next, excused } = await campaigns.startNextRound({ actorId: 'owner', campaignId: campaign.id, keyPoints: ['Read it again.'] });
    expect(excused).toBe(0);
    expect(await store.getDelivery(next.id, 'aad-2')).toBeUndefined();
    expect(await campaigns.campaignStatus({ actorId: 'owner', campaignId: next.id })).toMatchObject({ total: 2, excused: 0 });
  });

  it('when next year\'s round asks about the same version, then everyone is asked again: nothing carries', async () => {
    const store = memoryStore();
    const clock = manualClock('2026-09-01T08:00:00.000Z');
    await store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
    await store.upsertStaff([person(1), person(2)]);
    const campaigns = createCampaignService({ store, clock: clock.now, rules: DEFAULT_CAMPAIGN_RULES, owners: ['owner'], primaryPolicyId: 'social-media' });
    const { campaign } = await campaigns.startCampaign({ actorId: 'owner', audience: { kind: 'all' } });
    await store.setExcused(campaign.id, 'aad-2', { by: 'owner', at: clock.now().toISOString() });
    clock.advanceDays(366);
    await campaigns.runScheduledWork();
    const next = await store.getCampaign(`${campaign.seriesId}-r2`);
    expect(next?.versionHash).toBe('hash-v1');
    expect((await campaigns.campaignStatus({ actorId: 'owner', campaignId: next!.id })).excused).toBe(0);
  });
});

/**
 * With background jobs (production), a round's people are added over minutes at 50,000. The excusal is carried before
 * anyone else is added, so the owner never sees the person outstanding meanwhile, and lifting it meanwhile holds.
 */
describe('excusals carried into a new version\'s round whose people a background job adds', () => {
  let db: SqliteDatabase;
  beforeEach(() => { db = openSqliteDatabase(':memory:'); });
  afterEach(() => { db.close(); });

  it('when the round has only begun to be added, then the person on leave is excused in it already, told at Start, and an unexcuse then is not undone when the job finishes', async () => {
    const a = instanceWithJobs(db, 'worker-a');
    const v1 = policyVersion('hash-v1', '2026-01-01T00:00:00.000Z');
    await a.store.savePolicyVersion(v1);
    // Person 999 ('aad-999') is last in the staff list's id order: the job would reach her last.
    await a.store.upsertStaff(Array.from({ length: 1000 }, (_, i) => person(i + 1)));
    const first = await a.campaigns.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    await a.runner.waitFor(first.job!.id);
    await a.chasing.excuse({ actorId: OWNER, person: 'person999@school.example', excused: true });
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await a.store.savePolicyVersion(v2);
    await a.campaigns.onPolicyVersionRegistered({ version: v2, previous: v1, isNew: true });

    const started = await a.campaigns.startNextRound({ actorId: OWNER, campaignId: first.campaign.id, keyPoints: ['Read it again.'], expected: 1000 });
    // What the Start message tells the owner.
    expect(started.excused).toBe(1);
    // The process stops early in the job (its people are added a page at a time), as after a restart.
    await a.runner.stop();
    const next = started.campaign;
    const partly = await a.campaigns.campaignStatus({ actorId: OWNER, campaignId: next.id });
    expect(partly.total).toBeLessThan(1000);
    expect(partly.excused).toBe(1);
    expect((await a.store.getDelivery(next.id, 'aad-999'))?.excusedBy).toBe(OWNER);

    // She is back: the owner lifts it while the rest are still being added; the job, resumed, leaves it lifted.
    const lifted = await a.chasing.excuse({ actorId: OWNER, person: 'person999@school.example', excused: false });
    expect(lifted.campaign.id).toBe(next.id);
    // The same instance after a restart (its claim on the job is its own).
    const b = instanceWithJobs(db, 'worker-a');
    expect(await b.runner.resume()).toBe(1);
    await b.runner.idle();
    const status = await b.campaigns.campaignStatus({ actorId: OWNER, campaignId: next.id });
    expect(status).toMatchObject({ total: 1000, excused: 0 });
    expect((await b.store.getDelivery(next.id, 'aad-999'))?.excusedAt).toBeUndefined();
    const trail = (await b.store.listAudit(next.id)).filter((e) => e.action.startsWith('campaign.excuse')).map((e) => [e.action, e.details]);
    expect(trail).toEqual([['campaign.excused', { userId: 'aad-999', carriedFrom: first.campaign.id }], ['campaign.excuseLifted', { userId: 'aad-999' }]]);
    expect((await b.store.listAudit(next.id)).find((e) => e.action === 'campaign.recipientsAdded')?.details).toMatchObject({ recipients: 1000, excusalsCarried: 1 });
  });
});
