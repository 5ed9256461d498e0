import { PolicyDocument, PolicySection } from '../policyDocument';
import { Passage, PolicyIndex, SectionMatch } from './policyIndex';
import { LearnedRanking, passageText, promoteSections, RankedSection } from './learnedRanking';
import { refersBack, splitPassages } from './passages';
import { TaughtMatch } from '../teaching/teachingLinks';
import { Reranker } from './rerank';

/** What owners have taught (see teachingLinks.ts): a taught question and its close rewordings get the owner's answer. */
export interface AnswerOptions {
  taught?: (question: string) => TaughtMatch | null;
}

/** The section key a teaching link names for "the policy does not answer this". */
export const TAUGHT_NOT_COVERED = 'none';

/** One cited section in an answer. */
export interface AnswerMatch {
  doc: PolicyDocument;
  section: PolicySection;
  score: number;
  /** The one to three sentences of this section that answer the question. */
  quote: string;
}

/**
 * What the bot says to a question: a quoted, cited answer, or an honest "not covered". An answer the ranker is not sure
 * of (`sure` false) is shown as choices: the first three of `matches` (see shownMatches).
 */
export type Answer =
  | { answered: true; question: string; sure: boolean; best: AnswerMatch; secondary: AnswerMatch | null; matches: AnswerMatch[] }
  | { answered: false; question: string; reason: 'NOT_COVERED' | 'EMPTY_QUESTION'; matches: [] };

/** The thresholds that decide when the policy answers a question; see bench/eval for how they were set. */
export interface AnswerThresholds {
  /**
   * Share of the question's weight that the best passage of some candidate section must cover (see
   * SectionMatch.coverage). Each idea weighs its inverse passage frequency: rare ideas matter more than
   * "school" or "social media". A topic the policy never mentions ("pension", "parking") weighs as much as
   * the rarest idea it does mention, so a question mostly about it is declined (a verb or adverb the policy
   * never uses weighs much less: it says how the question is put, see WordRole); words that only frame the
   * question ("who do I ask", "does X count", "this policy") weigh nothing, so staff phrasing is not taken
   * for an uncovered topic. Set on the sample and staff-voice evaluation sets (research/scripts/evalReport.ts).
   */
  minCoverage: number;
  /** A second section is offered when it scores at least this share of the first. */
  secondaryRatio: number;
}

export const DEFAULT_THRESHOLDS: AnswerThresholds = { minCoverage: 0.45, secondaryRatio: 0.75 };

const MAX_QUOTE_PASSAGES = 3;
/**
 * A passage of the cited section joins the quote when it scores this share of the best one, or, next to a
 * passage already quoted, QUOTE_ADJACENT_RATIO: the sentence that answers a question is not always the one
 * that names most of its words, and a quote of two or three sentences costs staff little to read.
 */
const QUOTE_RATIO = 0.5;
const QUOTE_ADJACENT_RATIO = 0.4;
const MAX_QUESTION_LENGTH = 500;

/** Answers a staff question from the indexed policies, or says plainly that they do not cover it. */
export function answerQuestion(index: PolicyIndex, question: string, thresholds: AnswerThresholds = DEFAULT_THRESHOLDS, options: AnswerOptions = {}): Answer {
  const q = question.trim().slice(0, MAX_QUESTION_LENGTH);
  if (q === '') return { answered: false, question: q, reason: 'EMPTY_QUESTION', matches: [] };
  const ranking = index.rank(q);
  if (ranking) return answerFromRanking(q, applyTeaching(ranking, options.taught?.(q) ?? null));
  const { matches } = index.search(q, 5);
  const top = matches[0];
  // Declined when no candidate section has a passage that covers enough of the question: a question the
  // policy answers is usually answered by one sentence or bullet that names most of its ideas.
  if (!top || Math.max(...matches.map((m) => m.coverage)) < thresholds.minCoverage) return { answered: false, question: q, reason: 'NOT_COVERED', matches: [] };
  const cited = matches.map(toAnswerMatch);
  const second = matches[1];
  const secondary = second && second.score >= thresholds.secondaryRatio * top.score && second.coverage >= thresholds.minCoverage
    ? cited[1] : null;
  // The lexical index has no calibrated confidence: it answers with one section, as it always has.
  return { answered: true, question: q, sure: true, best: cited[0], secondary, matches: cited };
}

