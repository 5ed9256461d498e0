import { analyze, stemToken, tokenize } from './textAnalysis';
import { readLexiconGroups, WordListError } from '../wordLists/readWordLists';
import lexiconWords from '../wordLists/lexicon.json';

/**
 * How staff talk versus how school policies are written. Each group is one idea: a question that uses any
 * form also searches for the others. The groups describe school social media policies in general (UK
 * usage); none is keyed to a particular document or question. They are data (wordLists/lexicon.json), each form
 * written once: the stemmer joins regular inflections, and the lemmatiser gives an irregular verb's forms.
 */
export const LEXICON_GROUPS: readonly (readonly string[])[] = readLexiconGroups(lexiconWords, 'wordLists/lexicon.json');

/** A question term and the alternative terms it also searches for. */
export interface ExpandedTerm {
  /**
   * Index term: a stem ("photograph"), or for a multi-word form of a group the stems joined by
   * PHRASE_JOINER ("social_media"), which the index records wherever the phrase occurs in a passage.
   */
  term: string;
  /** The idea this term belongs to: terms of one idea count once for scoring and coverage. */
  concept: string;
  /** 1 for the question's own words, lower for lexicon alternatives. */
  weight: number;
}

/** Joins the stems of a multi-word form into one index term; never produced by the tokenizer. */
export const PHRASE_JOINER = '_';

/** Prefix of the concept of a word that is in no group: the word is an idea of its own. */
export const WORD_CONCEPT = 'w:';

/** Lexicon alternatives weigh less than the words the question used. */
export const ALTERNATIVE_WEIGHT = 0.75;

interface CompiledForm {
  /** Stems of every token, stopwords included ("lose my job" -> lose, my, job). */
  stems: string[];
  /** The index term this form is searched as. */
  key: string;
}

interface CompiledGroup {
  concept: string;
  forms: CompiledForm[];
}

function compileForm(form: string): CompiledForm | null {
  const stems = tokenize(form).map(stemToken);
  if (stems.length === 0) return null;
  if (stems.length === 1) {
    const analyzed = analyze(form);
    return analyzed.length === 1 ? { stems, key: analyzed[0] } : null;
  }
  return { stems, key: stems.join(PHRASE_JOINER) };
}

/** The groups compiled to index terms; a form with nothing to search for (only stopwords) is refused at start. */
function compileGroups(groups: readonly (readonly string[])[]): CompiledGroup[] {
  const problems: string[] = [];
  const out = groups.map((group, gi) => ({
    concept: `g${gi}`,
    forms: group.flatMap((form) => {
      const f = compileForm(form);
      if (!f) problems.push(`group ${gi + 1}: "${form}" has no word the index searches for`);
      return f ? [f] : [];
    }),
  }));
  if (problems.length > 0) throw new WordListError('wordLists/lexicon.json', problems);
  return out;
}

const compiled = compileGroups(LEXICON_GROUPS);

/** Multi-word forms by their first stem, longest first, so the longest phrase at a position wins. */
const phrasesByFirst = new Map<string, { form: CompiledForm; groups: CompiledGroup[] }[]>();
/** Groups each single-word form belongs to. */
const groupsByWord = new Map<string, CompiledGroup[]>();
for (const group of compiled) {
  for (const form of group.forms) {
    if (form.stems.length > 1) {
      const list = phrasesByFirst.get(form.stems[0]) ?? [];
      const same = list.find((x) => x.form.key === form.key);
      if (same) {
        if (!same.groups.includes(group)) same.groups.push(group);
      } else list.push({ form, groups: [group] });
      phrasesByFirst.set(form.stems[0], list);
    } else {
      const list = groupsByWord.get(form.key) ?? [];
      if (!list.includes(group)) list.push(group);
      groupsByWord.set(form.key, list);
    }
  }
}
for (const list of phrasesByFirst.values()) list.sort((a, b) => b.form.stems.length - a.form.stems.length);

interface PhraseHit { start: number; length: number; form: CompiledForm; groups: CompiledGroup[] }

/** Lexicon phrases in a stemmed token sequence, longest first at each position, not overlapping. */
function findPhrases(stems: readonly string[]): PhraseHit[] {
  const hits: PhraseHit[] = [];
  for (let i = 0; i < stems.length; i++) {
    const candidates = phrasesByFirst.get(stems[i]);
    if (!candidates) continue;
    for (const c of candidates) {
      const n = c.form.stems.length;
      if (i + n <= stems.length && c.form.stems.every((s, j) => stems[i + j] === s)) {
        hits.push({ start: i, length: n, form: c.form, groups: c.groups });
        i += n - 1;
        break;
      }
    }
  }
  return hits;
}

/**
 * The terms a passage is indexed under: its content stems, plus one joined term for each lexicon phrase it
 * contains, so that "working hours" in a question matches "during working hours" as a phrase rather than
 * as any passage that mentions work somewhere and hours somewhere else.
 */
export function indexTerms(text: string): string[] {
  const tokens = tokenize(text);
  const out = analyze(text);
  for (const hit of findPhrases(tokens.map(stemToken))) out.push(hit.form.key);
  return out;
}

/**
 * Expands a question into weighted search terms grouped by idea. Multi-word forms ("friend request",
 * "put up") are matched as phrases before single words, so "add me" means befriending, not arithmetic.
 * A word in no group is an idea of its own, searched as itself.
 */
export function expandQuestion(question: string): ExpandedTerm[] {
  const rawTokens = tokenize(question);
  const stemmed = rawTokens.map(stemToken);
  const consumed = new Array<boolean>(rawTokens.length).fill(false);
  const terms = new Map<string, ExpandedTerm>();
  const add = (term: string, concept: string, weight: number): void => {
    const existing = terms.get(term);
    if (!existing || existing.weight < weight) terms.set(term, { term, concept, weight });
  };
  const addGroup = (group: CompiledGroup, concept: string): void => {
    for (const f of group.forms) add(f.key, concept, ALTERNATIVE_WEIGHT);
  };

  for (const hit of findPhrases(stemmed)) {
    for (let j = 0; j < hit.length; j++) consumed[hit.start + j] = true;
    const concept = hit.groups[0].concept;
    for (const g of hit.groups) addGroup(g, concept);
    add(hit.form.key, concept, 1);
  }

  rawTokens.forEach((tok, i) => {
    if (consumed[i]) return;
    const analyzed = analyze(tok);
    if (analyzed.length === 0) return;
    const s = analyzed[0];
    const groups = groupsByWord.get(s) ?? [];
    const concept = groups.length > 0 ? groups[0].concept : `${WORD_CONCEPT}${s}`;
    for (const g of groups) addGroup(g, concept);
    add(s, concept, 1);
  });
  return [...terms.values()];
}
