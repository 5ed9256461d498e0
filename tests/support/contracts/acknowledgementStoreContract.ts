import { AcknowledgementStore, StoreError } from '../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Acknowledgement, Campaign, PolicyVersion, StaffMember } from '../../../src/features/acknowledgement/domain/acknowledgementTypes';

/** Builds a fresh, empty store for one test; the suite closes it. */
export type StoreFactory = () => Promise<AcknowledgementStore>;

const T0 = '2026-09-01T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const version = (hash: string, publishedAt: string, material = false): PolicyVersion => ({
  policyId: 'social-media', versionHash: hash, title: 'Social Media Policy', versionLabel: 'v2',
  reviewDate: 'September 2027', keyPoints: ['Never accept pupils as friends', 'Report concerns to the DSL'],
  material, wordingHash: `w-${hash}`, publishedAt,
});

const staff = (n: number, extra: Partial<StaffMember> = {}): StaffMember => ({
  userId: `user-${String(n).padStart(4, '0')}`, userPrincipalName: `u${n}@school.example`, displayName: `Person ${n}`,
  department: n % 2 ? 'Maths' : 'English', active: true, source: 'graph', updatedAt: T0, ...extra,
});

const campaign = (id: string, extra: Partial<Campaign> = {}): Campaign => ({
  id, policyId: 'social-media', versionHash: 'hash-a', audience: { kind: 'all' }, dueDate: '2026-09-30',
  startedAt: T0, startedBy: 'owner-1', round: 1, seriesId: id, status: 'active', ...extra,
});

const ack = (userId: string, acknowledgedAt: string): Acknowledgement => ({
  policyId: 'social-media', versionHash: 'hash-a', userId, userPrincipalName: `${userId}@school.example`,
  displayName: 'Person', department: 'Maths', campaignId: 'c1', acknowledgedAt, channel: 'teams',
});

