import { TableClient, TransactionAction, odata } from '@azure/data-tables';
import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { DeliveryTally, StoreError } from '../../features/acknowledgement/domain/acknowledgementStore';
import { DeliveryState } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { Entity, fnv1a, opt } from './azureTableAcknowledgementEntities';
import { statusOf } from './azureTableAccess';
import { takeDistinct } from './azureTableGroupInsert';
import { submitTransaction } from './azureTableTransactions';

/**
 * Kept counts of a campaign's deliveries on Table storage, so an owner's status reads a few rows at 40 staff and at
 * 50,000. Each delivery counts under one combination (department, school, state, acknowledged, excused, opened); the
 * counts live in tally rows in the campaign's partitions of the Deliveries table, each delivery shard's in its own
 * partition when the campaign's deliveries are spread (azureTableAcknowledgementEntities.ts), and every
 * write that changes a delivery's combination goes in one entity-group transaction with its shard's tally row, under
 * the etags of both: the counts and the rows can never disagree, whichever instance writes.
 *
 * Writes to one shard are queued per instance and committed together (up to 92 rows and the tally rows they move in a
 * transaction), so a burst of clicks or claims costs one request per batch, and the tally rows' etags are kept from this
 * instance's last commit instead of read before each write.
 *
 * Each writer (an instance's bot thread, its sending thread, another instance) keeps its share of a shard's counts in
 * tally rows of its own, one set of COUNT_WRITERS per shard, split by department and school into TALLY_BUCKETS rows (a
 * local authority's row of every school's counts grew past 100 KB, rewritten by each acknowledgement), and a status
 * sums them all. With one row a shard, the sending thread's steady claims moved the row every few milliseconds during a
 * roll-out, so an acknowledgement's write on the bot thread, refused each time the row had moved, could run out of
 * tries ("a delivery tally kept changing") and the person was told to try again. Two writers that land on the same
 * rows still take turns under their etags, as before.
 */

/** Tally rows' keys start with '$', which an encoded id (encodeURIComponent) never does. */
const TALLY_PREFIX = '$tally|';
const TALLY_END = '$tally}';
/** Sets of tally rows a shard may have, one per writer (threads of instances, by hash). */
export const COUNT_WRITERS = 8;
/**
 * A writer's counts of a shard are kept in up to this many rows, by department and school (bucketOf), so a write moves a
 * row holding a share of a local authority's hundreds of schools, not all of them.
 */
export const TALLY_BUCKETS = 8;
/** A transaction holds at most 100 operations: deliveries and the tally rows they move, one a bucket at most. */
const ROWS_PER_COMMIT = 100 - TALLY_BUCKETS;
/** Table string properties hold 64 KiB (32,768 UTF-16 characters); counts are split into parts under that. */
const PART_CHARS = 30_000;
/** Attempts at one row while other instances keep moving its tally. */
const ONE_ROW_TRIES = 40;
/** Tally rows whose etag this instance keeps, least recently used dropped first. */
const KEPT_TALLIES = 2_000;

/** A writer's tally row of a shard's bucket (releases before these kept one row a shard, `$tally|SS`, still summed). */
export const tallyRowKey = (shard: number, writer: number, bucket: number): string =>
  `${TALLY_PREFIX}${String(shard).padStart(2, '0')}|w${writer}|b${bucket}`;

/** The bucket a combination is counted in: by its department and school, so every state of theirs shares a row. */
export function bucketOf(combo: string): number {
  const [department, school] = JSON.parse(combo) as [string, string];
  return fnv1a(`${department}\u0000${school}`) % TALLY_BUCKETS;
}

/**
 * Which of the COUNT_WRITERS sets of tally rows this writer keeps: from `name` when given, else from the host and process, with
 * the thread's number added so the bot's thread and its sending thread never share a row.
 */
export function countsWriter(name?: string): number {
  return (fnv1a(name ?? `${hostname()}|${process.pid}`) + (name === undefined ? threadId : 0)) % COUNT_WRITERS;
}
/** Whether a row of a Deliveries partition is a tally, not a delivery. */
export const isTallyRow = (rowKey: unknown): boolean => typeof rowKey === 'string' && rowKey.startsWith('$');

/** The combination a delivery row counts under. */
export function comboOf(e: Record<string, unknown>): string {
  return JSON.stringify([
    String(e.department ?? ''), String(e.school ?? ''), String(e.state), opt(e.acknowledgedAt) !== undefined,
    opt(e.excusedAt) !== undefined, opt(e.openedAt) !== undefined,
  ]);
}

/** One delivery row written with the tally it moves. */
export interface CountedWrite {
  rowKey: string;
  /** The row's etag when it is changed (merged); absent when it is created. */
  etag?: string;
  /** The combination it counted under before; absent when it is created. */
  before?: string;
  /** The combination it counts under after. */
  after: string;
  /** The properties merged, or the whole row created. */
  fields: Record<string, unknown>;
}

