import { createSqlitePublishedPolicyStore } from '../../../src/adapters/sqlite/sqlitePublishedPolicyStore';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { describePublishedPolicyStoreContract, publishNext } from '../../support/contracts/publishedPolicyStoreContract';
import { sharedSqliteFiles } from '../../support/contracts/sharedSqliteFile';

const version = (n: number) => ({
  policyId: 'liverpool-model', fileName: `policy-v${n}.docx`, content: Buffer.from(`file ${n}`), contentHash: `hash-${n}`,
  configuredHash: 'configured-1', publishedBy: 'aad-owner', publishedAt: `2026-11-2${n}T09:00:00.000Z`,
});

describe('SQLite published policy store', () => {
  it('when versions are published, then the latest is read back whole and the history keeps every one, oldest first', async () => {
    const store = createSqlitePublishedPolicyStore(openSqliteDatabase(':memory:'));
    expect(await store.latest('liverpool-model')).toBeUndefined();
    await publishNext(store, version(1));
    const second = await publishNext(store, version(2));
    expect(await store.latest('liverpool-model')).toEqual({ ...version(2), number: second });
    expect((await store.history('liverpool-model')).map((v) => v.fileName)).toEqual(['policy-v1.docx', 'policy-v2.docx']);
    expect(await store.latest('another-policy')).toBeUndefined();
  });

  it('when anything tries to change or remove a published version or an audit entry, then SQLite refuses', async () => {
    const db = openSqliteDatabase(':memory:');
    const store = createSqlitePublishedPolicyStore(db);
    const first = await publishNext(store, version(1));
    await store.appendAudit({ at: '2026-11-21T09:00:00.000Z', actor: 'aad-owner', action: 'version.published', policyId: 'liverpool-model', details: { material: true } });
    for (const sql of [
      "UPDATE policy_published SET content = x'00'", 'DELETE FROM policy_published',
      "INSERT OR REPLACE INTO policy_published (seq, policy_id, file_name, content, content_hash, configured_hash, published_by, published_at) VALUES (1, 'liverpool-model', 'x', x'00', 'h', 'c', 'someone', 'now')",
      "UPDATE policy_audit SET actor = 'someone else'", 'DELETE FROM policy_audit',
      "REPLACE INTO policy_audit (seq, at, actor, action, policy_id, details) VALUES (1, 'now', 'x', 'version.discarded', 'liverpool-model', '{}')",
    ]) expect(() => db.exec(sql)).toThrow(/POLICY_APPEND_ONLY/);
    expect(await store.latest('liverpool-model')).toEqual({ ...version(1), number: first });
    expect(await store.listAudit('liverpool-model')).toEqual([{ at: '2026-11-21T09:00:00.000Z', actor: 'aad-owner', action: 'version.published', policyId: 'liverpool-model', details: { material: true } }]);
  });
});

const shared = sharedSqliteFiles();
afterAll(() => shared.cleanUp());
describePublishedPolicyStoreContract('SQLite', () => createSqlitePublishedPolicyStore(openSqliteDatabase(':memory:')), async () => {
  const [a, b] = shared.openTwo();
  return [createSqlitePublishedPolicyStore(a), createSqlitePublishedPolicyStore(b)];
});
