import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/welcomeCard.json';

/** Renders the three-line welcome sent when the bot is installed. */
export function renderWelcomeCard(documentTitle: string): AdaptiveCardJson {
  return expandCardTemplate(template, { documentTitle });
}
