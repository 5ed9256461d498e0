import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/disclosureOfferCard.json';

/** Where the offer is shown, and what it may carry into the report. */
export interface DisclosureOfferInput {
  /**
   * What the person typed, carried into the report's "What happened" when the offer is in their own 1:1 chat; absent
   * in a channel or group chat, where the card repeats none of it and the form opens in their private chat instead.
   */
  whatHappened?: string;
  /** The policy's answer follows as a message of its own. */
  policyAnswerFollows: boolean;
  /** It was a draft post (check my post): the card says not to post it. */
  draft?: boolean;
}

/**
 * Renders "Report a concern" offered first, for a question that reads as a disclosure about a child: the DSL must know
 * today, 999 or the DSL in person if a child is in immediate danger, how to write it down, and the report button as
 * the first and primary action. The typed text is never shown in the card, only carried in the button's data.
 */
export function renderDisclosureOfferCard(input: DisclosureOfferInput): AdaptiveCardJson {
  const personal = input.whatHappened !== undefined;
  return expandCardTemplate(template, { personal, whatHappened: input.whatHappened ?? '', policyAnswerFollows: input.policyAnswerFollows, draft: input.draft === true });
}
