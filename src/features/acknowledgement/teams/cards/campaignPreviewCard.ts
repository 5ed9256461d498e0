import { randomUUID } from 'node:crypto';
import { CampaignPreview } from '../../domain/campaignService';
import { describeAudience } from '../../domain/campaignAudience';
import { formatVersion } from '../../../policy';
import { formatDate, renderAcknowledgementCard } from './acknowledgementCard';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/campaignPreview.json';

/**
 * Renders what starting a campaign would do, before anything is sent: the policy and version, the audience and who
 * in it can be reached now (and why the others cannot), the card exactly as staff will see it, then Start / Cancel.
 * The nonce makes a second press of Start answer with the campaign the first one started.
 */
export function renderCampaignPreviewCard(preview: CampaignPreview, nonce: string = randomUUID()): AdaptiveCardJson {
  const v = preview.version;
  const card = expandCardTemplate(template, {
    title: v.title,
    versionText: formatVersion(v.versionHash, v.versionLabel),
    audienceText: describeAudience(preview.audience),
    dueText: formatDate(preview.dueDate),
    members: String(preview.members),
    withChat: String(preview.withChat),
    canInstall: preview.canInstall,
    installable: String(preview.installable),
    unreachable: String(preview.unreachable),
    alreadyAcknowledged: String(preview.alreadyAcknowledged),
    hasUnreachable: preview.unreachable > 0,
    unreachableWhy: `${preview.unreachable} ${preview.unreachable === 1 ? 'person has' : 'people have'} not opened a chat with School Policy Bot, `
      + 'and the app cannot be installed for them from here (no Microsoft Graph connection in this mode). '
      + 'They get the card as soon as they open the chat; the status card counts them until then.',
    audienceJson: JSON.stringify(preview.audience),
    dueDate: preview.dueDate,
    policyId: v.policyId,
    nonce,
  });
  const staffCard = renderAcknowledgementCard({ state: 'pending', version: v, dueDate: preview.dueDate });
  const view = (card.body ?? []).find((b) => (b as { id?: string }).id === 'staffView') as { items: unknown[] } | undefined;
  if (view) view.items = staffCard.body ?? [];
  return card;
}
