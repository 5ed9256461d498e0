import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { ReportLine, reportLineData } from './reportLine';
import template from './templates/notCoveredCard.json';

/**
 * Renders the honest "the policy doesn't cover that" reply with the next steps. What was asked is never repeated in
 * it (issue 48): the person knows what they typed, and a channel would read it again.
 */
export function renderNotCoveredCard(documentTitle: string, reportLine?: ReportLine): AdaptiveCardJson {
  return expandCardTemplate(template, { documentTitle, ...reportLineData(reportLine) });
}
