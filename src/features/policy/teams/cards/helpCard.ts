import { PolicyWarning } from '../../policyDocument';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/helpCard.json';

/**
 * Renders help; policy owners also see every owner command, what needs fixing in the document, and `ownerNotices`:
 * lines another capability needs owners to see first (for example where safeguarding reports go), shown as text near
 * the top, for owners only. `notices` are shown first to everyone (for example that no policy has been added yet).
 */
export function renderHelpCard(
  documentTitle: string, isOwner: boolean, warnings: readonly PolicyWarning[], ownerNotices: readonly string[] = [], notices: readonly string[] = [],
  /** `team`: the asker is on the safeguarding team (their commands are listed); `rules`: check my post is offered (owners review its rules). */
  more: { team?: boolean; rules?: boolean } = {},
): AdaptiveCardJson {
  const shown = isOwner ? warnings : [];
  const lines = [...notices, ...(isOwner ? ownerNotices : [])].filter((n) => n.trim() !== '');
  return expandCardTemplate(template, {
    documentTitle,
    isOwner,
    ownerRules: isOwner && more.rules === true,
    isTeam: more.team === true,
    hasOwnerNotices: lines.length > 0,
    ownerNotices: lines.map((line) => ({ line })),
    hasWarnings: shown.length > 0,
    // One note per line: each is something the owner can fix in the document, and may quote it (shown as text).
    warnings: shown.map((w) => ({ message: w.message })),
  });
}
