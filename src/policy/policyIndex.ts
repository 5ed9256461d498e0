import MiniSearch from 'minisearch';
import { ExpandedTerm, expandQuestion } from './lexicon';
import { FRONT_PAGE_TITLE, PolicyDocument, PolicySection } from './policyDocument';
import { analyze, tokenize } from './textAnalysis';

/** The smallest quotable piece of a policy: a sentence, or a bullet with the line that introduces it. */
export interface Passage {
  id: number;
  doc: PolicyDocument;
  section: PolicySection;
  /** Position of the passage within its section, for quoting neighbours in reading order. */
  position: number;
  text: string;
  /** The lead-in a bullet completes ("Individuals should not upload any content ... that:"). */
  leadIn: string | null;
}

/** A section ranked for a question, with the passages that matched it. */
export interface SectionMatch {
  doc: PolicyDocument;
  section: PolicySection;
  score: number;
  /** Share (0..1) of the question's ideas that the best passage and the section title cover. */
  coverage: number;
  passages: { passage: Passage; score: number; concepts: Set<string> }[];
}

/** Search results for one question. */
export interface SearchResult {
  terms: ExpandedTerm[];
  matches: SectionMatch[];
}

/** A searchable index over one or more policy documents. */
export interface PolicyIndex {
  readonly documents: readonly PolicyDocument[];
  readonly passageCount: number;
  search(question: string, limit?: number): SearchResult;
}

interface IndexedPassage { id: number; text: string; title: string }

const SECOND_PASSAGE_WEIGHT = 0.3;
const TITLE_BOOST = 1;
const CONCEPT_SCORE_CAP = 12;

/** Builds the index: every section split into passages, indexed with BM25 over text and section title. */
export function createPolicyIndex(documents: readonly PolicyDocument[]): PolicyIndex {
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
    tokenize: (text) => tokenize(text),
    processTerm: (term) => {
      const a = analyze(term);
      return a.length > 0 ? a[0] : null;
    },
    searchOptions: { tokenize: (q) => q.split(' ').filter(Boolean), processTerm: (t) => t },
  });
  mini.addAll(passages.map((p) => ({
    id: p.id,
    text: p.leadIn ? `${p.leadIn} ${p.text}` : p.text,
    title: sectionTitleChain(p.doc, p.section),
  })));

  const df = documentFrequencies(passages);
  const n = passages.length;
  const idf = (term: string): number => {
    const d = df.get(term) ?? 0;
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  };

  return {
    documents,
    passageCount: passages.length,
    search(question: string, limit = 5): SearchResult {
      const terms = expandQuestion(question);
      if (terms.length === 0) return { terms, matches: [] };
      const weightOf = new Map(terms.map((t) => [t.term, t.weight]));
      const conceptOf = new Map(terms.map((t) => [t.term, t.concept]));
      const importance = conceptImportance(terms, df, idf);
      const totalImportance = [...importance.values()].reduce((a, b) => a + b, 0);

      // One BM25 query per idea: a passage earns each idea once, through its best-matching form, so a
      // passage full of synonyms for one idea cannot outrank one that answers the whole question.
      const byConcept = new Map<string, string[]>();
      for (const t of terms) byConcept.set(t.concept, [...(byConcept.get(t.concept) ?? []), t.term]);
      const passageHits = new Map<number, { score: number; concepts: Set<string> }>();
      for (const [concept, conceptTerms] of byConcept) {
        const hits = mini.search(conceptTerms.join(' '), {
          boost: { title: TITLE_BOOST },
          boostTerm: (term) => weightOf.get(term) ?? 1,
        });
        for (const hit of hits) {
          const entry = passageHits.get(hit.id as number) ?? { score: 0, concepts: new Set<string>() };
          entry.score += Math.min(hit.score, CONCEPT_SCORE_CAP);
          entry.concepts.add(concept);
          passageHits.set(hit.id as number, entry);
        }
      }
      const bySection = new Map<string, SectionMatch>();
      for (const [id, hit] of passageHits) {
        const passage = passages[id];
        const key = `${passage.doc.id}#${passage.section.ordinal}`;
        let m = bySection.get(key);
        if (!m) {
          m = { doc: passage.doc, section: passage.section, score: 0, coverage: 0, passages: [] };
          bySection.set(key, m);
        }
        let covered = 0;
        for (const c of hit.concepts) covered += importance.get(c) ?? 0;
        const coverage = totalImportance > 0 ? covered / totalImportance : 0;
        m.passages.push({ passage, score: hit.score * (1 + coverage), concepts: hit.concepts });
      }
      const matches = [...bySection.values()];
      for (const m of matches) {
        m.passages.sort((a, b) => b.score - a.score);
        m.score = m.passages[0].score + SECOND_PASSAGE_WEIGHT * (m.passages[1]?.score ?? 0);
        const covered = m.passages[0].concepts;
        let sum = 0;
        for (const c of covered) sum += importance.get(c) ?? 0;
        m.coverage = totalImportance > 0 ? sum / totalImportance : 0;
      }
      matches.sort((a, b) => b.score - a.score);
      return { terms, matches: matches.slice(0, limit) };
    },
  };
}

