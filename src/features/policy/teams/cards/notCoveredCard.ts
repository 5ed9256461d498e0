import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { ReportLine, reportLineData } from './reportLine';
import { ConcernOffer, concernOfferData } from './concernOffer';
import template from './templates/notCoveredCard.json';

/**
 * Renders the honest "the policy doesn't cover that" reply with the next steps. What was asked is never repeated in
 * it (issue 48): the person knows what they typed, and a channel would read it again. A question about something that
 * happened to them or a colleague's conduct gets Report a concern of that kind, as an answer does (its button carries
 * what they typed only in their own chat); the card's plain Report a concern then gives way to it.
 */
export function renderNotCoveredCard(documentTitle: string, reportLine?: ReportLine, concernOffer?: ConcernOffer): AdaptiveCardJson {
  return expandCardTemplate(template, { documentTitle, ...reportLineData(reportLine), ...concernOfferData(concernOffer) });
}
