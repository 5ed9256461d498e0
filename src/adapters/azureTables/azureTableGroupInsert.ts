import { TableClient, TransactionAction } from '@azure/data-tables';
import { statusOf } from './azureTableAccess';
import { submitTransaction } from './azureTableTransactions';

/** A transaction holds at most 100 operations. */
const ROWS_PER_COMMIT = 100;

/** Whether the row was created, or one with its keys was already there. */
export type InsertResult = 'created' | 'exists';

/**
 * Takes up to `limit` waiting writes from the front of a queue, at most one per row key (a transaction may name a row
 * once; a second write to it waits for the next), leaving the rest queued in order.
 */
export function takeDistinct<T>(queue: T[], limit: number, rowKeyOf: (w: T) => string): T[] {
  const batch: T[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < queue.length && batch.length < limit;) {
    const k = rowKeyOf(queue[i]);
    if (keys.has(k)) { i++; continue; }
    keys.add(k);
    batch.push(...queue.splice(i, 1));
  }
  return batch;
}

type Row = { partitionKey: string; rowKey: string } & Record<string, unknown>;

/** Where grouped inserts are written: one row, or a transaction of them. */
export interface InsertTarget {
  createEntity(row: Row): Promise<{ etag?: string } | undefined>;
  submitTransaction(actions: TransactionAction[]): Promise<{ subResponses?: { etag?: string }[] } | undefined>;
}

/** A table's inserts, its transactions sent the lean way (azureTableTransactions.ts). */
export const insertTargetOf = (client: TableClient): InsertTarget => ({
  createEntity: (row) => client.createEntity(row),
  submitTransaction: (actions) => submitTransaction(client, actions),
});
interface Waiting { row: Row; resolve: (r: InsertResult, etag?: string) => void; reject: (e: unknown) => void }

/**
 * Inserts of rows that are never changed afterwards (acknowledgements), grouped per partition: while one insert into a
 * partition is on its way, the inserts that arrive meanwhile queue and then go together in one entity-group
 * transaction. A burst of clicks then costs about one request per batch instead of one per click, and a lone insert
 * goes at once, alone. A transaction is all or nothing: when it is refused because one of its rows was already there
 * (a second click of the same person, from another instance), that row learns it exists and the rest go again.
 */
export class GroupInsert {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(private readonly table: InsertTarget) {}

  insert(row: Row): Promise<InsertResult> {
    return new Promise((resolve, reject) => this.enqueue({ row, resolve: (r) => resolve(r), reject }));
  }

  /** The same, answering with the new row's etag (for a write under it later), or undefined where the row was there. */
  create(row: Row): Promise<string | undefined> {
    return new Promise((resolve, reject) => this.enqueue({ row, resolve: (r, etag) => resolve(r === 'created' ? etag ?? '*' : undefined), reject }));
  }

  private enqueue(w: Waiting): void {
    const queue = this.queues.get(w.row.partitionKey);
    if (queue) {
      queue.push(w);
      return;
    }
    this.queues.set(w.row.partitionKey, [w]);
    void this.drain(w.row.partitionKey);
  }

  private async drain(pk: string): Promise<void> {
    const queue = this.queues.get(pk)!;
    try {
      while (queue.length > 0) {
        // The second of two alike learns it exists in the next transaction.
        await this.commit(takeDistinct(queue, ROWS_PER_COMMIT, (w) => w.row.rowKey));
      }
    } finally {
      this.queues.delete(pk);
    }
  }

  /**
   * One transaction for the batch. Refused because of one row (409: it was there; another 4xx: the row itself is
   * wrong), the service names that operation at the start of its message ("12:The specified entity already exists."):
   * that row is answered and the others go again together; without an index (another service's wording) the batch is
   * halved until the refused row is alone. A failure of the service itself fails the batch, as it would each insert.
   */
  private async commit(batch: Waiting[]): Promise<void> {
    if (batch.length === 0) return;
    if (batch.length === 1) return this.insertOne(batch[0]);
    try {
      const res = await this.table.submitTransaction(batch.map((w): TransactionAction => ['create', w.row]));
      batch.forEach((w, i) => w.resolve('created', res?.subResponses?.[i]?.etag));
    } catch (err) {
      const status = statusOf(err) ?? 0;
      if (status < 400 || status >= 500) {
        for (const w of batch) w.reject(err);
        return;
      }
      const named = /^(\d+):/.exec((err as Error).message ?? '');
      const at = named ? Number(named[1]) : -1;
      if (at >= 0 && at < batch.length) {
        if (status === 409) batch[at].resolve('exists');
        else batch[at].reject(err);
        return this.commit(batch.filter((_, i) => i !== at));
      }
      const half = Math.ceil(batch.length / 2);
      await Promise.all([this.commit(batch.slice(0, half)), this.commit(batch.slice(half))]);
    }
  }

  private async insertOne(w: Waiting): Promise<void> {
    try {
      const res = await this.table.createEntity(w.row);
      w.resolve('created', res?.etag);
    } catch (err) {
      if (statusOf(err) === 409) w.resolve('exists');
      else w.reject(err);
    }
  }
}
