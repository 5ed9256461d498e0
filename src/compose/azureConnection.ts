import { DefaultAzureCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import { CoreSettings } from '../config/coreSettings';
import { AzureTableConnection } from '../adapters/azureTables/azureTableRecords';

/** How every Azure store reaches the account the settings name: its connection string, or its URL with the given identity (default: DefaultAzureCredential). */
export function azureRecordConnection(storage: CoreSettings['storage'], tablePrefix: string, credential?: TokenCredential): AzureTableConnection {
  const allowInsecureConnection = isLocalAzurite(storage);
  return storage.azureConnectionString
    ? { connectionString: storage.azureConnectionString, tablePrefix, allowInsecureConnection }
    : { accountUrl: storage.azureAccountUrl, credential: credential ?? new DefaultAzureCredential(), tablePrefix, allowInsecureConnection };
}

/** Azurite speaks plain http on loopback; a real account is always https. */
function isLocalAzurite(storage: CoreSettings['storage']): boolean {
  const endpoint = storage.azureConnectionString ?? storage.azureAccountUrl ?? '';
  return /(^|[=;])http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint) || /UseDevelopmentStorage=true/i.test(endpoint);
}
