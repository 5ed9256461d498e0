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
  /**
   * What the owner had chosen or pasted, not yet saved, for the other concerns when they saved one (the card sends
   * every box): shown again as they left it, so saving one concern loses nothing typed under another.
   */
  unsaved?: Partial<Record<DraftConcernId, { choice: string; pasted: string }>>;
}

/** The value of "our policy has no rule on this" among a concern's choices. */
export const NO_RULE_CHOICE = 'none';
/** The longest sentence shown as a choice's title; the whole of it is quoted once chosen. */
const CHOICE_CHARS = 160;
const QUOTE_CHARS = 900;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);
/** A lead-in this long, shared by two choices (the line a list of bullets completes), is left out of their titles. */
const SHARED_LEAD_IN = 40;
/** How much of where a choice's sentence differs its title shows at least, so two titles never differ only by "(2)". */
const DIFFERING_SHOWN = 40;

/**
 * The choices' titles, each telling its sentence apart: bullets of one list quote the same long lead-in ("If using
 * social networking websites at work or in your private life, ..."), and clipped from the start they all read the
 * same. A lead-in shared with another choice is shown as an ellipsis, so the title starts where the sentence differs.
 */
export function choiceTitles(candidates: readonly { citation: string; quote: string }[]): string[] {
  const titles = candidates.map((k, i) => {
    let shared = 0;
    candidates.forEach((other, j) => {
      if (j !== i) shared = Math.max(shared, commonLeadIn(k.quote, other.quote));
    });
    // What the title has room for after "<citation>: " and the ellipsis.
    const cut = leadInEnd(k.quote, shared, CHOICE_CHARS - k.citation.length - 3);
    const quote = cut >= SHARED_LEAD_IN ? `\u2026${k.quote.slice(cut).trimStart()}` : k.quote;
    return clip(`${k.citation}: ${quote}`, CHOICE_CHARS);
  });
  // Two sentences the same to the last word (a policy that repeats itself): numbered, so each can still be chosen.
  const seen = new Map<string, number>();
  return titles.map((t) => {
    const n = (seen.get(t) ?? 0) + 1;
    seen.set(t, n);
    return n === 1 ? t : clip(`${t} (${n})`, CHOICE_CHARS + 4);
  });
}

/** How much of two texts' start they share, ending at a word's end. */
function commonLeadIn(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // All of this one is the other's start: it is shown whole (the other one drops it).
  if (i === a.length) return 0;
  return lastSpace(a, i);
}

/**
 * Where to cut a shared start so that what is shown still says what the sentence says: after the lead-in's last comma,
 * colon or semicolon ("..., including closed groups (...), | staff must not speak ..."), else four words before the
 * sentences part, so "must not" is never cut off its verb. The comma is passed over when the shared words after it
 * would fill the `room` the title has, leaving the part that differs clipped off.
 */
function leadInEnd(text: string, shared: number, room: number): number {
  const head = text.slice(0, shared);
  const brk = Math.max(head.lastIndexOf(', '), head.lastIndexOf(': '), head.lastIndexOf('; '));
  if (brk >= SHARED_LEAD_IN && shared - brk + DIFFERING_SHOWN <= room) return brk + 1;
  let at = shared;
  for (let words = 0; words < 4 && at > 0; words++) at = lastSpace(text, at - 1);
  return at;
}

const lastSpace = (text: string, before: number): number => {
  const at = text.lastIndexOf(' ', before);
  return at < 0 ? 0 : at;
};

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
/** The choice the owner left unsaved for a concern, when it is still one of the concern's choices. */
function unsavedChoice(c: RulesReview['concerns'][number], state: SchoolRulesCardState): string | undefined {
  const choice = state.unsaved?.[c.id]?.choice;
  if (!choice) return undefined;
  return choice === NO_RULE_CHOICE || c.candidates.some((k) => String(k.passageId) === choice) ? choice : undefined;
}

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
        chosen: unsavedChoice(c, state) ?? (c.rule === null && isDecided(c) ? NO_RULE_CHOICE : current ? String(current.passageId) : ''),
        pasted: state.pasted?.concern === c.id ? state.pasted.text : state.unsaved?.[c.id]?.pasted ?? '',
        candidates: [
          ...choiceTitles(c.candidates).map((title, i) => ({ title, value: String(c.candidates[i].passageId) })),
          { title: 'Our policy has no rule on this', value: NO_RULE_CHOICE },
        ],
      };
    }),
  });
}
