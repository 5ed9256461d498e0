import { AcknowledgementStore } from '../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign, StaffMember } from '../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { StoreFactory } from './acknowledgementStoreContract';

const T0 = '2026-11-25T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const staff = (n: number, name: string, department?: string): StaffMember => ({
  userId: `user-${String(n).padStart(4, '0')}`, userPrincipalName: `${name.split(' ')[0].toLowerCase()}${n}@school.example`, displayName: name,
  ...(department ? { department } : {}), active: true, source: 'graph', updatedAt: T0,
});

const campaign: Campaign = {
  id: 'c43', policyId: 'social-media', versionHash: 'hash-a', audience: { kind: 'all' }, dueDate: '2026-12-18',
  startedAt: T0, startedBy: 'owner-1', round: 1, seriesId: 'c43', status: 'active', keyPoints: ['Never befriend pupils.', 'Report concerns to the DSL at once.'],
};

/** Issue 43: the owner's lists of people by name, what staff read, and the key points a campaign was started with. */
export function describeAcknowledgementPeopleContract(name: string, factory: StoreFactory): void {
  describe(`${name} acknowledgement store contract: names, reads and chosen key points`, () => {
    let store: AcknowledgementStore;
    beforeEach(async () => { store = await factory(); });
    afterEach(async () => { await store.close(); });

    async function seed(): Promise<void> {
      await store.createCampaign(campaign);
      const people = [
        staff(1, 'Zoe Adams', 'Maths'), staff(2, 'amy Brown', 'Maths'), staff(3, 'Carl Price', 'English'), staff(4, 'Dina Shah', 'English'),
        staff(5, 'Ed Moss'), staff(6, 'Fay Long', 'Maths'), staff(7, 'Gus 50%_Off', 'English'),
      ];
      await store.upsertStaff(people);
      await store.addDeliveries(campaign.id, people, at(0));
      const claimed = await store.claimDeliveries({ campaignId: campaign.id, workerId: 'w', limit: 10, leaseMs: 60_000, now: at(1) });
      for (const d of claimed) {
        const outcome = d.userId === 'user-0003' ? { state: 'blocked' as const, reason: 'ConversationBlockedByUser' }
          : d.userId === 'user-0005' ? { state: 'installFailed' as const, reason: 'install_failed_403' } : { state: 'sent' as const, activityId: `a-${d.userId}` };
        await store.completeDelivery(campaign.id, d.userId, 'w', outcome, at(2));
      }
      await store.appendAcknowledgement({
        policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0006', userPrincipalName: 'fay6@school.example', displayName: 'Fay Long',
        department: 'Maths', campaignId: campaign.id, acknowledgedAt: at(3), channel: 'teams', readAt: at(2),
      });
      await store.setExcused(campaign.id, 'user-0004', { by: 'owner-1', at: at(4) });
      await store.markOpened(campaign.id, 'user-0001', at(5));
      // Table storage learns of acknowledgements a few seconds late for campaigns it has just seen; settle as the scheduler does.
      await store.settleAcknowledgements(campaign.id);
    }

    it('when the outstanding are listed, then they come by department then name, with how many each department has', async () => {
      await seed();
      const page = await store.listCampaignPeople(campaign.id, { list: 'outstanding', offset: 0, limit: 10 });
      expect(page.people.map((p) => p.displayName)).toEqual(['Ed Moss', 'Carl Price', 'Gus 50%_Off', 'amy Brown', 'Zoe Adams']);
      expect(page.total).toBe(5);
      expect(page.departments).toEqual([{ name: 'English', count: 2 }, { name: 'Maths', count: 2 }, { name: '', count: 1 }]);
      expect(page.people.find((p) => p.displayName === 'Zoe Adams')).toMatchObject({ department: 'Maths', state: 'sent', openedAt: at(5) });
    });

    it('when a department, a name or a page is asked for, then only those come back; a typed % or _ is a letter, not a wildcard', async () => {
      await seed();
      expect((await store.listCampaignPeople(campaign.id, { list: 'outstanding', department: 'Maths', offset: 0, limit: 10 })).people.map((p) => p.displayName))
        .toEqual(['amy Brown', 'Zoe Adams']);
      expect((await store.listCampaignPeople(campaign.id, { list: 'outstanding', name: 'AMY', offset: 0, limit: 10 })).people.map((p) => p.userId)).toEqual(['user-0002']);
      expect((await store.listCampaignPeople(campaign.id, { list: 'outstanding', name: '%_', offset: 0, limit: 10 })).people.map((p) => p.userId)).toEqual(['user-0007']);
      expect((await store.listCampaignPeople(campaign.id, { list: 'outstanding', name: 'carl1', offset: 0, limit: 10 })).total).toBe(0);
      const second = await store.listCampaignPeople(campaign.id, { list: 'outstanding', offset: 2, limit: 2 });
      expect(second.people.map((p) => p.displayName)).toEqual(['Gus 50%_Off', 'amy Brown']);
      expect(second.total).toBe(5);
    });

    it('when the unreached and the excused are listed, then each comes with why', async () => {
      await seed();
      const unreached = await store.listCampaignPeople(campaign.id, { list: 'unreached', offset: 0, limit: 10 });
      expect(unreached.people.map((p) => [p.displayName, p.state, p.reason])).toEqual([
        ['Ed Moss', 'installFailed', 'install_failed_403'], ['Carl Price', 'blocked', 'ConversationBlockedByUser'],
      ]);
      const excused = await store.listCampaignPeople(campaign.id, { list: 'excused', offset: 0, limit: 10 });
      expect(excused.people).toEqual([expect.objectContaining({ displayName: 'Dina Shah', excusedAt: at(4), excusedBy: 'owner-1' })]);
      // Excused and lifted again straight after a list was read: the next list says so at once (what a new round carries).
      await store.setExcused(campaign.id, 'user-0001', { by: 'owner-1', at: at(6) });
      expect((await store.listCampaignPeople(campaign.id, { list: 'excused', offset: 0, limit: 10 })).people.map((p) => p.userId)).toEqual(['user-0004', 'user-0001']);
      await store.setExcused(campaign.id, 'user-0004', null);
      expect((await store.listCampaignPeople(campaign.id, { list: 'excused', offset: 0, limit: 10 })).people.map((p) => p.userId)).toEqual(['user-0001']);
    });

    it('when a campaign is started with chosen key points and someone reads and acknowledges, then all of it reads back', async () => {
      await seed();
      expect((await store.getCampaign(campaign.id))?.keyPoints).toEqual(campaign.keyPoints);
      expect(await store.getAcknowledgement('social-media', 'hash-a', 'user-0006')).toMatchObject({ readAt: at(2) });
      expect(await store.getPolicyRead('social-media', 'hash-a', 'user-0001')).toBeUndefined();
      await store.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0001', at: at(10) });
      await store.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0001', at: at(20) });
      await store.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0001', at: at(30), document: true });
      await store.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0001', at: at(40), document: true });
      expect(await store.getPolicyRead('social-media', 'hash-a', 'user-0001')).toEqual({
        policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0001', firstReadAt: at(10), lastReadAt: at(40), pages: 2, documentAt: at(30),
      });
      expect(await store.getPolicyRead('social-media', 'hash-b', 'user-0001')).toBeUndefined();
      // An acknowledgement reads when they first opened it with who they are: in a campaign, kept on their delivery.
      await store.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'user-0002', at: at(50), campaignId: campaign.id });
      expect(await store.getRecipient(campaign.id, 'user-0002', { policyId: 'social-media', versionHash: 'hash-a' })).toMatchObject({ displayName: 'amy Brown', readAt: at(50) });
      expect((await store.getRecipient(campaign.id, 'user-0007', { policyId: 'social-media', versionHash: 'hash-a' }))?.readAt).toBeUndefined();
      // With them, the card the campaign sent them (so one acknowledged elsewhere can be updated without another read);
      // none for someone the card never reached.
      expect((await store.getRecipient(campaign.id, 'user-0002'))?.card).toEqual({ activityId: 'a-user-0002' });
      expect((await store.getRecipient(campaign.id, 'user-0003'))?.card).toBeUndefined();
    });
  });
}
