import crypto from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import {
  countdownKey, createAzureTablePublishedPolicyStoreOn, publishedEntities,
} from '../../../src/adapters/azureTables/azureTablePublishedPolicyStore';
import { PublishedPolicy } from '../../../src/features/policy/publishing/publishedPolicies';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';

const firstPolicy = (id: string, content = Buffer.alloc(300_000, 3)): PublishedPolicy => ({
  policyId: id, fileName: `${id}.docx`, content, contentHash: `hash-${id}`, configuredHash: '', publishedBy: 'aad-owner', publishedAt: '2026-11-21T09:00:00.000Z',
});

/**
 * Issue 49, item 2, on Azure Tables: the school's first policy is claimed by one entity created once, and a new version
 * by its number; what is left by a publish that lost, or by an instance that stopped half way, is handled.
 */
describe('publishing on Azure Tables (Azurite)', () => {
  let azurite: AzuriteTables;
  beforeAll(async () => { azurite = await startAzuriteTables(); });
  afterAll(async () => { await azurite?.stop(); });
  const table = (): TableClient => TableClient.fromConnectionString(azurite.connectionString, `p${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}Published`, { allowInsecureConnection: true });
  const pieces = async (client: TableClient): Promise<string[]> => {
    const keys: string[] = [];
    for await (const e of client.listEntities()) if (e.rowKey!.startsWith('c|')) keys.push(`${e.partitionKey}/${e.rowKey}`);
    return keys;
  };

  it('when two first policies race, then the one that lost leaves none of its file behind', async () => {
    const client = table();
    await client.createTable();
    const [a, b] = [createAzureTablePublishedPolicyStoreOn(client), createAzureTablePublishedPolicyStoreOn(client)];
    const outcomes = await Promise.all([a.publish(firstPolicy('oakfield-policy'), { first: true }), b.publish(firstPolicy('head-draft'), { first: true })]);
    const won = outcomes[0].published ? 'oakfield-policy' : 'head-draft';
    expect(outcomes.filter((o) => o.published)).toHaveLength(1);
    expect((await pieces(client)).every((k) => k.startsWith(`${won}/`))).toBe(true);
    expect(await pieces(client)).toHaveLength(2);
  });

  it('when an instance stopped after claiming the first policy and before writing its version, then the next reader completes it and no other first policy is kept', async () => {
    const client = table();
    await client.createTable();
    const claimed = firstPolicy('oakfield-policy');
    // What the stopped instance left: the file's pieces and the claim, but no version row.
    const { pieces: parts, version } = publishedEntities(claimed, 'upload-1');
    for (const part of parts) await client.createEntity(part);
    await client.createEntity({ partitionKey: '~school', rowKey: 'first-policy', seq: 1, ...version });

    const store = createAzureTablePublishedPolicyStoreOn(client);
    expect(await store.publish(firstPolicy('head-draft'), { first: true })).toMatchObject({ published: false, live: { policyId: 'oakfield-policy', number: 1 } });
    expect((await store.latest('oakfield-policy'))?.content.equals(claimed.content)).toBe(true);
    expect((await store.listPolicies()).map((p) => p.policyId)).toEqual(['oakfield-policy']);
    // The next version follows it as usual.
    expect(await store.publish({ ...claimed, fileName: 'Oakfield 2027.docx' }, { after: 1 })).toEqual({ published: true, number: 2 });
  });

  it('when a release before the claim kept the school\'s policy from chat, then a first policy is still refused', async () => {
    const client = table();
    await client.createTable();
    const kept = firstPolicy('oakfield-policy');
    const { pieces: parts, version } = publishedEntities(kept, 'upload-old');
    for (const part of parts) await client.createEntity(part);
    await client.createEntity({ partitionKey: 'oakfield-policy', rowKey: countdownKey('v', 1), seq: 1, ...version });

    const store = createAzureTablePublishedPolicyStoreOn(client);
    expect(await store.publish(firstPolicy('head-draft'), { first: true })).toMatchObject({ published: false, live: { policyId: 'oakfield-policy', number: 1 } });
    expect(await pieces(client)).toEqual(parts.map((p) => `${p.partitionKey}/${p.rowKey}`));
  });
});
