import { ManagerDigest, OwnerDigest } from '../../domain/campaignPorts';
import { formatDate } from './acknowledgementCard';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import managerTemplate from './templates/managerDigest.json';
import ownerTemplate from './templates/ownerDigest.json';

/** The most names a digest card lists; the rest are counted (the owner's export has everyone). */
export const DIGEST_NAME_LIMIT = 40;

/** The line manager's weekly card: their people who have not acknowledged, after the due date. */
export function renderManagerDigestCard(digest: ManagerDigest): AdaptiveCardJson {
  const shown = digest.people.slice(0, DIGEST_NAME_LIMIT);
  return expandCardTemplate(managerTemplate, {
    title: digest.title,
    due: formatDate(digest.campaign.dueDate),
    count: String(digest.people.length),
    people: shown.map((name) => ({ name })),
    more: digest.people.length - shown.length,
  });
}

/** The owners' weekly card: the totals, and the people with no line manager recorded. */
export function renderOwnerDigestCard(digest: OwnerDigest): AdaptiveCardJson {
  const shown = digest.withoutManager.slice(0, DIGEST_NAME_LIMIT);
  return expandCardTemplate(ownerTemplate, {
    title: digest.title,
    campaignId: digest.campaign.id,
    due: formatDate(digest.campaign.dueDate),
    outstanding: String(digest.outstanding),
    excused: String(digest.excused),
    managers: String(digest.managersNotified),
    hasWithout: shown.length > 0,
    withoutManager: shown.map((name) => ({ name })),
    moreWithout: digest.withoutManager.length - shown.length,
  });
}