/**
 * The answer from one section a person chose among a "not sure" reply's choices: its quote is the one the choice showed
 * (the ranker's for this question), or, for a section the ranker no longer lists, the lexical match's, else the
 * section's first passage.
 */
export function answerFromSection(index: PolicyIndex, question: string, doc: PolicyDocument, section: PolicySection): Extract<Answer, { answered: true }> {
  const q = question.trim().slice(0, MAX_QUESTION_LENGTH);
  const same = (m: { doc: PolicyDocument; section: PolicySection }) => m.doc.id === doc.id && m.section.ordinal === section.ordinal;
  const ranked = index.rank(q)?.ranked.find(same);
  const lexical = ranked ? undefined : index.search(q, LEXICAL_SEARCH_FOR_CHOICE).matches.find(same);
  const first = splitPassages(section.text)[0];
  const quote = ranked ? quoteFromRanked(ranked) : lexical ? composeQuote(lexical) : first ? passageText(first) : section.title;
  const match: AnswerMatch = { doc, section, score: 1, quote };
  return { answered: true, question: q, sure: true, best: match, secondary: null, matches: [match] };
}

/** How far down the lexical list a chosen section is looked for when the ranker does not list it (no model). */
const LEXICAL_SEARCH_FOR_CHOICE = 50;

/** How many sections a "not sure" reply offers to choose from. */
export const MAX_CHOICES = 3;

/**
 * The sections an answer's reply shows, in order: the answer itself when the ranker is sure; otherwise the choices, the
 * first three distinct sections of its matches, best first.
 */
