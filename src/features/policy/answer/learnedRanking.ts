import { LearnedModel } from './learnedModel';
import { dot } from './modelEncoder';
import { modelTokens } from './modelText';
import { PolicyDocument, PolicySection } from '../policyDocument';
import { frontPageSection, Passage, SectionMatch, splitPassages } from './passages';

/** How many lexical candidates the re-ranker sees, as in training (research/scripts/exportTrainingData.ts). */
export const LEXICAL_CANDIDATES = 10;

/** What the learned model reads for a section's heading: its title and its parents' titles. */
export function sectionHeadingText(doc: PolicyDocument, section: PolicySection): string {
  // The front page has no heading of its own: these words say what staff ask of it.
  if (section.ordinal === 0) return 'front page document title version review date approved owner';
  const titles: string[] = [];
  let s: PolicySection | undefined = section;
  while (s) {
    titles.push(s.title);
    const parent: number | null = s.parent;
    s = parent === null ? undefined : doc.sections.find((x) => x.ordinal === parent);
  }
  return titles.join(' ');
}

/** The text a passage is read as: with the lead-in it completes. */
export function passageText(p: { text: string; leadIn: string | null }): string {
  return p.leadIn ? `${p.leadIn} ${p.text}` : p.text;
}

/** The sections of a document the model ranks: every section with text, and the front page. */
export function rankableSections(doc: PolicyDocument): PolicySection[] {
  return [...doc.sections, frontPageSection(doc)].filter((s) => splitPassages(s.text).length > 0);
}

/** One section as the re-ranker scored it. */
export interface RankedSection {
  doc: PolicyDocument;
  section: PolicySection;
  /** The re-ranker's score (a logit: higher is better; only differences matter). */
  score: number;
  /**
   * The section's passages, best quote first, by the quote scorer training fitted (LearnedModel.quoteScore over
   * QUOTE_FEATURES, in similarity units): the model's similarity to the question, the lexical index's passage score
   * (0..1 within the section), the question bank's, the first passage, the passage's length, and the share of the
   * question's words it names (see quoteFeatures).
   */
  passages: { passage: Passage; similarity: number; lexical: number; score: number }[];
}

/** The ranking of a question over the whole policy, with the probability that the policy answers it. */
export interface LearnedRanking {
  ranked: RankedSection[];
  answerProbability: number;
  answered: boolean;
  /**
   * Whether the ranker is sure its first section is the one that answers (issue 50): when it is not, the reply offers the
   * first three sections as choices. Set by the re-ranker; absent means sure.
   */
  sure?: boolean;
}

interface SectionEntry {
  doc: PolicyDocument;
  section: PolicySection;
  heading: Float32Array;
  passages: { passage: Passage; vector: Float32Array; words: Int32Array; heads: Set<string>; bankAt: number }[];
}

/**
 * What the quote scorer reads of the policy's words: each word's smooth idf over the passages (research/training/answer/quote.py
 * policy_idf), and the idf of a word no passage uses.
 */
interface PassageIdf { idf: Map<string, number>; unknown: number }

function passageIdf(tokenLists: readonly string[][]): PassageIdf {
  const df = new Map<string, number>();
  for (const tokens of tokenLists) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = tokenLists.length;
  const idf = new Map<string, number>();
  for (const [t, c] of df) idf.set(t, Math.log((1 + n) / (1 + c)) + 1);
  return { idf, unknown: Math.log(1 + n) + 1 };
}

/**
 * The question's words for prefix_overlap (stop words aside), each with its idf, and their total: a passage's
 * feature is the share of that total whose words share their first `prefix` letters with one of its words.
 */
function askedWords(model: LearnedModel, idf: PassageIdf, question: string): { heads: [string, number][]; total: number } {
  const heads: [string, number][] = [];
  let total = 0;
  for (const t of new Set(modelTokens(question))) {
    if (model.stopWords.has(t)) continue;
    const w = idf.idf.get(t) ?? idf.unknown;
    heads.push([t.slice(0, model.quotePrefix), w]);
    total += w;
  }
  return { heads, total };
}

/**
 * The words of a policy as unit word vectors, for soft matching: how much of a question's meaning some word of a
 * passage carries ("mum" finds "parent", "insta" finds "Instagram"), each question word counting its best cosine.
 */
