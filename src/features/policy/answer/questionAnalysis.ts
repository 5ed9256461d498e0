import nlp from 'compromise/two';
import { TAGGER_WINDOW, textWindows } from '../../../shared/textWindows';
import { stemToken, tokenize } from './textAnalysis';

/**
 * The grammatical role of a question word, from a part-of-speech tagger (compromise) reading the whole
 * question (so "post" in "can I post ..." is a verb and in "a post about ..." a noun).
 *
 * Roles decide how much a word that no lexicon group knows weighs (see policyIndex): a noun or adjective
 * usually names what the question is about ("pension", "car", "sick"), so a policy that never mentions it
 * does not answer the question; a verb or adverb usually says how it is asked ("looked at again",
 * "altogether"), and a noun in a phrase of place or time ("from sports day", "on a Friday") where it
 * happened, so a policy that words the rule differently, or does not name the occasion, still answers it.
 */
export type WordRole = 'noun' | 'setting' | 'verb' | 'adjective' | 'adverb' | 'other';

/**
 * Prepositions that open a phrase saying where or when rather than what: a noun in "pics from sports day",
 * "a group in the staffroom" or "a post on a Friday" sets the scene of the question (a 'setting'); the
 * question is about the thing placed there.
 */
const SETTING_PREPOSITIONS = new Set(['from', 'at', 'during', 'on', 'in', 'after', 'before']);

interface TaggedTerm { normal?: string; text?: string; tags?: Set<string> }

/** Recently tagged questions: staff often ask the same thing twice. */
const cache = new Map<string, Map<string, WordRole>>();
const CACHE_SIZE = 500;

function roleOf(tags: readonly string[]): WordRole {
  const has = (t: string): boolean => tags.includes(t);
  if (has('Pronoun') || has('Determiner') || has('Preposition') || has('Conjunction') || has('QuestionWord')) return 'other';
  if (has('Value') && !has('Noun')) return 'other';
  if (has('Noun')) return 'noun';
  if (has('Verb')) return 'verb';
  if (has('Adjective')) return 'adjective';
  if (has('Adverb')) return 'adverb';
  return 'other';
}

/**
 * Roles of the question's words, keyed by stem (see stemToken). A stem used in two roles keeps the one
 * that weighs more (a noun over the rest), so a topic is never mistaken for phrasing.
 */
export function wordRoles(question: string): Map<string, WordRole> {
  const cached = cache.get(question);
  if (cached) {
    cache.delete(question);
    cache.set(question, cached);
    return cached;
  }
  const roles = new Map<string, WordRole>();
  // The tagger's first pass only (its lexicon, suffixes and neighbour rules), not the corrections of its
  // post-tagger: a fifth of the time (about 0.1 ms a question) and, on the evaluation sets, the same answers.
  // Read as the view's tagged terms (.docs), not .json(), which copies each term into a report.
  // Window by window (TAGGER_WINDOW): a question is 500 characters at most where staff type it, but the tagger's cost
  // grows faster than the length of what it reads at once, so nothing longer is ever given to it whole.
  const sentences = textWindows(question, TAGGER_WINDOW).flatMap(([start, end]) => {
    const view = nlp.tokenize(question.slice(start, end)) as unknown as { compute(steps: string[]): void; docs: TaggedTerm[][] };
    view.compute(TAGGING_STEPS);
    return view.docs;
  });
  for (const sentence of sentences) {
    const terms = sentence.map((t) => ({ normal: t.normal, text: t.text, tags: [...(t.tags ?? [])] }));
    const base = terms.map((t) => roleOf(t.tags));
    terms.forEach((term, i) => {
      let role = base[i];
      // The tagger takes a word it does not know for a verb more readily than it should ("my employment
      // contract"): a "verb" that ends a run of nouns and adjectives opened by a determiner or possessive
      // ("the", "my") heads that noun phrase.
      if (role === 'verb' && !term.tags.some((t) => FINITE_VERB_TAGS.has(t))) {
        let j = i - 1;
        while (j >= 0 && !opensNounPhrase(terms[j].tags) && (base[j] === 'noun' || base[j] === 'adjective')) j--;
        if (j >= 0 && opensNounPhrase(terms[j].tags)) role = 'noun';
      }
      // A noun whose phrase opens with "from", "at", "on" ... sets the scene (see SETTING_PREPOSITIONS).
      if (role === 'noun') {
        let j = i - 1;
        while (j >= 0 && (base[j] === 'noun' || base[j] === 'adjective' || opensNounPhrase(terms[j].tags) || terms[j].tags.includes('Value'))) j--;
        if (j >= 0 && SETTING_PREPOSITIONS.has(terms[j].normal ?? '')) role = 'setting';
      }
      // The tagger's own tokens can join or split words differently ("someone's"); key by our tokens.
      for (const tok of tokenize(term.normal || term.text || '')) {
        const stem = stemToken(tok);
        const prev = roles.get(stem);
        if (!prev || ROLE_RANK[role] > ROLE_RANK[prev]) roles.set(stem, role);
      }
    });
  }
  cache.set(question, roles);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return roles;
}

const TAGGING_STEPS = ['alias', 'machine', 'lexicon', 'preTagger'];

/** Verb forms the tagger does not give to nouns it does not know. */
const FINITE_VERB_TAGS = new Set(['PastTense', 'Gerund', 'Copula', 'Modal', 'Auxiliary']);

function opensNounPhrase(tags: readonly string[]): boolean {
  return tags.includes('Determiner') || tags.includes('Possessive');
}

const ROLE_RANK: Record<WordRole, number> = { noun: 5, setting: 4, adjective: 3, verb: 2, adverb: 1, other: 0 };