export function shownMatches(answer: Extract<Answer, { answered: true }>): AnswerMatch[] {
  if (answer.sure) return [answer.best];
  const seen = new Set<string>();
  return answer.matches.filter((m) => {
    const key = `${m.doc.id}#${m.section.ordinal}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, MAX_CHOICES);
}

/** How many sections an answer lists (best first): the cited one, the close second, and the rest for `ask --json`. */
const LISTED_MATCHES = 5;
/**
 * A second section is offered when the model gives it at least this share of the best one's probability
 * (logits within about 0.9): close enough that staff should see both.
 */
const SECONDARY_SHARE = 0.4;
/** A neighbouring passage joins the quote only when the model finds it this close to the chosen one's similarity: it makes the same point. */
const QUOTE_NEIGHBOUR_MARGIN = 0.02;

/** The answer the learned model gives: declined when its classifier says the policy does not answer the question. */
function answerFromRanking(q: string, ranking: LearnedRanking): Answer {
  if (!ranking.answered || ranking.ranked.length === 0) return { answered: false, question: q, reason: 'NOT_COVERED', matches: [] };
  const listed = ranking.ranked.slice(0, LISTED_MATCHES);
  const top = listed[0].score;
  const shares = listed.map((r) => Math.exp(r.score - top));
  const total = ranking.ranked.reduce((sum, r) => sum + Math.exp(r.score - top), 0);
  const cited = listed.map((r, i) => ({ doc: r.doc, section: r.section, score: round(shares[i] / total), quote: quoteFromRanked(r) }));
  const secondary = cited.length > 1 && shares[1] >= SECONDARY_SHARE ? cited[1] : null;
  return { answered: true, question: q, sure: ranking.sure !== false, best: cited[0], secondary, matches: cited };
}

/**
 * The quote is the one passage (a sentence, or a bullet with its lead-in) the model finds closest to the
 * question; a neighbour joins it only when it is as close (the policy making the same point over two
 * sentences), or when it is the next sentence and opens by referring back to this one ("In these cases ..."),
 * so passages about different points are never stitched together.
 */
export function quoteFromRanked(r: RankedSection): string {
  const best = r.passages[0];
  // A sentence that sets up a case ("In some cases staff were friends with a parent before ...") with the next one
  // saying what follows from it ("In these cases ..."): the point is made by the two together, so both are quoted.
  const follower = best.passage.leadIn === null
    ? r.passages.find((p) => p.passage.position === best.passage.position + 1 && p.passage.leadIn === best.passage.text && refersBack(p.passage.text))
    : undefined;
  if (follower) return passageText(follower.passage);
  const neighbour = r.passages.find((p) => Math.abs(p.passage.position - best.passage.position) === 1 && p.passage.leadIn === best.passage.leadIn
    && p.score >= best.score - QUOTE_NEIGHBOUR_MARGIN);
  if (!neighbour) return passageText(best.passage);
  const [first, second] = [best.passage, neighbour.passage].sort((a, b) => a.position - b.position);
  return first.leadIn && first.leadIn === second.leadIn ? `${first.leadIn} ${first.text} ${second.text}` : `${passageText(first)} ${second.text}`;
}

/**
 * An owner's link outranks the model: "none of these" declines; a section puts that section first and answers, sure
 * (the owner has said which section it is). A link to a section the current policy no longer has is ignored.
 */
function applyTeaching(ranking: LearnedRanking, match: TaughtMatch | null): LearnedRanking {
  if (!match) return ranking;
  if (match.link.section === TAUGHT_NOT_COVERED) return { ...ranking, answered: false };
  const i = ranking.ranked.findIndex((r) => `${r.doc.id}#${r.section.ordinal}` === match.link.section);
  if (i < 0) return ranking;
  // What an owner taught is certain: one answer, never a choice of sections.
  return { ...ranking, answered: true, ranked: promoteSections(ranking.ranked, [i]), sure: true };
}

function toAnswerMatch(m: SectionMatch): AnswerMatch {
  return { doc: m.doc, section: m.section, score: round(m.score), quote: composeQuote(m) };
}

/**
 * The quote is the best passage, plus up to two more from the same section that matched well (see
 * QUOTE_RATIO), kept in reading order so the quote reads as the policy does.
 */
function composeQuote(m: SectionMatch): string {
  const best = m.passages[0];
  const chosen: Passage[] = [best.passage];
  for (const p of m.passages.slice(1)) {
    if (chosen.length >= MAX_QUOTE_PASSAGES) break;
    const adjacent = chosen.some((c) => Math.abs(c.position - p.passage.position) === 1);
    if (p.score >= QUOTE_RATIO * best.score || (adjacent && p.score >= QUOTE_ADJACENT_RATIO * best.score)) chosen.push(p.passage);
  }
  chosen.sort((a, b) => a.position - b.position);
  // A lead-in (the line a bullet completes, or the sentence a "such ..." sentence refers to) is quoted once.
  const parts: string[] = [];
  const quoted = new Set<string>();
  for (const p of chosen) {
    if (p.leadIn && !quoted.has(p.leadIn)) {
      parts.push(`${p.leadIn} ${p.text}`);
      quoted.add(p.leadIn);
    } else parts.push(p.text);
    quoted.add(p.text);
  }
  return parts.join(' … ');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * As answerQuestion, with the cross-encoder re-reading the learnt model's ranking first (issue 50): it reorders the top
 * sections, chooses the quotes, may decline, and says whether it is sure. An owner's teaching still outranks it.
 * Without a re-ranker, or without the learnt model, the answer is answerQuestion's.
 */
export async function answerQuestionReranked(index: PolicyIndex, question: string, reranker: Reranker | undefined,
  thresholds: AnswerThresholds = DEFAULT_THRESHOLDS, options: AnswerOptions = {}): Promise<Answer> {
  const q = question.trim().slice(0, MAX_QUESTION_LENGTH);
  const ranking = reranker && q !== '' ? index.rank(q) : null;
  if (!reranker || !ranking) return answerQuestion(index, question, thresholds, options);
  return answerFromRanking(q, applyTeaching(await reranker.rerank(q, ranking), options.taught?.(q) ?? null));
}