interface PolicyWords {
  vectors: Float32Array;
  count: number;
  idOf: Map<string, number>;
  /**
   * A question word's cosines with every policy word, kept once computed: each row costs the policy's distinct words
   * times the vectors' dimension, and the same few thousand words come back question after question.
   */
  rows: Map<string, { sims: Float32Array; best: number }>;
}

/** Memory a policy's kept rows may take (each row is the policy's distinct words as 4-byte floats, a few KB). */
const ROWS_BYTES = 16 * 1024 * 1024;

/** Encodes every passage and heading once, when the policy is loaded; ranking a question then costs one encode. */
export function createLearnedRanker(model: LearnedModel, passages: readonly Passage[]): (question: string, lexical: readonly SectionMatch[]) => LearnedRanking {
  const entries: SectionEntry[] = [];
  const byKey = new Map<string, SectionEntry>();
  const vectors = passages.map((p) => model.encodePolicyText(passageText(p)));
  const words: PolicyWords = { vectors: new Float32Array(0), count: 0, idOf: new Map(), rows: new Map() };
  const wordVectors: Float32Array[] = [];
  const passageTokens = passages.map((p) => modelTokens(passageText(p)));
  const idf = passageIdf(passageTokens);
  const passageWords = passageTokens.map((tokens) => Int32Array.from(tokens.map((t) => {
    let id = words.idOf.get(t);
    if (id === undefined) {
      id = wordVectors.length;
      words.idOf.set(t, id);
      wordVectors.push(model.word(t).vector);
    }
    return id;
  })));
  words.count = wordVectors.length;
  words.vectors = new Float32Array(words.count * model.dim);
  wordVectors.forEach((v, i) => words.vectors.set(v, i * model.dim));
  passages.forEach((p, i) => {
    const key = sectionKey(p.doc, p.section);
    let e = byKey.get(key);
    if (!e) {
      e = { doc: p.doc, section: p.section, heading: model.encodePolicyText(sectionHeadingText(p.doc, p.section)), passages: [] };
      byKey.set(key, e);
      entries.push(e);
    }
    e.passages.push({ passage: p, vector: vectors[i], words: passageWords[i], heads: new Set(passageTokens[i].map((t) => t.slice(0, model.quotePrefix))), bankAt: -1 });
  });
  // The bank reads passages section after section, in entry order: where each passage's bank score will be.
  let bankAt = 0;
  for (const e of entries) for (const p of e.passages) p.bankAt = bankAt++;
  const bank = model.bank.forPolicy(entries.map((e) => e.passages.map((p) => passageText(p.passage))));
  const headingWords = entries.map((e) => (e.section.ordinal === 0 ? '' : headingKey(e.section.title)));

  return (question, lexical) => {
    const q = model.encodeQuestion(question);
    const n = entries.length;
    const passageSims = entries.map((e) => e.passages.map((p) => dot(q, p.vector)));
    const matched = softMatch(model, words, question, entries);
    const soft = matched.sections;
    const topSoft = Math.max(...soft);
    const best = passageSims.map((sims) => Math.max(...sims));
    const heading = entries.map((e) => dot(q, e.heading));
    const dual = best.map((b, i) => b + model.headingMix * heading[i]);
    const topDual = Math.max(...dual);
    const dualRank = rankShares(dual);
    const lexScore = new Array<number>(n).fill(0);
    const lexCoverage = new Array<number>(n).fill(0);
    const lexRank = new Array<number>(n).fill(0);
    const lexPassages = new Map<number, Map<number, number>>();
    const topLex = Math.max(1e-9, ...lexical.map((m) => m.score));
    lexical.slice(0, LEXICAL_CANDIDATES).forEach((m, r) => {
      const i = entries.findIndex((e) => e.doc === m.doc && e.section.ordinal === m.section.ordinal);
      if (i < 0) return;
      lexScore[i] = m.score / topLex;
      lexCoverage[i] = m.coverage;
      lexRank[i] = 1 / (r + 1);
      const topPassage = Math.max(1e-9, ...m.passages.map((p) => p.score));
      lexPassages.set(i, new Map(m.passages.map((p) => [p.passage.id, p.score / topPassage])));
    });
    const near = bank.match(question);
    const topBank = Math.max(...near.sections);
    const features = entries.map((_, i) => [dual[i], best[i], heading[i], dual[i] - topDual, dualRank[i], lexScore[i], lexCoverage[i], lexRank[i], lexScore[i] > 0 ? 1 : 0, soft[i], soft[i] - topSoft, near.sections[i], near.sections[i] - topBank]);
    const scores = features.map((f) => model.rankScore(f));
    const byScore = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
    // A question in a section heading's very words ("Acceptable use") asks for that section: it comes first, and is
    // answered. Of sections sharing the heading, the re-ranker's order stands.
    const asked = headingKey(question);
    const named = asked ? byScore.filter((i) => headingWords[i] === asked) : [];
    const order = [...named, ...byScore.filter((i) => !named.includes(i))];
    // Whether to answer reads the scores of the ranker it was trained with: the re-ranker's, or training's separate
    // linear one (declineRankScore), in its own order; a section named by its heading comes first in both.
    const judged = model.declineRankScore ? features.map((x) => model.declineRankScore!(x)) : scores;
    const byJudged = judged === scores ? byScore : judged.map((_, i) => i).sort((a, b) => judged[b] - judged[a]);
    const judgedOrder = [...named, ...byJudged.filter((i) => !named.includes(i))];
    const top = judgedOrder[0];
    const second = judgedOrder[1] ?? top;
    const topCoverage = Math.max(0, ...lexical.map((m) => m.coverage));
    const f = features[top];
    const answerProbability = model.answerProbability([judged[top], judged[top] - judged[second], f[0], f[1], f[2], f[6], topCoverage, f[5], lexical.length > 0 ? 1 : 0, f[9], topSoft, matched.policySoft, matched.unmatched, topBank, near.sections[top], near.uncovered, near.otherUncovered]);
    const askedIdf = askedWords(model, idf, question);
    const ranked = byScore.map((i) => {
      const e = entries[i];
      const topBank = Math.max(0, ...e.passages.map((p) => near.passages[p.bankAt]));
      return {
        doc: e.doc,
        section: e.section,
        score: scores[i],
        passages: e.passages
          .map((p, k) => {
            const lexicalShare = lexPassages.get(i)?.get(p.passage.id) ?? 0;
            const features = quoteFeatures(passageSims[i][k], lexicalShare, topBank > 0 ? near.passages[p.bankAt] / topBank : 0, k, p.words.length, p.heads, askedIdf);
            return { passage: p.passage, similarity: passageSims[i][k], lexical: lexicalShare, score: model.quoteScore(features) };
          })
          .sort((a, b) => b.score - a.score),
      };
    });
    // The named sections come first, their scores lifted as a taught link's are, so the answer's shares follow.
    // Sure of the first section unless the second comes close (issue 50: the cut-off chosen out of fold in training); a
    // section asked for by its heading's words is sure.
    const secondShare = byScore.length > 1 ? Math.exp(scores[byScore[1]] - scores[byScore[0]]) : 0;
    const sure = named.length > 0 || model.sureShareBelow === null || secondShare < model.sureShareBelow;
    return {
      ranked: promoteSections(ranked, named.map((i) => byScore.indexOf(i))),
      answerProbability,
      answered: named.length > 0 || answerProbability >= model.answerThreshold,
      sure,
    };
  };
}

