import { AcknowledgementError } from '../../../../src/features/acknowledgement/domain/acknowledgementErrors';
import { createAcknowledgePolicy } from '../../../../src/features/acknowledgement/domain/acknowledgePolicy';
import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { manualClock, memoryStore, person, policyVersion } from './ackTestKit';

async function setUp() {
  const store = memoryStore();
  const clock = manualClock('2026-09-01T08:00:00.000Z');
  await store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
  await store.upsertStaff([person(1), person(2)]);
  const campaigns = createCampaignService({
    store, clock: clock.now, rules: DEFAULT_CAMPAIGN_RULES, owners: ['owner'], primaryPolicyId: 'social-media',
  });
  const acknowledge = createAcknowledgePolicy({ store, clock: clock.now });
  const { campaign } = await campaigns.startCampaign({ actorId: 'owner', audience: { kind: 'all' } });
  return { store, clock, campaigns, acknowledge, campaign };
}

const request = (userId: string, versionHash: string, campaignId?: string) => ({
  user: { userId, displayName: 'From Teams', userPrincipalName: 'teams@x' }, policyId: 'social-media', versionHash,
  ...(campaignId ? { campaignId } : {}), channel: 'teams' as const,
});

describe('acknowledging the policy', () => {
  it('when someone acknowledges, then who, which version, when and how are recorded with directory details', async () => {
    const { store, acknowledge, campaign, clock } = await setUp();
    clock.advanceDays(2);
    const outcome = await acknowledge(request('aad-1', 'hash-v1', campaign.id));
    expect(outcome.kind).toBe('recorded');
    const stored = await store.getAcknowledgement('social-media', 'hash-v1', 'aad-1');
    expect(stored).toEqual({
      policyId: 'social-media', versionHash: 'hash-v1', userId: 'aad-1', userPrincipalName: 'person1@school.example',
      displayName: 'Person 1', department: 'English', campaignId: campaign.id, acknowledgedAt: '2026-09-03T08:00:00.000Z', channel: 'teams',
    });
  });

  it('when the same person clicks again, then nothing new is recorded and the first time is returned', async () => {
    const { store, acknowledge, campaign, clock } = await setUp();
    await acknowledge(request('aad-1', 'hash-v1', campaign.id));
    clock.advanceDays(1);
    const again = await acknowledge(request('aad-1', 'hash-v1', campaign.id));
    expect(again.kind).toBe('alreadyRecorded');
    expect(again.kind !== 'superseded' && again.acknowledgement.acknowledgedAt).toBe('2026-09-01T08:00:00.000Z');
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toHaveLength(1);
  });

  it('when the card is for a version since replaced by a material change, then nothing is recorded and the new one is offered', async () => {
    const { store, acknowledge, campaigns, campaign, clock } = await setUp();
    clock.advanceDays(10);
    const v2 = policyVersion('hash-v2', clock.now().toISOString());
    await store.savePolicyVersion(v2);
    await campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'), isNew: true });
    const { campaign: fresh } = await campaigns.startNextRound({ actorId: 'owner', campaignId: campaign.id, keyPoints: ['Read it again.'] });
    const outcome = await acknowledge(request('aad-2', 'hash-v1', campaign.id));
    expect(outcome).toMatchObject({ kind: 'superseded', replaced: { versionHash: 'hash-v1' }, current: { versionHash: 'hash-v2' }, campaign: { id: fresh.id } });
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toHaveLength(0);
  });

  it('when someone not on the staff list acknowledges, then nothing is recorded under the name Teams sends: they are told it is for current staff, whom to ask, and the refusal is audited', async () => {
    const { store, campaign } = await setUp();
    await store.upsertStaff([person(9, { userId: 'owner', displayName: 'Olu Owner' })]);
    const acknowledge = createAcknowledgePolicy({ store, clock: () => new Date('2026-09-02T08:00:00.000Z'), owners: ['owner'] });
    const refused = acknowledge({ ...request('playground-user', 'hash-v1', campaign.id), channel: 'playground' });
    await expect(refused).rejects.toMatchObject({ code: 'NOT_CURRENT_STAFF' });
    await expect(refused).rejects.toThrow(/this acknowledgement is for current staff, and your account is not on the school's staff list, so nothing was recorded\. If you work at the school, ask Olu Owner/);
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toEqual([]);
    // A flood of presses is each refused, but the append-only audit gets one line in ten minutes, not one per press.
    for (let i = 0; i < 5; i++) await expect(acknowledge(request('playground-user', 'hash-v1', campaign.id))).rejects.toMatchObject({ code: 'NOT_CURRENT_STAFF' });
    expect((await store.listAudit(campaign.id)).filter((a) => a.action === 'acknowledgement.refused')).toEqual([{
      at: '2026-09-02T08:00:00.000Z', actor: 'playground-user', action: 'acknowledgement.refused', subject: campaign.id,
      details: { reason: 'notOnStaffList', what: 'acknowledge' },
    }]);
  });

  it('when someone the staff sync marked as departed acknowledges, then nothing is recorded and they are told the staff list shows they have left', async () => {
    const { store, acknowledge, campaign } = await setUp();
    await store.upsertStaff([person(2, { active: false })]);
    await expect(acknowledge(request('aad-2', 'hash-v1', campaign.id))).rejects.toThrow(/the school's staff list shows you have left, so nothing was recorded\. If you still work at the school, ask the school office/);
    await expect(acknowledge(request('aad-2', 'hash-v1'))).rejects.toMatchObject({ code: 'NOT_CURRENT_STAFF' });
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toEqual([]);
  });

  it('when the card data is missing or unknown, then a clear error with a stable code is thrown and nothing stored', async () => {
    const { store, acknowledge } = await setUp();
    await expect(acknowledge(request('aad-1', ''))).rejects.toMatchObject({ code: 'BAD_CARD_DATA' });
    await expect(acknowledge(request('aad-1', 'x'.repeat(500)))).rejects.toBeInstanceOf(AcknowledgementError);
    await expect(acknowledge(request('aad-1', 'never-published'))).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
    expect(await store.getAcknowledgement('social-media', 'hash-v1', 'aad-1')).toBeUndefined();
  });

  it('when last year\'s card of an unchanged policy is clicked during this year\'s round, then it counts for this year', async () => {
    const { store, acknowledge, campaigns, campaign, clock } = await setUp();
    await acknowledge(request('aad-1', 'hash-v1', campaign.id));
    clock.advanceDays(366);
    const { roundsStarted } = await campaigns.runScheduledWork();
    expect(roundsStarted).toEqual([`${campaign.id}-r2`]);
    const outcome = await acknowledge(request('aad-1', 'hash-v1', campaign.id));
    expect(outcome).toMatchObject({ kind: 'recorded', acknowledgement: { campaignId: `${campaign.id}-r2` } });
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toHaveLength(2);
  });
});
