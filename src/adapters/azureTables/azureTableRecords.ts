import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';

/**
 * Plumbing shared by the record stores on Azure Tables (concerns, the question log, published policies): how a
 * table is opened, how long text is spread over properties, how a conflict is recognised.
 */

/** How to reach the storage account for one table. */
export interface AzureTableConnection {
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
  /** Letters and digits, starting with a letter; every table name starts with it. Default "policybot". */
  tablePrefix?: string;
  /** Allows http endpoints (Azurite on loopback only). */
  allowInsecureConnection?: boolean;
}

/** The HTTP status of a failed Azure call (undefined for anything else). */
export const httpStatusOf = (err: unknown): number | undefined => (err as { statusCode?: number } | undefined)?.statusCode;

/** Opens one table of the store, named `<prefix><name>`, creating it when missing. */
export async function openRecordTable(connection: AzureTableConnection, name: string): Promise<TableClient> {
  const prefix = connection.tablePrefix ?? 'policybot';
  if (!/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(prefix)) {
    throw Object.assign(new Error('The table prefix must be letters and digits, starting with a letter'), { code: 'STORE_UNAVAILABLE' });
  }
  const table = `${prefix}${name}`;
  const options = { allowInsecureConnection: connection.allowInsecureConnection ?? false };
  let client: TableClient;
  if (connection.connectionString) client = TableClient.fromConnectionString(connection.connectionString, table, options);
  else if (connection.accountUrl && connection.credential) client = new TableClient(connection.accountUrl, table, connection.credential, options);
  else throw Object.assign(new Error('Azure Table storage needs a connection string, or an account URL and a credential'), { code: 'STORE_UNAVAILABLE' });
  try {
    await client.createTable();
  } catch (err) {
    if (httpStatusOf(err) !== 409) throw err;
  }
  return client;
}

/** The names of the tables a connection's prefix gives, for tools that list what is there. */
export async function listTableNames(connection: AzureTableConnection): Promise<string[]> {
  const options = { allowInsecureConnection: connection.allowInsecureConnection ?? false };
  const service = connection.connectionString
    ? TableServiceClient.fromConnectionString(connection.connectionString, options)
    : new TableServiceClient(connection.accountUrl ?? '', connection.credential!, options);
  const names: string[] = [];
  for await (const t of service.listTables()) if (t.name) names.push(t.name);
  return names;
}

/**
 * A string property holds at most 64 KiB (32,768 UTF-16 units). Sealed text of the longest concern field is close to
 * that, so a longer value is spread over `name`, `name_1`, `name_2`... and joined again on reading.
 */
const PART_CHARS = 30_000;

/** Sets `value` on the entity under `name`, split over numbered properties when long; nothing when undefined. */
export function putLong(entity: Record<string, unknown>, name: string, value: string | null | undefined): void {
  if (value === undefined || value === null) return;
  entity[name] = value.slice(0, PART_CHARS);
  for (let i = 1; i * PART_CHARS < value.length; i++) entity[`${name}_${i}`] = value.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
}

/** Reads a value written by putLong; undefined when the property is absent. */
export function getLong(entity: Record<string, unknown>, name: string): string | undefined {
  const first = entity[name];
  if (typeof first !== 'string') return undefined;
  let out = first;
  for (let i = 1; typeof entity[`${name}_${i}`] === 'string'; i++) out += entity[`${name}_${i}`] as string;
  return out;
}

/** A number as a fixed-width row key part, so keys sort in numeric order. */
export const padKey = (n: number, width = 12): string => String(n).padStart(width, '0');

/** Table keys may not hold '/', '\\', '#', '?' or control characters: ids are percent-encoded. */
export const safeKey = (s: string): string => encodeURIComponent(s);

/** Reads every entity a filter selects. */
export async function queryAll<T extends object = Record<string, unknown>>(client: TableClient, filter: string): Promise<(T & { partitionKey: string; rowKey: string; etag: string })[]> {
  const out: (T & { partitionKey: string; rowKey: string; etag: string })[] = [];
  for await (const e of client.listEntities<T>({ queryOptions: { filter } })) out.push(e as T & { partitionKey: string; rowKey: string; etag: string });
  return out;
}

/** A point read; undefined when there is no such entity. */
export async function getOrUndefined<T extends object = Record<string, unknown>>(client: TableClient, pk: string, rk: string): Promise<(T & { etag: string }) | undefined> {
  try {
    return (await client.getEntity<T>(pk, rk)) as T & { etag: string };
  } catch (err) {
    if (httpStatusOf(err) === 404) return undefined;
    throw err;
  }
}

/** Waits a few milliseconds, more on each try, so instances that collided do not collide again in step. */
export const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random())));
