import { TableClient, TransactionAction } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { StoreError } from '../../features/acknowledgement/domain/acknowledgementStore';
import { Entity } from './azureTableAcknowledgementEntities';
import { submitTransaction } from './azureTableTransactions';

/** Rows per page of a query read whole. */
const LIST_PAGE = 250;
/** Entity group transactions take at most 100 operations. */
export const BATCH = 100;
/** The tables of the acknowledgement store, each named with the configured prefix. */
export const TABLES = ['Versions', 'Staff', 'Sync', 'Refs', 'Campaigns', 'Deliveries', 'Acks', 'Audit', 'Workers'] as const;
export type TableName = (typeof TABLES)[number];

/** The HTTP status of a failed Azure call. */
export const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;
/** A storage failure, with the first line of its message only. */
export const unavailable = (err: unknown): StoreError =>
  new StoreError('STORE_UNAVAILABLE', `Azure Table storage failed: ${(err as Error).message?.split('\n')[0] ?? 'unknown'}`);

/** How to reach the storage account: a connection string (Azurite, keys) or an account URL and a credential. */
export interface AzureTableStoreOptions {
  connectionString?: string;
  accountUrl?: string;
  /** Managed identity or client secret credential from @azure/identity, used with accountUrl. */
  credential?: TokenCredential;
  /** Letters only; prefixes every table name so several products can share an account. Default "policybot". */
  tablePrefix?: string;
  /** Allows http endpoints (Azurite on loopback only). */
  allowInsecureConnection?: boolean;
  /** Told of every HTTP request the store sends (each retry too): how tests and benches count round trips. */
  onRequest?: (request: { table: string; method: string }) => void;
  /**
   * Names this writer of delivery counts (tally rows of its own in each shard, azureTableDeliveryTallies.ts); default: the host,
   * process and thread. Tests name two stores apart to stand for two instances.
   */
  countsWriter?: string;
  /** How long an instance keeps its list of active campaigns (10 s): shorter in tests of what it may miss meanwhile. */
  activeCampaignsTtlMs?: number;
}

/** Counts the store's HTTP requests, by "METHOD table": pass `observe` as AzureTableStoreOptions.onRequest. */
export function createRequestCounter() {
  const byKind = new Map<string, number>();
  let total = 0;
  return {
    observe(request: { table: string; method: string }): void {
      total += 1;
      const kind = `${request.method} ${request.table}`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    },
    /** Requests sent so far. */
    get total(): number { return total; },
    /** Requests by "METHOD table" since the last reset. */
    kinds(): Record<string, number> { return Object.fromEntries(byKind); },
    reset(): void { total = 0; byKind.clear(); },
  };
}

/** A request counter (createRequestCounter). */
export type RequestCounter = ReturnType<typeof createRequestCounter>;

/** Opens the store's tables, creating them when missing. */
export async function openTables(options: AzureTableStoreOptions): Promise<Record<TableName, TableClient>> {
  const prefix = options.tablePrefix ?? 'policybot';
  if (!/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(prefix)) {
    throw new StoreError('STORE_UNAVAILABLE', 'The table prefix must be letters and digits, starting with a letter');
  }
  const clientOptions = { allowInsecureConnection: options.allowInsecureConnection ?? false };
  const make = (name: TableName): TableClient => {
    const table = `${prefix}${name}`;
    if (options.connectionString) return TableClient.fromConnectionString(options.connectionString, table, clientOptions);
    if (options.accountUrl && options.credential) return new TableClient(options.accountUrl, table, options.credential, clientOptions);
    throw new StoreError('STORE_UNAVAILABLE', 'Azure Table storage needs a connection string, or an account URL and a credential');
  };
  const clients = Object.fromEntries(TABLES.map((t) => [t, make(t)])) as Record<TableName, TableClient>;
  const onRequest = options.onRequest;
  if (onRequest) {
    for (const [name, client] of Object.entries(clients)) {
      // After the retry policy, so each attempt on the wire is counted once.
      client.pipeline.addPolicy({
        name: 'policyBotRequestObserver',
        sendRequest: (request, next) => { onRequest({ table: name, method: request.method }); return next(request); },
      }, { afterPhase: 'Retry' });
    }
  }
  for (const client of Object.values(clients)) {
    try {
      await client.createTable();
    } catch (err) {
      if (statusOf(err) !== 409) throw unavailable(err);
    }
  }
  return clients;
}

