import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import restify from 'restify';
import { RouteInstaller } from './server';
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
 * (HMAC-SHA256 with a key that never leaves the process), expires after `ttlMs`, and every failure, whether a bad
 * signature, an expired link or an unknown id, is the same 404. Files live in a private temporary folder (0700, files
 * 0600) and are deleted when they expire and when the app stops.
 */
export interface FileLinks {
  /** Writes the content and returns its link; undefined when the bot has no public address to link to. */
  offer(fileName: string, contentType: string, content: string | Buffer): Promise<OfferedFile | undefined>;
  /**
   * Writes a file as it is made, chunk by chunk with the disk's back-pressure (never whole in memory), and returns its
   * link with what the writer returned; undefined, without calling the writer, when there is no public address.
   */
  offerWritten<T extends { fileName: string }>(
    contentType: string, write: (sink: { write(chunk: string): Promise<void> }) => Promise<T>,
  ): Promise<{ offered: OfferedFile; result: T } | undefined>;
  /**
   * A link to a file kept for as long as the bot runs (read once, by `load`, on the first offer under `key`), signed
   * afresh on each offer; `tag` (a short id of who it was offered to) comes back through `onDownloaded` when the link
   * is used. Undefined when there is no public address, or `load` finds no file.
   */
  offerKept(key: string, load: () => Promise<{ fileName: string; contentType: string; content: Buffer } | undefined>, tag?: string): Promise<(OfferedFile & { fileName: string }) | undefined>;
  /** Sets the address links start with, once known (local mode: after listen). */
  setBaseUrl(url: string): void;
  /** Tells `listener` whenever a kept file's link is used, with the key and the tag it was offered under (who read it). */
  listenDownloads(listener: (key: string, tag: string) => void): void;
  /** The GET route; install it with the server's routes. */
  route: RouteInstaller;
  /** Deletes expired files now (also runs on each offer). */
  sweep(): void;
  /** Deletes every file and the folder. */
  close(): void;
}

/** Options of the file links. */
export interface FileLinksOptions {
  /** How long a link works (default 15 minutes). */
  ttlMs?: number;
  /** The public address, when known at start (production). */
  baseUrl?: string;
  now?: () => number;
  /** Logs ids and sizes only: a file's name can carry a campaign id, never its content. */
  logger?: { info(obj: object, msg?: string): void };
}

const ID_PATTERN = /^[0-9a-f]{32}$/;
const DEFAULT_TTL_MS = 15 * 60 * 1000;

interface Meta {
  fileName: string;
  contentType: string;
  expiresAt: number;
  /** Kept files: the key they were offered under; they do not expire, their links do. */
  kept?: string;
  /** Kept files: their size, so that signing a new link reads nothing from disk. */
  bytes?: number;
}

const TAG_PATTERN = /^[\w.@:~-]{1,200}$/;

