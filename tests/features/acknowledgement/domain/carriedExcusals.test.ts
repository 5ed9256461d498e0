import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { previousRoundId } from '../../../../src/features/acknowledgement/domain/carriedExcusals';
import { manualClock, memoryStore, person, policyVersion } from './ackTestKit';

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
