import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassageVectorStore } from './passageRerank';

/**
 * A policy's passage vectors (passageRerank.ts) kept on disk between starts, as the question bank's index is
 * (bankIndexCache.ts): encoding a policy's hundred or so passages with the larger encoder takes seconds, reading them back
 * milliseconds. One file per key (the SHA-256 of the model's checksum and every passage text, so another model or another
 * version of the policy never reads them): the vectors as float32, then the SHA-256 of those bytes. A file that does not
 * hash or has another length is encoded again and written anew (whole under another name, then renamed); a folder that
 * cannot be written costs time, never an answer.
 */
export const PASSAGE_VECTOR_DIR = path.join(os.tmpdir(), `school-policy-bot-${process.getuid?.() ?? 'user'}`, 'passage-vectors');

/** The store in `dir`. */
export function createPassageVectorCache(dir: string = PASSAGE_VECTOR_DIR): PassageVectorStore {
  return {
    read(key, count, dimensions) {
      try {
        const bytes = fs.readFileSync(path.join(dir, `${key}.bin`));
        const size = count * dimensions * 4;
        if (bytes.length !== size + 32) return undefined;
        const body = bytes.subarray(0, size);
        if (!crypto.createHash('sha256').update(body).digest().equals(bytes.subarray(size))) return undefined;
        const all = new Float32Array(count * dimensions);
        new Uint8Array(all.buffer).set(body);
        return Array.from({ length: count }, (_, i) => all.subarray(i * dimensions, (i + 1) * dimensions));
      } catch {
        return undefined;
      }
    },
    write(key, vectors) {
      try {
        const body = Buffer.concat(vectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const kept = path.join(dir, `${key}.bin`);
        const part = `${kept}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
        fs.writeFileSync(part, Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]), { mode: 0o600 });
        fs.renameSync(part, kept);
      } catch {
        // Kept next time, perhaps.
      }
    },
  };
}
