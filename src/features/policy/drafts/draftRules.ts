import { answerQuestion, AnswerMatch } from '../answer/answerQuestion';
import { formatCitationLabel } from '../policyDocument';
import { PolicyLibrary } from '../policyLibrary';
import { CONCERN_INFO, DRAFT_CONCERNS, DraftConcernId } from './draftConcerns';
import { PolicyRule } from './draftChecker';
import { SentenceEncoder } from '../../../shared/sentenceEncoder';
import { passageText } from '../answer/learnedRanking';
import { Passage } from '../answer/passages';
import { RuleCandidate, RuleReaderHeads, scoreRuleCandidates } from './ruleReader';
import {
  ConcernRuleState, createMemorySchoolRuleStore, currentRules, isProposed, KEPT_FROM_LAST_VERSION, PROPOSED_BY, RuleStep, SchoolRuleStore,
} from './schoolRules';

/** The rule reader's encoder and heads (ruleReader.ts); without them the rule is the answering stack's answer. */
export interface RuleReaderDeps { encoder: SentenceEncoder; heads: RuleReaderHeads }

/** A version of the school's policy the rules are kept for: its document id and content hash. */
export interface RuleVersion { policyId: string; contentHash: string }

/** A sentence of the policy an owner may choose as a concern's rule. */
export interface RuleChoice extends PolicyRule { passageId: number }

/** One concern on the owner's review: where its rule stands, and the sentences the reader scored highest for it. */
export interface ConcernReview extends ConcernRuleState { label: string; candidates: RuleChoice[] }

/** The live version's rules as an owner reviews them. */
export interface RulesReview { version: RuleVersion; title: string; concerns: ConcernReview[] }

/** What an owner decides of one concern's rule: keep what is shown, choose another sentence (from the list or pasted), or none. */
export type RuleDecision =
  | { action: 'confirm' }
  | { action: 'remove' }
  | { action: 'change'; passageId?: number; pasted?: string };

/** What came of a decision: kept, or why not. */
export type DecisionOutcome =
  | { done: true; state: ConcernRuleState }
  | { done: false; reason: 'not live' | 'unknown version' | 'not found' | 'no choice' };

/** The school's rules for "check my post": what a draft is judged by, and the owners' review of them. */
export interface SchoolRuleBook {
  /** The rule a draft is judged by: the owner's decision for the live version, else the bot's proposal; null when none. */
  ruleFor(id: DraftConcernId): Promise<PolicyRule | null>;
  /** The live version's rules, proposed first if they have not been; undefined when there is no policy yet. */
  review(): Promise<RulesReview | undefined>;
  /**
   * Whether a card's version is the live one, one that was live before (an old card), or one the bot never read (an
   * altered card: no proposal was ever kept for it).
   */
  versionStatus(version: RuleVersion): Promise<'live' | 'not live' | 'unknown version'>;
  /** Records an owner's decision on one concern of the live version (refused when `version` is no longer live). */
  decide(version: RuleVersion, concern: DraftConcernId, decision: RuleDecision, by: string): Promise<DecisionOutcome>;
  /** Records that someone was refused (not an owner), for the record. */
  refuse(by: string, reason: string, concern?: DraftConcernId | null): Promise<void>;
}

/** How many sentences an owner is offered for a concern besides pasting one. */
const CHOICES = 4;
/** How long a version's rules are trusted before the store is read again: another instance's decisions reach this one within it. */
const FOLLOW_MS = 30_000;

const ruleOf = (p: Passage): PolicyRule => ({
  quote: passageText(p), citation: formatCitationLabel(p.doc, p.section), documentTitle: p.doc.title, section: p.section.ordinal,
});

/** Lower case, letters and digits only: a pasted sentence matches the policy's whatever its quotes, bullets or line breaks. */
const plain = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** The shortest pasted text matched against the policy (a few words would match many sentences). */
const MIN_PASTED = 15;

/**
 * The stack lookup the reader replaced, kept for a bot without the reader: the section most of the concern's questions
 * are answered from and the sentence the answer quotes there; none when most are not answered (the stack declines).
 */
function stackRule(index: PolicyLibrary['index'], id: DraftConcernId): PolicyRule | null {
  const queries = CONCERN_INFO[id].queries;
  const votes = new Map<string, { count: number; first: AnswerMatch }>();
  for (const query of queries) {
    const answer = answerQuestion(index, query);
    if (!answer.answered) continue;
    const key = `${answer.best.doc.id}#${answer.best.section.ordinal}`;
    const vote = votes.get(key);
    if (vote) vote.count++;
    else votes.set(key, { count: 1, first: answer.best });
  }
  // Most votes wins; on a tie, the section the earlier question was answered from (the first is the plainest).
  let best: { count: number; first: AnswerMatch } | undefined;
  for (const vote of votes.values()) if (!best || vote.count > best.count) best = vote;
  const answered = [...votes.values()].reduce((n, v) => n + v.count, 0);
  if (!best || answered * 2 <= queries.length) return null;
  const m = best.first;
  return { quote: m.quote, citation: formatCitationLabel(m.doc, m.section), documentTitle: m.doc.title, section: m.section.ordinal };
}

