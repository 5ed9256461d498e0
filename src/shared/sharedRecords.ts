/**
 * Small records that every instance of the app reads and changes: the share of Teams' rate each instance holds, each
 * person's budgets, what the safeguarding team has been told about its route. They live beside the app's other records
 * (a SQLite table, or an Azure table) and every change is a conditional write on the version that was read (an etag on
 * Azure), the storage service's own way of letting exactly one of two writers win: a writer that lost reads again and
 * works its change out afresh. Nothing here is held in memory between calls, so a second instance sees every change.
 */

/** A record as read: its value and the version a write must name to replace it. */
export interface SharedRecord<T> {
  value: T;
  version: string;
}

/** Port: where the shared records live (SQLite, Azure Table storage). */
export interface SharedRecords {
  /** The record under `key` in `space`, or undefined when there is none. */
  read<T>(space: string, key: string): Promise<SharedRecord<T> | undefined>;
  /**
   * Writes the record only while it is still at `version` (undefined: only while there is none), in one step. Resolves
   * with the new version, or undefined when another writer changed it (or created it) first.
   */
  write<T>(space: string, key: string, value: T, version: string | undefined): Promise<string | undefined>;
  /** Deletes the records of a space last written before `before` (ms since the epoch); resolves with how many. */
  sweep(space: string, before: number): Promise<number>;
}

/** How many times a change is worked out again after losing to another writer before giving up. */
const DEFAULT_TRIES = 20;

/** What came of a change: the record's value afterwards, and whether this change is the one that was written. */
export interface SharedChange<T> {
  value: T | undefined;
  version: string | undefined;
  /** True when `change` returned a value and it was written. */
  written: boolean;
}

/**
 * Applies `change` to the record as it is now, conditionally on the version read: when another writer got there first,
 * the record is read again and `change` runs again on what is there. `change` returns undefined to leave the record as
 * it is. A record already read (`known`) is tried first without a read, which costs one round trip when nobody else
 * wrote in between; so is one believed absent (`absent`: created if there is none, read when there is).
 */
export async function changeShared<T>(
  records: SharedRecords, space: string, key: string, change: (current: T | undefined) => T | undefined,
  options: { known?: SharedRecord<T>; absent?: boolean; tries?: number } = {},
): Promise<SharedChange<T>> {
  let current: SharedRecord<T> | undefined = options.known;
  let fresh = options.known === undefined && !options.absent;
  const tries = options.tries ?? DEFAULT_TRIES;
  for (let attempt = 0; attempt < tries; attempt++) {
    if (fresh) current = await records.read<T>(space, key);
    const next = change(current?.value);
    if (next === undefined) return { value: current?.value, version: current?.version, written: false };
    const version = await records.write(space, key, next, current?.version);
    if (version !== undefined) return { value: next, version, written: true };
    fresh = true;
    // Writers that collided step apart before trying again.
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 ** attempt) * Math.random()));
  }
  throw Object.assign(new Error(`the shared record ${space}/${key} kept changing under ${tries} tries`), { code: 'SHARED_RECORD_CONTENDED' });
}
