import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BankIndex, buildBankIndex, QuestionBankFile } from './questionBank';

/**
 * The question bank's BankIndex kept on disk between starts (issue 68): building it from the bank's 11,000 questions
 * is about 0.3 s of CPU, most of loading the answering model, paid by every start of the bot (and by every test file
 * that starts one); reading it back takes a few milliseconds. It is kept in the system's temporary folder, one file
 * per bank and per build of the code that builds it: named by the SHA-256 of the bank's file, of questionBank's own
 * code (an edited builder never reads an older index) and of this format. The file ends with the SHA-256 of all
 * before it, and is read only if that matches and every length agrees; anything else is built again and written anew
 * (written whole under another name, then renamed). A folder that cannot be written costs time, never an answer.
 */
const FORMAT = 'school-policy-bot bank index 2';
const MAGIC = Buffer.from('SPBBANK1');

/** Where kept indexes live: the system's temporary folder, one folder per user. */
export const BANK_INDEX_DIR = path.join(os.tmpdir(), `school-policy-bot-${process.getuid?.() ?? 'user'}`, 'bank-index');

let builderHash: string | undefined;
/** The SHA-256 of questionBank's own code (its .ts under Jest, its compiled .js in dist/): an edit makes a new key. */
function questionBankCodeHash(): string {
  if (builderHash === undefined) {
    const file = require.resolve('./questionBank');
    builderHash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return builderHash;
}

interface Header {
  words: number; chars: number; wordBytes: number; charBytes: number; width: number; postings: number;
  answerTerms: number; answerTermBytes: number; answers: number; answerEntries: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function encode(index: BankIndex): Buffer | undefined {
  // A term holding the separator cannot be written this way: such a bank is simply not kept.
  if ([index.words, index.chars, index.answerTerms].some((list) => list.some((t) => t.includes('\n')))) return undefined;
  const words = Buffer.from(index.words.join('\n'), 'utf8');
  const chars = Buffer.from(index.chars.join('\n'), 'utf8');
  const answerTerms = Buffer.from(index.answerTerms.join('\n'), 'utf8');
  const width = index.postings.start.length - 1;
  const header: Header = {
    words: index.words.length, chars: index.chars.length, wordBytes: words.length, charBytes: chars.length, width, postings: index.postings.row.length,
    answerTerms: index.answerTerms.length, answerTermBytes: answerTerms.length, answers: index.answers.start.length - 1, answerEntries: index.answers.row.length,
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Buffer[] = [];
  let at = 0;
  const push = (b: Buffer | Uint8Array, pad = true): void => {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    parts.push(buf);
    at += buf.length;
    if (pad && at % 8 !== 0) {
      const zeros = align8(at) - at;
      parts.push(Buffer.alloc(zeros));
      at += zeros;
    }
  };
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  push(MAGIC, false);
  push(length, false);
  push(head);
  push(words);
  push(chars);
  push(answerTerms);
  const bytesOf = (a: Float64Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (const a of [index.wordIdf, index.charIdf, index.postings.start, index.postings.row, index.postings.value, index.textIdf, index.answers.start, index.answers.row, index.answers.value]) push(bytesOf(a));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]);
}

/** The index in `bytes`, or undefined when they are not a whole, unaltered file of this format. */
export function decodeBankIndex(bytes: Buffer): BankIndex | undefined {
  if (bytes.length < MAGIC.length + 4 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const body = bytes.subarray(0, bytes.length - 32);
  if (!crypto.createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - 32))) return undefined;
  let header: Header;
  const headLength = body.readUInt32LE(MAGIC.length);
  let at = MAGIC.length + 4;
  try {
    header = JSON.parse(body.toString('utf8', at, at + headLength)) as Header;
  } catch {
    return undefined;
  }
  at = align8(at + headLength);
  // Each array is a view of the file's bytes where they sit on 8-byte boundaries (a large file read whole starts on
  // one), or a copy where they do not.
  const take = (n: number): Buffer => {
    if (at + n > body.length) throw new RangeError('short');
    const part = body.subarray(at, at + n);
    at = align8(at + n);
    return part.byteOffset % 8 === 0 ? part : Buffer.from(part);
  };
  const list = (count: number, bytes: number): string[] => (count === 0 && bytes === 0 ? [] : take(bytes).toString('utf8').split('\n'));
  try {
    const words = list(header.words, header.wordBytes);
    const chars = list(header.chars, header.charBytes);
    const answerTerms = list(header.answerTerms, header.answerTermBytes);
    const f64 = (n: number): Float64Array => { const b = take(n * 8); return new Float64Array(b.buffer, b.byteOffset, n); };
    const i32 = (n: number): Int32Array => { const b = take(n * 4); return new Int32Array(b.buffer, b.byteOffset, n); };
    const wordIdf = f64(header.words);
    const charIdf = f64(header.chars);
    const postings = { start: i32(header.width + 1), row: i32(header.postings), value: f64(header.postings) };
    const textIdf = f64(header.answerTerms);
    const answers = { start: i32(header.answers + 1), row: i32(header.answerEntries), value: f64(header.answerEntries) };
    const index: BankIndex = { words, chars, wordIdf, charIdf, postings, answerTerms, textIdf, answers };
    const ok = words.length === header.words && chars.length === header.chars && answerTerms.length === header.answerTerms
      && header.width === header.words + header.chars && postings.start[header.width] === header.postings
      && answers.start[header.answers] === header.answerEntries && at === align8(body.length);
    return ok ? index : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The BankIndex of the bank in `file` (whose bytes hash to `bankSha256`): read back from `dir` when kept there,
 * otherwise built and kept.
 */
export function keptBankIndex(file: QuestionBankFile, bankSha256: string, dir: string = BANK_INDEX_DIR): BankIndex {
  const key = crypto.createHash('sha256').update(`${FORMAT}\0${bankSha256}\0${questionBankCodeHash()}`).digest('hex');
  const kept = path.join(dir, `${key}.bin`);
  try {
    const index = decodeBankIndex(fs.readFileSync(kept));
    if (index) return index;
  } catch {
    // Not kept yet, or unreadable: built below.
  }
  const index = buildBankIndex(file);
  const bytes = encode(index);
  if (bytes) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const part = `${kept}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      fs.writeFileSync(part, bytes, { mode: 0o600 });
      fs.renameSync(part, kept);
    } catch {
      // Kept next time, perhaps: the index built here is used all the same.
    }
  }
  return index;
}
