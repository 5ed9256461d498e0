import fs from 'node:fs';
import path from 'node:path';
import {
  beforeLastLineComma, beforeSpacedBar, bracketedRuns, readContentsLine, readMarkdownHeading, readMarkdownListItem, readMetaLine,
  readNumberPrefix, withoutClosingColon,
} from '../../../../src/features/policy/ingest/linePatterns';
import { withoutLinkMarkup } from '../../../../src/features/policy/ingest/textCleaning';
import { monthDatedLabel } from '../../../../src/features/policy/policyDocument';
import { REPO_ROOT } from '../../../support/repoRoot';

/**
 * Issue 40, hole 2: the policy reader's polynomial patterns were replaced by linear functions that must give exactly
 * what the patterns gave. Each is compared with its old pattern (kept here, where only short strings meet it) on every
 * string up to a length over an alphabet of the characters that matter to it, on random longer strings, and on every
 * line of the real and corpus policies.
 */

const OLD = {
  contents: /^(.*?\S)\s*(?:\.{2,}|\t)[\s.]*(\d{1,3})$/,
  meta: /^(adopted|approved(?: by [a-z ]+)?|review(?:ed)?|(?:date of )?next review(?: date| due)?|review date|last review(?:ed)?|date of review|version|to be reviewed)\s*:\s*(.{2,60})$/i,
  heading: /^(#{1,6})\s+(.*?)\s*#*\s*$/,
  list: /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/,
  numberPrefix: /^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(.*)$/,
  closingColon: /\s*:-?$/,
  spacedBar: /\s+\|.*$/,
  comma: /,.*$/,
  placeholder: /\[([^\]\n]{2,60})\]/g,
  link: /\[\s*([^\]\n]*?)\s*\]\([^)\n]*\)/g,
  dated: /^(.*?)\s*\((\d{1,2})[\s/.-]+(\d{4})\)$/,
};

/** Every string of length 0..max over the alphabet. */
function* allStrings(alphabet: string[], max: number): Generator<string> {
  let level = [''];
  yield '';
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

/** Deterministic random strings made of the given pieces. */
function randomStrings(pieces: string[], count: number, maxPieces: number, seed = 7): string[] {
  let state = seed;
  const rand = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + rand(maxPieces) }, () => pieces[rand(pieces.length)]).join(''));
}

/** Strings around a length bound: each template with its "#" replaced by runs of 0 to 64 of the filler. */
const aroundBounds = (templates: string[], fillers = ['a', ' ', 'a b']): string[] => templates.flatMap((t) => fillers.flatMap((f) =>
  Array.from({ length: 65 }, (_, n) => t.replace('#', f.repeat(n).slice(0, n)))));

/** Every concatenation of one choice from each list, in order. */
const combinations = (...lists: string[][]): string[] => lists.reduce<string[]>((acc, list) => acc.flatMap((a) => list.map((b) => a + b)), ['']);

const realLines = (): string[] => {
  const dirs = ['samples/policies', 'research/corpus/policies', 'research/corpus/incoming'].map((d) => path.join(REPO_ROOT, d));
  return dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.txt')).flatMap((f) => fs.readFileSync(path.join(d, f), 'utf8').split(/\r?\n/)));
};

/** The first input on which the new function and the old pattern disagree, or undefined. */
function firstDifference(inputs: Iterable<string>, oldWay: (s: string) => unknown, newWay: (s: string) => unknown): string | undefined {
  for (const s of inputs) {
    const was = oldWay(s);
    const now = newWay(s);
    // The same value (most often both null: no match) needs no serialising, which was most of this suite's time.
    if (was !== now && JSON.stringify(was) !== JSON.stringify(now)) return JSON.stringify(s);
  }
  return undefined;
}

const groups = (re: RegExp, names: string[]) => (s: string): Record<string, string> | null => {
  const m = re.exec(s);
  return m ? Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) : null;
};
const both = (inputs: () => Iterable<string>[], oldWay: (s: string) => unknown, newWay: (s: string) => unknown): void => {
  for (const set of inputs()) expect(firstDifference(set, oldWay, newWay)).toBeUndefined();
};

