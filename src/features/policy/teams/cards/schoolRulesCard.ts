import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { DRAFT_CONCERNS, DraftConcernId } from '../../drafts/draftConcerns';
import { RulesReview } from '../../drafts/draftRules';
import { isDecided } from '../../drafts/schoolRules';
import template from './templates/schoolRulesCard.json';

/** What the owner sees besides the rules: what was done, or what is missing (named), and what they typed. */
export interface SchoolRulesCardState {
  notice?: { text: string; style: 'good' | 'attention' };
  /** Owners may decide; anyone else sees the rules only. */
  canDecide: boolean;
  /** What an owner pasted for a concern, shown again when it could not be used. */
  pasted?: { concern: DraftConcernId; text: string };
}

/** The value of "our policy has no rule on this" among a concern's choices. */
export const NO_RULE_CHOICE = 'none';
/** The longest sentence shown as a choice's title; the whole of it is quoted once chosen. */
const CHOICE_CHARS = 160;
const QUOTE_CHARS = 900;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);
const day = (at: string): string => {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
};
const STATUS = {
  proposed: ['Proposed by the bot', 'Warning'],
  confirmed: ['Confirmed by an owner', 'Good'],
  changed: ['Chosen by an owner', 'Good'],
  removed: ['Removed by an owner', 'Good'],
} as const;

/**
 * Renders the school's rules for "check my post" (issue 71): for each concern, the sentence of the policy a draft is
 * judged by (the policy's words as TextRuns, never Markdown), whether an owner decided it, and for owners Confirm and
 * "Change or remove" (the reader's best sentences, "no rule", or a sentence pasted from the policy).
 */
export function renderSchoolRulesCard(review: RulesReview, state: SchoolRulesCardState): AdaptiveCardJson {
  const decided = review.concerns.filter(isDecided).length;
  return expandCardTemplate(template, {
    title: review.title,
    intro: `${decided} of ${DRAFT_CONCERNS.length} decided by an owner. When a draft raises one of these, check my post quotes the sentence below. `
      + (state.canDecide ? 'Confirm each, choose another sentence, or remove it where your policy has no rule; until then it quotes the bot\'s proposals.'
        : 'Only the policy owners can change them.'),
    hasNotice: state.notice !== undefined,
    notice: state.notice?.text ?? '',
    noticeStyle: state.notice?.style ?? 'default',
    policyId: review.version.policyId,
    contentHash: review.version.contentHash,
    canConfirmAll: state.canDecide && decided < review.concerns.length,
    concerns: review.concerns.map((c) => {
      const current = c.rule ? c.candidates.find((k) => k.quote === c.rule!.quote) : undefined;
      const when = c.status === 'proposed' ? '' : day(c.at);
      return {
        id: c.id,
        label: c.label,
        status: c.kept ? 'Proposed: your choice for the last version' : `${STATUS[c.status][0]}${when ? `, ${when}` : ''}`,
        statusColour: STATUS[c.status][1],
        hasRule: c.rule !== null,
        citation: c.rule ? `${c.rule.citation}, ${c.rule.documentTitle}` : '',
        quote: c.rule ? clip(c.rule.quote, QUOTE_CHARS) : '',
        canDecide: state.canDecide,
        decided: isDecided(c),
        chosen: c.rule === null && isDecided(c) ? NO_RULE_CHOICE : current ? String(current.passageId) : '',
        pasted: state.pasted?.concern === c.id ? state.pasted.text : '',
        candidates: [
          ...c.candidates.map((k) => ({ title: clip(`${k.citation}: ${k.quote}`, CHOICE_CHARS), value: String(k.passageId) })),
          { title: 'Our policy has no rule on this', value: NO_RULE_CHOICE },
        ],
      };
    }),
  });
}
