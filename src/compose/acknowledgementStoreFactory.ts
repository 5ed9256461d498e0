import { DefaultAzureCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import { AcknowledgementStore } from '../features/acknowledgement/domain/acknowledgementStore';
import { CoreSettings } from '../config/coreSettings';
import { createAzureTableAcknowledgementStore } from '../adapters/azureTables/azureTableAcknowledgementStore';
import { createSqliteAcknowledgementStore, createSqliteAcknowledgementStoreOn } from '../adapters/sqlite/sqliteAcknowledgementStore';
import { SqliteDatabase } from '../adapters/sqlite/sqliteDatabase';

/** Where the composition root wants acknowledgement data kept. */
export interface AcknowledgementStoreChoice {
  storage: CoreSettings['storage'];
  /** AZURE_TABLE_PREFIX (AcknowledgementSettings.azureTablePrefix). */
  azureTablePrefix: string;
  /** With STORAGE=sqlite: share the database other components opened, instead of opening the file again. */
  sqliteDb?: SqliteDatabase;
  /** With an Azure account URL: the identity to use (default: DefaultAzureCredential, e.g. managed identity). */
  credential?: TokenCredential;
}

/** Opens the acknowledgement store the settings ask for: SQLite (embedded default) or Azure Table Storage. */
export async function createAcknowledgementStore(choice: AcknowledgementStoreChoice): Promise<AcknowledgementStore> {
  const { storage } = choice;
  if (storage.kind === 'sqlite') {
    return choice.sqliteDb ? createSqliteAcknowledgementStoreOn(choice.sqliteDb) : createSqliteAcknowledgementStore(storage.sqlitePath);
  }
  const endpoint = storage.azureConnectionString ?? storage.azureAccountUrl ?? '';
  // Azurite speaks plain http on loopback; a real account is always https.
  const allowInsecureConnection = /(^|[=;])http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint) || /UseDevelopmentStorage=true/i.test(endpoint);
  if (storage.azureConnectionString) {
    return createAzureTableAcknowledgementStore({
      connectionString: storage.azureConnectionString, tablePrefix: choice.azureTablePrefix, allowInsecureConnection,
    });
  }
  return createAzureTableAcknowledgementStore({
    accountUrl: storage.azureAccountUrl, credential: choice.credential ?? new DefaultAzureCredential(),
    tablePrefix: choice.azureTablePrefix, allowInsecureConnection,
  });
}
