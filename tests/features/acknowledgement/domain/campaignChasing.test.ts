import { createAcknowledgePolicy } from '../../../../src/features/acknowledgement/domain/acknowledgePolicy';
import { EXPORT_COLUMNS } from '../../../../src/features/acknowledgement/domain/acknowledgementExport';
import { createCampaignChasing } from '../../../../src/features/acknowledgement/domain/campaignChasing';
import { DEFAULT_CAMPAIGN_RULES, ManagerDigest, OwnerDigest } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { manualClock, memoryStore, person, policyVersion } from './ackTestKit';

const OWNER = 'owner-aad';
const HEAD_OF_MATHS = 'aad-3';

/** Six staff: persons 1, 2 and 4 report to person 3, person 6 to person 1; 3 and 5 have no manager recorded. */
async function setUp() {
  const store = memoryStore();
  const clock = manualClock('2026-09-01T08:00:00.000Z');
  await store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
  await store.upsertStaff([1, 2, 3, 4, 5, 6].map((n) => person(n)));
  const managers: Record<string, string> = { 'aad-1': HEAD_OF_MATHS, 'aad-2': HEAD_OF_MATHS, 'aad-4': HEAD_OF_MATHS, 'aad-6': 'aad-1' };
  const toManagers: { managerId: string; digest: ManagerDigest }[] = [];
  const toOwners: { ownerId: string; digest: OwnerDigest }[] = [];
  const lookups: string[] = [];
  const service = createCampaignService({ store, clock: clock.now, rules: DEFAULT_CAMPAIGN_RULES, owners: [OWNER], primaryPolicyId: 'social-media' });
  const chasing = createCampaignChasing({
    store, clock: clock.now, owners: [OWNER], logger: { info: () => undefined, warn: () => undefined },
    managers: { managerOf: async (id) => { lookups.push(id); return managers[id]; } },
    notifier: {
      toManager: async (managerId, digest) => { toManagers.push({ managerId, digest }); return true; },
      toOwner: async (ownerId, digest) => { toOwners.push({ ownerId, digest }); return true; },
    },
  });
  const acknowledge = createAcknowledgePolicy({ store, clock: clock.now });
  const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, dueDate: '2026-09-20' });
  const ack = (userId: string) => acknowledge({ user: { userId }, policyId: 'social-media', versionHash: 'hash-v1', campaignId: campaign.id, channel: 'teams' });
  return { store, clock, chasing, service, campaign, ack, toManagers, toOwners, lookups };
}

