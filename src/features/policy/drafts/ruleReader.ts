import { headWeights, SentenceEncoder } from '../../../shared/sentenceEncoder';
import { passageText } from '../answer/learnedRanking';
import { Passage, PolicyIndex } from '../answer/policyIndex';
import { CONCERN_INFO, DRAFT_CONCERNS, DraftConcernId } from './draftConcerns';

/**
 * The rule reader (issue 53): in a school's policy, the passage (a sentence, or a bullet read with its lead-in, as the
 * answering stack splits them) that is a concern's rule, or none. A logistic head per concern reads each passage's
 * vector from the shared sentence encoder with the answering stack's own scores for the concern (RuleStackFeatures);
 * the passage it scores highest is the rule, none when even that one is under the threshold training chose out of fold
 * (research/training/drafts/fit_rules.py, research/DECISIONS.md). It reads a policy once per version, never per draft.
 * Only passages shaped like a rule are candidates (isRuleCandidate), and a passage read with a lead-in is also read
 * alone (rulePassageVectors), so a short bullet keeps its own meaning beside its lead-in's.
 */

/** A date's shape: "12/03/2027", "September 2027", "9 October 2025", "2027-09". */
const DATE = /\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|[A-Z][a-z]{2,8}\.?\s+\d{4}|\d{4}[/-]\d{1,2})\b/;

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isSpace = (c: string): boolean => /\s/.test(c);

/**
 * A contents line: a title, then dot leaders, an ellipsis or a tab, then a page number of one to three digits. Read from
 * the end, character by character: a regular expression for it searched from every start was quadratic on a line of
 * tabs (the regular-expression audit found it).
 */
function isContentsLine(text: string): boolean {
  let end = text.length;
  while (end > 0 && isSpace(text[end - 1])) end -= 1;
  let digits = end;
  while (digits > 0 && end - digits < 4 && isDigit(text[digits - 1])) digits -= 1;
  if (digits === end || end - digits > 3) return false;
  let gap = digits;
  while (gap > 0 && isSpace(text[gap - 1])) gap -= 1;
  if (text.slice(gap, digits).includes('\t')) return true;
  const before = text.slice(0, gap);
  return before.endsWith('...') || before.endsWith('\u2026');
}

/** A label and its value ("Review: September 2027", "Version: 2.1", "Approved by: Governors"). */
const LABELLED = /^([^:.]{1,40}):\s*(\S.*)$/;

