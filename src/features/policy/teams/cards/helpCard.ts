import { PolicyWarning } from '../../policyDocument';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/helpCard.json';

/** Renders help; policy owners also see their commands and what needs fixing in the document. */
export function renderHelpCard(documentTitle: string, isOwner: boolean, warnings: readonly PolicyWarning[]): AdaptiveCardJson {
  const shown = isOwner ? warnings : [];
  return expandCardTemplate(template, {
    documentTitle,
    isOwner,
    hasWarnings: shown.length > 0,
    // One note per line: each is something the owner can fix in the document.
    warnings: shown.map((w) => `- ${w.message}`).join('\n'),
  });
}