/**
 * Puts the sections at `chosen` (indices into `ranked`, best score first) ahead of the rest, in the given order, their
 * scores lifted by one amount so the first is one above the best before: a section named by its heading, or one an
 * owner linked the question to. The scores stay logits, so the shares the answer reports follow the new order.
 */
export function promoteSections(ranked: readonly RankedSection[], chosen: readonly number[]): RankedSection[] {
  if (chosen.length === 0) return [...ranked];
  const lift = ranked[0].score - ranked[chosen[0]].score + 1;
  const picked = new Set(chosen);
  return [...chosen.map((i) => ({ ...ranked[i], score: ranked[i].score + lift })), ...ranked.filter((_, k) => !picked.has(k))];
}

/**
 * A heading or a question as the words it is made of, for telling that a question is a heading in its very words:
 * lower case, punctuation and a leading section number ("4.", "4.1", "b)", "Section 3:") aside. Empty when nothing
 * is left.
 */
export function headingKey(text: string): string {
  return text
    .toLowerCase()
    .replace(NUMBERED_LABEL, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "4 ", "4.1 ", "4. ", "b) ", "iv. ", "Section 3: ", "Appendix A - ": a number, or a number or letter with its punctuation. */
const NUMBERED_LABEL = /^\s*(?:(?:section|part|appendix)\s+)?(?:\d+(?:\.\d+)*\.?\s+|(?:\d+(?:\.\d+)*|[a-z]|[ivx]+)\s*[.):\u2013-]\s*)/;

/**
 * Soft matching (research/training/answer/features.py soft_match): per section, the best passage's weighted share of the question's
 * words that some word of the passage means; over the whole policy, that share, and the share (by weight) of
 * question words no policy word comes near (a topic the policy never mentions).
 */
function softMatch(model: LearnedModel, words: PolicyWords, question: string, entries: SectionEntry[]): { sections: number[]; policySoft: number; unmatched: number } {
  const dim = model.dim;
  const tokens = [...new Set(modelTokens(question))];
  const asked = tokens.map((t) => model.word(t));
  const total = asked.reduce((sum, w) => sum + w.weight, 0);
  if (asked.length === 0 || total === 0) return { sections: entries.map(() => 0), policySoft: 0, unmatched: 1 };
  // Cosine of each question word with each policy word, and the best of them, once per word for this policy (up to
  // ROWS_BYTES of them).
  const vectors = words.vectors;
  const count = words.count;
  const rows = asked.map((a, t) => {
    const kept = words.rows.get(tokens[t]);
    if (kept) return kept;
    const v = a.vector;
    const cosines = new Float32Array(count);
    let best = 0;
    for (let u = 0; u < count; u++) {
      let acc = 0;
      const base = u * dim;
      for (let d = 0; d < dim; d++) acc += v[d] * vectors[base + d];
      cosines[u] = acc;
      if (cosines[u] > best) best = cosines[u];
    }
    const row = { sims: cosines, best };
    if (words.rows.size >= Math.max(64, Math.floor(ROWS_BYTES / (4 * Math.max(1, count))))) words.rows.clear();
    words.rows.set(tokens[t], row);
    return row;
  });
  const sims = rows.map((r) => r.sims);
  let policySoft = 0;
  let unmatched = 0;
  asked.forEach((a, t) => {
    const best = rows[t].best;
    policySoft += a.weight * best;
    if (best < model.unmatchedSimilarity) unmatched += a.weight;
  });
  const sections = entries.map((e) => {
    let bestPassage = 0;
    for (const p of e.passages) {
      const ids = p.words;
      if (ids.length === 0) continue;
      let sum = 0;
      for (let t = 0; t < asked.length; t++) {
        let max = 0;
        const row = sims[t];
        for (let k = 0; k < ids.length; k++) if (row[ids[k]] > max) max = row[ids[k]];
        sum += asked[t].weight * max;
      }
      bestPassage = Math.max(bestPassage, sum / total);
    }
    return bestPassage;
  });
  return { sections, policySoft: policySoft / total, unmatched: unmatched / total };
}

/** One passage's QUOTE_FEATURES (research/training/answer/quote.py quote_features computes the same). */
export function quoteFeatures(similarity: number, lexical: number, bankShare: number, position: number, words: number,
  heads: ReadonlySet<string>, asked: { heads: [string, number][]; total: number }): number[] {
  let named = 0;
  for (const [head, w] of asked.heads) if (heads.has(head)) named += w;
  return [similarity, lexical, bankShare, position === 0 ? 1 : 0, Math.log1p(words), asked.total > 0 ? named / asked.total : 0];
}

function sectionKey(doc: PolicyDocument, section: PolicySection): string {
  return `${doc.id}#${section.ordinal}`;
}

/** 1 for the highest value, 1/2 for the next, and so on (research/training/answer/features.py's dual_rank). */
function rankShares(values: number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const out = new Array<number>(values.length).fill(0);
  order.forEach((i, r) => (out[i] = 1 / (r + 1)));
  return out;
}
