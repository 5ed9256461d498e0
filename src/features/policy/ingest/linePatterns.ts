import { trimEndMatching } from '../../../shared/linearTrim';

/**
 * The policy reader's line shapes, read in linear time (issue 40, hole 2). Each function gives exactly what the
 * regular expression it replaces gave (named in its comment, and checked against it on generated lines in
 * tests/features/policy/ingest/linePatterns.test.ts); those patterns backtracked polynomially on a long run of dots,
 * spaces or tabs, and a 40 KB contents page held the event loop for a minute and a half.
 */

const SPACE = /\s/;
/** Characters a regular expression's `.` does not match. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const DIGIT = /[0-9]/;
const LETTER_OR_SPACE = /[A-Za-z ]/;

const isSpace = (c: string | undefined): boolean => c !== undefined && SPACE.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && DIGIT.test(c);

/** Index of the first character at or after `from` that is not white space (text.length if none). */
function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

/** Whether text[from, to) holds a line terminator. */
function hasLineTerminator(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) if (LINE_TERMINATOR.test(text[i])) return true;
  return false;
}

/** Index of the last line terminator in the text, or -1. */
function lastLineTerminator(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && !LINE_TERMINATOR.test(text[i])) i--;
  return i;
}

/** The text with ASCII capitals lowered only, as a case-insensitive pattern without the u flag compares letters. */
function asciiLower(text: string): string {
  let out = '';
  for (const c of text) out += c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c;
  return out;
}

/** A line of a contents list: the heading text before the dot leader or tab, and the page number. */
export interface ContentsLine { title: string; page: string }

/**
 * A contents line, "3. Use of social media .......... 7" or "Introduction<tab>2": what
 * /^(.*?\S)\s*(?:\.{2,}|\t)[\s.]*(\d{1,3})$/ matched (title = group 1, page = group 2), or null.
 */
export function readContentsLine(line: string): ContentsLine | null {
  let digits = line.length;
  while (digits > 0 && isDigit(line[digits - 1])) digits--;
  const pageLength = line.length - digits;
  if (pageLength < 1 || pageLength > 3) return null;
  // The run of spaces, tabs and dots before the page number: the leader and what surrounds it.
  let leader = digits;
  while (leader > 0 && (line[leader - 1] === '.' || isSpace(line[leader - 1]))) leader--;
  if (leader === digits) return null;
  // The title is the shortest start ending in a non-space (the leader's dots may end it) whose rest is a leader.
  let firstTerminator = leader;
  while (firstTerminator < digits && !LINE_TERMINATOR.test(line[firstTerminator])) firstTerminator++;
  if (leader > 0 && hasLineTerminator(line, 0, leader)) return null;
  const nextNonSpace = new Array<number>(digits - leader + 1);
  const nextTab = new Array<number>(digits - leader + 1);
  nextNonSpace[digits - leader] = digits;
  nextTab[digits - leader] = digits;
  for (let i = digits - 1; i >= leader; i--) {
    nextNonSpace[i - leader] = isSpace(line[i]) ? nextNonSpace[i - leader + 1] : i;
    nextTab[i - leader] = line[i] === '\t' ? i : nextTab[i - leader + 1];
  }
  for (let end = leader; end < digits; end++) {
    const endsWell = end === leader ? leader > 0 : line[end - 1] === '.';
    if (!endsWell) continue;
    if (end > firstTerminator) break;
    const p = nextNonSpace[end - leader];
    const isLeader = (p < digits && line[p] === '.' && line[p + 1] === '.') || nextTab[end - leader] < p;
    if (isLeader) return { title: line.slice(0, end), page: line.slice(digits) };
  }
  return null;
}

/** A front-page fact on a line of its own ("Review: September 2027"): its label as written, and its value. */
export interface MetaLine { label: string; value: string }

const META_LABELS = new Set(['adopted', 'approved', 'review', 'reviewed', 'next review', 'next review date', 'next review due',
  'date of next review', 'date of next review date', 'date of next review due', 'review date', 'last review', 'last reviewed',
  'date of review', 'version', 'to be reviewed']);

/**
 * What /^(adopted|approved(?: by [a-z ]+)?|review(?:ed)?|(?:date of )?next review(?: date| due)?|review date|last
 * review(?:ed)?|date of review|version|to be reviewed)\s*:\s*(.{2,60})$/i matched: label = group 1 (an "approved by"
 * label keeps the spaces before its colon, as that pattern's [a-z ]+ took them), value = group 2.
 */
export function readMetaLine(text: string): MetaLine | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const head = text.slice(0, colon);
  let label: string | undefined;
  if (asciiLower(head.slice(0, 12)) === 'approved by ' && LETTER_OR_SPACE.test(head[12] ?? '')) {
    let run = 12;
    while (run < head.length && LETTER_OR_SPACE.test(head[run])) run++;
    if (skipSpaces(head, run) === head.length) label = head.slice(0, run);
  }
  if (label === undefined) {
    const trimmed = trimEndMatching(head, SPACE);
    if (!META_LABELS.has(asciiLower(trimmed))) return null;
    label = trimmed;
  }
  const afterColon = colon + 1;
  const start = skipSpaces(text, afterColon);
  const rest = text.length - start;
  if (rest > 60) return null;
  // Fewer than two characters after the spaces: the value takes back as many of the spaces as it needs.
  const valueStart = rest >= 2 ? start : start - (2 - rest);
  if (valueStart < afterColon || hasLineTerminator(text, valueStart)) return null;
  return { label, value: text.slice(valueStart) };
}

