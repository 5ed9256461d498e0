import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import restify from 'restify';
import { RouteInstaller } from './server';
import { createFolderFileStore, FileStore } from './fileStore';
import { withoutTrailingSlashes } from '../shared/linearTrim';

/** A file offered for download: where to fetch it and until when. */
export interface OfferedFile {
  url: string;
  expiresAt: string;
  bytes: number;
}

/** The part of the file links a feature uses: offering a file. */
export type FileOffers = Pick<FileLinks, 'offerWritten'>;

/** The part a feature uses to hand out a file it keeps (a policy document as published) to many people. */
export type KeptFileOffers = Pick<FileLinks, 'offerKept'>;

/**
 * Files the bot hands to a person as a short-lived link it serves itself (GET /files/<id>?e=<expiry>&s=<signature>),
 * the way a chat can carry a file that Teams would refuse as a `data:` URL or a 60 KB message. The link is signed
 * (HMAC-SHA256 with a key every instance derives from the same secret, never sent anywhere), expires after `ttlMs`, and
 * every failure, whether a bad signature, an expired link or an unknown id, is the same 404. The files themselves live in
 * a store every instance reaches (fileStore.ts: the folder beside the SQLite file, or Azure Blob Storage), so a browser
 * that lands on any instance gets the file, and a download of a kept document is told to this instance's listeners
 * whichever instance offered it. Files are deleted once their links have expired.
 */
export interface FileLinks {
  /** Writes the content and returns its link; undefined when the bot has no public address to link to. */
  offer(fileName: string, contentType: string, content: string | Buffer): Promise<OfferedFile | undefined>;
  /**
   * Writes a file as it is made, chunk by chunk with the store's back-pressure (never whole in memory), and returns its
   * link with what the writer returned; undefined, without calling the writer, when there is no public address.
   */
  offerWritten<T extends { fileName: string }>(
    contentType: string, write: (sink: { write(chunk: string): Promise<void> }) => Promise<T>,
  ): Promise<{ offered: OfferedFile; result: T } | undefined>;
  /**
   * A link to a file kept for good under `key` (stored once, by whichever instance offers it first, from what `load`
   * reads), signed afresh on each offer; `tag` (a short id of who it was offered to) comes back through `onDownloaded`
   * when the link is used, on whichever instance serves it. Undefined when there is no public address, `load` finds no
   * file, or the store cannot be reached (logged).
   */
  offerKept(key: string, load: () => Promise<{ fileName: string; contentType: string; content: Buffer } | undefined>, tag?: string): Promise<(OfferedFile & { fileName: string }) | undefined>;
  /** Sets the address links start with, once known (local mode: after listen). */
  setBaseUrl(url: string): void;
  /** Tells `listener` whenever a kept file's link is used, with the key and the tag it was offered under (who read it). */
  listenDownloads(listener: (key: string, tag: string) => void): void;
  /** The GET route; install it with the server's routes. */
  route: RouteInstaller;
  /** Deletes expired files now (also runs every minute). */
  sweep(): Promise<void>;
  /** Stops the sweep and lets go of the store. */
  close(): void;
}

/** Options of the file links. */
export interface FileLinksOptions {
  /** How long a link works (default 15 minutes). */
  ttlMs?: number;
  /** The public address, when known at start (production). */
  baseUrl?: string;
  /** Where the files live (default: a temporary folder of this process's own). */
  store?: FileStore;
  /** The signing key every instance shares (fileLinkKey); default: a fresh one, which only this process can check. */
  key?: Buffer;
  now?: () => number;
  /** Logs ids and sizes only: a file's name can carry a campaign id, never its content. */
  logger?: { info(obj: object, msg?: string): void; warn?(obj: object, msg?: string): void };
}

const ID_PATTERN = /^[0-9a-f]{32}$/;
const DEFAULT_TTL_MS = 15 * 60 * 1000;
const TAG_PATTERN = /^[\w.@:~-]{1,200}$/;
const NOT_VALID = { error: 'This link has expired or is not valid. Ask the bot for the file again.' };

/** The links' signing key from a secret every instance has (the concern key): HMAC-SHA256 with its own label, never the secret itself. */
export function fileLinkKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('school-policy-bot file links v1').digest();
}