/** The new etag of the row, or undefined when it was not written: changed meanwhile (412), gone (404) or there (409). */
export type CountedResult = string | undefined;

interface Tally { etag?: string; counts: Map<string, number> }
interface Waiting { write: CountedWrite; resolve: (r: CountedResult) => void; reject: (e: unknown) => void }

export class DeliveryTallies {
  private readonly kept = new Map<string, Tally>();
  private readonly queues = new Map<string, Waiting[]>();

  /** `writer`: this writer's set among a shard's tally rows (countsWriter). */
  constructor(private readonly table: TableClient, private readonly writer: number) {}

  /** Writes one delivery row with its shard's tally; queued behind this instance's other writes to that shard. */
  write(pk: string, shard: number, write: CountedWrite): Promise<CountedResult> {
    return new Promise((resolve, reject) => {
      const id = `${pk}\n${shard}`;
      const queue = this.queues.get(id);
      if (queue) {
        queue.push({ write, resolve, reject });
        return;
      }
      this.queues.set(id, [{ write, resolve, reject }]);
      void this.drain(id, pk, shard);
    });
  }

  /** The campaign's counts, summed over its shards' tally rows, every writer's (no zero rows); `partitions` filters its partitions. */
  async read(partitions: string): Promise<DeliveryTally[]> {
    const sum = new Map<string, number>();
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `${partitions} and ${odata`RowKey ge ${TALLY_PREFIX} and RowKey lt ${TALLY_END}`}` },
    });
    for await (const row of rows) for (const [k, n] of unpack(row)) sum.set(k, (sum.get(k) ?? 0) + n);
    const out: DeliveryTally[] = [];
    for (const [k, count] of sum) {
      if (count <= 0) continue;
      const [department, school, state, acknowledged, excused, opened] = JSON.parse(k) as [string, string, DeliveryState, boolean, boolean, boolean];
      out.push({ ...(department ? { department } : {}), ...(school ? { school } : {}), state, acknowledged, excused, opened, count });
    }
    return out;
  }

  private async drain(id: string, pk: string, shard: number): Promise<void> {
    const queue = this.queues.get(id)!;
    try {
      while (queue.length > 0) {
        // One row at most once per commit: a second change to it was read before the first committed, so goes next.
        const batch = takeDistinct(queue, ROWS_PER_COMMIT, (w) => w.write.rowKey);
        await this.commitOrSplit(pk, shard, batch);
      }
    } finally {
      this.queues.delete(id);
    }
  }

  private async commitOrSplit(pk: string, shard: number, batch: Waiting[]): Promise<void> {
    try {
      // Another writer sharing these tally rows is the usual refusal: with them read afresh, the batch goes again whole;
      // only when none had changed was it one of the delivery rows, and then each goes on its own.
      const writes = batch.map((w) => w.write);
      for (let tries = 0; batch.length > 1 && tries < 3; tries++) {
        const used = this.usedEtags(pk, shard, writes);
        const etags = await this.commit(pk, shard, writes);
        if (etags) {
          batch.forEach((w, i) => w.resolve(etags[i]));
          return;
        }
        if ([...used.values()].includes(undefined) || (await this.talliesUnchanged(pk, shard, used))) break;
      }
      // A row was refused (or there was one): each on its own, so only the stale one is refused.
      for (const w of batch) w.resolve(await this.commitOne(pk, shard, w.write));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  /**
   * One row with its tally rows, retrying while a tally row (not the row) was what changed meanwhile, with a growing random
   * pause so two instances on one shard stop colliding. Never gives up silently: a write lost here would be a person
   * never added or a send never recorded, so past the tries it fails loudly and the caller's own retry takes over.
   */
  private async commitOne(pk: string, shard: number, write: CountedWrite): Promise<CountedResult> {
    for (let tries = 0; tries < ONE_ROW_TRIES; tries++) {
      const used = this.usedEtags(pk, shard, [write]);
      const etags = await this.commit(pk, shard, [write]);
      if (etags) return etags[0];
      if (await this.talliesUnchanged(pk, shard, used)) return undefined;
      await new Promise((resolve) => setTimeout(resolve, randomInt(1 + 2 * tries)));
    }
    throw new StoreError('STORE_UNAVAILABLE', 'Azure Table storage: a delivery tally kept changing under this write; try again');
  }

  /** Submits the rows and the tally rows they move in one transaction: their new etags, or undefined when any was refused. */
  private async commit(pk: string, shard: number, writes: readonly CountedWrite[]): Promise<string[] | undefined> {
    const moved = movesOf(writes);
    const actions: TransactionAction[] = writes.map((w) => (w.etag === undefined
      ? ['create', { partitionKey: pk, rowKey: w.rowKey, ...w.fields }]
      : ['update', { partitionKey: pk, rowKey: w.rowKey, ...w.fields }, 'Merge', { etag: w.etag }]));
    const after: [number, Map<string, number>][] = [];
    for (const [b, deltas] of [...moved].sort((x, y) => x[0] - y[0])) {
      const tally = this.kept.get(tallyId(pk, shard, b)) ?? (await this.readTally(pk, shard, b));
      const counts = new Map(tally.counts);
      for (const [combo, by] of deltas) bump(counts, combo, by);
      const row = { partitionKey: pk, rowKey: tallyRowKey(shard, this.writer, b), ...pack(counts) };
      actions.push(tally.etag === undefined ? ['create', row] : ['update', row, 'Replace', { etag: tally.etag }]);
      after.push([b, counts]);
    }
    try {
      const res = await submitTransaction(this.table, actions);
      const etags = res.subResponses.map((r) => r.etag ?? '');
      after.forEach(([b, counts], i) => this.keep(tallyId(pk, shard, b), { etag: etags[writes.length + i], counts }));
      return etags.slice(0, writes.length);
    } catch (err) {
      const status = statusOf(err);
      if (status === 412 || status === 409 || status === 404) {
        for (const [b] of after) this.kept.delete(tallyId(pk, shard, b));
        return undefined;
      }
      throw err;
    }
  }

  /** The etags this writer holds of the tally rows the writes move (undefined where it holds none). */
  private usedEtags(pk: string, shard: number, writes: readonly CountedWrite[]): Map<number, string | undefined> {
    return new Map([...movesOf(writes).keys()].map((b) => [b, this.kept.get(tallyId(pk, shard, b))?.etag]));
  }

  /**
   * After a refused transaction: whether every tally row it moved is as it was when it was sent (so one of the delivery
   * rows was refused), each read afresh; false when one had changed, so the transaction may go again.
   */
  private async talliesUnchanged(pk: string, shard: number, used: Map<number, string | undefined>): Promise<boolean> {
    let unchanged = true;
    for (const [b, etag] of used) if ((await this.readTally(pk, shard, b)).etag !== etag) unchanged = false;
    return unchanged;
  }

  private async readTally(pk: string, shard: number, bucket: number): Promise<Tally> {
    let tally: Tally;
    try {
      const row = (await this.table.getEntity<Record<string, unknown>>(pk, tallyRowKey(shard, this.writer, bucket))) as Entity;
      tally = { etag: row.etag, counts: unpack(row) };
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      tally = { counts: new Map() };
    }
    this.keep(tallyId(pk, shard, bucket), tally);
    return tally;
  }

  private keep(id: string, tally: Tally): void {
    this.kept.delete(id);
    if (this.kept.size >= KEPT_TALLIES) this.kept.delete(this.kept.keys().next().value as string);
    this.kept.set(id, tally);
  }
}

const tallyId = (pk: string, shard: number, bucket: number): string => `${pk}\n${shard}\n${bucket}`;

/** What the writes move, by bucket: each combination's change of count (writes that keep their combination move none). */
function movesOf(writes: readonly CountedWrite[]): Map<number, Map<string, number>> {
  const moved = new Map<number, Map<string, number>>();
  const move = (combo: string, by: number) => {
    const b = bucketOf(combo);
    const deltas = moved.get(b) ?? moved.set(b, new Map()).get(b)!;
    deltas.set(combo, (deltas.get(combo) ?? 0) + by);
  };
  for (const w of writes) {
    if (w.before === w.after) continue;
    if (w.before !== undefined) move(w.before, -1);
    move(w.after, 1);
  }
  return moved;
}

function bump(counts: Map<string, number>, combo: string, by: number): void {
  const n = (counts.get(combo) ?? 0) + by;
  if (n === 0) counts.delete(combo);
  else counts.set(combo, n);
}

/** Counts as properties: `parts` and part0, part1, ... each under the property size limit. */
function pack(counts: Map<string, number>): Record<string, unknown> {
  const text = JSON.stringify([...counts]);
  const out: Record<string, unknown> = {};
  let parts = 0;
  for (let i = 0; i < text.length || parts === 0; i += PART_CHARS) out[`part${parts++}`] = text.slice(i, i + PART_CHARS);
  out.parts = parts;
  return out;
}

function unpack(row: Record<string, unknown>): Map<string, number> {
  const parts = Number(row.parts ?? 0);
  let text = '';
  for (let i = 0; i < parts; i++) text += String(row[`part${i}`] ?? '');
  return new Map(text ? (JSON.parse(text) as [string, number][]) : []);
}
