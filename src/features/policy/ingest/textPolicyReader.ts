import { Block, SplitBlocks } from './policyBlocks';
import {
  bulletDepth, collapseSpaces, isAllCaps, isBulletLine, normaliseCharacters, stripBulletMarker,
} from './textCleaning';
import { readContentsLine, readMetaLine, withoutClosingColon } from './linePatterns';
import { trimEndMatching } from '../../../shared/linearTrim';
import { assertLinesWithinLimit } from './ingestLimits';

/** A line of the table of contents: the heading text as the document lists it. */
export interface TocEntry {
  number: string | null;
  title: string;
}

/** What the text reader found: blocks split into front matter and body, and the contents list. */
export interface TextReadResult extends SplitBlocks {
  toc: TocEntry[];
}

interface Line {
  text: string;
  /** The outline level of a heading style (Word, or a PDF heading font), when the source marked one. */
  styled?: number;
  bullet: boolean;
  depth: number;
  table: string[] | null;
  /** Blank lines (or removed running headers) between this line and the previous one. */
  gap: number;
}

const TOC_HEADING_RE = /^(table of )?contents?:?$/i;
const NUMBERED_RE = /^(\d{1,2}(?:\.\d{1,2})*)(\.?)\s+(\S.*)$/;
/**
 * Marks a line the source itself styles as a heading (a Word heading style, a PDF heading font), followed by its
 * outline level as one digit. Readers of structured formats prefix it; plain text never contains it.
 */
export const STYLED_HEADING_MARK = '\uE000';
const STYLED_RE = /^\uE000([1-9])/;

/** How a sentence or a lead-in ends: ":-" ends a lead-in ("... as follows:-"), not a word broken across lines. */
const TERMINAL_RE = /[.!?:;]["')\]]*$|[.!?]\)$|:-$/;

/** Reads a policy exported as plain text (as schools' PDFs and Word files come out of text extraction). */
export function readTextPolicy(raw: string): TextReadResult {
  assertLinesWithinLimit(raw);
  const rawLines = normaliseCharacters(raw).split('\n').map((l) => l.trimEnd());
  const headers = findRunningHeaders(rawLines);
  const { lines: withoutToc, toc } = extractToc(toLines(rawLines, headers));
  const joined = joinBrokenSentences(withoutToc);
  const blocks = classify(joined, toc);
  return { ...splitFrontMatter(blocks), toc };
}

/**
 * A line as running headers are counted: one that names its page ("MCC SPS/HR/22 - page 1", "Conduct Code Page 3")
 * changes on every page, so its page number is masked and each page's copy counts as the same line. A number that
 * names no page ("Appendix 1") is kept.
 */
const PAGE_NUMBER_RE = /\bpage\s+\d{1,3}\b/gi;
function runningHeaderKey(line: string): string {
  return line.replace(PAGE_NUMBER_RE, 'page #');
}

/**
 * Running page headers and footers repeat on every page of the source; a line seen three or more times
 * (or twice, each time straight after a page break) is page furniture, not content.
 */
function findRunningHeaders(lines: string[]): Set<string> {
  const counts = new Map<string, { n: number; afterBreak: number }>();
  let blanks = 0;
  for (const line of lines) {
    const key = runningHeaderKey(collapseSpaces(line));
    if (key === '') { blanks++; continue; }
    if (STYLED_RE.test(key)) { blanks = 0; continue; }
    const entry = counts.get(key) ?? { n: 0, afterBreak: 0 };
    entry.n++;
    if (blanks >= 2) entry.afterBreak++;
    counts.set(key, entry);
    blanks = 0;
  }
  const headers = new Set<string>();
  for (const [key, { n, afterBreak }] of counts) {
    // A lead-in the document repeats ("Staff should:" before each role's list) is content, not page furniture.
    if (key.length > 120 || isBulletLine(key) || readContentsLine(key) !== null || /:-?$/.test(key)) continue;
    if (n >= 3 || (n === 2 && afterBreak === 2)) headers.add(key);
  }
  return headers;
}

function toLines(rawLines: string[], headers: Set<string>): Line[] {
  const out: Line[] = [];
  let gap = 0;
  for (const marked of rawLines) {
    const styledMatch = STYLED_RE.exec(marked);
    const raw = styledMatch ? marked.slice(2) : marked;
    const text = collapseSpaces(raw);
    if (text === '' || (!styledMatch && headers.has(runningHeaderKey(text)))) { gap++; continue; }
    if (styledMatch) {
      out.push({ text, styled: Number(styledMatch[1]), bullet: false, depth: 0, table: null, gap });
      gap = 0;
      continue;
    }
    const bullet = isBulletLine(raw);
    // Tabs separate the cells of tables (document status, review dates); a trailing tab still marks a row.
    const table = /\t/.test(raw.trim()) || /\t$/.test(raw) ? raw.split('\t').map(collapseSpaces).filter((c) => c !== '') : null;
    const meta = readMetaLine(text);
    out.push({
      text: bullet ? stripBulletMarker(raw) : text,
      bullet,
      depth: bullet ? bulletDepth(raw) : 0,
      table: table && table.length > 0 && !bullet ? table : meta ? [`${meta.label}:`, meta.value] : null,
      gap,
    });
    gap = 0;
  }
  return out;
}

/** Removes the table of contents, keeping its entries: they name the document's real headings. */
function extractToc(lines: Line[]): { lines: Line[]; toc: TocEntry[] } {
  const toc: TocEntry[] = [];
  const keep: Line[] = [];
  let inToc = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const rawText = line.table ? line.table.join('\t') : line.text;
    if (TOC_HEADING_RE.test(line.text)) { inToc = true; continue; }
    const entry = readContentsLine(rawText.replace(/\t+/g, '\t'));
    const runOfEntries = entry && [lines[i + 1], lines[i + 2]].every((l) => l && readContentsLine(l.table ? l.table.join('\t') : l.text) !== null);
    if (entry && (inToc || runOfEntries)) {
      inToc = true;
      const title = collapseSpaces(trimEndMatching(entry.title, /\./));
      const num = NUMBERED_RE.exec(title);
      toc.push(num ? { number: num[1], title: num[3] } : { number: null, title });
      continue;
    }
    inToc = false;
    keep.push(line);
  }
  return { lines: keep, toc };
}

