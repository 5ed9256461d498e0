import crypto from 'node:crypto';
import { PublishedPolicy, PublishedPolicyStore } from '../../../src/features/policy/publishing/publishedPolicies';

const version = (n: number, content = Buffer.from(`file ${n}`)): PublishedPolicy => ({
  policyId: 'liverpool-model', fileName: `policy-v${n}.docx`, content, contentHash: `hash-${n}`,
  configuredHash: 'configured-1', publishedBy: 'aad-owner', publishedAt: `2026-11-2${n}T09:00:00.000Z`,
});

/** One contract for every published-policy adapter: what publishing and start-up rely on. */
export function describePublishedPolicyStoreContract(
  name: string, make: () => Promise<PublishedPolicyStore> | PublishedPolicyStore,
  /** Two instances over one shared store. */
  makeTwo: () => Promise<[PublishedPolicyStore, PublishedPolicyStore]>,
): void {
  describe(`published policy store contract: ${name}`, () => {
    it('when versions are published, then the latest is read back whole and the history keeps every one, oldest first', async () => {
      const store = await make();
      expect(await store.latest('liverpool-model')).toBeUndefined();
      await store.publish(version(1));
      await store.publish(version(2));
      expect(await store.latest('liverpool-model')).toEqual(version(2));
      expect(await store.history('liverpool-model')).toEqual([1, 2].map((n) => {
        const { content: _content, ...rest } = version(n);
        return rest;
      }));
      expect(await store.latest('another-policy')).toBeUndefined();
    });

    it('when versions of several policies are published, then listPolicies gives each once with its newest version, in the order each was first published', async () => {
      const store = await make();
      expect(await store.listPolicies()).toEqual([]);
      const fromChat = (n: number): PublishedPolicy => ({ ...version(n), policyId: 'social-media-policy', fileName: `Social media policy v${n}.docx`, contentHash: `chat-${n}`, configuredHash: '' });
      await store.publish(fromChat(1));
      await store.publish(version(2));
      await store.publish(fromChat(3));
      await store.publish(version(4));
      const { content: _a, ...newestFromChat } = fromChat(3);
      const { content: _b, ...newestConfigured } = version(4);
      expect(await store.listPolicies()).toEqual([newestFromChat, newestConfigured]);
    });

    it('when a published file is several megabytes of binary, then it reads back byte for byte', async () => {
      const store = await make();
      const file = crypto.randomBytes(3 * 1024 * 1024 + 17);
      await store.publish(version(1, file));
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

    it('when two instances publish at once, then both versions are kept and one of them is the latest', async () => {
      const [a, b] = await makeTwo();
      await Promise.all([a.publish(version(1)), b.publish(version(2)), a.appendAudit({ at: 't1', actor: 'x', action: 'version.published', policyId: 'liverpool-model', details: {} }),
        b.appendAudit({ at: 't2', actor: 'y', action: 'version.published', policyId: 'liverpool-model', details: {} })]);
      expect((await a.history('liverpool-model')).map((v) => v.fileName).sort()).toEqual(['policy-v1.docx', 'policy-v2.docx']);
      expect(['policy-v1.docx', 'policy-v2.docx']).toContain((await b.latest('liverpool-model'))?.fileName);
      expect((await b.listAudit('liverpool-model')).map((e) => e.actor).sort()).toEqual(['x', 'y']);
    });
  });
}
