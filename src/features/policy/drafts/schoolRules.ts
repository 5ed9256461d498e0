import { DRAFT_CONCERNS, DraftConcernId } from './draftConcerns';
import { PolicyRule } from './draftChecker';

/**
 * The school owns its rules (issue 71). Which sentence of its policy is "the rule" on each concern of "check my post"
 * is a judgement the school makes once per version, not a model each time a draft is checked: when a version goes live
 * (and for the policy loaded at start) the bot proposes each concern's rule from that version, an owner confirms,
 * changes or removes each, and a draft is judged by what the owner confirmed (until then by the proposal).
 *
 * Every step is appended, never overwritten: the bot's proposal, each owner's decision, and each refusal of someone who
 * is not an owner. A concern's rule is its last proposal or decision; a proposal never replaces a decision.
 */

/** What one step did: the bot proposed, an owner confirmed the proposal, chose another sentence, or said there is none; or someone was refused. */
export type RuleStepAction = 'proposed' | 'confirmed' | 'changed' | 'removed' | 'refused';

/** One step in the record of a version's rules. */
export interface RuleStep {
  /** The document id (PolicyDocument.id) and the version's content hash: the rules are kept per version. */
  policyId: string;
  contentHash: string;
  /** The concern it is about; null for a refusal not about one concern (the `rules` command). */
  concern: DraftConcernId | null;
  action: RuleStepAction;
  /** The rule as it stands after this step (null: the policy has no rule on this, or a refusal). */
  rule: PolicyRule | null;
  /** Who: an owner's AAD object id, or `bot` for a proposal. */
  by: string;
  at: string;
  /** Why a refusal was made ("not an owner", "not the live version"). */
  reason?: string;
}

/** Port: where each version's rule steps are kept, append-only. */
export interface SchoolRuleStore {
  /** Appends one step. */
  append(step: RuleStep): Promise<void>;
  /** Every step of one version, oldest first. */
  steps(policyId: string, contentHash: string): Promise<RuleStep[]>;
}

/** Who a proposal is by. */
export const PROPOSED_BY = 'bot';

/** Where a concern's rule stands: its rule, whether an owner has decided it, who did and when, and what the bot proposed. */
export interface ConcernRuleState {
  id: DraftConcernId;
  rule: PolicyRule | null;
  status: Exclude<RuleStepAction, 'refused'>;
  by: string;
  at: string;
  proposal: PolicyRule | null;
  /** A proposal that is the sentence an owner chose for the version before, still in this one. */
  kept?: boolean;
}

/** Why a proposal is an owner's earlier choice. */
export const KEPT_FROM_LAST_VERSION = 'kept from the last version';

/** Whether an owner has decided a concern's rule (confirmed the proposal, chose another sentence, or said there is none). */
export const isDecided = (s: Pick<ConcernRuleState, 'status'>): boolean => s.status !== 'proposed';

/**
 * Each concern's rule as the steps leave it: the last decision, else the last proposal. Concerns with no step are
 * absent (a version not yet proposed for).
 */
export function currentRules(steps: readonly RuleStep[]): Map<DraftConcernId, ConcernRuleState> {
  const out = new Map<DraftConcernId, ConcernRuleState>();
  for (const s of steps) {
    if (s.action === 'refused' || s.concern === null || !(DRAFT_CONCERNS as readonly string[]).includes(s.concern)) continue;
    const was = out.get(s.concern);
    if (s.action === 'proposed') {
      // A proposal made again (another instance proposing at the same time) never replaces an owner's decision.
      if (!was || !isDecided(was)) {
        out.set(s.concern, { id: s.concern, rule: s.rule, status: 'proposed', by: s.by, at: s.at, proposal: s.rule, ...(s.reason === KEPT_FROM_LAST_VERSION ? { kept: true } : {}) });
      }
      else out.set(s.concern, { ...was, proposal: was.proposal ?? s.rule });
      continue;
    }
    out.set(s.concern, { id: s.concern, rule: s.action === 'removed' ? null : s.rule, status: s.action, by: s.by, at: s.at, proposal: was?.proposal ?? null });
  }
  return out;
}

/** Whether the steps hold a proposal for every concern. */
export const isProposed = (steps: readonly RuleStep[]): boolean =>
  DRAFT_CONCERNS.every((id) => steps.some((s) => s.concern === id && s.action === 'proposed'));

/** A store in memory: for tests, the evaluation scripts and a bot started without one. */
export function createMemorySchoolRuleStore(): SchoolRuleStore & { all(): RuleStep[] } {
  const kept: RuleStep[] = [];
  return {
    async append(step) { kept.push(structuredClone(step)); },
    async steps(policyId, contentHash) { return kept.filter((s) => s.policyId === policyId && s.contentHash === contentHash).map((s) => structuredClone(s)); },
    all: () => kept.map((s) => structuredClone(s)),
  };
}
