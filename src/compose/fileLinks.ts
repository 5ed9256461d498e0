import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { blobUrlOf, createBlobFileStore, filesContainerName } from '../adapters/azureBlobs/blobFileStore';
import { createFileLinks, FileLinks, fileLinkKey } from '../teams/fileLinks';
import { createFolderFileStore, FileStore } from '../teams/fileStore';

/**
 * Where offered files live, so that every instance serves every link: with STORAGE=azure, the `<prefix>-files`
 * container of the same account's Blob service; with a SQLite file, the `files` folder beside it (every instance on the
 * machine shares it); with SQLITE_PATH=:memory: (one process, tests), a temporary folder of its own.
 */
export function openFileStore(config: Pick<AppConfig, 'storage' | 'acknowledgement'>): FileStore {
  const { storage } = config;
  if (storage.kind === 'azure') {
    const container = filesContainerName(config.acknowledgement.azureTablePrefix);
    // A connection string that names the Table service's address but not the Blob service's (Azurite started without
    // blobs) has nowhere for files: every offer fails at once with that reason, and the start says so.
    if (storage.azureConnectionString && /TableEndpoint=/i.test(storage.azureConnectionString) && !/BlobEndpoint=/i.test(storage.azureConnectionString)) {
      return unreachableFileStore('NO_BLOB_ENDPOINT');
    }
    return storage.azureConnectionString
      ? createBlobFileStore({ connectionString: storage.azureConnectionString, container })
      : createBlobFileStore({ accountUrl: blobUrlOf(storage.azureAccountUrl ?? ''), credential: new DefaultAzureCredential(), container });
  }
  if (storage.sqlitePath === ':memory:') return createFolderFileStore();
  return createFolderFileStore(path.join(path.dirname(path.resolve(storage.sqlitePath)), 'files'));
}

/** A store every call to which fails at once with `code`. */
function unreachableFileStore(code: string): FileStore {
  const fail = async (): Promise<never> => {
    throw Object.assign(new Error('AZURE_STORAGE_CONNECTION_STRING names a TableEndpoint and no BlobEndpoint: exports and documents have nowhere to go'), { code });
  };
  return { write: fail, put: fail, stat: fail, open: fail, sweep: fail, close: () => undefined };
}

/**
 * The bot's file links over the shared store, signed with a key every instance derives from the concern key (so a link
 * one instance signs, another checks). The store is tried once at start: one that cannot be reached is logged then,
 * loudly, rather than when an owner first asks for an export.
 */
export function composeFileLinks(config: AppConfig, logger: AppLogger): FileLinks {
  const store = openFileStore(config);
  const links = createFileLinks({ baseUrl: config.publicUrl, logger, store, key: fileLinkKey(Buffer.from(config.concerns.encryptionKey, 'base64')) });
  store.sweep(Date.now()).catch((err: unknown) => {
    logger.error({ event: 'files.storeUnavailable', code: (err as { code?: string }).code ?? (err as Error).name },
      'the store for exports and policy documents cannot be reached: download links will not work until it can (docs/operations.md)');
  });
  return links;
}