/** Creates the file links over a store (by default a temporary folder) with a key (by default a fresh one). */
export function createFileLinks(options: FileLinksOptions = {}): FileLinks {
  const key = options.key ?? randomBytes(32);
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  const store = options.store ?? createFolderFileStore();
  let baseUrl = options.baseUrl === undefined ? undefined : withoutTrailingSlashes(options.baseUrl);
  const sweeper = setInterval(() => void links.sweep(), 60_000);
  sweeper.unref();

  const sign = (id: string, expiresAt: number, tag = '') => createHmac('sha256', key).update(`${id}.${expiresAt}.${tag}`).digest('hex');
  /** Kept files this instance has stored or found, by key: their name and size, so a new link reads nothing. */
  const kept = new Map<string, Promise<{ id: string; fileName: string; bytes: number } | undefined>>();
  const downloadListeners: ((key: string, tag: string) => void)[] = [];
  const linkTo = (id: string, expiresAt: number, tag = '') =>
    `${baseUrl}/files/${id}?e=${expiresAt}&s=${sign(id, expiresAt, tag)}${tag ? `&t=${encodeURIComponent(tag)}` : ''}`;

  function signatureMatches(id: string, expiresAt: number, given: string, tag = ''): boolean {
    const want = Buffer.from(sign(id, expiresAt, tag), 'hex');
    const got = /^[0-9a-f]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  const links: FileLinks = {
    async offer(fileName, contentType, content) {
      const written = await links.offerWritten(contentType, async (sink) => {
        await sink.write(typeof content === 'string' ? content : content.toString('utf8'));
        return { fileName };
      });
      return written?.offered;
    },

    async offerWritten<T extends { fileName: string }>(
      contentType: string, write: (sink: { write(chunk: string): Promise<void> }) => Promise<T>,
    ): Promise<{ offered: OfferedFile; result: T } | undefined> {
      void links.sweep();
      if (!baseUrl) return undefined;
      const id = randomBytes(16).toString('hex');
      const expiresAt = now() + ttlMs;
      const { result, bytes } = await store.write(id, { contentType, expiresAt }, write);
      options.logger?.info({ event: 'file.offered', id, bytes }, 'file offered for download');
      return { offered: { url: linkTo(id, expiresAt), expiresAt: new Date(expiresAt).toISOString(), bytes }, result };
    },

    async offerKept(fileKey, load, tag) {
      if (!baseUrl) return undefined;
      let pending = kept.get(fileKey);
      if (!pending) {
        pending = (async () => {
          // One id per key on every instance: whichever offers it first stores it, the others find it there.
          const id = createHash('sha256').update(`kept\n${fileKey}`).digest('hex').slice(0, 32);
          const there = await store.stat(id);
          if (there) return { id, fileName: there.fileName, bytes: there.bytes };
          const file = await load();
          if (!file) return undefined;
          await store.put(id, { fileName: file.fileName, contentType: file.contentType, expiresAt: Number.MAX_SAFE_INTEGER, kept: fileKey }, file.content);
          return { id, fileName: file.fileName, bytes: file.content.length };
        })();
        kept.set(fileKey, pending);
        pending.then((found) => { if (!found) kept.delete(fileKey); }, () => kept.delete(fileKey));
      }
      const found = await pending.catch((err: unknown) => {
        options.logger?.warn?.({ event: 'file.storeUnavailable', code: (err as { code?: string }).code ?? (err as Error).name }, 'a kept document could not be stored or found: offered without its link');
        return undefined;
      });
      if (!found) return undefined;
      const expiresAt = now() + ttlMs;
      const t = tag && TAG_PATTERN.test(tag) ? tag : '';
      return { url: linkTo(found.id, expiresAt, t), expiresAt: new Date(expiresAt).toISOString(), bytes: found.bytes, fileName: found.fileName };
    },

    listenDownloads(listener) {
      downloadListeners.push(listener);
    },

    setBaseUrl(url) {
      baseUrl = withoutTrailingSlashes(url);
    },

    route(server: restify.Server) {
      server.get('/files/:id', async (req, res) => {
        const id = String(req.params?.id ?? '');
        const query = new URL(req.url ?? '', 'http://x').searchParams;
        const expiresAt = Number(query.get('e'));
        const tag = query.get('t') ?? '';
        // The signature is checked before the store is asked anything: a forged link costs no read.
        const signed = ID_PATTERN.test(id) && Number.isSafeInteger(expiresAt) && now() < expiresAt
          && signatureMatches(id, expiresAt, query.get('s') ?? '', tag);
        const opened = signed ? await store.open(id).catch(() => undefined) : undefined;
        const meta = opened?.file;
        const valid = meta !== undefined && (meta.kept !== undefined || (expiresAt === meta.expiresAt && tag === ''));
        if (!valid || !opened) {
          opened?.content.destroy();
          res.send(404, NOT_VALID);
          return;
        }
        res.writeHead(200, {
          'Content-Type': meta.contentType,
          'Content-Length': meta.bytes,
          // RFC 6266: an ASCII fallback and the UTF-8 name.
          'Content-Disposition': `attachment; filename="${meta.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
        options.logger?.info({ event: 'file.downloaded', id }, 'file downloaded');
        if (meta.kept !== undefined && tag) for (const listener of downloadListeners) listener(meta.kept, tag);
        await pipeline(opened.content, res).catch(() => undefined); // the person closed the download
      });
    },

    async sweep() {
      await store.sweep(now()).catch(() => 0);
    },

    close() {
      clearInterval(sweeper);
      store.close();
    },
  };
  return links;
}