/** Point reads, queries and batched upserts over the store's tables. */
export class TableAccess {
  constructor(protected readonly t: Record<TableName, TableClient>) {}

  protected async get(table: TableName, pk: string, rk: string): Promise<Entity | undefined> {
    try {
      return (await this.t[table].getEntity<Record<string, unknown>>(pk, rk)) as Entity;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Point reads of rows of one partition, `atOnce` in flight (a delta names few people; a scan costs them all); the rows found. */
  protected async getMany(table: TableName, pk: string, rks: readonly string[], atOnce = 16): Promise<Entity[]> {
    const found: Entity[] = [];
    for (let i = 0; i < rks.length; i += atOnce) {
      for (const e of await Promise.all(rks.slice(i, i + atOnce).map((rk) => this.get(table, pk, rk)))) if (e) found.push(e);
    }
    return found;
  }

  /**
   * Reads an entity and merges what `change` returns under its etag, retrying when another instance changed it
   * meanwhile, so the read and the write act as one. False when there is no such entity or `change` returns undefined.
   * `write` replaces the plain conditional merge (false when the etag no longer matched); `first` is a row already read.
   */
  protected async mergeUnderEtag(
    table: TableName, pk: string, rk: string, change: (e: Entity) => Record<string, unknown> | undefined,
    write: (e: Entity, patch: Record<string, unknown>) => Promise<boolean> = (e, patch) => this.mergeIfUnchanged(table, e, patch),
    first?: Entity,
  ): Promise<boolean> {
    for (let tries = 0; tries < 5; tries++) {
      const e = tries === 0 && first ? first : await this.get(table, pk, rk);
      if (!e) return false;
      const patch = change(e);
      if (!patch) return false;
      if (await write(e, patch)) return true;
    }
    return false;
  }

  private async mergeIfUnchanged(table: TableName, e: Entity, patch: Record<string, unknown>): Promise<boolean> {
    try {
      await this.t[table].updateEntity({ partitionKey: e.partitionKey, rowKey: e.rowKey, ...patch }, 'Merge', { etag: e.etag });
      return true;
    } catch (err) {
      if (statusOf(err) !== 412) throw err;
      return false;
    }
  }

  protected list(table: TableName, filter?: string, select?: string[]): Promise<Entity[]> {
    return this.listAs(table, filter, (e) => e, select);
  }

  /**
   * The rows a query finds, each turned into a record as its page arrives (undefined leaves it out): a list of 50,000
   * is then converted in slices between reads, not in one pass that holds the event loop after the last page.
   */
  protected async listAs<T>(table: TableName, filter: string | undefined, convert: (e: Entity) => T | undefined, select?: string[]): Promise<T[]> {
    const out: T[] = [];
    // Pages of LIST_PAGE: the SDK parses a page in one go, and a page of 1,000 rows held the bot up for 50-60 ms.
    const pages = this.t[table].listEntities<Record<string, unknown>>({ queryOptions: { filter, select } }).byPage({ maxPageSize: LIST_PAGE });
    for await (const page of pages) {
      for (const e of page) {
        const r = convert(e as Entity);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  }

  /** The rows a filter finds in each of several sets of partitions (`wheres`, each `and`ed with `filter`), in one list. */
  protected async listWhere<T>(
    table: TableName, wheres: readonly string[], filter: string, convert: (e: Entity) => T | undefined, select?: string[],
  ): Promise<T[]> {
    const parts = await Promise.all(wheres.map((where) => this.listAs(table, filter ? `(${where}) and ${filter}` : where, convert, select)));
    return parts.flat();
  }

  protected async upsertMany(table: TableName, entities: Record<string, unknown>[]): Promise<void> {
    const byPartition = new Map<string, Record<string, unknown>[]>();
    for (const e of entities) {
      const pk = String(e.partitionKey);
      const group = byPartition.get(pk);
      // Appended in place: rebuilding the array per entity made a first sync of 50,000 staff quadratic.
      if (group) group.push(e);
      else byPartition.set(pk, [e]);
    }
    for (const group of byPartition.values()) {
      for (let i = 0; i < group.length; i += BATCH) {
        const actions: TransactionAction[] = group.slice(i, i + BATCH)
          .map((e) => ['upsert', e as { partitionKey: string; rowKey: string }, 'Replace']);
        await submitTransaction(this.t[table], actions);
      }
    }
  }
}
