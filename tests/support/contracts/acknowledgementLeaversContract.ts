import { AcknowledgementStore } from '../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign, StaffMember } from '../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { summariseTallies } from '../../../src/features/acknowledgement/domain/campaignProgress';
import { StoreFactory } from './acknowledgementStoreContract';

const T0 = '2026-11-25T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const id = (n: number) => `user-${String(n).padStart(4, '0')}`;

const staff = (n: number, active = true): StaffMember => ({
  userId: id(n), userPrincipalName: `person${n}@school.example`, displayName: `Person ${n}`, department: n % 2 ? 'Maths' : 'English',
  active, source: 'graph', updatedAt: T0,
});

const campaign: Campaign = {
  id: 'c49', policyId: 'social-media', versionHash: 'hash-a', audience: { kind: 'all' }, dueDate: '2026-12-18',
  startedAt: T0, startedBy: 'owner-1', round: 1, seriesId: 'c49', status: 'active',
};
const version = { policyId: 'social-media', versionHash: 'hash-a', title: 'Social Media Policy', keyPoints: [], material: true, publishedAt: T0 };

/**
 * Issue 49: people who leave the staff list during a campaign are marked `left` in it, and are then neither sent,
 * reminded, counted, listed nor exported; someone who comes back is pending again, an acknowledgement they made before
 * they left counting once more. Every store keeps the same promise.
 */
