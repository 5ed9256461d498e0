import { createAcknowledgePolicy } from '../../../../src/features/acknowledgement/domain/acknowledgePolicy';
import { verifyAcknowledgementCsv } from '../../../../src/features/acknowledgement/domain/acknowledgementExport';
import { CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { createCampaignService, NO_POLICY_TO_ACKNOWLEDGE } from '../../../../src/features/acknowledgement/domain/campaignService';
import { manualClock, memoryStore, person, policyVersion, recordingMessenger } from './ackTestKit';

const OWNER = 'owner-aad';

async function setUp(rules: Partial<CampaignRules> = {}) {
  const store = memoryStore();
  const clock = manualClock('2026-09-01T08:00:00.000Z');
  const messenger = recordingMessenger();
  await store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
  await store.upsertStaff([
    ...Array.from({ length: 9 }, (_, i) => person(i + 1)),
    person(10, { active: false }),
    person(11, { department: undefined }),
  ]);
  const service = createCampaignService({
    store, clock: clock.now, rules: { ...DEFAULT_CAMPAIGN_RULES, exportSecret: 'test-secret', ...rules }, owners: [OWNER],
    primaryPolicyId: 'social-media', messenger,
  });
  const acknowledge = createAcknowledgePolicy({ store, clock: clock.now });
  const ack = (userId: string, campaignId: string) =>
    acknowledge({ user: { userId }, policyId: 'social-media', versionHash: 'hash-v1', campaignId, channel: 'teams' });
  /** Stands in for the sending engine: marks every pending delivery as sent. */
  const sendAll = async (campaignId: string) => {
    const claimed = await store.claimDeliveries({ campaignId, workerId: 'w', limit: 1000, leaseMs: 60000, now: clock.now().toISOString() });
    for (const d of claimed) await store.completeDelivery(campaignId, d.userId, 'w', { state: 'sent' }, clock.now().toISOString());
  };
  return { store, clock, messenger, service, ack, sendAll };
}

describe('campaigns', () => {
  it('when an owner starts a campaign for all staff, then every active member gets a delivery and the sender is woken', async () => {
    const { store, service, messenger } = await setUp();
    const { campaign, recipients } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, dueDate: '2026-09-30' });
    expect(recipients).toBe(10);
    expect(campaign).toMatchObject({ versionHash: 'hash-v1', dueDate: '2026-09-30', round: 1, status: 'active', nextRoundAt: '2027-09-01T08:00:00.000Z' });
    expect((await store.listDeliveries(campaign.id)).map((d) => d.userId)).not.toContain('aad-10');
    expect(messenger.delivered).toEqual([campaign.id]);
    expect(await store.listAudit(campaign.id)).toEqual([expect.objectContaining({ actor: OWNER, action: 'campaign.started' })]);
  });

  it('when a second owner presses Start on a preview opened before the first started, then nothing is sent again and they are told it is running', async () => {
    const { store, service, messenger } = await setUp();
    await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } })).rejects.toMatchObject({ code: 'CAMPAIGN_RUNNING', message: expect.stringContaining('already running') });
    // A department is already reached by the campaign for all staff.
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['maths'] } })).rejects.toMatchObject({ code: 'CAMPAIGN_RUNNING' });
    expect(await store.listCampaigns()).toHaveLength(1);
    expect(messenger.delivered).toHaveLength(1);
  });

  it('when a narrower campaign is running, then a preview for all staff says its people would get a card from each; one for another department does not', async () => {
    const { service, store } = await setUp();
    await store.upsertStaff([person(20, { school: 'North' })]);
    await service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['maths'] } });
    const all = await service.previewCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    expect(all.overlapWarning).toMatch(/^A campaign of this policy already running reaches some of these people \(.*maths.*\): they would get a card from each/i);
    expect((await service.previewCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['english'] } })).overlapWarning).toBeUndefined();
    expect((await service.previewCampaign({ actorId: OWNER, audience: { kind: 'school', values: ['north'] } })).overlapWarning).toMatch(/maths/i);
  });

  it('when someone acknowledged this version in an earlier campaign, then the preview counts them as acknowledged before, and the new campaign asks them again', async () => {
    const { service, ack, clock } = await setUp();
    const maths = await service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['maths'] } });
    await ack('aad-3', maths.campaign.id);
    clock.advanceDays(1);
    expect((await service.previewCampaign({ actorId: OWNER, audience: { kind: 'all' } })).alreadyAcknowledged).toBe(1);
    const all = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    expect(await service.campaignStatus({ actorId: OWNER, campaignId: all.campaign.id })).toMatchObject({ acknowledged: 0, outstanding: 10 });
  });

  it('when two owners press Start at the same moment, then one campaign is opened and everyone gets one card', async () => {
    const { store, service } = await setUp();
    const both = await Promise.allSettled([0, 1].map(() => service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } })));
    expect(await store.listCampaigns()).toHaveLength(1);
    const [only] = await store.listCampaigns();
    expect(await store.listDeliveries(only.id)).toHaveLength(10);
    // Each press is answered with that campaign, or told it is running.
    for (const r of both) {
      if (r.status === 'fulfilled') expect(r.value.campaign.id).toBe(only.id);
      else expect(r.reason).toMatchObject({ code: 'CAMPAIGN_RUNNING' });
    }
    expect(both.filter((r) => r.status === 'fulfilled' && r.value.created)).toHaveLength(1);
  });

  it('when the audience is a department, then only its active members are included, matched case-insensitively', async () => {
    const { store, service } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['maths'] } });
    expect((await store.listDeliveries(campaign.id)).map((d) => d.userId).sort()).toEqual(['aad-3', 'aad-6', 'aad-9']);
  });

  it('when someone who is not an owner runs any command, then it is refused and nothing changes', async () => {
    const { store, service } = await setUp();
    await expect(service.startCampaign({ actorId: 'aad-1', audience: { kind: 'all' } })).rejects.toMatchObject({ code: 'NOT_POLICY_OWNER' });
    expect(await store.listCampaigns()).toEqual([]);
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    for (const call of [service.campaignStatus, service.remindOutstanding, service.exportCampaign]) {
      await expect(call({ actorId: 'aad-1', campaignId: campaign.id })).rejects.toMatchObject({ code: 'NOT_POLICY_OWNER' });
      await expect(call({ actorId: '', campaignId: campaign.id })).rejects.toMatchObject({ code: 'NOT_POLICY_OWNER' });
    }
    expect((await store.listDeliveries(campaign.id)).every((d) => d.remindCount === 0)).toBe(true);
  });

  it('when the due date is wrong or the audience empty, then the owner is told why and nothing starts', async () => {
    const { store, service } = await setUp();
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, dueDate: '2026-02-30' })).rejects.toMatchObject({ code: 'BAD_DUE_DATE' });
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, dueDate: '2026-08-01' })).rejects.toMatchObject({ code: 'BAD_DUE_DATE' });
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, dueDate: '2028-01-01' })).rejects.toMatchObject({ code: 'BAD_DUE_DATE' });
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['Drama'] } }))
      .rejects.toThrow(/Nobody active matches department Drama\. Known: .*Maths/);
    await expect(service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, policyId: 'other' })).rejects.toMatchObject({ code: 'UNKNOWN_POLICY' });
    expect(await store.listCampaigns()).toEqual([]);
  });

  it('when no policy has been added yet, then start and preview are refused with "add the policy first"; once it is there, they work', async () => {
    const { store, clock, messenger } = await setUp();
    let primary: string | undefined;
    const service = createCampaignService({
      store, clock: clock.now, rules: DEFAULT_CAMPAIGN_RULES, owners: [OWNER], primaryPolicyId: () => primary, messenger,
    });
    for (const attempt of [
      () => service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } }),
      () => service.previewCampaign({ actorId: OWNER, audience: { kind: 'all' } }),
      () => service.versionToStart({ actorId: OWNER }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'NO_POLICY', message: NO_POLICY_TO_ACKNOWLEDGE });
    }
    expect(NO_POLICY_TO_ACKNOWLEDGE).toMatch(/^There is no policy for staff to acknowledge yet: add the policy first\. Send the school's policy/);
    expect(await store.listCampaigns()).toEqual([]);
    // Not an owner: refused as such, before anything is said about the policy.
    await expect(service.startCampaign({ actorId: 'aad-1', audience: { kind: 'all' } })).rejects.toMatchObject({ code: 'NOT_POLICY_OWNER' });

    primary = 'social-media';
    expect((await service.previewCampaign({ actorId: OWNER, audience: { kind: 'all' } })).members).toBe(10);
    expect((await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } })).campaign.versionHash).toBe('hash-v1');
  });

  it('when some have acknowledged, then status gives counts, percentages and departments least complete first', async () => {
    const { service, ack, sendAll } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    await sendAll(campaign.id);
    for (const id of ['aad-3', 'aad-6', 'aad-9', 'aad-1']) await ack(id, campaign.id);
    const status = await service.campaignStatus({ actorId: OWNER });
    expect(status).toMatchObject({ total: 10, acknowledged: 4, outstanding: 6, percent: 40, groupLabel: 'Department' });
    expect(status.deliveries).toMatchObject({ sent: 10, pending: 0 });
    expect(status.groups).toEqual([
      { name: 'Not recorded', total: 1, acknowledged: 0, percent: 0 },
      { name: 'Science', total: 3, acknowledged: 0, percent: 0 },
      { name: 'English', total: 3, acknowledged: 1, percent: 33 },
      { name: 'Maths', total: 3, acknowledged: 3, percent: 100 },
    ]);
  });

  it('when 199 of 200 have acknowledged, then the percentage does not round up to 100', async () => {
    const { store, service, ack } = await setUp();
    await store.upsertStaff(Array.from({ length: 189 }, (_, i) => person(100 + i)));
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    const ids = (await store.listDeliveries(campaign.id)).map((d) => d.userId);
    expect(ids).toHaveLength(199);
    await store.upsertStaff([person(999)]);
    await service.runScheduledWork();
    for (const id of ids) await ack(id, campaign.id);
    expect((await service.campaignStatus({ actorId: OWNER })).percent).toBe(99);
  });

  it('when people were marked as leavers without their campaign being told (before this release, or by another path), then the scheduler\'s pass takes them out once: not counted or reminded, and exported as having left', async () => {
    const { store, service, ack, sendAll, clock, messenger } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    await sendAll(campaign.id);
    await ack('aad-2', campaign.id);
    clock.advanceDays(1);
    // The staff list says they left; nothing told the campaign.
    await store.upsertStaff([person(2, { active: false, updatedAt: clock.now().toISOString() }), person(3, { active: false, updatedAt: clock.now().toISOString() })]);
    expect(await service.campaignStatus({ actorId: OWNER })).toMatchObject({ acknowledged: 1, total: 10 });

    expect((await service.runScheduledWork()).leaversMarked).toBe(2);
    expect(await service.campaignStatus({ actorId: OWNER })).toMatchObject({ acknowledged: 0, total: 8, left: 2 });
    await service.remindOutstanding({ actorId: OWNER });
    expect(messenger.reminded[0].userIds).toHaveLength(8);
    expect(messenger.reminded[0].userIds).not.toContain('aad-3');
    const { csv } = await service.exportCampaign({ actorId: OWNER });
    // The export keeps them, with what they did: person 2 had acknowledged.
    const line = (name: string) => csv.split('\r\n').find((l) => l.startsWith(`${name},`)) ?? '';
    expect(line('Person 2')).toContain('acknowledged, has since left the staff list');
    expect(line('Person 3')).toContain('left the staff list before acknowledging');
    // Once done, the pass looks at them no more.
    expect((await service.runScheduledWork()).leaversMarked).toBe(0);
    expect((await store.listAudit(campaign.id)).filter((a) => a.action === 'campaign.staffChanged')).toEqual([
      expect.objectContaining({ actor: 'system', details: { left: 2, returned: 0 } }),
    ]);
  });

  it('when reminding, then only those with the card and not acknowledged are reminded, never twice within the interval', async () => {
    const { store, service, ack, sendAll, clock, messenger } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    await sendAll(campaign.id);
    await ack('aad-1', campaign.id);
    await store.upsertStaff([person(50)]);
    await service.runScheduledWork();
    const first = await service.remindOutstanding({ actorId: OWNER });
    expect(first).toMatchObject({ reminded: 9, recentlyReminded: 0, awaitingCard: 1, unreachable: 0 });
    expect(messenger.reminded[0].userIds).not.toContain('aad-1');
    clock.advanceDays(3);
    const again = await service.remindOutstanding({ actorId: OWNER, campaignId: campaign.id });
    expect(again).toMatchObject({ reminded: 0, recentlyReminded: 9 });
    expect(messenger.reminded).toHaveLength(1);
    clock.advanceDays(4);
    expect((await service.remindOutstanding({ actorId: OWNER })).reminded).toBe(9);
  });

  it('when exported, then every recipient has a row with an integrity hash that exposes an edited row', async () => {
    const { service, ack, clock } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    clock.advanceDays(1);
    await ack('aad-2', campaign.id);
    const exp = await service.exportCampaign({ actorId: OWNER });
    expect(exp.rows).toBe(10);
    // Named as an owner reads it in a download list: the policy, the version, the day it started; never the campaign key (issue 52).
    expect(exp.fileName).toBe('Social Media Policy - version published 1 August 2026 - acknowledgements started 1 September 2026.csv');
    expect(exp.fileName).not.toContain(campaign.id);
    const lines = exp.csv.trim().split('\r\n');
    expect(lines[0]).toBe('name,upn,department,policy_version,policy_version_hash,round,card_status,acknowledged_at,acknowledged_school_time,channel,policy_opened_at,excused_at,excused_by,entra_object_id,campaign,integrity');
    // Each row names its campaign, whose id its seal is made with: the file alone can be checked.
    expect(lines.find((l) => l.startsWith('Person 2,'))).toBe(lines.find((l) => l.startsWith('Person 2,'))!.replace(/,[^,]*,hmac/, `,${campaign.id},hmac`));
    expect(lines.find((l) => l.startsWith('Person 2,'))).toMatch(/^Person 2,person2@school\.example,Science,published 1 August 2026,hash-v1,1,acknowledged,2026-09-02T08:00:00\.000Z,2026-09-02 09:00 BST,teams,,,,aad-2,ack-[0-9a-z-]+,hmac-sha256:[0-9a-f]{64}$/);
    expect(lines.find((l) => l.startsWith('Person 3,'))).toMatch(/^Person 3,person3@school\.example,Maths,published 1 August 2026,hash-v1,1,not sent yet,,,,,,,aad-3,ack-[0-9a-z-]+,hmac-sha256:/);
    expect(verifyAcknowledgementCsv(exp.csv, undefined, 'test-secret')).toEqual([]);
    expect(verifyAcknowledgementCsv(exp.csv, campaign.id, 'test-secret')).toEqual([]);
    const forged = exp.csv.replace('Person 3,person3@school.example,Maths,published 1 August 2026,hash-v1,1,not sent yet,,,,', 'Person 3,person3@school.example,Maths,published 1 August 2026,hash-v1,1,acknowledged,2026-09-02T09:00:00.000Z,2026-09-02 10:00 BST,teams,');
    const badRow = lines.findIndex((l) => l.startsWith('Person 3,'));
    expect(verifyAcknowledgementCsv(forged, campaign.id, 'test-secret')).toEqual([badRow]);
    expect(verifyAcknowledgementCsv(exp.csv, campaign.id, 'wrong-secret')).toHaveLength(10);
  });

  it('when a year has passed, then the next round starts on its own for the same audience and the old one closes', async () => {
    const { store, service, clock, messenger } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, dueDate: '2026-09-29' });
    clock.advanceDays(300);
    expect((await service.runScheduledWork()).roundsStarted).toEqual([]);
    clock.advanceDays(66);
    const { roundsStarted } = await service.runScheduledWork();
    expect(roundsStarted).toEqual([`${campaign.id}-r2`]);
    const next = await store.getCampaign(`${campaign.id}-r2`);
    expect(next).toMatchObject({ round: 2, seriesId: campaign.id, startedBy: 'schedule', status: 'active', audience: { kind: 'all' }, dueDate: '2027-09-30' });
    expect(await store.getCampaign(campaign.id)).toMatchObject({ status: 'closed' });
    expect((await store.listDeliveries(next!.id))).toHaveLength(10);
    expect(messenger.delivered).toContain(next!.id);
    expect((await service.runScheduledWork()).roundsStarted).toEqual([]);
  });

  it('when two instances run the yearly check at once, then only one next round exists', async () => {
    const { store, service, clock } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    clock.advanceDays(366);
    await Promise.all([service.runScheduledWork(), service.runScheduledWork()]);
    expect((await store.listCampaigns()).map((c) => c.id).sort()).toEqual([campaign.id, `${campaign.id}-r2`]);
  });

  it('when someone joins the audience later, then the periodic run gives them the card', async () => {
    const { store, service, messenger } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['Maths'] } });
    await store.upsertStaff([person(12), person(13, { department: 'English' })]);
    const result = await service.runScheduledWork();
    expect(result.joinersAdded).toBe(1);
    expect(await store.getDelivery(campaign.id, 'aad-12')).toMatchObject({ state: 'pending' });
    expect(await store.getDelivery(campaign.id, 'aad-13')).toBeUndefined();
    expect(messenger.delivered.filter((id) => id === campaign.id)).toHaveLength(2);
  });

  it('when a staff sync adds a new starter, then they join every running campaign whose audience they are in at once, not at the next scheduled pass', async () => {
    const { store, service, messenger } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'department', values: ['Maths'] } });
    await store.upsertStaff([person(12), person(13, { department: 'English' })]);
    const sends = messenger.delivered.length;
    expect(await service.addJoiners(['aad-12', 'aad-13'])).toBe(1);
    expect(await store.getDelivery(campaign.id, 'aad-12')).toMatchObject({ state: 'pending' });
    expect(await store.getDelivery(campaign.id, 'aad-13')).toBeUndefined();
    expect(messenger.delivered.slice(sends)).toEqual([campaign.id]);
    expect((await store.listAudit(campaign.id)).filter((a) => a.action === 'campaign.joinersAdded').map((a) => a.details)).toEqual([{ added: 1 }]);
    // Told again (the next sync, or the scheduler's pass), nothing is added twice.
    expect(await service.addJoiners(['aad-12'])).toBe(0);
    expect((await service.runScheduledWork()).joinersAdded).toBe(0);
  });

  it('when someone the app could not be installed for installs it later, then their card is queued again', async () => {
    const { store, service, clock } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    const now = clock.now().toISOString();
    await store.claimDeliveries({ campaignId: campaign.id, workerId: 'w', limit: 100, leaseMs: 60000, now });
    await store.completeDelivery(campaign.id, 'aad-4', 'w', { state: 'installFailed', reason: 'GRAPH_403' }, now);
    await store.completeDelivery(campaign.id, 'aad-5', 'w', { state: 'sent' }, now);
    const ref = (userId: string) => ({ userId, conversationId: `a:${userId}`, serviceUrl: 'https://smba.example/', reference: {}, updatedAt: now });
    expect(await service.onInstalled(ref('aad-4'))).toEqual([campaign.id]);
    expect(await store.getDelivery(campaign.id, 'aad-4')).toMatchObject({ state: 'pending' });
    expect(await service.onInstalled(ref('aad-5'))).toEqual([]);
    expect(await store.getConversationReference('aad-5')).toMatchObject({ conversationId: 'a:aad-5' });
  });

  it('when a policy version with material changes is registered, then no round starts until the owner starts it from the preview; a non-material one awaits nothing (issue 54)', async () => {
    const { store, service, clock, messenger } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, keyPoints: ['Never contact pupils privately.', 'Report worries to the DSL.'] });
    const woken = messenger.delivered.length;
    const v1 = (await store.getPolicyVersion('social-media', 'hash-v1'))!;
    clock.advanceDays(5);
    const minor = policyVersion('hash-v1b', clock.now().toISOString(), { material: false });
    expect(await service.onPolicyVersionRegistered({ version: minor, previous: v1, isNew: true })).toEqual([]);
    const major = policyVersion('hash-v2', clock.now().toISOString());
    await store.savePolicyVersion(major);
    const awaiting = await service.onPolicyVersionRegistered({ version: major, previous: v1, isNew: true });
    // The running campaign awaits its owner: nothing is opened, closed or sent.
    expect(awaiting.map((c) => c.id)).toEqual([campaign.id]);
    expect((await store.listCampaigns()).map((c) => [c.id, c.status])).toEqual([[campaign.id, 'active']]);
    expect(messenger.delivered).toHaveLength(woken);
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).toContain('campaign.nextRoundAwaitingOwner');
    expect(await service.startCheck({ actorId: OWNER, audience: { kind: 'all' } })).toMatchObject({ kind: 'nextRound', campaign: { id: campaign.id }, version: { versionHash: 'hash-v2' } });
    const preview = await service.previewNextRound({ actorId: OWNER, campaignId: campaign.id });
    expect(preview).toMatchObject({ previous: { id: campaign.id }, version: { versionHash: 'hash-v2' }, previousPoints: ['Never contact pupils privately.', 'Report worries to the DSL.'], members: 10 });
    // Start: round 2 with the owner's points and date, the first round closed.
    const { campaign: fresh, created } = await service.startNextRound({
      actorId: OWNER, campaignId: campaign.id, versionHash: 'hash-v2', keyPoints: ['Parents\' friend requests need written approval.'], dueDate: '2026-10-09',
    });
    expect(created).toBe(true);
    expect(fresh).toMatchObject({ versionHash: 'hash-v2', round: 2, seriesId: campaign.id, startedBy: OWNER, dueDate: '2026-10-09', keyPoints: ['Parents\' friend requests need written approval.'] });
    expect(await store.getCampaign(campaign.id)).toMatchObject({ status: 'closed' });
    const status = await service.campaignStatus({ actorId: OWNER });
    expect(status.campaign.id).toBe(fresh.id);
    expect(status.rounds?.map((r) => [r.campaign.round, r.version.versionHash])).toEqual([[1, 'hash-v1']]);
    // A second press changes nothing.
    expect(await service.startNextRound({ actorId: OWNER, campaignId: campaign.id, keyPoints: ['x'] })).toMatchObject({ created: false, campaign: { id: fresh.id } });
    // Only owners.
    await expect(service.previewNextRound({ actorId: 'aad-1', campaignId: fresh.id })).rejects.toMatchObject({ code: 'NOT_POLICY_OWNER' });
  });

  it('when the owner chooses not to ask staff again for a new version, then the choice is recorded, the round goes on, and `campaign start` says so (issue 54)', async () => {
    const { store, service, clock } = await setUp();
    const { campaign } = await service.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    const v1 = (await store.getPolicyVersion('social-media', 'hash-v1'))!;
    clock.advanceDays(2);
    const typo = policyVersion('hash-v2', clock.now().toISOString());
    await store.savePolicyVersion(typo);
    await service.onPolicyVersionRegistered({ version: typo, previous: v1, isNew: true });
    await expect(service.skipNextRound({ actorId: 'aad-1', campaignId: campaign.id })).rejects.toMatchObject({ code: 'NOT_POLICY_OWNER' });
    await service.skipNextRound({ actorId: OWNER, campaignId: campaign.id, versionHash: 'hash-v2' });
    expect((await store.listAudit(campaign.id)).find((a) => a.action === 'campaign.roundSkipped')).toMatchObject({ actor: OWNER, details: { versionHash: 'hash-v2' } });
    expect(await store.listCampaigns()).toEqual([expect.objectContaining({ id: campaign.id, status: 'active', versionHash: 'hash-v1' })]);
    expect(await service.startCheck({ actorId: OWNER, audience: { kind: 'all' } })).toMatchObject({ kind: 'running', skipped: { version: { versionHash: 'hash-v2' } } });
    expect((await service.campaignStatus({ actorId: OWNER })).newerVersion).toMatchObject({ version: { versionHash: 'hash-v2' }, skippedAt: clock.now().toISOString() });
    // A preview made for a version since replaced is refused rather than starting the wrong one.
    await expect(service.startNextRound({ actorId: OWNER, campaignId: campaign.id, versionHash: 'hash-old', keyPoints: ['x'] })).rejects.toMatchObject({ code: 'BAD_COMMAND' });
  });

  it('when there is no campaign, then status explains how to start one', async () => {
    const { service } = await setUp();
    await expect(service.campaignStatus({ actorId: OWNER })).rejects.toThrow(/campaign start/);
    await expect(service.campaignStatus({ actorId: OWNER, campaignId: 'nope' })).rejects.toMatchObject({ code: 'NO_CAMPAIGN' });
  });
});
