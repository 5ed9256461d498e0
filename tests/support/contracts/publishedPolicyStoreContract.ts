import crypto from 'node:crypto';
import { PublishedPolicy, PublishedPolicyStore, PublishOutcome } from '../../../src/features/policy/publishing/publishedPolicies';

const version = (n: number, content = Buffer.from(`file ${n}`)): PublishedPolicy => ({
  policyId: 'liverpool-model', fileName: `policy-v${n}.docx`, content, contentHash: `hash-${n}`,
  configuredHash: 'configured-1', publishedBy: 'aad-owner', publishedAt: `2026-11-2${n}T09:00:00.000Z`,
});

/** A first policy an owner sent in chat (no file configured), under its own id. */
const fromChat = (id: string, by = 'aad-owner'): PublishedPolicy => ({
  policyId: id, fileName: `${id}.docx`, content: Buffer.from(`the file of ${id}`), contentHash: `hash-${id}`, configuredHash: '', publishedBy: by,
  publishedAt: '2026-11-21T09:00:00.000Z',
});

const summaryOf = (v: PublishedPolicy, number: number) => {
  const { content: _content, ...rest } = v;
  return { ...rest, number };
};

/** Publishes a version after the policy's newest one, as a test that is not about the condition needs. */
export async function publishNext(store: PublishedPolicyStore, v: PublishedPolicy): Promise<number> {
  const outcome = await store.publish(v, { after: (await store.latest(v.policyId))?.number ?? 0 });
  if (!outcome.published) throw new Error(`publishNext: ${v.policyId} was not published`);
  return outcome.number;
}

/** The one outcome that won and the one that lost, of two publishes made at once. */
function winnerAndLoser(outcomes: PublishOutcome[]): { winner: number; loser: number } {
  expect(outcomes.filter((o) => o.published)).toHaveLength(1);
  const winner = outcomes.findIndex((o) => o.published);
  return { winner, loser: 1 - winner };
}

