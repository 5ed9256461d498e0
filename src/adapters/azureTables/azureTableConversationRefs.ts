import { TableClient, odata } from '@azure/data-tables';
import { StoredConversationReference } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { Entity, key, spreadPartition, spreadPartitions, spreadShard, unkey } from './azureTableAcknowledgementEntities';
import { statusOf } from './azureTableAccess';
import { getOrUndefined } from './azureTableRecords';

/** Releases before this one kept every person's chat in this one partition; still read until it is found empty. */
const OLD_PARTITION = 'ref';
/** Point reads at once when checking a few people. */
const AT_ONCE = 16;
/** People of one partition read by point reads rather than a range, at most. */
const POINT_READS = 4;

/** The partition of a person's chat: `ref|00` to `ref|15`, from their encoded id (the same on every instance). */
export const refPartition = (rk: string): string => spreadPartition(OLD_PARTITION, spreadShard(rk));

/**
 * How each person's 1:1 chat with the bot is kept on Table storage. A chat is read for every card sent, so the rows
 * are spread over sixteen partitions by the person's id: on Azurite a read then searches a sixteenth of the staff, not
 * all of them (it reads every row of a partition to find one), and on Azure no one partition server carries a whole
 * roll-out. Chats recorded by an earlier release stay in the one partition they were written to and are still found
 * there; a person's chat read from there is copied to their partition once (only where there is none yet, so a newer
 * chat is never overwritten). Whether that old partition holds anything is checked once per instance: an installation
 * that never ran an earlier release pays no second read for a person without a chat.
 */
export function createConversationRefs(table: TableClient) {
  let oldRows: Promise<boolean> | undefined;
  const hasOldRows = (): Promise<boolean> => {
    oldRows ??= (async () => {
      const pages = table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${OLD_PARTITION}`, select: ['RowKey'] } }).byPage({ maxPageSize: 1 });
      for await (const page of pages) return page.length > 0;
      return false;
    })().catch((err: unknown) => { oldRows = undefined; throw err; });
    return oldRows;
  };

  const read = (pk: string, rk: string): Promise<Entity | undefined> => getOrUndefined<Entity>(table, pk, rk);

  async function find(rk: string): Promise<Entity | undefined> {
    const own = await read(refPartition(rk), rk);
    if (own || !(await hasOldRows())) return own;
    const old = await read(OLD_PARTITION, rk);
    if (!old) return undefined;
    try {
      const { partitionKey: _p, rowKey: _r, etag: _e, timestamp: _t, ...props } = old;
      await table.createEntity({ ...props, partitionKey: refPartition(rk), rowKey: rk });
    } catch (err) {
      // Saved to their partition meanwhile: that one is newer, and is what the next read finds.
      if (statusOf(err) !== 409) throw err;
    }
    return old;
  }

  const toReference = (userId: string, e: Entity): StoredConversationReference => ({
    userId, conversationId: String(e.conversationId), serviceUrl: String(e.serviceUrl),
    reference: JSON.parse(String(e.reference)) as Record<string, unknown>, updatedAt: String(e.updatedAt),
  });

  /** Point reads of these people's chats (find: with the old partition), a few at a time. */
  async function findEach(rks: readonly string[], into: Map<string, Entity>): Promise<void> {
    for (let i = 0; i < rks.length; i += AT_ONCE) {
      const found = await Promise.all(rks.slice(i, i + AT_ONCE).map(async (rk) => [rk, await find(rk)] as const));
      for (const [rk, e] of found) if (e) into.set(rk, e);
    }
  }

  /**
   * The chats of these people of one partition (row keys sorted), read as one range of row keys from the first to the
   * last: a sender's claimed batch is a run of neighbouring people, so the range holds little else. A range that turns
   * out to hold many more rows than people is given up after four times their number (and a hundred), and the people
   * past where it got are read one by one.
   */
  async function rangeOf(pk: string, rks: readonly string[], into: Map<string, Entity>): Promise<string[]> {
    const wanted = new Set(rks);
    const limit = rks.length * 4 + 100;
    let read = 0;
    let last = '';
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${rks[0]} and RowKey le ${rks[rks.length - 1]}`;
    const pages = table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, limit) });
    for await (const page of pages) {
      for (const e of page as Entity[]) {
        read += 1;
        last = String(e.rowKey);
        if (wanted.has(last)) into.set(last, e);
      }
      if (read >= limit) return rks.filter((rk) => rk > last);
    }
    return [];
  }

  return {
    /**
     * The chats of those of `userIds` who have one: per partition, a few by point reads, more as one range of row keys.
     * Someone not found in their partition is looked for in the old one only where that holds anything.
     */
    async getMany(userIds: readonly string[]): Promise<Map<string, StoredConversationReference>> {
      const byPartition = new Map<string, string[]>();
      const ids = new Map<string, string>();
      for (const id of new Set(userIds)) {
        const rk = key(id);
        ids.set(rk, id);
        const pk = refPartition(rk);
        const rks = byPartition.get(pk) ?? [];
        rks.push(rk);
        byPartition.set(pk, rks);
      }
      const found = new Map<string, Entity>();
      const unread: string[] = [];
      await Promise.all([...byPartition].map(async ([pk, rks]) => {
        if (rks.length <= POINT_READS) {
          await Promise.all(rks.map(async (rk) => { const e = await read(pk, rk); if (e) found.set(rk, e); }));
        } else {
          unread.push(...(await rangeOf(pk, [...rks].sort(), found)));
        }
      }));
      await findEach(unread, found);
      const readOneByOne = new Set(unread);
      const missing = [...ids.keys()].filter((rk) => !found.has(rk) && !readOneByOne.has(rk));
      if (missing.length > 0 && (await hasOldRows())) await findEach(missing, found);
      const out = new Map<string, StoredConversationReference>();
      for (const [rk, e] of found) out.set(ids.get(rk)!, toReference(ids.get(rk)!, e));
      return out;
    },

    async save(ref: StoredConversationReference): Promise<void> {
      const rk = key(ref.userId);
      await table.upsertEntity({
        partitionKey: refPartition(rk), rowKey: rk, conversationId: ref.conversationId, serviceUrl: ref.serviceUrl,
        reference: JSON.stringify(ref.reference), updatedAt: ref.updatedAt,
      }, 'Replace');
    },

    async get(userId: string): Promise<StoredConversationReference | undefined> {
      const e = await find(key(userId));
      return e ? toReference(userId, e) : undefined;
    },

    /** Which of these people have a chat: a point read each for a few, otherwise the row keys of every partition, in pages. */
    async among(userIds: readonly string[]): Promise<Set<string>> {
      const ids = new Set(userIds);
      if (ids.size <= 64) {
        const found = new Map<string, Entity>();
        await findEach([...ids].map(key), found);
        return new Set([...ids].filter((id) => found.has(key(id))));
      }
      // A preview of 5,000 staff read one by one made 5,000 calls and took 12-25 s on Azurite.
      const filter = `${odata`PartitionKey eq ${OLD_PARTITION}`} or (${spreadPartitions(OLD_PARTITION)})`;
      const out = new Set<string>();
      const pages = table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['RowKey'] } }).byPage({ maxPageSize: 1000 });
      for await (const page of pages) {
        for (const e of page) {
          const id = unkey(String(e.rowKey));
          if (ids.has(id)) out.add(id);
        }
      }
      return out;
    },
  };
}
