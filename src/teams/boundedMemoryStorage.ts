import { Storage, StoreItems } from 'botbuilder';

/** Conversations (and users) whose turn state is kept by default: far more than talk to one instance in a day. */
export const DEFAULT_STATE_ENTRIES = 20_000;

/**
 * Turn state in memory, bounded: the least recently used entries are dropped past `maxEntries`, so a local authority
 * of 50,000 staff does not grow the process without limit (botbuilder's MemoryStorage keeps every key forever, even
 * deleted ones). Dropped state only means a conversation starts fresh; nothing the product records lives here.
 * Same eTag rules as MemoryStorage: a write with a stale eTag is refused.
 */
export class BoundedMemoryStorage implements Storage {
  private readonly entries = new Map<string, string>();
  private etag = 1;

  constructor(private readonly maxEntries: number = DEFAULT_STATE_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    for (const key of keys) {
      const item = this.entries.get(key);
      if (item === undefined) continue;
      // Read counts as use: move it to the newest end.
      this.entries.delete(key);
      this.entries.set(key, item);
      out[key] = JSON.parse(item);
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) {
      const old = this.entries.get(key);
      const eTag = (value as { eTag?: string }).eTag;
      if (old !== undefined && eTag && eTag !== '*' && (JSON.parse(old) as { eTag?: string }).eTag !== eTag) {
        throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      }
      this.entries.delete(key);
      this.entries.set(key, JSON.stringify({ ...value, eTag: String(this.etag++) }));
    }
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }
}
