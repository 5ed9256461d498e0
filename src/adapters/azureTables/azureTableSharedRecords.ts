import { odata, TableClient } from '@azure/data-tables';
import { SharedRecords } from '../../shared/sharedRecords';
import { AzureTableConnection, getLong, getOrUndefined, httpStatusOf, openRecordTable, putLong, safeKey } from './azureTableRecords';
import { GroupInsert, insertTargetOf } from './azureTableGroupInsert';

/** The table of shared records: `<prefix>Shared`, one partition per space. */
export const SHARED_TABLE = 'Shared';

/**
 * The shared records in Azure Table storage: each record one entity, its value as JSON, replaced only under the etag it
 * was read with (If-Match), or created only where there is none (a second create is 409): Table storage's own
 * optimistic concurrency, so of two instances changing one record, one wins and the other reads again.
 */
export async function createAzureTableSharedRecords(connection: AzureTableConnection, now: () => number = Date.now): Promise<SharedRecords> {
  return createAzureTableSharedRecordsOn(await openRecordTable(connection, SHARED_TABLE), now);
}

/** The shared records over an open table client. */
export function createAzureTableSharedRecordsOn(client: TableClient, now: () => number = Date.now): SharedRecords {
  const entity = (space: string, key: string, value: unknown): { partitionKey: string; rowKey: string } & Record<string, unknown> => {
    const e: { partitionKey: string; rowKey: string } & Record<string, unknown> = { partitionKey: safeKey(space), rowKey: safeKey(key), at: now() };
    putLong(e, 'value', JSON.stringify(value));
    return e;
  };
  // New records of one space that arrive while one is being created go together in one transaction: each person's
  // first press creates their budget entry, and after an all-staff email that was a request per person, the largest
  // part of an acknowledgement's table calls. Each is still created only where there is none (a transaction is refused
  // whole when one of its rows is there; that one learns it and the others go again), so a budget stays one.
  const creates = new GroupInsert(insertTargetOf(client));
  return {
    async read<T>(space: string, key: string) {
      const e = await getOrUndefined<Record<string, unknown>>(client, safeKey(space), safeKey(key));
      const json = e ? getLong(e, 'value') : undefined;
      return e && json !== undefined ? { value: JSON.parse(json) as T, version: e.etag } : undefined;
    },
    async write(space, key, value, version) {
      try {
        if (version === undefined) return await creates.create(entity(space, key, value));
        return (await client.updateEntity(entity(space, key, value), 'Replace', { etag: version })).etag ?? '*';
      } catch (err) {
        // 409: created by another writer first; 412: changed since it was read; 404: deleted since it was read.
        const status = httpStatusOf(err);
        if (status === 409 || status === 412 || status === 404) return undefined;
        throw err;
      }
    },
    async sweep(space, before) {
      let removed = 0;
      const old = client.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${safeKey(space)} and at lt ${before}`, select: ['PartitionKey', 'RowKey', 'at'] } });
      for await (const e of old) {
        // Under its etag: a record written again since the query is kept.
        await client.deleteEntity(e.partitionKey!, e.rowKey!, { etag: e.etag }).then(() => { removed += 1; }, (err: unknown) => {
          if (httpStatusOf(err) !== 404 && httpStatusOf(err) !== 412) throw err;
        });
      }
      return removed;
    },
  };
}
