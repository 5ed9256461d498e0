import MiniSearch from 'minisearch';
import { ALTERNATIVE_WEIGHT, ExpandedTerm, expandQuestion, indexTerms, WORD_CONCEPT } from './lexicon';
import { PolicyDocument, PolicySection } from '../policyDocument';
import { isFramingWord, stemToken, tokenize } from './textAnalysis';
import { WordRole, wordRoles } from './questionAnalysis';
import { lemmaFrequency, warmWordNet } from './wordnetDictionary';
import { wordNetAlternatives } from './wordnetSynonyms';
import { LearnedModel, loadLearnedModel } from './learnedModel';
import { createLearnedRanker, LEXICAL_CANDIDATES, LearnedRanking } from './learnedRanking';
import { frontPageSection, Passage, SectionMatch, splitPassages } from './passages';

// Passages and section matches are defined in passages.ts (the learnt ranking uses them too); re-exported for callers.
export { frontPageSection, splitPassages, splitSentences } from './passages';
export type { Passage, SectionMatch } from './passages';

/** Search results for one question. */
export interface SearchResult {
  terms: ExpandedTerm[];
  /** The question's ideas: how much each matters, and whether the policy uses any form of it. */
  ideas: QuestionIdea[];
  matches: SectionMatch[];
}

/** One idea of a question, as the index sees it. */
export interface QuestionIdea {
  concept: string;
  /** The question's own word(s) for it. */
  words: string[];
  /** Inverse frequency of passages holding any form of the idea (the maximum when none does). */
  importance: number;
  /** Whether any passage holds a form of the idea. */
  known: boolean;
  /** Whether the question's words for it only frame the question ("ask", "count", "stuff"). */
  framing: boolean;
  /** For a word in no lexicon group, its role in the question (see WordRole); null for lexicon ideas. */
  role: WordRole | null;
}

/** A searchable index over one or more policy documents. */
export interface PolicyIndex {
  readonly documents: readonly PolicyDocument[];
  readonly passageCount: number;
  readonly passages: readonly Passage[];
  /** Lexical search: BM25 over ideas, with the lexicon and WordNet. */
  search(question: string, limit?: number): SearchResult;
  /** The learned model's ranking over the lexical candidates and every section; null without a model. */
  rank(question: string): LearnedRanking | null;
}

/** How an index is built: by default with the shipped learned model (see learnedModel.ts). */
export interface PolicyIndexOptions {
  /** null: lexical search only (as training's export uses it, so the model never ranks its own features). */
  model?: LearnedModel | null;
}

interface IndexedPassage { id: number; text: string; title: string }

/** BM25 saturation and length normalisation, applied per idea rather than per word (see search). */
const BM25_K1 = 1.2;
const BM25_B = 0.3;
/** An idea in the section title (or its parents' titles) adds this much to a match in the text. */
const TITLE_MATCH = 0.5;
/** Ideas the best passage misses but another passage of its section has add this share of their weight. */
const SECTION_CONTEXT = 0.3;
/**
 * Share of its inverse frequency that a word in no lexicon group weighs, by its role in the question (see
 * WordRole): nouns and adjectives name the topic; verbs and adverbs mostly say how the question is put; a
 * setting ("from sports day") says where or when. For a word the policy never uses (UNKNOWN_ROLE_WEIGHT)
 * this decides whether its absence means the policy does not cover the question; for one it uses
 * (KNOWN_ROLE_WEIGHT), how much matching it counts towards ranking. Set on the sample and staff-voice sets.
 */
const UNKNOWN_ROLE_WEIGHT: Record<WordRole, number> = { noun: 1, setting: 0.5, adjective: 1, verb: 0.4, adverb: 0.2, other: 0.2 };
const KNOWN_ROLE_WEIGHT: Record<WordRole, number> = { noun: 1, setting: 0.3, adjective: 1, verb: 0.7, adverb: 0.5, other: 0.5 };

/**
 * The share of an idea a passage covers when its best form there weighs this much: all of it through the
 * question's own word or a lexicon alternative; through a WordNet alternative (which weighs less, see
 * WORDNET_RELATION_WEIGHT), only that weight's share. WordNet knows every sense of a word, so a synonym is
 * weaker evidence that the policy covers a topic it never names than a lexicon alternative is: a question
 * about "a staff parking permit" must not pass for covered because WordNet relates "park" to "set".
 */
function coverageCredit(weight: number): number {
  return weight >= ALTERNATIVE_WEIGHT ? 1 : weight;
}