/**
 * Text extracted from paged documents breaks sentences at page ends ("...unless" / "they are family
 * members."). A line that does not end a sentence, followed by one starting in lower case, is one sentence.
 */
function joinBrokenSentences(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const continues = prev && !prev.table && !line.table && !line.bullet && !prev.styled && !line.styled && !TERMINAL_RE.test(prev.text)
      && (/^[a-z(]/.test(line.text) || (line.gap === 0 && !prev.bullet && prev.text.length >= 60 && !isAllCaps(line.text)))
      // An ALL-CAPS heading followed by its first lettered clause ("INTRODUCTION" / "(a) The school ...") is not one sentence.
      && !(isAllCaps(prev.text) && /^\(/.test(line.text));
    if (continues) prev.text = `${prev.text} ${line.text}`;
    else out.push({ ...line });
  }
  return out;
}

type Classified = Block & { candidateStart?: boolean };

function classify(lines: Line[], toc: TocEntry[]): Classified[] {
  const tocTitles = new Set(toc.map((e) => normaliseHeading(e.title)));
  const numbered = acceptNumberedHeadings(lines);
  // Styled headings keep the author's nesting where nothing is numbered; in a numbered document an unnumbered
  // heading is placed under the numbered one before it, as in a text export.
  const styledLevels = lines.flatMap((l) => (l.styled ? [l.styled] : []));
  const styledBase = numbered.size === 0 && styledLevels.length > 0 ? Math.min(...styledLevels) : null;
  const blocks: Classified[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.table) { blocks.push({ kind: 'table', cells: line.table }); continue; }
    if (line.bullet) {
      blocks.push(isBulletHeading(lines, i) ? { kind: 'heading', text: line.text, number: null, level: null } : { kind: 'bullet', text: line.text, depth: line.depth });
      continue;
    }
    const num = numbered.get(i);
    if (num) {
      if (num.clause) {
        // "3.4 Difficulties arise when..." is a numbered clause: a citable subsection whose text is the clause.
        blocks.push({ kind: 'heading', text: '', number: num.number, level: num.number.split('.').length });
        blocks.push({ kind: 'paragraph', text: num.rest });
      } else {
        blocks.push({ kind: 'heading', ...titleAndLeadIn(num.rest), number: num.number, level: num.number.split('.').length });
      }
      continue;
    }
    if (line.styled) {
      // The author styled it as a heading: no guessing from its shape; an unnumbered one is placed by the assembler.
      blocks.push({ kind: 'heading', text: trimEndMatching(line.text, /[:\-\s]/), number: null, level: styledBase === null ? null : line.styled - styledBase + 1, ...leadInOf(line.text) });
      continue;
    }
    const prevBlock = blocks[blocks.length - 1];
    if (tocTitles.has(normaliseHeading(line.text)) || isUnnumberedHeading(line, lines[i + 1], prevBlock)) {
      blocks.push({ kind: 'heading', text: trimEndMatching(line.text, /[:\-\s]/), number: null, level: null, ...leadInOf(line.text) });
      continue;
    }
    blocks.push({ kind: 'paragraph', text: line.text });
  }
  return blocks;
}

