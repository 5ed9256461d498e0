import { PassThrough, Readable } from 'node:stream';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/core-auth';
import { FileStore, StoredFile } from '../../teams/fileStore';

/** How to reach the account's Blob service: its connection string, or its blob URL with an identity. */
export interface BlobConnection {
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
  /** The container the files go in (created when missing): lower-case letters, digits and hyphens. */
  container: string;
}

/** The container name a table prefix gives ("policybot" -> "policybot-files"). */
export const filesContainerName = (tablePrefix: string): string => `${tablePrefix.toLowerCase()}-files`.slice(0, 63);

/** A table account URL's Blob service ("https://acct.table.core.windows.net/" -> "https://acct.blob.core.windows.net/"). */
export const blobUrlOf = (tableUrl: string): string => tableUrl.replace(/\.table\./, '.blob.');

const UPLOAD_BUFFER = 4 * 1024 * 1024;
/** A blob with no time of its own (an upload stopped before its details were written) goes after a day. */
const ORPHAN_MS = 24 * 3600_000;

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number })?.statusCode;

/** A stored file's details as blob metadata (ASCII only: names are percent-encoded). */
function metadataOf(file: Partial<StoredFile>): Record<string, string> {
  return {
    ...(file.expiresAt !== undefined ? { expiresat: String(file.expiresAt) } : {}),
    ...(file.fileName !== undefined ? { filename: encodeURIComponent(file.fileName) } : {}),
    ...(file.kept !== undefined ? { kept: encodeURIComponent(file.kept) } : {}),
  };
}

function fileOf(metadata: Record<string, string> | undefined, contentType: string | undefined, bytes: number | undefined): StoredFile | undefined {
  if (!metadata?.filename || !metadata.expiresat) return undefined;
  return {
    fileName: decodeURIComponent(metadata.filename), contentType: contentType ?? 'application/octet-stream', expiresAt: Number(metadata.expiresat),
    ...(metadata.kept ? { kept: decodeURIComponent(metadata.kept) } : {}), bytes: bytes ?? 0,
  };
}

/**
 * Offered files in Azure Blob Storage, beside the tables, so every instance serves every link: one blob per file, its
 * name, time and (for kept documents) key as metadata, its content type as the blob's own. A kept document is created
 * only where there is none (If-None-Match: *), so of instances storing it at once one is kept. The container is private
 * (the app reaches it as its managed identity); expired files are deleted by every instance's sweep.
 */
export function createBlobFileStore(connection: BlobConnection): FileStore {
  const service = connection.connectionString
    ? BlobServiceClient.fromConnectionString(connection.connectionString)
    : new BlobServiceClient(connection.accountUrl ?? '', connection.credential);
  const container: ContainerClient = service.getContainerClient(connection.container);
  let ready: Promise<unknown> | undefined;
  const opened = (): Promise<unknown> => {
    ready ??= container.createIfNotExists().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };
  const blob = (id: string) => container.getBlockBlobClient(id);

  return {
    async write(id, details, write) {
      await opened();
      const body = new PassThrough();
      let bytes = 0;
      const upload = blob(id).uploadStream(body, UPLOAD_BUFFER, 2, {
        metadata: metadataOf({ expiresAt: details.expiresAt }), blobHTTPHeaders: { blobContentType: details.contentType },
      });
      upload.catch(() => undefined);
      try {
        const result = await write({
          write: async (chunk) => {
            bytes += Buffer.byteLength(chunk);
            if (!body.write(chunk)) await new Promise<void>((resolve, reject) => { body.once('drain', resolve); upload.catch(reject); });
          },
        });
        body.end();
        await upload;
        // Its name is known once it is written (the writer names it): the details are complete from here.
        await blob(id).setMetadata(metadataOf({ ...details, fileName: result.fileName }));
        return { result, bytes };
      } catch (err) {
        body.destroy();
        await blob(id).deleteIfExists().catch(() => undefined);
        throw err;
      }
    },
    async put(id, details, content) {
      await opened();
      try {
        await blob(id).upload(content, content.length, {
          metadata: metadataOf(details), blobHTTPHeaders: { blobContentType: details.contentType }, conditions: { ifNoneMatch: '*' },
        });
      } catch (err) {
        // 409: another instance stored it first.
        if (statusOf(err) !== 409) throw err;
      }
    },
    async stat(id) {
      try {
        const props = await blob(id).getProperties();
        return fileOf(props.metadata, props.contentType, props.contentLength);
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async open(id) {
      try {
        const got = await blob(id).download();
        const file = fileOf(got.metadata, got.contentType, got.contentLength);
        const content = got.readableStreamBody as Readable | undefined;
        if (!file || !content) {
          content?.destroy?.();
          return undefined;
        }
        return { file, content };
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async sweep(now) {
      await opened();
      let removed = 0;
      for await (const item of container.listBlobsFlat({ includeMetadata: true })) {
        const expiresAt = Number(item.metadata?.expiresat);
        const kept = item.metadata?.kept !== undefined;
        const orphan = !Number.isFinite(expiresAt) && (item.properties.lastModified?.getTime() ?? now) < now - ORPHAN_MS;
        if (kept || !(expiresAt <= now || orphan)) continue;
        if (await container.deleteBlob(item.name).then(() => true, () => false)) removed += 1;
      }
      return removed;
    },
    close() {
      // Nothing held open: the HTTP agent's sockets close when idle.
    },
  };
}