/** Builds the index: every section split into passages, indexed with BM25 over text and section title. */
export function createPolicyIndex(documents: readonly PolicyDocument[], options: PolicyIndexOptions = {}): PolicyIndex {
  // WordNet (see wordNetAlternatives) is loaded once a process, here rather than on the first question.
  warmWordNet();
  const passages: Passage[] = [];
  for (const doc of documents) {
    for (const section of [...doc.sections, frontPageSection(doc)]) {
      splitPassages(section.text).forEach((p, position) => {
        passages.push({ id: passages.length, doc, section, position, text: p.text, leadIn: p.leadIn });
      });
    }
  }
  const mini = new MiniSearch<IndexedPassage>({
    fields: ['text', 'title'],
    tokenize: (text) => indexTerms(text),
    processTerm: (term) => term,
    searchOptions: { tokenize: (q) => q.split(' ').filter(Boolean), processTerm: (t) => t },
  });
  const indexed = passages.map((p) => ({
    id: p.id,
    text: p.leadIn ? `${p.leadIn} ${p.text}` : p.text,
    title: p.section.ordinal === 0 ? '' : sectionTitleChain(p.doc, p.section),
  }));
  mini.addAll(indexed);
  const vocabulary = new Set<string>();
  const lengths = indexed.map((d) => {
    const terms = indexTerms(d.text);
    for (const t of terms) vocabulary.add(t);
    for (const t of indexTerms(d.title)) vocabulary.add(t);
    return terms.length;
  });
  const avgLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length);
  /** BM25 term-frequency factor for one occurrence in a passage of this length: shorter passages say it more directly. */
  const lengthFactor = lengths.map((len) => (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + (BM25_B * len) / avgLength)));

  const n = passages.length;
  const idfOf = (d: number): number => Math.log(1 + (n - d + 0.5) / (d + 0.5));

  const model = options.model === undefined ? loadLearnedModel() : options.model;
  // No passages (no policy added yet): nothing to rank, and lexical search finds nothing, so nothing is answered.
  const learned = model && passages.length > 0 ? createLearnedRanker(model, passages) : null;

  const index: PolicyIndex = {
    documents,
    passageCount: passages.length,
    passages,
    rank(question: string): LearnedRanking | null {
      return learned ? learned(question, index.search(question, LEXICAL_CANDIDATES).matches) : null;
    },
    search(question: string, limit = 5): SearchResult {
      const terms = expandQuestion(question);
      if (terms.length === 0) return { terms, ideas: [], matches: [] };
      // A word in no lexicon group (or whose lexicon idea the policy never uses) may be something the policy
      // says in other words ("isn't true" / "false"): WordNet's words for it that the policy uses join its
      // idea, at a low weight, and cover only that share of it (see wordNetAlternatives, coverageCredit).
      terms.push(...wordNetAlternatives(question, terms, vocabulary));
      const weightOf = new Map(terms.map((t) => [t.term, t.weight]));
      const byConcept = new Map<string, string[]>();
      const ownWords = new Map<string, string[]>();
      for (const t of terms) {
        const list = byConcept.get(t.concept);
        if (list) list.push(t.term);
        else byConcept.set(t.concept, [t.term]);
        if (t.weight >= 1) ownWords.set(t.concept, [...(ownWords.get(t.concept) ?? []), t.term]);
      }

      // Scoring is BM25 with the idea, not the word, as the unit: MiniSearch finds the passages holding any
      // form of an idea; the idea's weight is the inverse frequency of passages holding any of its forms, and a
      // passage earns it once, through its best form (the question's own word 1, a lexicon alternative less).
      // So a passage full of synonyms for one idea cannot outrank one that answers the whole question.
      const importance = new Map<string, number>();
      const ideas: QuestionIdea[] = [];
      // Roles are only needed for words in no lexicon group; most questions have one, but not all.
      let roles: Map<string, WordRole> | null = null;
      const roleOf = (concept: string): WordRole | null => {
        if (!concept.startsWith(WORD_CONCEPT)) return null;
        roles ??= wordRoles(question);
        return roles.get(concept.slice(WORD_CONCEPT.length)) ?? 'noun';
      };
      const passageHits = new Map<number, Map<string, number>>();
      /** Ideas a passage matches only through a WordNet alternative: the share of each it covers (see coverageCredit). */
      const passageCredit = new Map<number, Map<string, number>>();
      const creditOf = (id: number, concept: string): number => passageCredit.get(id)?.get(concept) ?? 1;
      for (const [concept, conceptTerms] of byConcept) {
        const words = ownWords.get(concept) ?? [];
        const framing = concept.startsWith(WORD_CONCEPT) && words.length > 0 && words.every(isFramingWord);
        // A framing word ("ask", "count", "policy") weighs nothing: it says how the question is put, not what
        // it is about (see isFramingWord), so it is not searched. A topic the policy never mentions weighs as
        // much as its rarest word would (less for a word common in general English, see unknownWordShare):
        // the question is about something the policy does not say.
        if (framing) {
          importance.set(concept, 0);
          ideas.push({ concept, words, importance: 0, known: conceptTerms.some((t) => vocabulary.has(t)), framing, role: null });
          continue;
        }
        const hits = mini.search(conceptTerms.join(' '));
        const role = roleOf(concept);
        let weight = idfOf(hits.length) * (role === null ? 1 : (hits.length > 0 ? KNOWN_ROLE_WEIGHT : UNKNOWN_ROLE_WEIGHT)[role]);
        if (hits.length === 0) weight *= unknownWordShare(question, words);
        importance.set(concept, weight);
        ideas.push({ concept, words, importance: weight, known: hits.length > 0, framing, role });
        for (const hit of hits) {
          let text = 0;
          let title = 0;
          for (const [term, fields] of Object.entries(hit.match)) {
            const w = weightOf.get(term) ?? 0;
            if (fields.includes('text')) text = Math.max(text, w);
            if (fields.includes('title')) title = Math.max(title, w);
          }
          const id = hit.id as number;
          const strength = text * lengthFactor[id] + title * TITLE_MATCH;
          if (strength <= 0) continue;
          const entry = passageHits.get(id) ?? new Map<string, number>();
          entry.set(concept, strength);
          passageHits.set(id, entry);
          const credit = coverageCredit(Math.max(text, title));
          if (credit < 1) {
            const c = passageCredit.get(id) ?? new Map<string, number>();
            c.set(concept, credit);
            passageCredit.set(id, c);
          }
        }
      }
      const totalImportance = [...importance.values()].reduce((a, b) => a + b, 0);

      const bySection = new Map<string, SectionMatch>();
      for (const [id, strengths] of passageHits) {
        const passage = passages[id];
        const key = `${passage.doc.id}#${passage.section.ordinal}`;
        let m = bySection.get(key);
        if (!m) {
          m = { doc: passage.doc, section: passage.section, score: 0, coverage: 0, passages: [] };
          bySection.set(key, m);
        }
        // A passage that answers more of the question is worth more than the sum of its matches: its score
        // is scaled by (1 + the share of the question's weight it covers).
        let score = 0;
        let covered = 0;
        for (const [c, st] of strengths) {
          score += (importance.get(c) ?? 0) * st;
          covered += (importance.get(c) ?? 0) * creditOf(id, c);
        }
        if (totalImportance > 0) score *= 1 + covered / totalImportance;
        m.passages.push({ passage, score, concepts: new Set(strengths.keys()) });
      }
      const matches = [...bySection.values()];
      for (const m of matches) {
        m.passages.sort((a, b) => b.score - a.score);
        const best = m.passages[0];
        // Ideas the section answers elsewhere than its best passage support it, at a discount.
        const elsewhere = new Set<string>();
        for (const p of m.passages.slice(1)) for (const c of p.concepts) if (!best.concepts.has(c)) elsewhere.add(c);
        let extra = 0;
        for (const c of elsewhere) extra += (importance.get(c) ?? 0) * SECTION_CONTEXT;
        m.score = best.score + extra;
        let sum = 0;
        for (const c of best.concepts) sum += (importance.get(c) ?? 0) * creditOf(best.passage.id, c);
        m.coverage = totalImportance > 0 ? sum / totalImportance : 0;
      }
      matches.sort((a, b) => b.score - a.score);
      return { terms, ideas, matches: matches.slice(0, limit) };
    },
  };
  return index;
}