describe('linear line readers give what the patterns they replace gave', () => {
  it('when a line is a contents entry ("Introduction ...... 3"), then title and page are the pattern\'s', () => {
    const shaped = combinations(['', 'Intro', 'In\u2028tro', '1.2 Use.', '.'], ['', ' ', '\t', ' \t '], ['', '.', '..', '. .', '.....', ' . . ', '\t'],
      ['', ' ', '.', ' \u2028 '], ['', '1', '12', '123', '1234']);
    both(() => [shaped, allStrings(['a', ' ', '.', '\t', '1', '\u2028'], 7), randomStrings(['a', 'b1', ' ', '.', '..', '\t', '1', '12', '1234', ' . ', '\u2028'], 20_000, 14), realLines()],
      groups(OLD.contents, ['title', 'page']), readContentsLine);
  });

  it('when a line states a front-page fact ("Next review: May 2027"), then label and value are the pattern\'s', () => {
    const pieces = ['approved', 'Approved', ' by', ' BY', ' ', '  ', 'review', 'Review', ' date', ' due', 'ed', 'next', 'date of ', 'last ', 'version',
      'to be reviewed', 'adopted', ':', ': ', 'x', 'Sep 2027', 'x'.repeat(58), 'a\u2028', '\t', '-', 'the governors'];
    both(() => [randomStrings(pieces, 60_000, 7), realLines(), aroundBounds(['Review: #', 'review:#', 'Version :  #', 'approved by #: x', 'review:  #\u2028']), ['approved by :ab', 'Approved by the board   : March 2024', 'review:  a', 'review: \u2028a']],
      groups(OLD.meta, ['label', 'value']), readMetaLine);
  });

  it('when a Markdown line is a heading, a list item or a numbered title, then its parts are the patterns\'', () => {
    both(() => [allStrings(['#', ' ', 'a', '\t', '\u2028'], 8), randomStrings(['#', '###', '#######', ' ', 'ab', '\t', '\u2028', '# '], 5_000, 10)],
      groups(OLD.heading, ['marks', 'text']), readMarkdownHeading);
    both(() => [allStrings(['-', '*', '1', '.', ')', ' ', 'a', '\u2028', '\t'], 6), randomStrings(['-', '+', '12', '.', ')', ' ', 'ab', '\u2028'], 5_000, 10)],
      groups(OLD.list, ['indent', 'text']), readMarkdownListItem);
    both(() => [allStrings(['1', '.', ' ', 'a', '\u2028'], 8), randomStrings(['1', '12', '123', '.', ' ', 'ab', '\u2028', '\t'], 5_000, 10), realLines()],
      groups(OLD.numberPrefix, ['number', 'rest']), readNumberPrefix);
  });

  it('when a title or name is cut at a colon, a spaced bar or a comma, then what is left is the pattern\'s', () => {
    both(() => [allStrings([':', '-', ' ', 'a', '\u2028'], 8)], (s) => s.replace(OLD.closingColon, ''), withoutClosingColon);
    both(() => [allStrings(['|', ' ', 'a', '\n', '\u2028'], 8), realLines()], (s) => s.replace(OLD.spacedBar, ''), beforeSpacedBar);
    both(() => [allStrings([',', 'a', '\n', '\r', '\u2029'], 8), realLines()], (s) => s.replace(OLD.comma, ''), beforeLastLineComma);
  });

  it('when text holds brackets, then placeholders and links are found as the patterns found them', () => {
    const long = randomStrings(['[', ']', 'a', 'bc d', '\n', 'x'.repeat(25), '(', ')'], 5_000, 20);
    both(() => [allStrings(['[', ']', 'a', '\n'], 9), long, realLines(), aroundBounds(['[#]', '[[#]]', 'x [#] [ab]', '[#\n]'])],
      (s) => [...s.matchAll(OLD.placeholder)].map((m) => ({ whole: m[0], inner: m[1] })), bracketedRuns);
    both(() => [allStrings(['[', ']', '(', ')', ' ', '\n', 'a'], 7), long, randomStrings(['[', ']', '(', ')', ' ', '\n', 'ab', '](', '\t'], 10_000, 16)],
      (s) => s.replace(OLD.link, '$1'), withoutLinkMarkup);
  });

  it('when a version label ends in a month and year in brackets ("2 (02 2023)"), then its parts are the pattern\'s', () => {
    const shaped = combinations(['', 'v2', 'v2 ', 'v2\t', 'v2\u2028', 'v2 \u2028 ', '\u2028v2 '], ['(', '', '(('], ['', '1', '12', '123'],
      ['', ' ', '/', ' - ', '\u2028', 'a'], ['202', '2023', '20234'], [')', '', ') ']);
    both(() => [shaped, allStrings(['(', ')', '1', ' ', '/', 'a', '\u2028'], 7),
      randomStrings(['v2', ' ', '(', ')', '1', '12', '123', '2023', '20234', ' ', '/', '-', '.', '\u2028', 'a'], 20_000, 9)],
    groups(OLD.dated, ['v', 'mm', 'yyyy']), monthDatedLabel);
  });

  it('when a line\'s end is trimmed with trimEnd(), then every character /\\s+$/ took is taken, and no other', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (/\s/.test(ch) !== (ch.trimEnd() === '')) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
  });
});