/** What reading one version gives: each concern's proposal, and with the reader the candidates it scored. */
interface Reading { proposals: Map<DraftConcernId, PolicyRule | null>; candidates: Map<DraftConcernId, RuleCandidate[]> }

/**
 * The school's rules (issue 71). Each version of the policy is read once (the rule reader, issue 53: every passage
 * encoded, about a second for a long policy) to propose each concern's rule: the passage its head scores highest, or
 * none under the threshold. The proposals are appended to the store with the version, once; owners' decisions are
 * appended after them, and a draft is judged by the last decision, else the proposal. Without the reader, the
 * proposal is the answering stack's lookup. Read again when the live policy changes (an owner published a version).
 */
export function createSchoolRuleBook(deps: {
  library: PolicyLibrary; reader?: RuleReaderDeps; store?: SchoolRuleStore; now?: () => Date; followMs?: number;
}): SchoolRuleBook {
  const { library } = deps;
  const store = deps.store ?? createMemorySchoolRuleStore();
  const now = deps.now ?? (() => new Date());
  const followMs = deps.followMs ?? FOLLOW_MS;
  let readingFor: { index: unknown; read: Promise<Reading> } | undefined;
  /** The version read before the live one, whose owners' decisions the next proposals start from. */
  let previous: RuleVersion | undefined;
  let seen: RuleVersion | undefined;
  let stateFor: { key: string; at: number; rules: Promise<Map<DraftConcernId, ConcernRuleState>> } | undefined;

  const versionOf = (): RuleVersion | undefined =>
    (library.primary ? { policyId: library.primary.id, contentHash: library.primary.metadata.contentHash } : undefined);
  const keyOf = (v: RuleVersion): string => `${v.policyId}#${v.contentHash}`;

  /** The live index read once: shared by the checks, the review and the decisions that arrive while it runs. */
  const reading = (): Promise<Reading> => {
    const index = library.index;
    if (readingFor?.index !== index) {
      const read = (async (): Promise<Reading> => {
        if (!deps.reader) return { proposals: new Map(DRAFT_CONCERNS.map((id) => [id, stackRule(index, id)])), candidates: new Map() };
        const scored = await scoreRuleCandidates(index, deps.reader.encoder, deps.reader.heads);
        const proposals = new Map(DRAFT_CONCERNS.map((id) => {
          const top = scored.get(id)?.[0];
          return [id, top && top.logit >= deps.reader!.heads.threshold ? ruleOf(top.passage) : null] as const;
        }));
        return { proposals, candidates: scored };
      })();
      readingFor = { index, read };
      // A reading that fails is tried again by the next caller.
      read.catch(() => { if (readingFor?.read === read) readingFor = undefined; });
    }
    return readingFor.read;
  };

  /**
   * The sentences owners chose for the version before this one that are still, word for word, in this one: a new
   * version's proposal keeps the school's own choice where its sentence did not change (the owner still confirms it).
   */
  const keptFromPrevious = async (v: RuleVersion): Promise<Map<DraftConcernId, PolicyRule>> => {
    const kept = new Map<DraftConcernId, PolicyRule>();
    if (!previous || previous.policyId !== v.policyId || keyOf(previous) === keyOf(v)) return kept;
    for (const [id, state] of currentRules(await store.steps(previous.policyId, previous.contentHash))) {
      if (state.status === 'proposed' || !state.rule) continue;
      const passage = exactPassage(state.rule.quote);
      if (passage) kept.set(id, ruleOf(passage));
    }
    return kept;
  };

  /** The version's steps, with the bot's proposals appended first where they are not there yet. */
  const proposedSteps = async (v: RuleVersion): Promise<RuleStep[]> => {
    const { proposals } = await reading();
    const steps = await store.steps(v.policyId, v.contentHash);
    if (isProposed(steps)) return steps;
    const kept = await keptFromPrevious(v).catch(() => new Map<DraftConcernId, PolicyRule>());
    const at = now().toISOString();
    for (const id of DRAFT_CONCERNS) {
      if (steps.some((s) => s.concern === id && s.action === 'proposed')) continue;
      const carried = kept.get(id);
      const step: RuleStep = { ...v, concern: id, action: 'proposed', rule: carried ?? proposals.get(id) ?? null, by: PROPOSED_BY, at, ...(carried ? { reason: KEPT_FROM_LAST_VERSION } : {}) };
      await store.append(step);
      steps.push(step);
    }
    return steps;
  };

  /** The live version's rules, read from the store at most every followMs (sooner after a decision made here). */
  const rules = (v: RuleVersion): Promise<Map<DraftConcernId, ConcernRuleState>> => {
    const key = keyOf(v);
    if (seen && keyOf(seen) !== key) previous = seen;
    seen = v;
    if (!stateFor || stateFor.key !== key || Date.now() - stateFor.at > followMs) {
      const read = proposedSteps(v).then(currentRules).catch(async () => {
        // The store cannot be read (a network error): drafts are judged by the proposals, and the store is asked again next time.
        if (stateFor?.rules === read) stateFor = undefined;
        const { proposals } = await reading();
        return new Map([...proposals].map(([id, rule]) => [id, { id, rule, status: 'proposed' as const, by: PROPOSED_BY, at: '', proposal: rule }]));
      });
      stateFor = { key, at: Date.now(), rules: read };
    }
    return stateFor.rules;
  };

  const versionStatus = async (version: RuleVersion): Promise<'live' | 'not live' | 'unknown version'> => {
    const v = versionOf();
    if (v && keyOf(v) === keyOf(version)) return 'live';
    // A version the bot read has its proposals kept; one it never read comes from a card that was altered.
    return (await store.steps(version.policyId, version.contentHash)).length > 0 ? 'not live' : 'unknown version';
  };

  const choicesFor = (r: Reading, id: DraftConcernId): RuleChoice[] => {
    const seen = new Set<string>();
    const out: RuleChoice[] = [];
    for (const c of r.candidates.get(id) ?? []) {
      // A lead-in alone ("Staff must not post anything that:") says nothing until its bullet, which is offered with it.
      if (/:\s*$/.test(c.passage.text)) continue;
      const rule = ruleOf(c.passage);
      if (seen.has(rule.quote)) continue;
      seen.add(rule.quote);
      out.push({ ...rule, passageId: c.passage.id });
      if (out.length >= CHOICES) break;
    }
    return out;
  };

  /** The live policy's passage with exactly these words (a quote kept from another version). */
  const exactPassage = (quote: string): Passage | undefined => {
    const wanted = plain(quote);
    return library.index.passages.find((p) => plain(passageText(p)) === wanted);
  };

  /** The passage a pasted sentence is, or holds, in the live policy. */
  const pastedPassage = (pasted: string): Passage | undefined => {
    const wanted = plain(pasted);
    if (wanted.length < MIN_PASTED) return undefined;
    const passages = library.index.passages;
    return passages.find((p) => plain(p.text) === wanted || plain(passageText(p)) === wanted)
      ?? passages.find((p) => plain(passageText(p)).includes(wanted))
      ?? passages.find((p) => plain(p.text).length >= MIN_PASTED && wanted.includes(plain(p.text)));
  };

  return {
    async ruleFor(id) {
      const v = versionOf();
      if (!v) return null;
      return (await rules(v)).get(id)?.rule ?? null;
    },

    async review() {
      const v = versionOf();
      if (!v || !library.primary) return undefined;
      const [read, state] = await Promise.all([reading(), rules(v)]);
      return {
        version: v,
        title: library.primary.title,
        concerns: DRAFT_CONCERNS.map((id): ConcernReview => ({
          ...(state.get(id) ?? { id, rule: null, status: 'proposed', by: PROPOSED_BY, at: '', proposal: null }),
          label: CONCERN_INFO[id].label,
          candidates: choicesFor(read, id),
        })),
      };
    },

    versionStatus,

    async decide(version, concern, decision, by) {
      const v = versionOf();
      if (!v || keyOf(v) !== keyOf(version)) {
        const status = await versionStatus(version);
        return { done: false, reason: status === 'unknown version' ? 'unknown version' : 'not live' };
      }
      // Decided on the store as it is now, not on what this instance last read.
      stateFor = undefined;
      const was = (await rules(v)).get(concern);
      let step: RuleStep;
      const at = now().toISOString();
      if (decision.action === 'confirm') step = { ...v, concern, action: 'confirmed', rule: was?.rule ?? null, by, at };
      else if (decision.action === 'remove') step = { ...v, concern, action: 'removed', rule: null, by, at };
      else {
        const pasted = decision.pasted?.trim() ?? '';
        const chosen = pasted !== '' ? pastedPassage(pasted)
          : decision.passageId !== undefined ? library.index.passages.find((p) => p.id === decision.passageId) : undefined;
        if (pasted === '' && decision.passageId === undefined) return { done: false, reason: 'no choice' };
        if (!chosen) return { done: false, reason: 'not found' };
        step = { ...v, concern, action: 'changed', rule: ruleOf(chosen), by, at };
      }
      await store.append(step);
      stateFor = undefined;
      const state = (await rules(v)).get(concern)!;
      return { done: true, state };
    },

    async refuse(by, reason, concern = null) {
      const v = versionOf();
      await store.append({ policyId: v?.policyId ?? 'no-policy', contentHash: v?.contentHash ?? '', concern, action: 'refused', rule: null, by, at: now().toISOString(), reason });
    },
  };
}

/**
 * The rule a draft is judged by on each concern, for a library: the school's rule book over a store in memory (the
 * proposals alone, as the evaluation scripts and a bot with no store read them).
 */
export function createPolicyRuleFinder(library: PolicyLibrary, reader?: RuleReaderDeps): (id: DraftConcernId) => Promise<PolicyRule | null> {
  const book = createSchoolRuleBook({ library, reader });
  return (id) => book.ruleFor(id);
}
