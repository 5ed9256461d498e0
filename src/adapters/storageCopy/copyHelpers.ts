import { TableClient, odata } from '@azure/data-tables';
import { getOrUndefined, httpStatusOf, queryAll } from '../azureTables/azureTableRecords';
import { submitTransaction } from '../azureTables/azureTableTransactions';

/** What was found and done for one kind of record. */
export interface CopyCount {
  kind: string;
  /** Records of this kind in the SQLite file. */
  sqlite: number;
  /** Written to Azure by this run. */
  copied: number;
  /** Already in Azure, identical (an earlier run copied them). */
  alreadyThere: number;
  /** Records of this kind in Azure after the copy (more than `sqlite` if the bot already wrote some there). */
  azure: number;
  /** Every SQLite record is in Azure. */
  ok: boolean;
}

/** An entity to write, with its keys. */
export type Entity = { partitionKey: string; rowKey: string } & Record<string, unknown>;

/** Raised when Azure already holds a different record under a key the copy needs: nothing is overwritten. */
export class CopyConflictError extends Error {
  readonly code = 'COPY_CONFLICT';
  constructor(what: string) {
    super(`Azure already holds a different ${what}; nothing was overwritten. Copy into empty tables (a new AZURE_TABLE_PREFIX) before the bot writes there.`);
    this.name = 'CopyConflictError';
  }
}

/** A transaction holds at most 100 operations and 4 MiB; a batch stays well under both. */
const BATCH_OPS = 100;
const BATCH_BYTES = 2_500_000;

/** About how many bytes an entity takes on the wire (binary goes as base64). */
function wireSize(e: Entity): number {
  let n = 0;
  for (const [k, v] of Object.entries(e)) n += k.length + (v instanceof Uint8Array ? Math.ceil(v.byteLength * 4 / 3) : String(v).length * 2) + 16;
  return n;
}

/**
 * Creates each entity unless an identical one (by the properties named in `same`) is already there: append-only
 * records are never overwritten, and a second run finds everything in place. What is there is read once per
 * partition (the key range the entities span); what is missing is created in transactions of up to 100.
 */
export async function createAll(client: TableClient, entities: Entity[], same: string[], what: string): Promise<{ copied: number; alreadyThere: number }> {
  let copied = 0;
  let alreadyThere = 0;
  const byPartition = new Map<string, Entity[]>();
  for (const e of entities) {
    const group = byPartition.get(e.partitionKey);
    if (group) group.push(e);
    else byPartition.set(e.partitionKey, [e]);
  }
  for (const [pk, group] of byPartition) {
    const keys = group.map((e) => e.rowKey).sort();
    const existing = new Map((await queryAll(client, odata`PartitionKey eq ${pk} and RowKey ge ${keys[0]} and RowKey le ${keys[keys.length - 1]}`))
      .map((e) => [e.rowKey, e as Record<string, unknown>]));
    const missing: Entity[] = [];
    for (const e of group) {
      const there = existing.get(e.rowKey);
      if (!there) { missing.push(e); continue; }
      if (same.some((p) => there[p] !== e[p])) throw new CopyConflictError(`${what} (${e.rowKey})`);
      alreadyThere++;
    }
    let batch: Entity[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const r = await createBatch(client, batch, same, what);
      copied += r.copied;
      alreadyThere += r.alreadyThere;
      batch = [];
      bytes = 0;
    };
    for (const e of missing) {
      const size = wireSize(e);
      if (batch.length >= BATCH_OPS || bytes + size > BATCH_BYTES) await flush();
      batch.push(e);
      bytes += size;
    }
    await flush();
  }
  return { copied, alreadyThere };
}

/** One transaction; if something wrote one of these keys meanwhile, each is created (or compared) on its own. */
async function createBatch(client: TableClient, batch: Entity[], same: string[], what: string): Promise<{ copied: number; alreadyThere: number }> {
  try {
    await submitTransaction(client, batch.map((e) => ['create', e]));
    return { copied: batch.length, alreadyThere: 0 };
  } catch (err) {
    if (httpStatusOf(err) !== 409) throw err;
  }
  let copied = 0;
  let alreadyThere = 0;
  for (const e of batch) {
    try {
      await client.createEntity(e);
      copied++;
    } catch (err) {
      if (httpStatusOf(err) !== 409) throw err;
      const there = await getOrUndefined<Record<string, unknown>>(client, e.partitionKey, e.rowKey);
      if (!there || same.some((p) => there[p] !== e[p])) throw new CopyConflictError(`${what} (${e.rowKey})`);
      alreadyThere++;
    }
  }
  return { copied, alreadyThere };
}

/** Runs `fn` over the items, `width` at a time: port calls are one round trip each, and a school has thousands. */
export async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** How many entities of a partition have row keys starting with `prefix`. */
export const countRange = async (client: TableClient, pk: string, prefix: string, extra = ''): Promise<number> =>
  (await queryAll(client, `${odata`PartitionKey eq ${pk} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`}${extra}`)).length;

/** The count line of one kind: ok when every SQLite record was copied or found, and Azure holds at least as many. */
export const result = (kind: string, sqlite: number, done: { copied: number; alreadyThere: number }, azure: number): CopyCount => ({
  kind, sqlite, ...done, azure, ok: done.copied + done.alreadyThere === sqlite && azure >= sqlite,
});
