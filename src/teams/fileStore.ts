import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Readable } from 'node:stream';

/** A file the bot offers for download, as kept: its name, type, size and until when its links may be signed. */
export interface StoredFile {
  fileName: string;
  contentType: string;
  /** When the file goes (ms since the epoch); kept files never do (their links still expire). */
  expiresAt: number;
  /** Kept files: the key they were offered under (a policy version's document), given back when a link is used. */
  kept?: string;
  bytes: number;
}

/** Where a file is written as it is made. */
export interface FileSink {
  write(chunk: string): Promise<void>;
}

/**
 * Port: where offered files live. Every instance of the app must reach the same store for any of them to serve any link:
 * the folder beside the SQLite file (instances on one machine), or Azure Blob Storage beside the tables.
 */
export interface FileStore {
  /** Writes a file chunk by chunk with the store's back-pressure (never whole in memory); its name comes from what `write` returns. */
  write<T extends { fileName: string }>(id: string, details: Omit<StoredFile, 'fileName' | 'bytes'>, write: (sink: FileSink) => Promise<T>): Promise<{ result: T; bytes: number }>;
  /** Writes a whole file, unless one is already there under `id` (kept files: several instances may try, one is kept). */
  put(id: string, details: Omit<StoredFile, 'bytes'>, content: Buffer): Promise<void>;
  /** The file's details, or undefined. */
  stat(id: string): Promise<StoredFile | undefined>;
  /** The file's details and its content as a stream, or undefined. */
  open(id: string): Promise<{ file: StoredFile; content: Readable } | undefined>;
  /** Deletes every file (not kept ones) whose time has passed; resolves with how many. */
  sweep(now: number): Promise<number>;
  /** Lets go of the store (a temporary folder is deleted with everything in it). */
  close(): void;
}

/**
 * Files in a folder on this machine: each file `<id>` (0600) beside `<id>.json`, its details. The folder beside the SQLite
 * file is shared by every instance on the machine (and kept across restarts); a temporary one (SQLITE_PATH=:memory:,
 * tests, benches) is this process's own and is deleted when it closes.
 */
export function createFolderFileStore(folder?: string): FileStore {
  const temporary = folder === undefined;
  const dir = folder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'policy-bot-files-'));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = (id: string) => path.join(dir, id);
  const details = (id: string) => path.join(dir, `${id}.json`);
  const describe = async (id: string, stored: StoredFile): Promise<void> => {
    // Written beside the file and renamed into place, so a reader never sees half of it.
    const tmp = `${details(id)}.${randomBytes(6).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
    await fs.promises.rename(tmp, details(id));
  };
  const stat = async (id: string): Promise<StoredFile | undefined> => {
    try {
      return JSON.parse(await fs.promises.readFile(details(id), 'utf8')) as StoredFile;
    } catch {
      return undefined;
    }
  };
  return {
    async write(id, meta, write) {
      const out = fs.createWriteStream(file(id), { mode: 0o600 });
      const failed = new Promise<never>((_, reject) => out.once('error', reject));
      failed.catch(() => undefined);
      try {
        const result = await write({
          write: async (chunk) => {
            if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
          },
        });
        out.end();
        await Promise.race([finished(out), failed]);
        const bytes = (await fs.promises.stat(file(id))).size;
        await describe(id, { ...meta, fileName: result.fileName, bytes });
        return { result, bytes };
      } catch (err) {
        out.destroy();
        fs.rmSync(file(id), { force: true });
        throw err;
      }
    },
    async put(id, meta, content) {
      if (await stat(id)) return;
      const tmp = `${file(id)}.${randomBytes(6).toString('hex')}.tmp`;
      await fs.promises.writeFile(tmp, content, { mode: 0o600 });
      try {
        // A link is made only where there is no file yet: of two instances keeping it at once, one copy is kept.
        await fs.promises.link(tmp, file(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        return;
      } finally {
        await fs.promises.rm(tmp, { force: true });
      }
      await describe(id, { ...meta, bytes: content.length });
    },
    stat,
    async open(id) {
      const stored = await stat(id);
      if (!stored || !fs.existsSync(file(id))) return undefined;
      return { file: stored, content: fs.createReadStream(file(id)) };
    },
    async sweep(now) {
      let removed = 0;
      for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
        if (!name.endsWith('.json')) continue;
        const id = name.slice(0, -5);
        const stored = await stat(id);
        if (!stored || stored.kept !== undefined || stored.expiresAt > now) continue;
        fs.rmSync(file(id), { force: true });
        fs.rmSync(details(id), { force: true });
        removed += 1;
      }
      return removed;
    },
    close() {
      if (temporary) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