/** One contract for every published-policy adapter: what publishing and start-up rely on. */
export function describePublishedPolicyStoreContract(
  name: string, make: () => Promise<PublishedPolicyStore> | PublishedPolicyStore,
  /** Two instances over one shared store. */
  makeTwo: () => Promise<[PublishedPolicyStore, PublishedPolicyStore]>,
): void {
  describe(`published policy store contract: ${name}`, () => {
    it('when versions are published, then the latest is read back whole with its number and the history keeps every one, oldest first', async () => {
      const store = await make();
      expect(await store.latest('liverpool-model')).toBeUndefined();
      const first = await publishNext(store, version(1));
      const second = await publishNext(store, version(2));
      expect(second).toBeGreaterThan(first);
      expect(await store.latest('liverpool-model')).toEqual({ ...version(2), number: second });
      expect(await store.history('liverpool-model')).toEqual([summaryOf(version(1), first), summaryOf(version(2), second)]);
      expect(await store.latest('another-policy')).toBeUndefined();
    });

    it('when versions of several policies are published, then listPolicies gives each once with its newest version, in the order each was first published', async () => {
      const store = await make();
      expect(await store.listPolicies()).toEqual([]);
      const chat = (n: number): PublishedPolicy => ({ ...version(n), policyId: 'social-media-policy', fileName: `Social media policy v${n}.docx`, contentHash: `chat-${n}`, configuredHash: '' });
      await publishNext(store, chat(1));
      await publishNext(store, version(2));
      const newestChat = await publishNext(store, chat(3));
      const newestConfigured = await publishNext(store, version(4));
      expect(await store.listPolicies()).toEqual([summaryOf(chat(3), newestChat), summaryOf(version(4), newestConfigured)]);
    });

    it('when versions are published, then the newest is read without its file and any version is found by its hash, on another instance too', async () => {
      const [one, two] = await makeTwo();
      expect(await two.newest('liverpool-model')).toBeUndefined();
      const first = await publishNext(one, version(1));
      const second = await publishNext(one, version(2));
      expect(await two.newest('liverpool-model')).toEqual(summaryOf(version(2), second));
      expect(await two.version('liverpool-model', 'hash-1')).toEqual({ ...version(1), number: first });
      expect(await two.version('liverpool-model', 'hash-2')).toEqual({ ...version(2), number: second });
      expect(await two.version('liverpool-model', 'hash-9')).toBeUndefined();
      expect(await two.version('another-policy', 'hash-1')).toBeUndefined();
    });

    it('when a published file is several megabytes of binary, then it reads back byte for byte', async () => {
      const store = await make();
      const file = crypto.randomBytes(3 * 1024 * 1024 + 17);
      await publishNext(store, version(1, file));
      const latest = await store.latest('liverpool-model');
      expect(latest?.content.length).toBe(file.length);
      expect(latest?.content.equals(file)).toBe(true);
    });

    it('when audit entries are appended, then they list in order for their policy only', async () => {
      const store = await make();
      await store.appendAudit({ at: '2026-11-21T09:00:00.000Z', actor: 'aad-owner', action: 'version.received', policyId: 'liverpool-model', details: { size: 10 } });
      await store.appendAudit({ at: '2026-11-21T09:00:00.000Z', actor: 'aad-owner', action: 'version.published', policyId: 'liverpool-model', details: { material: true } });
      await store.appendAudit({ at: '2026-11-21T09:01:00.000Z', actor: 'aad-head', action: 'version.refused', policyId: 'other/policy', details: { reason: 'x' } });
      expect(await store.listAudit('liverpool-model')).toEqual([
        { at: '2026-11-21T09:00:00.000Z', actor: 'aad-owner', action: 'version.received', policyId: 'liverpool-model', details: { size: 10 } },
        { at: '2026-11-21T09:00:00.000Z', actor: 'aad-owner', action: 'version.published', policyId: 'liverpool-model', details: { material: true } },
      ]);
      expect((await store.listAudit('other/policy')).map((e) => e.action)).toEqual(['version.refused']);
    });

    it('when two instances publish a new version of the same version at once, then exactly one is kept and the other is told what is live', async () => {
      const [a, b] = await makeTwo();
      const base = await publishNext(a, version(1));
      const outcomes = await Promise.all([a.publish(version(2), { after: base }), b.publish(version(3), { after: base }),
        a.appendAudit({ at: 't1', actor: 'x', action: 'version.published', policyId: 'liverpool-model', details: {} }),
        b.appendAudit({ at: 't2', actor: 'y', action: 'version.notPublished', policyId: 'liverpool-model', details: {} })]);
      const { winner, loser } = winnerAndLoser(outcomes.slice(0, 2) as PublishOutcome[]);
      const won = winner === 0 ? version(2) : version(3);
      const number = (outcomes[winner] as { number: number }).number;
      expect(outcomes[loser]).toEqual({ published: false, live: summaryOf(won, number) });
      expect(await b.history('liverpool-model')).toEqual([summaryOf(version(1), base), summaryOf(won, number)]);
      expect((await a.latest('liverpool-model'))?.fileName).toBe(won.fileName);
      // Both audit entries written at the same moment are kept.
      expect((await b.listAudit('liverpool-model')).map((e) => e.actor).sort()).toEqual(['x', 'y']);
    });

    it('when a version is published on one that is no longer the newest, then nothing is kept and the newest is given', async () => {
      const store = await make();
      const first = await publishNext(store, version(1));
      const second = await publishNext(store, version(2));
      for (const after of [0, first, second + 1000]) {
        expect(await store.publish(version(3), { after })).toEqual({ published: false, live: summaryOf(version(2), second) });
      }
      expect(await store.publish(fromChat('new-policy'), { after: 5 })).toEqual({ published: false, live: undefined });
      expect((await store.history('liverpool-model')).map((v) => v.fileName)).toEqual(['policy-v1.docx', 'policy-v2.docx']);
      expect(await store.listPolicies()).toHaveLength(1);
    });

    it('when two instances publish different first policies at once, then exactly one is the school\'s policy and the other is told which', async () => {
      const [a, b] = await makeTwo();
      // A version of a configured file is not a first policy from chat: it does not stand in the way.
      await publishNext(a, version(1));
      const outcomes = await Promise.all([a.publish(fromChat('oakfield-policy', 'aad-owner'), { first: true }), b.publish(fromChat('head-draft', 'aad-head'), { first: true })]);
      const { winner, loser } = winnerAndLoser(outcomes);
      const won = winner === 0 ? fromChat('oakfield-policy', 'aad-owner') : fromChat('head-draft', 'aad-head');
      const lost = winner === 0 ? 'head-draft' : 'oakfield-policy';
      const number = (outcomes[winner] as { number: number }).number;
      expect(outcomes[loser]).toEqual({ published: false, live: summaryOf(won, number) });
      for (const store of [a, b]) {
        expect((await store.listPolicies()).filter((p) => p.configuredHash === '')).toEqual([summaryOf(won, number)]);
        expect(await store.latest(lost)).toBeUndefined();
      }
      expect((await a.latest(won.policyId))?.content.equals(won.content)).toBe(true);
    });

    it('when the school\'s policy from chat is there, then another first policy is not kept, and the policy\'s newest version is given', async () => {
      const store = await make();
      await store.publish(fromChat('oakfield-policy'), { first: true });
      const next = await publishNext(store, { ...fromChat('oakfield-policy'), fileName: 'Oakfield 2027.docx', contentHash: 'hash-2027' });
      expect(await store.publish(fromChat('head-draft', 'aad-head'), { first: true }))
        .toEqual({ published: false, live: summaryOf({ ...fromChat('oakfield-policy'), fileName: 'Oakfield 2027.docx', contentHash: 'hash-2027' }, next) });
      expect(await store.latest('head-draft')).toBeUndefined();
    });
  });
}
