import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { createAzureTableAcknowledgementStore, createRequestCounter } from '../../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { refPartition } from '../../../src/adapters/azureTables/azureTableConversationRefs';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

const T0 = '2026-09-01T08:00:00.000Z';
const ref = (userId: string, conversationId: string) => ({
  userId, conversationId, serviceUrl: 'https://smba.example/', reference: { conversation: { id: conversationId } }, updatedAt: T0,
});

describe("people's chats on Azure Table storage", () => {
  const open = async () => {
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const options = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: prefix };
    const store = await createAzureTableAcknowledgementStore(options);
    const table = TableClient.fromConnectionString(azurite.connectionString, `${prefix}Refs`, { allowInsecureConnection: true });
    const rows = async () => {
      const out: { pk: string; rk: string; conversationId: string }[] = [];
      for await (const e of table.listEntities<Record<string, unknown>>()) out.push({ pk: e.partitionKey!, rk: e.rowKey!, conversationId: String(e.conversationId) });
      return out.sort((a, b) => (a.pk + a.rk < b.pk + b.rk ? -1 : 1));
    };
    return { store, table, rows, options };
  };

  it('when chats are saved, then each lands in a partition chosen from the person id, spread over sixteen', async () => {
    const { store, rows } = await open();
    const ids = Array.from({ length: 120 }, (_, i) => `aad-${i}`);
    for (const id of ids) await store.saveConversationReference(ref(id, `chat-${id}`));
    const stored = await rows();
    expect(stored).toHaveLength(120);
    for (const r of stored) expect(r.pk).toBe(refPartition(r.rk));
    expect(new Set(stored.map((r) => r.pk)).size).toBe(16);
    expect(await store.getConversationReference('aad-7')).toMatchObject({ conversationId: 'chat-aad-7' });
    expect(await store.withConversation!([...ids.slice(0, 100), 'nobody'])).toEqual(new Set(ids.slice(0, 100)));
  });

  it('when a batch of chats is read together, then each partition costs one query or a few point reads, and a sparse range gives up early yet finds everyone', async () => {
    const { store, options } = await open();
    const ids = Array.from({ length: 2_000 }, (_, i) => `aad-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => store.saveConversationReference(ref(id, `chat-${id}`))));
    const requests = createRequestCounter();
    const counted = await createAzureTableAcknowledgementStore({ ...options, onRequest: requests.observe });
    // A claimed batch: a hundred neighbours, six or so in each partition, read a range a partition (or a few point reads).
    const batch = ids.slice(500, 600);
    requests.reset();
    const got = await counted.conversationReferences!(batch);
    expect([...got.keys()].sort()).toEqual(batch);
    expect(got.get('aad-0550')).toMatchObject({ conversationId: 'chat-aad-0550' });
    expect(requests.kinds()).toEqual({ 'GET Refs': expect.any(Number) });
    expect(requests.total).toBeLessThanOrEqual(40);
    // Scattered people, a few in each partition, and five spanning the whole of one partition (about 125 rows, more
    // than the 120 a range of five may read): the range is given up where it got to, and everyone is still found.
    const scattered = ids.filter((_, i) => i % 40 === 0);
    expect([...(await counted.conversationReferences!([...scattered, 'nobody'])).keys()].sort()).toEqual(scattered);
    const onePartition = ids.filter((id) => refPartition(id) === refPartition(ids[0]));
    expect(onePartition.length).toBeGreaterThan(120);
    const spanning = [0, 1, 2, 3].map((k) => onePartition[k * 30]).concat(onePartition[onePartition.length - 1]);
    requests.reset();
    expect([...(await counted.conversationReferences!(spanning)).keys()].sort()).toEqual([...spanning].sort());
    // The range's page, then the one past where it stopped read by its key.
    expect(requests.total).toBe(2);
  });

  it('when chats were recorded by an earlier release in the one partition, then they are still found, copied forward once, and a newer chat wins', async () => {
    const { store, table, rows, options } = await open();
    // As the release before wrote them.
    for (const id of ['old-1', 'old-2', 'old-3']) {
      await table.createEntity({ partitionKey: 'ref', rowKey: id, conversationId: `old-chat-${id}`, serviceUrl: 'https://smba.example/', reference: '{}', updatedAt: T0 });
    }
    await store.saveConversationReference(ref('new-1', 'chat-new-1'));
    expect(await store.getConversationReference('old-1')).toMatchObject({ conversationId: 'old-chat-old-1' });
    expect((await rows()).filter((r) => r.rk === 'old-1').map((r) => r.pk).sort()).toEqual(['ref', refPartition('old-1')].sort());
    // A person who moved to a new chat since: the new one is theirs, whatever the old partition still says.
    await store.saveConversationReference(ref('old-2', 'chat-old-2-new'));
    const fresh = await createAzureTableAcknowledgementStore(options);
    expect(await fresh.getConversationReference('old-2')).toMatchObject({ conversationId: 'chat-old-2-new' });
    expect(await fresh.getConversationReference('old-3')).toMatchObject({ conversationId: 'old-chat-old-3' });
    expect(await fresh.getConversationReference('nobody')).toBeUndefined();
    // Both ways of asking who has a chat see old and new alike.
    expect(await fresh.withConversation!(['old-1', 'old-2', 'old-3', 'new-1', 'nobody'])).toEqual(new Set(['old-1', 'old-2', 'old-3', 'new-1']));
    const many = [...Array.from({ length: 70 }, (_, i) => `x-${i}`), 'old-1', 'old-3', 'new-1'];
    expect(await fresh.withConversation!(many)).toEqual(new Set(['old-1', 'old-3', 'new-1']));
    // So does reading a batch's chats together: the old ones found in the old partition, the newer chat winning.
    const batch = await fresh.conversationReferences!(['old-1', 'old-2', 'old-3', 'new-1', 'nobody', ...Array.from({ length: 40 }, (_, i) => `x-${i}`)]);
    expect(Object.fromEntries([...batch].map(([id, r]) => [id, r.conversationId]))).toEqual({
      'old-1': 'old-chat-old-1', 'old-2': 'chat-old-2-new', 'old-3': 'old-chat-old-3', 'new-1': 'chat-new-1',
    });
  });
});