export function describeAcknowledgementLeaversContract(name: string, factory: StoreFactory): void {
  describe(`${name} acknowledgement store contract: leavers and returners`, () => {
    let store: AcknowledgementStore;
    beforeEach(async () => { store = await factory(); });
    afterEach(async () => { await store.close(); });

    /** Five people with the card; person 2 acknowledged; person 5 has not been sent the card yet. */
    async function seed(): Promise<void> {
      await store.savePolicyVersion(version);
      await store.createCampaign(campaign);
      const people = [1, 2, 3, 4, 5].map((n) => staff(n));
      await store.upsertStaff(people);
      await store.addDeliveries(campaign.id, people, at(0));
      const claimed = await store.claimDeliveries({ campaignId: campaign.id, workerId: 'w', limit: 10, leaseMs: 60_000, now: at(1) });
      for (const d of claimed) {
        if (d.userId === id(5)) await store.deferDelivery(campaign.id, d.userId, 'w', at(2), 'throttled', at(1));
        else await store.completeDelivery(campaign.id, d.userId, 'w', { state: 'sent', activityId: `a-${d.userId}` }, at(2));
      }
      await store.appendAcknowledgement({
        policyId: 'social-media', versionHash: 'hash-a', userId: id(2), userPrincipalName: 'person2@school.example', displayName: 'Person 2',
        campaignId: campaign.id, acknowledgedAt: at(3), channel: 'teams',
      });
      await store.settleAcknowledgements(campaign.id);
    }

    /** The staff sync's part: the staff list says they left, and the campaign takes them out. */
    async function leave(ns: number[]): Promise<number> {
      await store.upsertStaff(ns.map((n) => ({ ...staff(n, false), updatedAt: at(10) })));
      return store.markLeft(campaign.id, [...ns.map(id), 'nobody-in-it'], at(10));
    }

    const exported = async () => {
      const ids: string[] = [];
      for await (const page of store.exportRecords(campaign.id, 2)) ids.push(...page.map((r) => r.userId));
      return ids.sort();
    };

    it('when people leave, then they are counted apart and in nothing else: status, the lists, reminders and sending leave them out; the export keeps their record', async () => {
      await seed();
      expect(summariseTallies(campaign, version, await store.tallyDeliveries(campaign.id))).toMatchObject({ total: 5, acknowledged: 1, left: 0 });
      expect(await leave([2, 3, 5])).toBe(3);
      // Marking again changes nothing.
      expect(await store.markLeft(campaign.id, [id(2), id(3)], at(11))).toBe(0);

      const status = summariseTallies(campaign, version, await store.tallyDeliveries(campaign.id));
      expect(status).toMatchObject({ total: 2, acknowledged: 0, outstanding: 2, left: 3, percent: 0 });
      expect(status.groups.map((g) => [g.name, g.total])).toEqual([['English', 1], ['Maths', 1]]);
      expect(await store.countDeliveries(campaign.id)).toMatchObject({ sent: 2, pending: 0, left: 3 });
      expect(await store.listOutstanding(campaign.id)).toEqual([id(1), id(4)]);
      expect((await store.listOutstandingPage(campaign.id, '', 10)).sort()).toEqual([id(1), id(4)]);
      const listed = await store.listCampaignPeople(campaign.id, { list: 'outstanding', offset: 0, limit: 10 });
      expect(listed.people.map((p) => p.userId).sort()).toEqual([id(1), id(4)]);
      expect(listed.total).toBe(2);
      expect((await store.listCampaignPeople(campaign.id, { list: 'unreached', offset: 0, limit: 10 })).total).toBe(0);
      // The export keeps everyone it reached, those who left marked so with what they did (person 2 had acknowledged).
      expect(await exported()).toEqual([id(1), id(2), id(3), id(4), id(5)]);
      const records = new Map<string, { state: string; acknowledged: boolean }>();
      for await (const page of store.exportRecords(campaign.id, 2)) for (const r of page) records.set(r.userId, { state: r.state, acknowledged: !!r.acknowledgement });
      expect(records.get(id(2))).toEqual({ state: 'left', acknowledged: true });
      expect(records.get(id(3))).toEqual({ state: 'left', acknowledged: false });
      // Person 5's card was waiting: it is not sent now.
      expect(await store.claimDeliveries({ campaignId: campaign.id, workerId: 'w2', limit: 10, leaseMs: 60_000, now: at(20) })).toEqual([]);
      // Whoever the store reads a click under is not current staff any more.
      expect(await store.getRecipient(campaign.id, id(3))).toMatchObject({ active: false });
      expect(await store.getRecipient(campaign.id, id(1))).toMatchObject({ active: true });
      // The proof stays: the acknowledgement is still on record.
      expect(await store.getAcknowledgement('social-media', 'hash-a', id(2))).toMatchObject({ campaignId: campaign.id });
    });

    it('when someone who left comes back, then they are pending again (the card goes to them) and their earlier acknowledgement counts', async () => {
      await seed();
      await leave([2, 3]);
      await store.upsertStaff([{ ...staff(2), updatedAt: at(30) }]);
      expect(await store.markReturned(campaign.id, [id(2), id(1), 'nobody-in-it'], at(30))).toBe(1);
      expect(await store.markReturned(campaign.id, [id(2)], at(31))).toBe(0);
      expect(summariseTallies(campaign, version, await store.tallyDeliveries(campaign.id))).toMatchObject({ total: 4, acknowledged: 1, left: 1 });
      expect(await store.getDelivery(campaign.id, id(2))).toMatchObject({ state: 'pending' });
      const claimed = await store.claimDeliveries({ campaignId: campaign.id, workerId: 'w2', limit: 10, leaseMs: 60_000, now: at(40) });
      expect(claimed.map((d) => d.userId).sort()).toEqual([id(2), id(5)]);
      expect(await exported()).toEqual([id(1), id(2), id(3), id(4), id(5)]);
    });

    it('when a departure read before someone came back is applied after their return, then they stay in the campaign; one with no return is still taken out', async () => {
      await seed();
      await leave([2, 3]);
      // The sync puts person 2 back; the scheduler's pass, holding a page of the staff list read before that, applies
      // the departure it saw (recorded at 10).
      expect(await store.markReturned(campaign.id, [id(2)], at(30))).toBe(1);
      await store.upsertStaff([{ ...staff(4, false), updatedAt: at(10) }]);
      expect(await store.markLeft(campaign.id, [id(2), id(4)], at(35), { unlessReturnedSince: at(10) })).toBe(1);
      expect(await store.getDelivery(campaign.id, id(2))).toMatchObject({ state: 'pending' });
      expect(await store.getDelivery(campaign.id, id(4))).toMatchObject({ state: 'left' });
      // A later departure of the same person does take them out again.
      expect(await store.markLeft(campaign.id, [id(2)], at(50), { unlessReturnedSince: at(45) })).toBe(1);
      expect(await store.getDelivery(campaign.id, id(2))).toMatchObject({ state: 'left' });
    });
  });
}
