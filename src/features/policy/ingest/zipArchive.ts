import zlib from 'node:zlib';
import { count, INGEST_LIMITS, megabytes, PolicyLimitError } from './ingestLimits';

/**
 * Reading a Word package (a zip file) with its sizes checked before anything is inflated: the central directory at
 * the end of the file lists every part with its declared sizes, so too many parts, or a part that would unpack to too
 * much, is refused from a few bytes; a part that inflates past the size it declared is stopped there (zlib's
 * maxOutputLength), so a package that lies about its sizes is refused too.
 */

/** One part of the package, as its central directory lists it. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The file is not a zip package, or a damaged one. */
export class ZipFormatError extends Error {}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** The parts the package lists, after checking how many there are. */
export function readZipDirectory(zip: Buffer): ZipEntry[] {
  // The end-of-directory record is the last 22 bytes, or fewer than 64 KB before the end when the zip has a comment.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_DIRECTORY) { end = at; break; }
  }
  if (end < 0) throw new ZipFormatError('no zip directory');
  const entries = zip.readUInt16LE(end + 10);
  const directoryOffset = zip.readUInt32LE(end + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) throw new ZipFormatError('a zip64 package');
  if (entries > INGEST_LIMITS.docxEntries) {
    throw new PolicyLimitError('docxEntries', `the Word file holds ${count(entries)} parts, more than the ${count(INGEST_LIMITS.docxEntries)} a policy document has`);
  }
  const out: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new ZipFormatError('a damaged zip directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const flags = zip.readUInt16LE(at + 8);
    out.push({
      name: zip.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      flags,
      compressedSize: zip.readUInt32LE(at + 20),
      uncompressedSize: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** A part's unpacked bytes: refused before inflating when it declares too much, and stopped if it inflates past that. */
export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  if (entry.uncompressedSize > INGEST_LIMITS.docxPartBytes) {
    throw new PolicyLimitError('docxPartBytes', `its ${entry.name} would unpack to ${megabytes(entry.uncompressedSize)}, more than the ${megabytes(INGEST_LIMITS.docxPartBytes)} a policy needs`);
  }
  if (entry.flags & 0x1) throw new ZipFormatError(`${entry.name} is encrypted`);
  const header = entry.localHeaderOffset;
  if (header + 30 > zip.length || zip.readUInt32LE(header) !== LOCAL_HEADER) throw new ZipFormatError(`${entry.name} is damaged`);
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new ZipFormatError(`${entry.name} is cut short`);
  if (entry.method === STORED) return data;
  if (entry.method !== DEFLATED) throw new ZipFormatError(`${entry.name} is packed in a way Word does not use`);
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PolicyLimitError('docxPartBytes', `its ${entry.name} unpacks to more than the ${count(entry.uncompressedSize)} bytes its package declares (the file is damaged or made to mislead)`);
    }
    throw new ZipFormatError(`${entry.name} is damaged`);
  }
}
