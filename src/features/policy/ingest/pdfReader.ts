import { STYLED_HEADING_MARK } from './textPolicyReader';
import { count, INGEST_LIMITS, PolicyLimitError } from './ingestLimits';
import { assertPdfStreamsWithinLimits } from './pdfStreams';

/** A run of text as PDF.js gives it, with where it sits on the page. */
interface TextItem {
  str: string;
  /** [scaleX, skewY, skewX, scaleY, x, y] */
  transform: number[];
  width: number;
  fontName: string;
}

interface PdfPage {
  getViewport(options: { scale: number }): { width: number; height: number };
  getTextContent(): Promise<{ items: (TextItem | { type: string })[] }>;
}

interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  cleanup?(): Promise<void>;
}

// unpdf bundles PDF.js for Node; its typings bring in the browser's DOM library, so it is described here instead.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getDocumentProxy } = require('unpdf') as { getDocumentProxy(data: Uint8Array, options?: Record<string, unknown>): Promise<PdfDocument> };

/** The PDF has no text to read: a scan, or a file of images. */
export class PdfNoTextError extends Error {}

/** One line of a page: its text pieces left to right, its baseline and size. */
interface PageLine {
  page: number;
  y: number;
  x: number;
  size: number;
  pieces: { x: number; end: number; str: string }[];
  /** Near the top or bottom edge, where running headers and footers sit. */
  edge: boolean;
}

/** What the PDF reader found, for the warnings an owner sees. */
export interface PdfText {
  text: string;
  pages: number;
  /** Lines dropped as page furniture (running headers, footers, page numbers). */
  furniture: number;
  headings: number;
}

const PAGE_NUMBER_RE = /^(page\s*)?\d{1,3}(\s*(of|\/)\s*\d{1,3})?$/i;
const LABEL_RE = /^(\(?([0-9]{1,2}(\.[0-9]{1,2})*|[ivxlc]{1,6}|[a-z])[.)]?\)?|[\u2022\u25aa\u25cf\u25e6\u2013o\-*])$/i;
const BULLET_RE = /^[\u2022\u25aa\u25cf\u25e6o\-*]$/;

/**
 * Reads a PDF from its layout, not as a flat string: text runs are put into lines by baseline, lines into
 * paragraphs by the space between them; lines in a larger font than the body are headings (a title wrapped over
 * two lines stays one heading); a number and its title apart on one line are joined; cells far apart on a line
 * are a table row; lines repeated near the top or bottom of most pages, and page numbers, are page furniture.
 */
export async function readPdfText(buffer: Buffer): Promise<PdfText> {
  assertPdfStreamsWithinLimits(buffer);
  const pdf = await getDocumentProxy(new Uint8Array(buffer), { isEvalSupported: false, useSystemFonts: false, verbosity: 0 });
  try {
    // The page count is read from the page tree's root before any page is.
    if (pdf.numPages > INGEST_LIMITS.pdfPages) {
      throw new PolicyLimitError('pdfPages', `it has ${count(pdf.numPages)} pages, more than the ${count(INGEST_LIMITS.pdfPages)} a policy needs`);
    }
    const lines: PageLine[] = [];
    let chars = 0;
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const { height } = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      // Placing pieces into lines compares each with the page's lines so far: bounded by the pieces a page may hold.
      if (content.items.length > INGEST_LIMITS.pdfPageItems) {
        throw new PolicyLimitError('pdfPageItems', `page ${count(p)} holds ${count(content.items.length)} separate pieces of text, more than the ${count(INGEST_LIMITS.pdfPageItems)} a page of a policy has`);
      }
      const items = content.items.filter((i): i is TextItem => 'str' in i && i.str.trim() !== '');
      chars += items.reduce((n, i) => n + i.str.length, 0);
      if (chars > INGEST_LIMITS.textChars) {
        throw new PolicyLimitError('textChars', `its text is more than ${count(INGEST_LIMITS.textChars)} characters long, more than a policy needs`);
      }
      lines.push(...pageLines(p, height, items));
    }
    if (lines.length === 0) throw new PdfNoTextError('the PDF has no text layer (it looks like a scan): export it from Word, or run it through OCR first');
    return layoutToText(lines, pdf.numPages);
  } finally {
    await pdf.cleanup?.();
  }
}