/** The behaviour every AcknowledgementStore adapter must show; run once per adapter. */
export function describeAcknowledgementStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} acknowledgement store contract`, () => {
    let store: AcknowledgementStore;
    beforeEach(async () => { store = await factory(); });
    afterEach(async () => { await store.close(); });

    it('when a policy version is saved twice, then the first stays and the latest is the newest published', async () => {
      await store.savePolicyVersion(version('hash-a', at(0)));
      await store.savePolicyVersion({ ...version('hash-a', at(5)), title: 'Changed' });
      await store.savePolicyVersion(version('hash-b', at(1000), true));
      expect((await store.getPolicyVersion('social-media', 'hash-a'))?.title).toBe('Social Media Policy');
      const latest = await store.getLatestPolicyVersion('social-media');
      expect(latest).toEqual(version('hash-b', at(1000), true));
      expect(await store.getPolicyVersion('social-media', 'nope')).toBeUndefined();
    });

    it('when a version is saved with what changed from the one before, then the changes come back whole', async () => {
      const changes = {
        sinceHash: 'hash-a', truncated: true,
        sections: [
          { kind: 'reworded' as const, label: '5. Acceptable use', ordinal: 9, runs: [{ was: 'Never accept "friend" requests from parents.', now: 'Accept them only with written approval.' }] },
          { kind: 'added' as const, label: '12. AI tools', ordinal: 21, runs: [{ was: '', now: 'Staff must not put pupils\u2019 work into public AI chatbots.' }] },
          { kind: 'removed' as const, label: '8. Old rules', runs: [] },
        ],
        gone: ['Never accept "friend" requests from parents.'],
      };
      await store.savePolicyVersion(version('hash-a', at(0)));
      await store.savePolicyVersion({ ...version('hash-b', at(1000), true), changes });
      expect(await store.getPolicyVersion('social-media', 'hash-b')).toEqual({ ...version('hash-b', at(1000), true), changes });
      expect((await store.getLatestPolicyVersion('social-media'))?.changes).toEqual(changes);
      expect(await store.getPolicyVersion('social-media', 'hash-a')).toEqual(version('hash-a', at(0)));
    });

    it('when staff are upserted, then records are replaced by id and listed with optional fields kept', async () => {
      await store.upsertStaff([staff(1), staff(2), staff(3, { department: undefined, school: 'North Primary' })]);
      await store.upsertStaff([staff(2, { displayName: 'Renamed', active: false })]);
      const all = await store.listStaff();
      expect(all.map((s) => s.userId)).toEqual(['user-0001', 'user-0002', 'user-0003']);
      expect(await store.getStaff('user-0002')).toEqual(staff(2, { displayName: 'Renamed', active: false }));
      expect(await store.getStaff('user-0003')).toEqual(staff(3, { department: undefined, school: 'North Primary' }));
      expect(await store.getStaff('missing')).toBeUndefined();
    });

    it('when staff are looked up by id, then only the known ones among those ids come back, each once, as stored', async () => {
      await store.upsertStaff(Array.from({ length: 40 }, (_, i) => staff(i, i === 7 ? { active: false, department: undefined } : {})));
      const asked = ['user-0007', 'missing', 'user-0031', 'user-0003', 'user-0031', ...Array.from({ length: 20 }, (_, i) => `nobody-${i}`)];
      const found = await store.getStaffByIds(asked);
      expect(found.sort((a, b) => a.userId.localeCompare(b.userId)))
        .toEqual([staff(3), staff(7, { active: false, department: undefined }), staff(31)]);
      expect(await store.getStaffByIds([])).toEqual([]);
      const many = await store.getStaffByIds([...Array.from({ length: 1_200 }, (_, i) => `nobody-${i}`), 'user-0039', 'user-0000']);
      expect(many.map((m) => m.userId).sort()).toEqual(['user-0000', 'user-0039']);
    });

    it('when more than a batch of staff is upserted, then all are stored', async () => {
      await store.upsertStaff(Array.from({ length: 250 }, (_, i) => staff(i)));
      expect((await store.listStaff()).length).toBe(250);
    });

    it('when the staff list is read in pages from the last id handled, then every member comes once, in order', async () => {
      await store.upsertStaff(Array.from({ length: 250 }, (_, i) => staff(i)));
      const seen: string[] = [];
      for (let after = ''; ;) {
        const page = await store.listStaffPage(after, 100);
        seen.push(...page.map((m) => m.userId));
        if (page.length < 100) break;
        after = page[page.length - 1].userId;
      }
      expect(seen).toEqual((await store.listStaff()).map((m) => m.userId));
      expect(seen).toHaveLength(250);
      expect(await store.listStaffPage('user-0248', 100)).toEqual([staff(249)]);
    });

    it('when sync state and conversation references are saved, then they read back and replace', async () => {
      expect(await store.getSyncState('graph.deltaLink')).toBeUndefined();
      await store.setSyncState('graph.deltaLink', 'https://graph/delta?token=1');
      await store.setSyncState('graph.deltaLink', 'https://graph/delta?token=2');
      expect(await store.getSyncState('graph.deltaLink')).toBe('https://graph/delta?token=2');
      const ref = {
        userId: 'aad/with#odd?chars', conversationId: 'a:1', serviceUrl: 'https://smba.example/',
        reference: { conversation: { id: 'a:1' }, user: { id: '29:x' } }, updatedAt: T0,
      };
      await store.saveConversationReference(ref);
      await store.saveConversationReference({ ...ref, conversationId: 'a:2' });
      expect(await store.getConversationReference(ref.userId)).toEqual({ ...ref, conversationId: 'a:2' });
      expect(await store.getConversationReference('nobody')).toBeUndefined();
    });

    it('when a preview asks who of many people has a chat, then the store names exactly those with one, few or many asked', async () => {
      const ids = Array.from({ length: 150 }, (_, i) => (i % 7 === 0 ? `aad/odd#${i}?` : `aad-${i}`));
      for (const id of ids.filter((_, i) => i % 3 === 0)) {
        await store.saveConversationReference({ userId: id, conversationId: `a:${id}`, serviceUrl: 'https://smba.example/', reference: {}, updatedAt: T0 });
      }
      await store.saveConversationReference({ userId: 'not-asked', conversationId: 'a:x', serviceUrl: 'https://smba.example/', reference: {}, updatedAt: T0 });
      const expected = new Set(ids.filter((_, i) => i % 3 === 0));
      expect(store.withConversation).toBeDefined();
      expect(await store.withConversation!(ids)).toEqual(expected);
      expect(await store.withConversation!(ids.slice(0, 10))).toEqual(new Set(ids.slice(0, 10).filter((_, i) => i % 3 === 0)));
      expect(await store.withConversation!([])).toEqual(new Set());
    });

    it('when the sender asks for a batch of people\'s chats, then it gets exactly those with one, whole, however many are asked', async () => {
      const ids = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `aad/odd#${String(i).padStart(3, '0')}?` : `aad-${String(i).padStart(3, '0')}`));
      const chat = (id: string) => ({ userId: id, conversationId: `a:${id}`, serviceUrl: 'https://smba.example/', reference: { user: { id: `29:${id}` } }, updatedAt: T0 });
      for (const id of ids.filter((_, i) => i % 3 !== 1)) await store.saveConversationReference(chat(id));
      expect(store.conversationReferences).toBeDefined();
      const expectFor = async (asked: string[]) => {
        const got = await store.conversationReferences!(asked);
        const want = asked.filter((id) => ids.indexOf(id) % 3 !== 1 && ids.includes(id));
        expect([...got.keys()].sort()).toEqual([...new Set(want)].sort());
        for (const id of want) expect(got.get(id)).toEqual(chat(id));
      };
      // A sender's batch (a run of neighbours), a scattered few, all of them with some twice and one unknown, none.
      await expectFor(ids.slice(40, 140));
      await expectFor([ids[3], ids[150], ids[299]]);
      await expectFor([...ids, ids[0], ids[2], 'nobody']);
      await expectFor(ids.filter((_, i) => i % 37 === 0));
      expect(await store.conversationReferences!([])).toEqual(new Map());
    });

    it('when a campaign is created twice, then the second fails with STORE_CONFLICT', async () => {
      await store.createCampaign(campaign('c1'));
      await expect(store.createCampaign(campaign('c1'))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      await expect(store.createCampaign(campaign('c1'))).rejects.toBeInstanceOf(StoreError);
    });

    it('when campaigns are updated and listed, then status filters and newest comes first', async () => {
      await store.createCampaign(campaign('c1', { audience: { kind: 'department', values: ['Maths'] } }));
      await store.createCampaign(campaign('c2', { startedAt: at(1000) }));
      await store.updateCampaign({ ...campaign('c1'), status: 'closed', closedAt: at(50), nextRoundAt: at(999), dueDate: '2026-10-01' });
      const c1 = await store.getCampaign('c1');
      expect(c1).toMatchObject({ status: 'closed', closedAt: at(50), nextRoundAt: at(999), dueDate: '2026-10-01' });
      expect(c1?.audience).toEqual({ kind: 'department', values: ['Maths'] });
      expect((await store.listCampaigns()).map((c) => c.id)).toEqual(['c2', 'c1']);
      expect((await store.listCampaigns('active')).map((c) => c.id)).toEqual(['c2']);
      await expect(store.updateCampaign(campaign('ghost'))).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    });

    it('when deliveries are added twice, then each recipient has exactly one', async () => {
      expect(await store.addDeliveries('c1', ['a', 'b', 'c'], T0)).toBe(3);
      expect(await store.addDeliveries('c1', ['b', 'c', 'd'], T0)).toBe(1);
      expect((await store.listDeliveries('c1')).map((d) => d.userId)).toEqual(['a', 'b', 'c', 'd']);
      expect(await store.countDeliveries('c1')).toMatchObject({ pending: 4, sent: 0 });
    });

    it('when two workers claim concurrently, then no delivery is held by both and all are claimed', async () => {
      const ids = Array.from({ length: 120 }, (_, i) => `r${i}`);
      await store.addDeliveries('c1', ids, T0);
      const claim = (workerId: string) => store.claimDeliveries({ campaignId: 'c1', workerId, limit: 40, leaseMs: 60000, now: at(1) });
      const rounds = await Promise.all([claim('w1'), claim('w2'), claim('w1'), claim('w2')]);
      const more = await Promise.all([claim('w1'), claim('w2')]);
      const all = [...rounds, ...more].flat();
      const seen = all.map((d) => d.userId);
      expect(new Set(seen).size).toBe(seen.length);
      expect(new Set(seen)).toEqual(new Set(ids));
      for (const d of all) expect(d).toMatchObject({ state: 'claimed', attempts: 1 });
      expect(await claim('w3')).toEqual([]);
    });

    it('when a claim limit is given, then at most that many are returned', async () => {
      await store.addDeliveries('c1', ['a', 'b', 'c', 'd', 'e'], T0);
      const got = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w1', limit: 2, leaseMs: 1000, now: at(1) });
      expect(got.length).toBe(2);
      expect(await store.countDeliveries('c1')).toMatchObject({ pending: 3, claimed: 2 });
    });

    it('when a holder dies and its lease expires, then another worker reclaims only those deliveries', async () => {
      await store.addDeliveries('c1', ['a', 'b', 'c'], T0);
      const first = await store.claimDeliveries({ campaignId: 'c1', workerId: 'dead', limit: 3, leaseMs: 10000, now: at(0) });
      expect(await store.completeDelivery('c1', first[0].userId, 'dead', { state: 'sent', activityId: 'act-1' }, at(1))).toBe(true);
      expect(await store.claimDeliveries({ campaignId: 'c1', workerId: 'w2', limit: 10, leaseMs: 10000, now: at(5000) })).toEqual([]);
      const again = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w2', limit: 10, leaseMs: 10000, now: at(10001) });
      expect(again.map((d) => d.userId).sort()).toEqual([first[1].userId, first[2].userId].sort());
      for (const d of again) expect(d).toMatchObject({ attempts: 2, claimedBy: 'w2' });
      expect(await store.completeDelivery('c1', first[1].userId, 'dead', { state: 'sent' }, at(10002))).toBe(false);
      const sent = await store.getDelivery('c1', first[0].userId);
      expect(sent).toMatchObject({ state: 'sent', activityId: 'act-1', sentAt: at(1) });
      expect(sent?.claimedBy).toBeUndefined();
    });

    it('when outcomes are recorded, then counts by state reflect them', async () => {
      await store.addDeliveries('c1', ['a', 'b', 'c', 'd', 'e'], T0);
      await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 4, leaseMs: 60000, now: at(0) });
      const held = (await store.listDeliveries('c1')).filter((d) => d.state === 'claimed').map((d) => d.userId);
      await store.completeDelivery('c1', held[0], 'w', { state: 'sent' }, at(1));
      await store.completeDelivery('c1', held[1], 'w', { state: 'blocked', reason: 'HTTP_403' }, at(1));
      await store.completeDelivery('c1', held[2], 'w', { state: 'installFailed', reason: 'GRAPH_404' }, at(1));
      await store.completeDelivery('c1', held[3], 'w', { state: 'failed', reason: 'HTTP_400' }, at(1));
      expect(await store.countDeliveries('c1')).toEqual({ pending: 1, claimed: 0, sent: 1, blocked: 1, installFailed: 1, failed: 1, left: 0 });
      expect(await store.getDelivery('c1', held[1])).toMatchObject({ state: 'blocked', reason: 'HTTP_403' });
    });

    it('when a delivery is deferred, then nobody claims it before its time and then it is claimable', async () => {
      await store.addDeliveries('c1', ['a'], T0);
      await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 1, leaseMs: 60000, now: at(0) });
      expect(await store.deferDelivery('c1', 'a', 'other', at(5000), 'HTTP_429', at(1))).toBe(false);
      expect(await store.deferDelivery('c1', 'a', 'w', at(5000), 'HTTP_429', at(1))).toBe(true);
      expect(await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 1, leaseMs: 60000, now: at(4999) })).toEqual([]);
      const later = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 1, leaseMs: 60000, now: at(5000) });
      expect(later).toHaveLength(1);
      expect(later[0]).toMatchObject({ userId: 'a', attempts: 2, reason: 'HTTP_429' });
    });

    it('when someone who could not be reached is requeued, then only unreached deliveries become pending', async () => {
      await store.addDeliveries('c1', ['a', 'b', 'c'], T0);
      await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 3, leaseMs: 60000, now: at(0) });
      await store.completeDelivery('c1', 'a', 'w', { state: 'installFailed', reason: 'GRAPH_403' }, at(1));
      await store.completeDelivery('c1', 'b', 'w', { state: 'sent' }, at(1));
      expect(await store.requeueDelivery('c1', 'a', at(2))).toBe(true);
      expect(await store.requeueDelivery('c1', 'b', at(2))).toBe(false);
      expect(await store.requeueDelivery('c1', 'c', at(2))).toBe(false);
      expect(await store.getDelivery('c1', 'a')).toMatchObject({ state: 'pending' });
      const again = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 3, leaseMs: 60000, now: at(3) });
      expect(again.map((d) => d.userId)).toEqual(['a']);
    });

    it('when reminders are marked, then a second inside the interval is refused and one after it is allowed', async () => {
      await store.addDeliveries('c1', ['a'], T0);
      const day = 86_400_000;
      expect(await store.markReminded('c1', 'a', at(0), 7 * day)).toBe(true);
      const both = await Promise.all([store.markReminded('c1', 'a', at(day), 7 * day), store.markReminded('c1', 'a', at(day), 7 * day)]);
      expect(both).toEqual([false, false]);
      expect(await store.markReminded('c1', 'a', at(7 * day), 7 * day)).toBe(true);
      expect(await store.getDelivery('c1', 'a')).toMatchObject({ remindCount: 2, lastRemindedAt: at(7 * day) });
      expect(await store.markReminded('c1', 'nobody', at(0), day)).toBe(false);
    });

    it('when the outstanding are read a page at a time, then each page follows from the last id of the one before and everyone comes exactly once', async () => {
      const people = Array.from({ length: 45 }, (_, i) => staff(i + 1));
      await store.upsertStaff(people);
      await store.createCampaign(campaign('c1'));
      await store.addDeliveries('c1', people.map((p) => p.userId), T0);
      for (const d of await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 100, leaseMs: 60_000, now: at(1) })) {
        await store.completeDelivery('c1', d.userId, 'w', { state: 'sent' }, at(2));
      }
      await store.appendAcknowledgement({ ...ack(people[4].userId, at(3)), campaignId: 'c1' });
      await store.setExcused('c1', people[9].userId, { by: 'owner', at: at(3) });
      const seen: string[] = [];
      let pages = 0;
      for (let page = await store.listOutstandingPage('c1', '', 4); page.length > 0; page = await store.listOutstandingPage('c1', seen[seen.length - 1], 4)) {
        expect(page.length).toBeLessThanOrEqual(4);
        seen.push(...page);
        pages += 1;
      }
      const expected = people.map((p) => p.userId).filter((id) => id !== people[4].userId && id !== people[9].userId);
      expect(seen).toHaveLength(43);
      expect([...seen].sort()).toEqual(expected);
      expect(await store.listOutstanding('c1')).toEqual(expected);
      expect(pages).toBeGreaterThanOrEqual(11);
    });

    it('when a page of outstanding people is marked for reminders, then each due one is marked once, even if one acknowledged meanwhile', async () => {
      await store.upsertStaff([1, 2, 3, 4].map((n) => staff(n)));
      await store.createCampaign(campaign('c1'));
      const ids = [1, 2, 3, 4].map((n) => staff(n).userId);
      await store.addDeliveries('c1', ids, T0);
      for (const d of await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 10, leaseMs: 60_000, now: at(1) })) {
        await store.completeDelivery('c1', d.userId, 'w', { state: 'sent' }, at(2));
      }
      const day = 86_400_000;
      await store.markReminded('c1', ids[3], at(3), 7 * day);
      // Pages keep an order of the store's own (ids' on SQLite, shard by shard on Table storage): compared as sets.
      const page = await store.listOutstandingPage('c1', '', 10);
      expect([...page].sort()).toEqual(ids);
      // Between the page and the marks, one of them is reminded by another pass (their row changes under the page).
      await store.markReminded('c1', ids[1], at(4), 7 * day);
      const marked = await store.markRemindedMany('c1', [...page, 'nobody'], at(5), 7 * day);
      expect([...marked].sort()).toEqual([ids[0], ids[2]]);
      expect(await store.getDelivery('c1', ids[0])).toMatchObject({ remindCount: 1, lastRemindedAt: at(5) });
      expect(await store.getDelivery('c1', ids[1])).toMatchObject({ remindCount: 1, lastRemindedAt: at(4) });
      expect(await store.markRemindedMany('c1', page, at(6), 7 * day)).toEqual([]);
      // A week on, a fresh page, nobody changed under it: all four marked together.
      expect((await store.markRemindedMany('c1', await store.listOutstandingPage('c1', '', 10), at(8 * day), 7 * day)).sort()).toEqual(ids);
      expect(await store.getDelivery('c1', ids[3])).toMatchObject({ remindCount: 2, lastRemindedAt: at(8 * day) });
    });

    it('when a sent card is read, then the first read is kept; a card not yet sent cannot be read', async () => {
      await store.addDeliveries('c1', ['a', 'b'], T0);
      const claimed = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 10, leaseMs: 60_000, now: at(0) });
      expect(claimed).toHaveLength(2);
      await store.completeDelivery('c1', 'a', 'w', { state: 'sent', activityId: '1700000000001' }, at(1));
      expect(await store.markOpened('c1', 'a', at(5))).toBe(true);
      expect(await store.markOpened('c1', 'a', at(9))).toBe(false);
      expect(await store.getDelivery('c1', 'a')).toMatchObject({ state: 'sent', openedAt: at(5) });
      expect(await store.markOpened('c1', 'b', at(5))).toBe(false);
      expect((await store.getDelivery('c1', 'b'))?.openedAt).toBeUndefined();
      expect(await store.markOpened('c1', 'nobody', at(5))).toBe(false);
    });

    it('when a digest lists someone, then not again inside the interval, even from two instances at once', async () => {
      await store.addDeliveries('c1', ['a'], T0);
      const day = 86_400_000;
      const both = await Promise.all([store.markDigested('c1', 'a', at(0), 7 * day), store.markDigested('c1', 'a', at(0), 7 * day)]);
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await store.markDigested('c1', 'a', at(6 * day), 7 * day)).toBe(false);
      expect(await store.markDigested('c1', 'a', at(7 * day), 7 * day)).toBe(true);
      expect(await store.getDelivery('c1', 'a')).toMatchObject({ lastDigestAt: at(7 * day), remindCount: 0 });
      expect(await store.markDigested('c1', 'nobody', at(0), day)).toBe(false);
    });

    it('when an owner excuses someone, then it is recorded with who did it; lifting it clears it', async () => {
      await store.addDeliveries('c1', ['a'], T0);
      expect(await store.setExcused('c1', 'a', { by: 'owner-1', at: at(5) })).toBe(true);
      expect(await store.getDelivery('c1', 'a')).toMatchObject({ excusedAt: at(5), excusedBy: 'owner-1' });
      expect(await store.setExcused('c1', 'a', null)).toBe(true);
      const lifted = await store.getDelivery('c1', 'a');
      expect([lifted?.excusedAt, lifted?.excusedBy]).toEqual([undefined, undefined]);
      expect(await store.setExcused('c1', 'nobody', { by: 'owner-1', at: at(5) })).toBe(false);
    });

    it('when two instances remind the same person at once, then exactly one reminder is marked', async () => {
      await store.addDeliveries('c1', ['a'], T0);
      const results = await Promise.all(Array.from({ length: 4 }, () => store.markReminded('c1', 'a', at(0), 1000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('when an acknowledgement is appended twice, then the first is kept and the second records nothing', async () => {
      const first = await store.appendAcknowledgement(ack('user-1', at(0)));
      expect(first).toEqual({ recorded: true, acknowledgement: ack('user-1', at(0)) });
      const second = await store.appendAcknowledgement(ack('user-1', at(9000)));
      expect(second).toEqual({ recorded: false, acknowledgement: ack('user-1', at(0)) });
      await store.appendAcknowledgement(ack('user-2', at(10)));
      await store.appendAcknowledgement({ ...ack('user-1', at(20)), versionHash: 'hash-b' });
      expect((await store.listAcknowledgements('social-media', 'hash-a')).map((a) => a.userId)).toEqual(['user-1', 'user-2']);
      expect(await store.getAcknowledgement('social-media', 'hash-b', 'user-1')).toMatchObject({ acknowledgedAt: at(20) });
      expect(await store.getAcknowledgement('social-media', 'hash-b', 'user-2')).toBeUndefined();
    });

    it('when the same version is acknowledged in next year\'s campaign, then both are kept and the latest is read', async () => {
      await store.appendAcknowledgement(ack('user-1', at(0)));
      const nextYear = await store.appendAcknowledgement({ ...ack('user-1', at(365 * 86_400_000)), campaignId: 'c2' });
      expect(nextYear.recorded).toBe(true);
      await store.appendAcknowledgement({ ...ack('user-10', at(5)), campaignId: undefined });
      expect(await store.getAcknowledgement('social-media', 'hash-a', 'user-1')).toMatchObject({ campaignId: 'c2' });
      expect((await store.listAcknowledgements('social-media', 'hash-a')).map((a) => a.campaignId)).toEqual(['c1', undefined, 'c2']);
      expect((await store.appendAcknowledgement({ ...ack('user-10', at(9)), campaignId: undefined })).recorded).toBe(false);
    });

    it('when the same person acknowledges from two instances at once, then exactly one is recorded', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store.appendAcknowledgement(ack('user-9', at(i)))));
      expect(results.filter((r) => r.recorded)).toHaveLength(1);
      expect(new Set(results.map((r) => r.acknowledgement.acknowledgedAt)).size).toBe(1);
    });

    it('when deliveries are sent, read, excused and acknowledged, then the tallies count each person once by department', async () => {
      await store.upsertStaff([1, 2, 3, 4, 5].map((n) => staff(n)));
      await store.createCampaign(campaign('c1'));
      await store.addDeliveries('c1', [1, 2, 3, 4, 5].map((n) => staff(n).userId), at(0));
      const held = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 4, leaseMs: 60_000, now: at(1) });
      // Which four a store hands out is its own affair: the last of them (by id) blocked the bot.
      const ids = held.map((d) => d.userId).sort();
      for (const id of ids) await store.completeDelivery('c1', id, 'w', { state: id === ids[3] ? 'blocked' : 'sent' }, at(2));
      const sent = ids.slice(0, 3);
      await store.appendAcknowledgement(ack(sent[0], at(3)));
      await store.appendAcknowledgement({ ...ack(sent[0], at(4)), campaignId: 'other' });
      await store.markOpened('c1', sent[1], at(3));
      await store.setExcused('c1', sent[2], { by: 'owner-1', at: at(3) });
      const tallies = await store.tallyDeliveries('c1');
      expect(tallies.reduce((n, t) => n + t.count, 0)).toBe(5);
      const count = (f: (t: (typeof tallies)[number]) => boolean) => tallies.filter(f).reduce((n, t) => n + t.count, 0);
      expect(count((t) => t.acknowledged)).toBe(1);
      expect(count((t) => t.excused)).toBe(1);
      expect(count((t) => t.opened && !t.acknowledged)).toBe(1);
      expect(count((t) => t.state === 'blocked')).toBe(1);
      expect(count((t) => t.state === 'pending')).toBe(1);
      expect(count((t) => t.department === 'Maths')).toBe(3);
      expect(count((t) => t.department === 'English')).toBe(2);
      expect(count((t) => t.state === 'sent')).toBe(3);
      expect(await store.listOutstanding('c1')).toEqual([sent[1]]);
      expect(await store.listOutstandingPage('c1', '', 10)).toEqual([sent[1]]);
      expect(await store.listOutstandingPage('c1', sent[1], 10)).toEqual([]);
      expect(await store.tallyDeliveries('nobody')).toEqual([]);
    });

    it('when someone acknowledged this version after the campaign started, then joining it later counts them as done', async () => {
      await store.upsertStaff([staff(1)]);
      await store.createCampaign(campaign('c1'));
      await store.appendAcknowledgement({ ...ack('user-0001', at(5)), campaignId: 'department-campaign' });
      await store.addDeliveries('c1', ['user-0001'], at(6));
      expect(await store.tallyDeliveries('c1')).toEqual([
        { department: 'Maths', state: 'pending', acknowledged: true, excused: false, opened: false, count: 1 },
      ]);
    });

    it('when people acknowledge, then their deliveries say when, as read, as claimed, and not for an acknowledgement from before the round', async () => {
      await store.upsertStaff([staff(1), staff(2), staff(3), staff(4)]);
      // user-0004 acknowledged this version before the round started: it does not count for the round.
      await store.appendAcknowledgement({ ...ack('user-0004', at(-5)), campaignId: 'last-year' });
      await store.createCampaign(campaign('c1'));
      // user-0001 acknowledged after the campaign started, through another card, before joining it.
      await store.appendAcknowledgement({ ...ack('user-0001', at(5)), campaignId: 'department-campaign' });
      await store.addDeliveries('c1', ['user-0001', 'user-0002', 'user-0003', 'user-0004'], at(6));
      await store.appendAcknowledgement({ ...ack('user-0002', at(7)), campaignId: 'c1' });
      expect((await store.getDelivery('c1', 'user-0001'))?.acknowledgedAt).toBe(at(5));
      expect((await store.getDelivery('c1', 'user-0002'))?.acknowledgedAt).toBe(at(7));
      expect((await store.getDelivery('c1', 'user-0003'))?.acknowledgedAt).toBeUndefined();
      expect((await store.getDelivery('c1', 'user-0004'))?.acknowledgedAt).toBeUndefined();
      const claimed = await store.claimDeliveries({ campaignId: 'c1', workerId: 'w1', now: at(8), leaseMs: 60_000, limit: 10 });
      expect(Object.fromEntries(claimed.map((d) => [d.userId, d.acknowledgedAt ?? null]))).toEqual({
        'user-0001': at(5), 'user-0002': at(7), 'user-0003': null, 'user-0004': null,
      });
    });

    it('when people whose ids begin alike acknowledged before joining, then each is counted as done', async () => {
      const ids = ['ab', 'ab1', 'ab-2', 'b'];
      await store.upsertStaff(ids.map((userId, n) => staff(n, { userId })));
      await store.createCampaign(campaign('c1'));
      for (const id of ids.slice(0, 3)) await store.appendAcknowledgement({ ...ack(id, at(5)), campaignId: 'department-campaign' });
      await store.addDeliveries('c1', ids, at(6));
      const tallies = await store.tallyDeliveries('c1');
      expect(tallies.filter((t) => t.acknowledged).reduce((n, t) => n + t.count, 0)).toBe(3);
      expect(tallies.reduce((n, t) => n + t.count, 0)).toBe(4);
    });

    it('when a campaign is exported in pages, then everyone comes once, by name, with the acknowledgement that counts', async () => {
      await store.upsertStaff([3, 1, 2, 5].map((n) => staff(n)));
      await store.createCampaign(campaign('c1'));
      await store.addDeliveries('c1', ['user-0003', 'user-0001', 'user-0002', 'user-0005', 'zz-ghost'], at(0));
      await store.appendAcknowledgement({ ...ack('user-0002', at(2)), campaignId: 'other' });
      await store.appendAcknowledgement(ack('user-0002', at(3)));
      await store.setExcused('c1', 'user-0005', { by: 'owner-1', at: at(3) });
      const pages: string[][] = [];
      const records = [];
      for await (const page of store.exportRecords('c1', 2)) {
        expect(page.length).toBeLessThanOrEqual(2);
        if (page.length > 0) pages.push(page.map((r) => r.userId));
        records.push(...page);
      }
      expect(pages).toEqual([['user-0001', 'user-0002'], ['user-0003', 'user-0005'], ['zz-ghost']]);
      expect(records[1]).toMatchObject({ staff: { displayName: 'Person 2', userPrincipalName: 'u2@school.example', department: 'English' },
        acknowledgement: { campaignId: 'c1', acknowledgedAt: at(3) } });
      expect(records[0].acknowledgement).toBeUndefined();
      expect(records[3]).toMatchObject({ excusedAt: at(3), state: 'pending' });
      expect(records[4].staff).toBeUndefined();
      const none = [];
      for await (const page of store.exportRecords('nobody', 2)) none.push(...page);
      expect(none).toEqual([]);
    });

    it('when audit lines are appended, then they read back by subject in order', async () => {
      await store.appendAudit({ at: at(0), actor: 'owner-1', action: 'campaign.start', subject: 'c1', details: { recipients: 3 } });
      await store.appendAudit({ at: at(1), actor: 'system', action: 'campaign.remind', subject: 'c1' });
      await store.appendAudit({ at: at(2), actor: 'owner-2', action: 'campaign.start', subject: 'c2' });
      expect(await store.listAudit('c1')).toEqual([
        { at: at(0), actor: 'owner-1', action: 'campaign.start', subject: 'c1', details: { recipients: 3 } },
        { at: at(1), actor: 'system', action: 'campaign.remind', subject: 'c1' },
      ]);
      expect((await store.listAudit()).map((e) => e.subject)).toEqual(['c1', 'c1', 'c2']);
    });

    it('when senders heartbeat, then only live ones are counted', async () => {
      expect(await store.heartbeat('w1', at(0), 10000)).toBe(1);
      expect(await store.heartbeat('w2', at(1000), 10000)).toBe(2);
      expect(await store.heartbeat('w2', at(10500), 10000)).toBe(1);
      await store.removeWorker('w2');
      expect(await store.heartbeat('w3', at(10600), 10000)).toBe(1);
    });
  });
}
