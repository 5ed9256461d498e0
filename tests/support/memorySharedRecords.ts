import { SharedRecords } from '../../src/shared/sharedRecords';

/** Shared records in memory, versioned as the adapters are: a double for use cases that coordinate instances. */
export function memorySharedRecords(now: () => number = Date.now): SharedRecords & { writes: number } {
  const rows = new Map<string, { json: string; version: number; at: number }>();
  const id = (space: string, key: string) => `${space}\n${key}`;
  const records = {
    writes: 0,
    async read<T>(space: string, key: string) {
      const row = rows.get(id(space, key));
      return row ? { value: JSON.parse(row.json) as T, version: String(row.version) } : undefined;
    },
    async write(space: string, key: string, value: unknown, version: string | undefined) {
      const row = rows.get(id(space, key));
      if (version === undefined ? row !== undefined : row?.version !== Number(version)) return undefined;
      const next = (row?.version ?? 0) + 1;
      rows.set(id(space, key), { json: JSON.stringify(value), version: next, at: now() });
      records.writes += 1;
      return String(next);
    },
    async sweep(space: string, before: number) {
      let n = 0;
      for (const [k, row] of rows) if (k.startsWith(`${space}\n`) && row.at < before) { rows.delete(k); n += 1; }
      return n;
    },
  };
  return records;
}