/** A Markdown heading: its marks ("##") and its text. */
export interface MarkdownHeading { marks: string; text: string }

/** What /^(#{1,6})\s+(.*?)\s*#*\s*$/ matched: marks = group 1, text = group 2 (closing #s and spaces left out). */
export function readMarkdownHeading(line: string): MarkdownHeading | null {
  let marks = 0;
  while (line[marks] === '#') marks++;
  if (marks < 1 || marks > 6 || !isSpace(line[marks])) return null;
  const start = skipSpaces(line, marks);
  let end = line.length;
  while (end > start && isSpace(line[end - 1])) end--;
  while (end > start && line[end - 1] === '#') end--;
  while (end > start && isSpace(line[end - 1])) end--;
  if (hasLineTerminator(line, start, end)) return null;
  return { marks: line.slice(0, marks), text: line.slice(start, end) };
}

/** A Markdown list item: its indentation and its text. */
export interface MarkdownListItem { indent: string; text: string }

/** What /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/ matched: indent = group 1, text = group 2. */
export function readMarkdownListItem(line: string): MarkdownListItem | null {
  const marker = skipSpaces(line, 0);
  let after = marker;
  if (line[marker] === '-' || line[marker] === '*' || line[marker] === '+') after = marker + 1;
  else {
    while (isDigit(line[after])) after++;
    if (after === marker || (line[after] !== '.' && line[after] !== ')')) return null;
    after++;
  }
  return textAfterSpaces(line, after, (text) => ({ indent: line.slice(0, marker), text }));
}

/** A heading's own number ("2.1") and the rest of its text. */
export interface NumberPrefix { number: string; rest: string }

/** What /^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(.*)$/ matched: number = group 1, rest = group 2. */
export function readNumberPrefix(text: string): NumberPrefix | null {
  let end = 0;
  while (isDigit(text[end]) || text[end] === '.') end++;
  const prefix = text.slice(0, end);
  const number = prefix.endsWith('.') ? prefix.slice(0, -1) : prefix;
  const parts = number.split('.');
  if (number === '' || parts.some((p) => p.length < 1 || p.length > 2)) return null;
  return textAfterSpaces(text, end, (rest) => ({ number, rest }));
}

/** After at least one space from `at`, the rest of the line (holding no line terminator) given to `make`; else null. */
function textAfterSpaces<T>(line: string, at: number, make: (rest: string) => T): T | null {
  if (!isSpace(line[at])) return null;
  const start = skipSpaces(line, at);
  return hasLineTerminator(line, start) ? null : make(line.slice(start));
}

/** What text.replace(/\s*:-?$/, '') gave: a closing colon (or ":-") and the spaces before it left out. */
export function withoutClosingColon(text: string): string {
  const cut = text.endsWith(':-') ? 2 : text.endsWith(':') ? 1 : 0;
  return cut === 0 ? text : trimEndMatching(text.slice(0, -cut), SPACE);
}

/** What text.replace(/\s+\|.*$/, '') gave: the text before the first spaced "|" that the rest of its line follows. */
export function beforeSpacedBar(text: string): string {
  const lastTerminator = lastLineTerminator(text);
  for (let bar = text.indexOf('|', lastTerminator + 1); bar >= 0; bar = text.indexOf('|', bar + 1)) {
    if (!isSpace(text[bar - 1])) continue;
    let start = bar - 1;
    while (start > 0 && isSpace(text[start - 1])) start--;
    return text.slice(0, start);
  }
  return text;
}

/** What text.replace(/,.*$/, '') gave: the text before the first comma on its last line. */
export function beforeLastLineComma(text: string): string {
  const comma = text.indexOf(',', lastLineTerminator(text) + 1);
  return comma < 0 ? text : text.slice(0, comma);
}

/**
 * Where `ch` next occurs at or after a position (text.length when it does not). Asked in order of position, as the
 * scanners below ask, it reads the text once in all.
 */
export function nextIndexOf(text: string, ch: string): (from: number) => number {
  let askedFrom = 0;
  let found = -1;
  return (from: number): number => {
    if (found < 0 || from < askedFrom || from > found) {
      const at = text.indexOf(ch, from);
      found = at < 0 ? text.length : at;
    }
    askedFrom = from;
    return found;
  };
}

/** A bracketed run of text: the whole "[...]" and what is inside. */
export interface Bracketed { whole: string; inner: string }

/** What text.matchAll(/\[([^\]\n]{2,60})\]/g) found: each "[" closed by "]" 2 to 60 characters on, on one line. */
export function bracketedRuns(text: string): Bracketed[] {
  const out: Bracketed[] = [];
  const nextClose = nextIndexOf(text, ']');
  const nextNewline = nextIndexOf(text, '\n');
  for (let open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
    const stop = Math.min(nextClose(open + 1), nextNewline(open + 1));
    const length = stop - open - 1;
    if (text[stop] !== ']' || length < 2 || length > 60) continue;
    out.push({ whole: text.slice(open, stop + 1), inner: text.slice(open + 1, stop) });
    open = stop;
  }
  return out;
}
