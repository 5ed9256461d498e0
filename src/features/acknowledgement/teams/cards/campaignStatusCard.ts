import { CampaignStatus } from '../../domain/campaignService';
import { formatVersion } from '../../../policy';
import { formatDate } from './acknowledgementCard';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/campaignStatus.json';

/** The most groups (departments or schools) the card lists; the export has them all. */
export const STATUS_CARD_GROUP_LIMIT = 15;

/** Renders a campaign's progress for its owner: totals, a bar, delivery outcomes, and the least complete groups. */
export function renderCampaignStatusCard(status: CampaignStatus): AdaptiveCardJson {
  const c = status.campaign;
  const shown = status.groups.slice(0, STATUS_CARD_GROUP_LIMIT);
  const d = status.deliveries;
  return expandCardTemplate(template, {
    title: status.version.title,
    subtitle: `Campaign ${c.id} · round ${c.round} · version ${formatVersion(c.versionHash, status.version.versionLabel)} · due ${formatDate(c.dueDate)}` +
      (c.status === 'closed' ? ' · closed' : ''),
    campaignId: c.id,
    acknowledged: status.acknowledged,
    total: status.total,
    percent: status.percent,
    // FactSet values must be strings.
    outstanding: String(status.outstanding),
    openedNotAcknowledged: String(status.openedNotAcknowledged),
    notOpened: String(status.notOpened),
    excused: String(status.excused),
    ...barWeights(status.acknowledged, status.total),
    sent: String(d.sent),
    waiting: String(d.pending + d.claimed),
    blocked: String(d.blocked),
    installFailed: String(d.installFailed),
    failed: String(d.failed),
    hasGroups: shown.length > 0,
    groupLabel: (status.groupLabel ?? '').toLowerCase(),
    groups: shown.map((g) => ({ ...g, ...barWeights(g.acknowledged, g.total) })),
    hiddenGroups: status.groups.length - shown.length,
  });
}

/** Column weights of a two-part bar, in whole percent (a sliver stays visible). */
function barWeights(done: number, total: number): { doneWeight: number; todoWeight: number } {
  if (total === 0) return { doneWeight: 0, todoWeight: 100 };
  let doneWeight = Math.round((100 * done) / total);
  if (done > 0 && doneWeight === 0) doneWeight = 1;
  if (done < total && doneWeight === 100) doneWeight = 99;
  return { doneWeight, todoWeight: 100 - doneWeight };
}
