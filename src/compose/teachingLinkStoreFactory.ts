import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { CoreSettings } from '../config/coreSettings';
import { TeachingLinkStore } from '../features/policy/teaching/teachingLinks';
import { createAzureTableTeachingLinkStore } from '../adapters/azureTables/azureTableTeachingLinkStore';
import { SqliteDatabase } from '../adapters/sqlite/sqliteDatabase';
import { createSqliteTeachingLinkStore } from '../adapters/sqlite/sqliteTeachingLinkStore';

/** Opens the teaching-link store beside the question log: SQLite (embedded default) or Azure Table Storage. */
export async function createTeachingLinkStore(storage: CoreSettings['storage'], tablePrefix: string, db: SqliteDatabase): Promise<TeachingLinkStore> {
  if (storage.kind === 'sqlite') return createSqliteTeachingLinkStore(db);
  const endpoint = storage.azureConnectionString ?? storage.azureAccountUrl ?? '';
  // Azurite speaks plain http on loopback; a real account is always https.
  const allowInsecureConnection = /(^|[=;])http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint) || /UseDevelopmentStorage=true/i.test(endpoint);
  const table = `${tablePrefix}Teaching`;
  const client = storage.azureConnectionString
    ? TableClient.fromConnectionString(storage.azureConnectionString, table, { allowInsecureConnection })
    : new TableClient(storage.azureAccountUrl ?? '', table, new DefaultAzureCredential(), { allowInsecureConnection });
  return createAzureTableTeachingLinkStore(client);
}
