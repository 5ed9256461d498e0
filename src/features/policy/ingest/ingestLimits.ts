/**
 * What a policy document may ask of the reader, checked before the work it would cause (issue 40, hole 1): a 350 KB
 * Word file of 40 million empty paragraphs, a 1.5 MB PDF holding a 1.5 GB stream and a 120,000-page PDF each took the
 * bot down. Every limit is far above what a school's policy needs (the figures beside them are from the five real
 * policies, the 38 corpus policies and their Word and PDF versions) and well below what would exhaust the reader.
 */
export const INGEST_LIMITS = {
  /** Size of the file (a file sent in chat is at most 20 MB; the real policies' PDFs are under 60 KB). */
  fileBytes: 50 * 1024 * 1024,
  /**
   * Characters of text in all (the longest real policy has about 20,000; this is some 200 pages). Everything after the
   * reading (the index, the rules, what changed) is held and worked out in the bot: an outside review published a policy
   * of 4.8 million characters under the old limit of 5 million and the bot stalled for 49 s and sat at 2.2 GB after.
   */
  textChars: 400_000,
  /** Characters on one line, that is one paragraph of Word or PDF text (the longest real one has 603). */
  lineChars: 10_000,
  /** Parts in a Word package (Word writes about a dozen, plus one per picture). */
  docxEntries: 2_000,
  /** Unpacked size, as the package declares it and as it inflates, of each part the reader reads (document.xml). */
  docxPartBytes: 32 * 1024 * 1024,
  /** XML elements in one part, each 500 to 650 bytes of parser memory (the real policies' Word files have under 1,200). */
  xmlElements: 400_000,
  /** Pages of a PDF. */
  pdfPages: 1_000,
  /** What one compressed PDF stream unpacks to (a full-page photograph at 300 dpi is about 26 MB). */
  pdfStreamBytes: 64 * 1024 * 1024,
  /** What all a PDF's compressed streams unpack to, together. */
  pdfDecodedBytes: 256 * 1024 * 1024,
  /** Separate pieces of text on one PDF page (a dense page has about 2,000). */
  pdfPageItems: 10_000,
} as const;

/** Which limit refused a document: one of INGEST_LIMITS, or the time and memory the separate reader process has. */
export type PolicyLimit = keyof typeof INGEST_LIMITS | 'parseTime' | 'parseMemory';

/** A document asks for more than a limit allows; `detail` says which limit and by how much, for the owner. */
export class PolicyLimitError extends Error {
  constructor(readonly limit: PolicyLimit, readonly detail: string) {
    super(detail);
    this.name = 'PolicyLimitError';
  }
}

/** "1,500,000", as an owner reads a count. */
export const count = (n: number): string => n.toLocaleString('en-GB');

/** "240 MB", as an owner reads a size. */
export const megabytes = (bytes: number): string => `${count(Math.round(bytes / (1024 * 1024)))} MB`;

/** What the owner is told about a file over INGEST_LIMITS.fileBytes. */
export const fileTooLarge = (bytes: number): string => `the file is ${megabytes(bytes)}, more than the ${megabytes(INGEST_LIMITS.fileBytes)} a policy needs`;

/** Refuses a file larger than INGEST_LIMITS.fileBytes, before it is read. */
export function assertFileWithinLimit(bytes: number): void {
  if (bytes > INGEST_LIMITS.fileBytes) throw new PolicyLimitError('fileBytes', fileTooLarge(bytes));
}

/**
 * Refuses text too long in all, or with a line (a paragraph) too long, before any pattern reads it. Every pattern the
 * reader runs is linear, so a long line is no longer slow; it is refused because no policy has one (the longest real
 * line is 603 characters) and a paragraph of 10,000 characters cannot be quoted back as an answer: it is a file exported
 * without line breaks, or not a policy at all.
 */
export function assertLinesWithinLimit(text: string): void {
  if (text.length > INGEST_LIMITS.textChars) {
    throw new PolicyLimitError('textChars', `its text is ${count(text.length)} characters long, more than the ${count(INGEST_LIMITS.textChars)} a policy needs`);
  }
  let start = 0;
  let line = 1;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    // "\r\n", "\r" and "\n" each end a line, as the reader splits them.
    if (i < text.length && c !== 10 && c !== 13) continue;
    if (i - start > INGEST_LIMITS.lineChars) {
      throw new PolicyLimitError('lineChars', `line ${count(line)} is ${count(i - start)} characters long, more than the ${count(INGEST_LIMITS.lineChars)} a line or paragraph of a policy has`);
    }
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
    line++;
  }
}
