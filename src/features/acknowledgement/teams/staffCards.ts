import { AcknowledgementView } from '../domain/acknowledgePolicy';
import { AdaptiveCardJson } from '../../../teams/cards';
import { AcknowledgementCardInput, renderAcknowledgementCard } from './cards/acknowledgementCard';

/** The staff card for what a person's view is now: the campaign's chosen key points, the due date, when they acknowledged. */
export function staffCardFor(view: AcknowledgementView, extra: Pick<AcknowledgementCardInput, 'notice'> = {}): AdaptiveCardJson {
  const campaign = view.campaign;
  return renderAcknowledgementCard({
    state: view.state,
    version: view.version,
    ...(campaign ? { campaignId: campaign.id, dueDate: campaign.dueDate } : {}),
    ...(campaign?.keyPoints && campaign.versionHash === view.version.versionHash ? { keyPoints: campaign.keyPoints } : {}),
    ...(view.state === 'acknowledged' ? { acknowledgedAt: view.acknowledgement.acknowledgedAt, ...(view.acknowledgement.readAt ? { readAt: view.acknowledgement.readAt } : {}) } : {}),
    ...(view.state === 'superseded' ? { replacedHash: view.replacedHash } : {}),
    ...extra,
  });
}