describe('chasing after the due date', () => {
  it('when the due date has not passed, then nobody is chased', async () => {
    const { chasing, clock, toManagers, toOwners } = await setUp();
    clock.set('2026-09-20T18:00:00.000Z');
    expect(await chasing.runDigests()).toEqual({ campaigns: 0, listed: 0, managersNotified: 0, ownersNotified: 0 });
    expect([toManagers, toOwners]).toEqual([[], []]);
  });

  it('when it has passed, then each line manager gets their own people, and the owners the totals and who has no manager', async () => {
    const { chasing, clock, ack, toManagers, toOwners, store, campaign } = await setUp();
    await ack('aad-2');
    clock.set('2026-09-21T07:00:00.000Z');
    const result = await chasing.runDigests();
    expect(result).toEqual({ campaigns: 1, listed: 5, managersNotified: 2, ownersNotified: 1 });
    const byManager = Object.fromEntries(toManagers.map((m) => [m.managerId, m.digest.people]));
    expect(byManager).toEqual({ [HEAD_OF_MATHS]: ['Person 1 (English)', 'Person 4 (English)'], 'aad-1': ['Person 6 (Maths)'] });
    expect(toOwners).toHaveLength(1);
    expect(toOwners[0].digest).toMatchObject({ outstanding: 5, excused: 0, managersNotified: 2, withoutManager: ['Person 3 (Maths)', 'Person 5 (Science)'] });
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).toContain('campaign.digestSent');
  });

  it('when the digest runs again within the week, then nobody is listed twice; a week on, those still outstanding are', async () => {
    const { chasing, clock, ack, toManagers } = await setUp();
    clock.set('2026-09-21T07:00:00.000Z');
    await chasing.runDigests();
    const first = toManagers.length;
    clock.set('2026-09-25T07:00:00.000Z');
    expect((await chasing.runDigests()).listed).toBe(0);
    expect(toManagers).toHaveLength(first);
    await ack('aad-1');
    clock.set('2026-09-28T07:00:00.000Z');
    const again = await chasing.runDigests();
    expect(again.listed).toBe(5);
    expect(toManagers.slice(first).find((m) => m.managerId === HEAD_OF_MATHS)?.digest.people).toEqual(['Person 2 (Science)', 'Person 4 (English)']);
  });

  it('when an owner excuses someone on leave, then they are not chased or reminded and show as excused; only owners may', async () => {
    const { chasing, clock, toManagers, toOwners, service, store, campaign } = await setUp();
    await expect(chasing.excuse({ actorId: 'aad-1', person: 'person4@school.example', excused: true })).rejects.toThrow(/Only the policy owners/);
    const r = await chasing.excuse({ actorId: OWNER, person: 'PERSON4@school.example', excused: true });
    expect(r.person.displayName).toBe('Person 4');
    await expect(chasing.excuse({ actorId: OWNER, person: 'Nobody Here', excused: true })).rejects.toThrow(/Nobody in the staff list/);
    clock.set('2026-09-21T07:00:00.000Z');
    await chasing.runDigests();
    expect(toManagers.flatMap((m) => m.digest.people).join()).not.toContain('Person 4');
    expect(toOwners[0].digest.excused).toBe(1);
    const status = await service.campaignStatus({ actorId: OWNER });
    expect(status.excused).toBe(1);
    const exp = await service.exportCampaign({ actorId: OWNER });
    expect(exp.csv).toMatch(/\r\nPerson 4,[^,]*,[^,]*,[^,]*,hash-v1,1,excused,/);
    // When and by whom, and whose row it is, by the identity that never changes.
    const row = exp.csv.split('\r\n').find((l) => l.startsWith('Person 4,'))!.split(',');
    const column = (name: string) => row[EXPORT_COLUMNS.indexOf(name as (typeof EXPORT_COLUMNS)[number])];
    expect(column('excused_at')).toMatch(/^2026-09-\d{2}T/);
    expect(column('excused_by')).toBe(OWNER);
    expect(column('entra_object_id')).toBe('aad-4');
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).toContain('campaign.excused');
    await chasing.excuse({ actorId: OWNER, person: 'Person 4', excused: false });
    expect((await service.campaignStatus({ actorId: OWNER })).excused).toBe(0);
  });

  it('when an owner lifts an excusal that was never made, or excuses someone who has left, then it says nothing changed and records nothing', async () => {
    const { store, chasing, campaign } = await setUp();
    await expect(chasing.excuse({ actorId: OWNER, person: 'Person 4', excused: false })).rejects.toThrow('Person 4 was not excused from this round: nothing changed.');
    await store.upsertStaff([person(5, { active: false, updatedAt: '2026-09-02T00:00:00.000Z' })]);
    await store.markLeft(campaign.id, ['aad-5'], '2026-09-02T00:00:00.000Z');
    await expect(chasing.excuse({ actorId: OWNER, person: 'Person 5', excused: true })).rejects.toThrow(/Person 5 has left the staff list: .* Nothing changed\./);
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).not.toContain('campaign.excused');
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).not.toContain('campaign.excuseLifted');
  });

  it('when an owner excuses someone who has already acknowledged the round, then it is refused saying when they acknowledged, and nothing is recorded', async () => {
    const { store, chasing, service, campaign, ack } = await setUp();
    await ack('aad-4');
    await expect(chasing.excuse({ actorId: OWNER, person: 'person4@school.example', excused: true }))
      .rejects.toThrow('Person 4 acknowledged this round\'s version on 1 September 2026: there is nothing to excuse them from.');
    expect((await store.getDelivery(campaign.id, 'aad-4'))?.excusedAt).toBeUndefined();
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).not.toContain('campaign.excused');
    expect((await service.campaignStatus({ actorId: OWNER })).excused).toBe(0);
  });

  it('when the staff list is longer than a page, then someone on a later page is found by email, and a name two people share is refused', async () => {
    const { store, chasing, campaign } = await setUp();
    await store.upsertStaff(Array.from({ length: 2500 }, (_, i) => person(100 + i)));
    await store.upsertStaff([person(9000, { displayName: 'Person 100' })]);
    await store.addDeliveries(campaign.id, ['aad-2599'], '2026-09-01T09:00:00.000Z');
    const r = await chasing.excuse({ actorId: OWNER, person: 'person2599@school.example', excused: true });
    expect(r.person.userId).toBe('aad-2599');
    expect((await store.getDelivery(campaign.id, 'aad-2599'))?.excusedAt).toBeDefined();
    await expect(chasing.excuse({ actorId: OWNER, person: 'Person 100', excused: true })).rejects.toThrow(/More than one person is called "Person 100"/);
  });
});