/**
 * How much each idea in the question matters: the inverse document frequency of its commonest form in
 * the policy, or the maximum for ideas the policy never mentions (so a question about parking, which no
 * passage mentions, cannot be answered by a passage that merely mentions staff).
 */
function conceptImportance(terms: ExpandedTerm[], df: Map<string, number>, idf: (t: string) => number): Map<string, number> {
  const byConcept = new Map<string, number[]>();
  for (const t of terms) {
    if (!df.has(t.term)) continue;
    const list = byConcept.get(t.concept) ?? [];
    list.push(idf(t.term));
    byConcept.set(t.concept, list);
  }
  const maxIdf = idf('\u0000never-seen');
  const out = new Map<string, number>();
  for (const t of terms) {
    if (out.has(t.concept)) continue;
    const present = byConcept.get(t.concept);
    out.set(t.concept, present ? Math.min(...present) : maxIdf);
  }
  return out;
}

/** Front-page facts (review dates, owners, version) are searchable, cited as the document's front page. */
export function frontPageSection(doc: PolicyDocument): PolicySection {
  return { ordinal: 0, number: null, title: FRONT_PAGE_TITLE, level: 1, parent: null, text: doc.frontPage.join('\n\n') };
}

function documentFrequencies(passages: Passage[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const p of passages) {
    const terms = new Set(analyze(`${p.leadIn ?? ''} ${p.text} ${p.section.title}`));
    for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return df;
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

const ABBREVIATIONS = /\b(e\.g|i\.e|etc|ie|eg|mr|mrs|ms|dr|no|vs|cf)\.$/i;

/** Splits a section's text into quotable passages: sentences of paragraphs, and bullets with their lead-in. */
export function splitPassages(text: string): { text: string; leadIn: string | null }[] {
  const out: { text: string; leadIn: string | null }[] = [];
  let leadIn: string | null = null;
  const parents: string[] = [];
  for (const rawLine of text.split('\n')) {
    if (rawLine.trim() === '') continue;
    const bullet = /^(\s*)- (.*)$/.exec(rawLine);
    if (bullet) {
      const depth = bullet[1].length / 2;
      parents.length = depth;
      const context = [leadIn, ...parents].filter((x): x is string => !!x).join(' ');
      out.push({ text: bullet[2], leadIn: context || null });
      parents[depth] = bullet[2];
      continue;
    }
    parents.length = 0;
    const sentences = splitSentences(rawLine.trim());
    for (const s of sentences) out.push({ text: s, leadIn: null });
    // A line ending in a colon introduces the bullets that follow it.
    leadIn = /[:\-]$/.test(rawLine.trim()) ? sentences[sentences.length - 1] ?? null : null;
  }
  return out;
}

/** Splits a paragraph into sentences without breaking at "e.g." or "i.e.". */
export function splitSentences(paragraph: string): string[] {
  const parts: string[] = [];
  let start = 0;
  const re = /[.!?]["')]*\s+(?=["'(]?[A-Z0-9])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(paragraph)) !== null) {
    const candidate = paragraph.slice(start, m.index + 1);
    if (ABBREVIATIONS.test(candidate)) continue;
    parts.push(paragraph.slice(start, m.index + m[0].trimEnd().length).trim());
    start = m.index + m[0].length;
  }
  const rest = paragraph.slice(start).trim();
  if (rest) parts.push(rest);
  return parts;
}