interface NumberedHeading { number: string; rest: string; clause: boolean }

/**
 * A numbered line is a heading only where it continues the document's own sequence (1, 2, 2.1, 2.2, 3...).
 * This keeps quoted guidance with its own numbering ("12. Communication with children") inside its section.
 */
function acceptNumberedHeadings(lines: Line[]): Map<number, NumberedHeading> {
  const accepted = new Map<number, NumberedHeading>();
  let last: number[] = [];
  lines.forEach((line, i) => {
    if (line.bullet || line.table) return;
    const m = NUMBERED_RE.exec(line.text);
    if (!m) return;
    // "1.0 Introduction" (a council's HR numbering) is section 1, whose paragraphs are "1.1", "1.2"...
    const dotZero = /^\d{1,2}\.0$/.test(m[1]);
    const parts = (dotZero ? m[1].slice(0, -2) : m[1]).split('.').map(Number);
    const rest = m[3].trim();
    if (line.styled) {
      // A styled, numbered heading is a heading whatever its number; it sets the sequence typed numbers continue.
      last = parts;
      accepted.set(i, { number: parts.join('.'), rest, clause: false });
      return;
    }
    if (parts.length === 1 && m[2] !== '.' && !dotZero && !(isAllCaps(rest) || rest.length <= 90)) return;
    if (!continuesSequence(last, parts)) return;
    const clause = rest.length > 90 || /[.:;,\-]$/.test(rest);
    if (parts.length === 1 && clause) return;
    last = parts;
    accepted.set(i, { number: parts.join('.'), rest, clause });
  });
  return accepted;
}

/** A heading line that ends in a colon ("Individuals should:", "Managers are responsible for:-") is also a lead-in. */
function leadInOf(text: string): { leadIn?: string } {
  const t = text.trim();
  return /\w\s*:-?$/.test(t) ? { leadIn: t.replace(/-$/, '') } : {};
}

/** A heading's title (a closing colon aside) and, where it ends in a colon, the lead-in it also is. */
export function titleAndLeadIn(text: string): { text: string; leadIn?: string } {
  return { text: withoutClosingColon(text.trim()), ...leadInOf(text) };
}

function continuesSequence(last: number[], next: number[]): boolean {
  const k = next.length;
  if (k === 1) return next[0] === (last[0] ?? 0) + 1;
  if (last.length < k - 1) return false;
  for (let j = 0; j < k - 1; j++) if (last[j] !== next[j]) return false;
  return next[k - 1] === (last.length >= k ? last[k - 1] : 0) + 1;
}

