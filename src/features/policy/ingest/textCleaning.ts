import { nextIndexOf } from './linePatterns';

/**
 * Character-level clean-up shared by every input format: the text staff see quoted back must read like
 * the document, without the debris of PDF/Word extraction.
 */

/** Normalises quotes, spaces and Markdown emphasis/link syntax; keeps `[placeholders]` intact. */
export function normaliseCharacters(raw: string): string {
  const text = raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/\u2026/g, '...');
  // [text](target) links keep their text; a bare "[establishment name]" placeholder is not followed by "(".
  return withoutLinkMarkup(text)
    // Emphasis markers carry no meaning once the text is quoted back plainly.
    .replace(/\*+/g, '')
    .replace(/(^|\s)_{1,2}([^_\n]+)_{1,2}(?=\s|$|[.,;:])/g, '$1$2');
}

const SPACE = /\s/;

/**
 * What text.replace(/\[\s*([^\]\n]*?)\s*\]\([^)\n]*\)/g, '$1') gave, in linear time (that pattern was cubic on a
 * long run of spaces after "["): each "[text](target)" becomes its text, trimmed; text and target are on one line.
 */
export function withoutLinkMarkup(text: string): string {
  const nextClose = nextIndexOf(text, ']');
  const nextNewlineInText = nextIndexOf(text, '\n');
  const nextParen = nextIndexOf(text, ')');
  const nextNewlineInTarget = nextIndexOf(text, '\n');
  let out = '';
  let copied = 0;
  let lastClose = -1;
  let lastText = -1;
  for (let open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
    const close = nextClose(open + 1);
    if (close >= text.length) break;
    if (close !== lastClose) {
      lastClose = close;
      lastText = close - 1;
      while (lastText > open && SPACE.test(text[lastText])) lastText--;
    }
    let first = open + 1;
    while (first < close && SPACE.test(text[first])) first++;
    const inner = first < close ? text.slice(first, Math.max(first, lastText + 1)) : '';
    if (first < close && nextNewlineInText(first) <= lastText) continue;
    if (text[close + 1] !== '(') continue;
    const end = nextParen(close + 2);
    if (end >= text.length || nextNewlineInTarget(close + 2) < end) continue;
    out += text.slice(copied, open) + inner;
    copied = end + 1;
    open = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Collapses runs of spaces and tabs inside a line. */
export function collapseSpaces(line: string): string {
  return line.replace(/[ \t]+/g, ' ').trim();
}

const BULLET_RE = /^(\s*)(?:[-\u2022\u25aa\u25cf\u2013\u00b7o]|\d+[.)]|[a-z][.)]|\((?:[ivxlc]+|[a-z]|\d+)\))\s+/i;
const DASH_BULLET_RE = /^(\s*)[-\u2022\u25aa\u25a0\u25cf\u2013\u00b7]\s*/;

/** Whether a raw line is a list item ("- x", "• x", "(iv) x", "a. x"). */
export function isBulletLine(line: string): boolean {
  return DASH_BULLET_RE.test(line) && line.trim().length > 1;
}

/** Whether a line starts with a list marker of any kind, including "(iv)" or "a.". */
export function hasListMarker(line: string): boolean {
  return BULLET_RE.test(line);
}

/** The nesting depth of a bullet from its indentation (0 for top level). */
export function bulletDepth(line: string): number {
  const m = /^(\s*)/.exec(line);
  const indent = m ? m[1].replace(/\t/g, '  ').length : 0;
  return indent >= 1 ? Math.min(3, Math.ceil(indent / 2)) : 0;
}

/** Strips the leading dash/dot marker of a bullet, keeping "(iv)"-style numbering which readers cite. */
export function stripBulletMarker(line: string): string {
  return line.replace(DASH_BULLET_RE, '').trim();
}

/** Converts an ALL-CAPS heading to title case for display ("GUIDANCE AND ADVICE" -> "Guidance and advice"). */
export function displayTitle(title: string): string {
  const letters = title.replace(/[^A-Za-z]/g, '');
  if (letters.length < 3 || letters !== letters.toUpperCase()) return title;
  const lower = title.toLowerCase();
  // A part's or appendix's letter or roman numeral keeps its capital: "PART A: ..." -> "Part A: ...", not "Part a".
  const labelled = lower.replace(/\b(part|section|appendix|annex)\s+([a-z]|[ivx]+)\b/g, (_m, word: string, label: string) => `${word} ${label.toUpperCase()}`);
  return labelled.charAt(0).toUpperCase() + labelled.slice(1);
}

/** Whether the text is all upper case (ignoring non-letters), with enough letters to be a heading. */
export function isAllCaps(text: string): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.length >= 4 && letters === letters.toUpperCase();
}

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

/** Title case for an ALL-CAPS document title ("SOCIAL MEDIA POLICY" -> "Social Media Policy"). */
export function displayDocumentTitle(title: string): string {
  if (!isAllCaps(title)) return title;
  return title.toLowerCase().split(/(\s+|\()/).map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}
