import zlib from 'node:zlib';
import { INGEST_LIMITS, megabytes, PolicyLimitError } from './ingestLimits';

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');

/**
 * Refuses a PDF whose compressed streams unpack to more than the limits, before PDF.js reads it: PDF.js inflates a
 * page's content whole, so a 1.5 MB stream of zeros became a 1.5 GB buffer. Each stream's bytes (from "stream" to
 * "endstream") are inflated with zlib's maxOutputLength, so no more than the limit is ever produced. Data that is not
 * zlib (pictures in JPEG, an encrypted file's streams, other filters) is not counted here: the separate reader process's
 * time and memory limits stop those.
 */
export function assertPdfStreamsWithinLimits(pdf: Buffer): void {
  let total = 0;
  for (let at = pdf.indexOf(STREAM); at >= 0; at = pdf.indexOf(STREAM, at + STREAM.length)) {
    // "endstream" holds "stream" too; a stream's data starts after the keyword and its end of line.
    if (at >= 3 && pdf.toString('latin1', at - 3, at) === 'end') continue;
    let start = at + STREAM.length;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] !== 0x0a && pdf[start - 1] !== 0x0d) continue;
    if (pdf[start] === 0x0a) start++;
    const end = pdf.indexOf(END_STREAM, start);
    const data = pdf.subarray(start, end < 0 ? pdf.length : end);
    const left = INGEST_LIMITS.pdfDecodedBytes - total;
    const size = inflatedSize(data, Math.min(INGEST_LIMITS.pdfStreamBytes, left) + 1);
    if (size > INGEST_LIMITS.pdfStreamBytes) {
      throw new PolicyLimitError('pdfStreamBytes', `one of its compressed streams unpacks to more than ${megabytes(INGEST_LIMITS.pdfStreamBytes)}, more than a policy needs`);
    }
    total += size;
    if (total > INGEST_LIMITS.pdfDecodedBytes) {
      throw new PolicyLimitError('pdfDecodedBytes', `its compressed streams unpack to more than ${megabytes(INGEST_LIMITS.pdfDecodedBytes)} in all, more than a policy needs`);
    }
    if (end < 0) break;
    at = end;
  }
}

/** How many bytes zlib data inflates to, counting no further than `cap`; 0 for data that is not zlib. */
function inflatedSize(data: Buffer, cap: number): number {
  try {
    return zlib.inflateSync(data, { maxOutputLength: cap, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
  } catch (err) {
    return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? cap : 0;
  }
}