/** A question: a policy's FAQ asks ("Q: Can I post about it?"); its answer, not the question, can be the rule. */
const QUESTION = /\?["'\u2019\u201d)\]]*$/;

/**
 * A list of risks rather than of rules: "Risks include:", "Potential risks can include, but are not limited
 * to:", "The dangers are:". Its bullets name what can go wrong ("exposure to inappropriate material"), which shares
 * words with the rule on it but tells staff nothing to do.
 */
const LISTED_RISKS = /^(?:[\w'\u2019-]+\s+){0,4}(?:risks?|dangers?|threats?|hazards?)\b[^.:;]{0,60}?\b(?:include|includes|including|are|such as)\b/i;

const lowerWords = (text: string): number => text.split(/\s+/).filter((w) => /^[("'\u2018\u201c]?[a-z]/.test(w)).length;
const plain = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * Whether a passage could be a rule by its form, whatever its words (issue 53: a review date was once quoted as a rule).
 * Not a candidate: a line with fewer than three words that start in lower case (a heading in capitals or title case, a
 * name, a version or contents line: running text that tells staff what to do has its small words and verbs), a label
 * and its value with no sentence after the colon, a short line holding a date, a contents line, and the section's own
 * title standing alone, a question (an FAQ's), or a risk in a list of them ("Risks include: exposure to
 * ..."). A bullet counts its lead-in's words, so "- breaches copyright" under "Staff must not post
 * anything that:" stays a candidate.
 */
export function isRuleCandidate(p: Pick<Passage, 'text' | 'leadIn' | 'section'>): boolean {
  const own = p.text.trim();
  if (lowerWords(passageText(p)) < 3) return false;
  const labelled = LABELLED.exec(own);
  if (labelled && lowerWords(labelled[2]) < 3) return false;
  if (DATE.test(own) && own.split(/\s+/).length <= 8) return false;
  if (isContentsLine(own)) return false;
  if (QUESTION.test(own)) return false;
  if (LISTED_RISKS.test(p.leadIn ?? own)) return false;
  return plain(own) !== plain(p.section.title);
}

/**
 * Each passage's vector for the reader: a passage read with a lead-in (a bullet finishing "Staff must not post
 * anything that:", a sentence referring back) is the mean of its vector with the lead-in and its vector alone, so
 * neither the lead-in's meaning nor the bullet's own is lost: with the lead-in alone, a long lead-in's words outweigh a
 * short bullet's and every bullet under it reads alike. Training reads the same vectors (research/scripts/exportRuleData.ts).
 */
export async function rulePassageVectors(passages: readonly Pick<Passage, 'text' | 'leadIn'>[], encoder: SentenceEncoder): Promise<Float32Array[]> {
  const vectors = await encoder.encode(passages.map((p) => passageText(p)), { background: true });
  const led = passages.map((p, i) => i).filter((i) => passages[i].leadIn);
  const alone = await encoder.encode(led.map((i) => passages[i].text), { background: true });
  led.forEach((i, k) => {
    const v = Float32Array.from(vectors[i]);
    for (let j = 0; j < v.length; j++) v[j] = (v[j] + alone[k][j]) / 2;
    vectors[i] = v;
  });
  return vectors;
}

/** What the answering stack says of each passage for one concern, averaged over the concern's questions. */
export interface RuleStackFeatures {
  /** The mean probability that the policy answers the concern's questions at all. */
  answerProbability: number;
  /** Per passage of the index, in its order: [section's share of the ranking, first quote of its section, 1 / (1 + its place in the section's quote order)]. */
  passages: [number, number, number][];
}

/** How many stack features each passage has after its vector: the cosine to the concern's questions, then RuleStackFeatures' four. */
export const RULE_EXTRA_FEATURES = 5;

/** The stack's scores for every passage of the index on one concern (zeros where the index has no learnt model). */
export function ruleStackFeatures(index: PolicyIndex, id: DraftConcernId): RuleStackFeatures {
  const queries = CONCERN_INFO[id].queries;
  const passages = index.passages.map((): [number, number, number] => [0, 0, 0]);
  const at = new Map(index.passages.map((p, i) => [p.id, i]));
  let answerProbability = 0;
  for (const query of queries) {
    const ranking = index.rank(query);
    if (!ranking || ranking.ranked.length === 0) continue;
    answerProbability += ranking.answerProbability / queries.length;
    const top = Math.max(...ranking.ranked.map((r) => r.score));
    const total = ranking.ranked.reduce((sum, r) => sum + Math.exp(r.score - top), 0);
    for (const r of ranking.ranked) {
      const share = Math.exp(r.score - top) / total;
      r.passages.forEach((p, place) => {
        const i = at.get(p.passage.id);
        if (i === undefined) return;
        passages[i][0] += share / queries.length;
        passages[i][1] += (place === 0 ? 1 : 0) / queries.length;
        passages[i][2] += 1 / (1 + place) / queries.length;
      });
    }
  }
  return { answerProbability, passages };
}

/** One concern's reader: a logit over a passage's vector and RULE_EXTRA_FEATURES. */
export interface ConcernReader { weights: Float32Array; bias: number }

/** Every concern's reader and the one threshold under which a policy has no rule on it (heads.json's `rules`). */
export interface RuleReaderHeads { threshold: number; concerns: Record<DraftConcernId, ConcernReader> }

/** A `rules` entry that does not fit the encoder or lacks a concern. */
export class RuleReaderError extends Error {
  override readonly name = 'RuleReaderError';
}

/** Reads heads.json's `rules`, checked against the encoder's vector length and the list of concerns. */
export function parseRuleReaderHeads(json: unknown, dimensions: number): RuleReaderHeads {
  const rules = (json as { rules?: { threshold?: unknown; concerns?: Record<string, { weights?: unknown; bias?: unknown }> } } | null)?.rules;
  if (!rules || typeof rules.threshold !== 'number' || !rules.concerns) throw new RuleReaderError('heads.json has no rule reader (rules: threshold and concerns)');
  const concerns = {} as Record<DraftConcernId, ConcernReader>;
  for (const id of DRAFT_CONCERNS) {
    const r = rules.concerns[id];
    const weights = headWeights(r?.weights, dimensions + RULE_EXTRA_FEATURES);
    if (!weights || typeof r?.bias !== 'number') {
      throw new RuleReaderError(`The ${id} rule reader needs ${dimensions + RULE_EXTRA_FEATURES} weights and a bias`);
    }
    concerns[id] = { weights, bias: r.bias };
  }
  return { threshold: rules.threshold, concerns };
}

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** A candidate passage for a concern's rule and its reader's logit. */
export interface RuleCandidate { passage: Passage; logit: number; vector: Float32Array }

/**
 * Every candidate passage's logit under each concern's reader, best first: what readPolicyRules picks from, and what
 * research/scripts/exportDraftRuleData.ts weighs a draft against. Each passage is encoded once, so this costs a policy's length in
 * encoder runs (about a second for a long policy): it is run when a policy version is first read, never per draft.
 */
export async function scoreRuleCandidates(index: PolicyIndex, encoder: SentenceEncoder, heads: RuleReaderHeads): Promise<Map<DraftConcernId, RuleCandidate[]>> {
  const passages = index.passages;
  const vectors = await rulePassageVectors(passages, encoder);
  const candidates = passages.map((p) => isRuleCandidate(p));
  const norms = vectors.map(norm);
  const scored = new Map<DraftConcernId, RuleCandidate[]>();
  for (const id of DRAFT_CONCERNS) {
    const queries = await encoder.encode(CONCERN_INFO[id].queries, { background: true });
    const q = new Float32Array(encoder.dimensions);
    for (const v of queries) for (let i = 0; i < q.length; i++) q[i] += v[i] / queries.length;
    const qNorm = norm(q);
    const stack = ruleStackFeatures(index, id);
    const { weights, bias } = heads.concerns[id];
    const d = encoder.dimensions;
    const list: RuleCandidate[] = [];
    vectors.forEach((v, i) => {
      if (!candidates[i]) return;
      let logit = bias;
      let dot = 0;
      for (let k = 0; k < d; k++) {
        logit += v[k] * weights[k];
        dot += v[k] * q[k];
      }
      const [share, first, reciprocal] = stack.passages[i];
      logit += weights[d] * (dot / (norms[i] * qNorm + 1e-9)) + weights[d + 1] * share + weights[d + 2] * first + weights[d + 3] * reciprocal
        + weights[d + 4] * stack.answerProbability;
      list.push({ passage: passages[i], logit, vector: v });
    });
    // Best first; equal logits keep the policy's order, as the first of them was chosen before.
    scored.set(id, list.sort((a, b) => b.logit - a.logit));
  }
  return scored;
}

/**
 * Every concern's rule in the index's policies: the candidate passage its reader scores highest, or null where even
 * that one is under the threshold (the policy says nothing on it).
 */
export async function readPolicyRules(index: PolicyIndex, encoder: SentenceEncoder, heads: RuleReaderHeads): Promise<Map<DraftConcernId, Passage | null>> {
  const scored = await scoreRuleCandidates(index, encoder, heads);
  return new Map([...scored].map(([id, list]) => [id, list.length > 0 && list[0].logit >= heads.threshold ? list[0].passage : null]));
}