/**
 * Some PDFs come out of text extraction with a bullet mark before every heading ("- Overview", "• Use of images"). A
 * marked line is such a heading when it stands alone: a short title, with no list around it (no lead-in before it, no
 * list item straight before it), set apart by blank lines, and followed by prose.
 */
function isBulletHeading(lines: Line[], i: number): boolean {
  const line = lines[i];
  const prev = lines[i - 1];
  const next = lines[i + 1];
  if (line.depth > 0 || line.gap === 0 || !next || next.bullet || next.table || next.gap === 0) return false;
  // After a list, only when that list's items end like sentences: a list of names ("- Facebook") goes on.
  if (prev && (/[:\-]$/.test(prev.text) || (prev.bullet && !TERMINAL_RE.test(prev.text)))) return false;
  const text = line.text;
  if (!/^[A-Z]/.test(text) || text.length > 70 || text.split(/\s+/).length > 10 || /[.,;:!?]$/.test(text)) return false;
  return /^[A-Z]/.test(next.text) && TERMINAL_RE.test(next.text);
}

const CONTACT_LINE_RE = /^[^:]{2,60}:\s+(?:(?:mr|mrs|ms|miss|mx|dr)\.?\s|[^:]*\d{3}|\S+@\S+)/i;

function isUnnumberedHeading(line: Line, next: Line | undefined, prev: Block | undefined): boolean {
  const text = line.text;
  if (!next || next.table) return false;
  if (!/^[A-Z]/.test(text) || /^\d/.test(text) || /https?:|www\.|@/.test(text)) return false;
  // "Page 2 of 5" left by a careless conversion is page furniture, never a heading (ingest warns about it).
  if (/^page\s+\d{1,3}(\s+of\s+\d{1,3})?$/i.test(text)) return false;
  // A form's blanks to fill in ("Name: ________") are not a heading, nor is a contact ("Designated Safeguarding Lead:
  // Ms R. Okafor", "IT support: 01632 960123", "Data protection officer: dpo@school.example").
  if (/_{3,}/.test(text) || CONTACT_LINE_RE.test(text)) return false;
  if (isAllCaps(text) && text.length <= 100 && !/[.;,]$/.test(text)) return true;
  // A section labelled by a letter and number ("A5 What you say about the Trust, your school and colleagues") is a
  // heading however many words its title has.
  if (/^[A-Z]\d{1,2}(?:\.\d{1,2})?\s+[A-Z]/.test(text) && text.length <= 100 && !/[.;,:!?]$/.test(text)) return true;
  if (text.length > 70 || text.split(/\s+/).length > 10) return false;
  if (/[.,;!?"']$/.test(text)) return false;
  // A lead-in ending in a colon is a heading only directly under another heading ("Appendix" / "Managing ...:").
  if (/:-?$/.test(text)) return prev?.kind === 'heading' && text.split(/\s+/).length <= 8;
  return true;
}

function normaliseHeading(text: string): string {
  return trimEndMatching(text.toLowerCase(), /[.:\-\s]/).replace(/\s+/g, ' ').trim();
}

/**
 * The body starts at section 1 when the document numbers its sections; otherwise at the first heading
 * followed by prose. What comes before (title page, status tables, contents) is front matter.
 */
function splitFrontMatter(blocks: Classified[]): SplitBlocks {
  let start = blocks.findIndex((b) => b.kind === 'heading' && b.number === '1');
  if (start < 0) {
    start = blocks.findIndex((b, i) => {
      if (b.kind !== 'heading') return false;
      const next = blocks[i + 1];
      return next !== undefined && (next.kind === 'bullet' || (next.kind === 'paragraph' && isProse(next.text)));
    });
  }
  if (start < 0) start = 0;
  return { frontMatter: blocks.slice(0, start), body: blocks.slice(start) };
}

/**
 * Prose, as opposed to a long title line on a title page ("Trust Policy: Social Media, Messaging and Digital
 * Communication (Employees and Volunteers)"): long enough to be a sentence, and ending like one.
 */
function isProse(text: string): boolean {
  return text.length >= 80 && TERMINAL_RE.test(text);
}