function pageLines(page: number, height: number, items: TextItem[]): PageLine[] {
  const lines: PageLine[] = [];
  for (const item of items.sort((a, b) => b.transform[5] - a.transform[5] || a.transform[4] - b.transform[4])) {
    const [scaleX, , , scaleY, x, y] = item.transform;
    const size = Math.round(Math.max(Math.abs(scaleY), Math.abs(scaleX)) * 10) / 10;
    const line = lines.find((l) => Math.abs(l.y - y) <= Math.max(2, size * 0.3));
    const piece = { x, end: x + item.width, str: item.str };
    if (line) {
      line.pieces.push(piece);
      line.size = Math.max(line.size, size);
      line.x = Math.min(line.x, x);
    } else {
      lines.push({ page, y, x, size, pieces: [piece], edge: y > height * 0.93 || y < height * 0.07 });
    }
  }
  for (const l of lines) l.pieces.sort((a, b) => a.x - b.x);
  return lines.sort((a, b) => b.y - a.y);
}

/**
 * A line's text: pieces far apart are table cells (tab-separated); a list label is joined to what it labels.
 * `cellX` and `cellText` are each cell's left edge and text.
 */
function lineText(line: PageLine): { text: string; cellX: number[]; cellText: string[] } {
  let text = '';
  const cellX = [line.pieces[0].x];
  const cellText = [''];
  let prev: PageLine['pieces'][number] | undefined;
  for (const piece of line.pieces) {
    if (prev) {
      const gap = piece.x - prev.end;
      const label = LABEL_RE.test(prev.str.trim()) && text.trim() === prev.str.trim();
      if (gap > line.size * 2.5 && !label) {
        text += '\t';
        cellX.push(piece.x);
        cellText.push('');
      } else if (gap > line.size * 0.15 || label) {
        text += ' ';
        cellText[cellText.length - 1] += ' ';
      }
    }
    text += piece.str;
    cellText[cellText.length - 1] += piece.str;
    prev = piece;
  }
  return { text: text.replace(/ {2,}/g, ' ').trim(), cellX, cellText: cellText.map((t) => t.replace(/ {2,}/g, ' ').trim()) };
}

/** A table row being read: its cells' left edges and texts, and whether a wrapped line has been added to them. */
interface TableRow { line: PageLine; last: PageLine; text: string; cellX: number[]; cellText: string[]; wrapped: boolean }

/**
 * The columns a line continues when it is the wrapped second line of some of a table row's cells ("J Grayson / O"
 * over "Benzie"): just below the row, in the same size, each of its cells starting under one of the row's cells
 * other than the first, and fewer cells than the row. Null when the line is not such a continuation.
 */
function continuedColumns(row: TableRow, line: PageLine, cellX: number[]): number[] | null {
  if (line.page !== row.last.page || line.size !== row.line.size || cellX.length >= row.cellX.length) return null;
  if (row.last.y - line.y > line.size * 1.45) return null;
  const columns = cellX.map((x) => row.cellX.findIndex((c) => Math.abs(c - x) <= line.size * 0.6));
  return columns.every((c, i) => c > 0 && (i === 0 || c > columns[i - 1])) ? columns : null;
}