/** Creates the file links with a fresh key and folder. */
export function createFileLinks(options: FileLinksOptions = {}): FileLinks {
  const key = randomBytes(32);
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-bot-files-'));
  fs.chmodSync(dir, 0o700);
  const files = new Map<string, Meta>();
  let baseUrl = options.baseUrl === undefined ? undefined : withoutTrailingSlashes(options.baseUrl);
  const sweeper = setInterval(() => links.sweep(), 60_000);
  sweeper.unref();

  const sign = (id: string, expiresAt: number, tag = '') => createHmac('sha256', key).update(`${id}.${expiresAt}.${tag}`).digest('hex');
  const keptIds = new Map<string, Promise<string | undefined>>();
  const downloadListeners: ((key: string, tag: string) => void)[] = [];
  const remove = (id: string) => {
    files.delete(id);
    fs.rmSync(path.join(dir, id), { force: true });
  };

  function signatureMatches(id: string, expiresAt: number, given: string, tag = ''): boolean {
    const want = Buffer.from(sign(id, expiresAt, tag), 'hex');
    const got = /^[0-9a-f]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  const links: FileLinks = {
    async offer(fileName, contentType, content) {
      links.sweep();
      if (!baseUrl) return undefined;
      const id = randomBytes(16).toString('hex');
      const expiresAt = now() + ttlMs;
      await fs.promises.writeFile(path.join(dir, id), content, { mode: 0o600 });
      files.set(id, { fileName, contentType, expiresAt });
      const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
      options.logger?.info({ event: 'file.offered', id, bytes }, 'file offered for download');
      return { url: `${baseUrl}/files/${id}?e=${expiresAt}&s=${sign(id, expiresAt)}`, expiresAt: new Date(expiresAt).toISOString(), bytes };
    },

    async offerWritten<T extends { fileName: string }>(
      contentType: string, write: (sink: { write(chunk: string): Promise<void> }) => Promise<T>,
    ): Promise<{ offered: OfferedFile; result: T } | undefined> {
      links.sweep();
      if (!baseUrl) return undefined;
      const id = randomBytes(16).toString('hex');
      const file = path.join(dir, id);
      const out = fs.createWriteStream(file, { mode: 0o600 });
      const failed = new Promise<never>((_, reject) => out.once('error', reject));
      failed.catch(() => undefined);
      let result: T;
      try {
        result = await write({
          write: async (chunk) => {
            if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
          },
        });
        out.end();
        await Promise.race([finished(out), failed]);
      } catch (err) {
        out.destroy();
        fs.rmSync(file, { force: true });
        throw err;
      }
      const expiresAt = now() + ttlMs;
      files.set(id, { fileName: result.fileName, contentType, expiresAt });
      const bytes = fs.statSync(file).size;
      options.logger?.info({ event: 'file.offered', id, bytes }, 'file offered for download');
      return { offered: { url: `${baseUrl}/files/${id}?e=${expiresAt}&s=${sign(id, expiresAt)}`, expiresAt: new Date(expiresAt).toISOString(), bytes }, result };
    },

    async offerKept(fileKey, load, tag) {
      if (!baseUrl) return undefined;
      let pending = keptIds.get(fileKey);
      if (!pending) {
        pending = (async () => {
          const file = await load();
          if (!file) return undefined;
          const id = randomBytes(16).toString('hex');
          await fs.promises.writeFile(path.join(dir, id), file.content, { mode: 0o600 });
          files.set(id, { fileName: file.fileName, contentType: file.contentType, expiresAt: Number.MAX_SAFE_INTEGER, kept: fileKey, bytes: file.content.length });
          return id;
        })();
        keptIds.set(fileKey, pending);
        pending.then((id) => { if (!id) keptIds.delete(fileKey); }, () => keptIds.delete(fileKey));
      }
      const id = await pending;
      const meta = id ? files.get(id) : undefined;
      if (!id || !meta) return undefined;
      const expiresAt = now() + ttlMs;
      const t = tag && TAG_PATTERN.test(tag) ? tag : '';
      return {
        url: `${baseUrl}/files/${id}?e=${expiresAt}&s=${sign(id, expiresAt, t)}${t ? `&t=${encodeURIComponent(t)}` : ''}`,
        expiresAt: new Date(expiresAt).toISOString(), bytes: meta.bytes ?? 0, fileName: meta.fileName,
      };
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
        const meta = ID_PATTERN.test(id) ? files.get(id) : undefined;
        const tag = query.get('t') ?? '';
        const valid = meta !== undefined && Number.isSafeInteger(expiresAt) && (meta.kept !== undefined || expiresAt === meta.expiresAt)
          && signatureMatches(id, expiresAt, query.get('s') ?? '', meta.kept !== undefined ? tag : '') && now() < expiresAt;
        if (!valid || !meta) {
          res.send(404, { error: 'This link has expired or is not valid. Ask the bot for the file again.' });
          return;
        }
        const file = path.join(dir, id);
        const stat = fs.statSync(file, { throwIfNoEntry: false });
        if (!stat) {
          res.send(404, { error: 'This link has expired or is not valid. Ask the bot for the file again.' });
          return;
        }
        res.writeHead(200, {
          'Content-Type': meta.contentType,
          'Content-Length': stat.size,
          // RFC 6266: an ASCII fallback and the UTF-8 name.
          'Content-Disposition': `attachment; filename="${meta.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
        options.logger?.info({ event: 'file.downloaded', id }, 'file downloaded');
        if (meta.kept !== undefined && tag) for (const listener of downloadListeners) listener(meta.kept, tag);
        await pipeline(fs.createReadStream(file), res).catch(() => undefined); // the person closed the download
      });
    },

    sweep() {
      const at = now();
      for (const [id, meta] of files) if (meta.expiresAt <= at) remove(id);
    },

    close() {
      clearInterval(sweeper);
      files.clear();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return links;
}
