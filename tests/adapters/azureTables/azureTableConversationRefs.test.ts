import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { createAzureTableAcknowledgementStore } from '../../../src/adapters/azureTables/azureTableAcknowledgementStore';
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
  });
});