function layoutToText(lines: PageLine[], pages: number): PdfText {
  // Page furniture: the same words (numbers aside) near the top or bottom edge of at least half the pages.
  const furnitureKey = (l: PageLine) => lineText(l).text.replace(/\d+/g, '#').toLowerCase();
  const edgeCounts = new Map<string, Set<number>>();
  for (const l of lines.filter((x) => x.edge)) {
    const k = furnitureKey(l);
    edgeCounts.set(k, (edgeCounts.get(k) ?? new Set()).add(l.page));
  }
  const isFurniture = (l: PageLine): boolean => {
    const text = lineText(l).text;
    if (PAGE_NUMBER_RE.test(text)) return true;
    return l.edge && pages >= 2 && (edgeCounts.get(furnitureKey(l))?.size ?? 0) >= Math.max(2, Math.ceil(pages / 2));
  };
  const content = lines.filter((l) => !isFurniture(l));
  const furniture = lines.length - content.length;

  // The body size is the size most text is set in; larger sizes are heading levels, largest first.
  const chars = new Map<number, number>();
  for (const l of content) chars.set(l.size, (chars.get(l.size) ?? 0) + lineText(l).text.length);
  const body = [...chars].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 11;
  const headingSizes = [...chars.keys()].filter((s) => s >= body * 1.15).sort((a, b) => b - a);
  // The largest size used only once, on the first page, before any other heading, is the document's title.
  const titleSize = headingSizes.length > 1 && content.filter((l) => l.size === headingSizes[0]).every((l) => l.page === 1) ? headingSizes[0] : null;
  const levelOf = (size: number): number | null => {
    if (size === titleSize) return null;
    const i = headingSizes.filter((s) => s !== titleSize).indexOf(size);
    return i < 0 ? null : Math.min(9, i + 1);
  };

  // Bullet depth: the rank of a bullet's indent among the indents bullets are set at.
  const bulletIndents: number[] = [];
  for (const l of content) {
    if (!BULLET_RE.test(l.pieces[0].str.trim())) continue;
    if (!bulletIndents.some((x) => Math.abs(x - l.x) < 6)) bulletIndents.push(l.x);
  }
  bulletIndents.sort((a, b) => a - b);
  const bulletDepth = (x: number): number => Math.min(3, Math.max(0, bulletIndents.findIndex((b) => Math.abs(b - x) < 6)));

  const out: string[] = [];
  let headings = 0;
  let prev: PageLine | undefined;
  let paragraph: string[] = [];
  let paragraphIsHeading: number | null = null;
  const flush = (): void => {
    if (paragraph.length === 0) return;
    // A line that wraps at a hyphen ("hand-" / "held") joins without a space.
    const joined = paragraph.reduce((acc, part) => (acc === '' ? part : /[A-Za-z]-$/.test(acc) ? acc + part.trimStart() : `${acc} ${part}`), '');
    // A bullet's indentation is its depth; everything else is collapsed.
    const text = (/^ */.exec(joined)?.[0] ?? '') + joined.replace(/\s+/g, ' ').trim();
    if (paragraphIsHeading !== null) {
      out.push('', `${STYLED_HEADING_MARK}${paragraphIsHeading}${text}`, '');
      headings++;
    } else out.push(text, '');
    paragraph = [];
    paragraphIsHeading = null;
  };
  let row: TableRow | null = null;
  const endRow = (): void => {
    if (row) out.push(`${row.wrapped ? row.cellText.join('\t') : row.text}\t`);
    row = null;
  };
  for (const line of content) {
    const { text, cellX, cellText } = lineText(line);
    const continued = row ? continuedColumns(row, line, cellX) : null;
    if (row && continued) {
      const r: TableRow = row;
      continued.forEach((c, i) => (r.cellText[c] = `${r.cellText[c]} ${cellText[i]}`));
      r.wrapped = true;
      r.last = line;
      prev = line;
      continue;
    }
    endRow();
    const level = levelOf(line.size);
    const bullet = BULLET_RE.test(line.pieces[0].str.trim());
    const gap = prev && prev.page === line.page ? prev.y - line.y : Infinity;
    const sameBlock = prev !== undefined && gap <= Math.max(prev.size, line.size) * 1.45 && prev.size === line.size;
    if (cellX.length > 1) {
      flush();
      row = { line, last: line, text, cellX, cellText, wrapped: false };
      prev = line;
      continue;
    }
    const startsItem = bullet || /^(\d{1,2}(\.\d{1,2})+|\d{1,2}\.|\([ivxlc]{1,6}\)|[a-z]\))\s/.test(text);
    if (!sameBlock || startsItem || (level !== null) !== (paragraphIsHeading !== null)) flush();
    if (bullet) {
      paragraph.push(`${'  '.repeat(bulletDepth(line.x))}- ${text.replace(/^\S+\s*/, '')}`);
    } else paragraph.push(text);
    if (level !== null) paragraphIsHeading = level;
    prev = line;
  }
  endRow();
  flush();
  return { text: out.join('\n'), pages, furniture, headings };
}
