import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/notCoveredCard.json';

/** Renders the honest "the policy doesn't cover that" reply with the next steps. */
export function renderNotCoveredCard(question: string, documentTitle: string): AdaptiveCardJson {
  const shown = question.length > 200 ? `${question.slice(0, 200)}…` : question;
  return expandCardTemplate(template, { question: shown, documentTitle });
}