/**
 * An idea the policy never names is taken for the question's topic (see UNKNOWN_ROLE_WEIGHT), but a word that
 * is common in general English ("plan", "family", "life": at least COMMON_WORD_FREQUENCY occurrences in
 * WordNet's sense-tagged corpus, see lemmaFrequency) is more often how staff describe a situation than a
 * topic of its own ("pension", "mileage", "inset"); it weighs COMMON_WORD_WEIGHT of that. Set on the
 * staff-voice and hold-out sets: it turns some wrongly declined answers into answers without answering more
 * uncovered questions.
 */
const COMMON_WORD_FREQUENCY = 100;
const COMMON_WORD_WEIGHT = 0.7;

/** Weight share of an idea the policy never names, by how common its question word is (see COMMON_WORD_WEIGHT). */
function unknownWordShare(question: string, stems: readonly string[]): number {
  let frequency = 0;
  for (const t of tokenize(question)) if (stems.includes(stemToken(t))) frequency = Math.max(frequency, lemmaFrequency(t));
  return frequency >= COMMON_WORD_FREQUENCY ? COMMON_WORD_WEIGHT : 1;
}

function sectionTitleChain(doc: PolicyDocument, section: PolicySection): string {
  const titles: string[] = [section.title];
  let parent = section.parent;
  while (parent !== null) {
    const p = doc.sections.find((s) => s.ordinal === parent);
    if (!p) break;
    titles.push(p.title);
    parent = p.parent;
  }
  return titles.join(' ');
}
