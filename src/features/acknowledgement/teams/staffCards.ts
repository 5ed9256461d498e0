import { AcknowledgementView } from '../domain/acknowledgePolicy';
import { ChangesSince } from '../domain/changesSince';
import { versionPhrase } from '../domain/versionNames';
import { AdaptiveCardJson } from '../../../teams/cards';
import { AcknowledgementCardInput, CardChanges, renderAcknowledgementCard } from './cards/acknowledgementCard';

/** What changed since the version a person acknowledged, as their card leads with it. */
export function changesSinceYours(changes: ChangesSince): CardChanges {
  return { since: `you acknowledged ${versionPhrase(changes.since)}`, sections: changes.sections, truncated: changes.truncated };
}

/**
 * The staff card for what a person's view is now: the campaign's chosen key points, the due date, when they acknowledged,
 * and for a version still to acknowledge, what changed since the one they last acknowledged.
 */
export function staffCardFor(view: AcknowledgementView, extra: Pick<AcknowledgementCardInput, 'notice'> = {}): AdaptiveCardJson {
  const campaign = view.campaign;
  return renderAcknowledgementCard({
    state: view.state,
    version: view.version,
    ...(campaign ? { campaignId: campaign.id, dueDate: campaign.dueDate } : {}),
    ...(campaign?.keyPoints && campaign.versionHash === view.version.versionHash ? { keyPoints: campaign.keyPoints } : {}),
    ...(view.state === 'acknowledged' ? { acknowledgedAt: view.acknowledgement.acknowledgedAt, ...(view.acknowledgement.readAt ? { readAt: view.acknowledgement.readAt } : {}) } : {}),
    ...(view.state === 'superseded' ? { replacedHash: view.replacedHash } : {}),
    ...(view.state !== 'acknowledged' && view.changes ? { changes: changesSinceYours(view.changes) } : {}),
    ...extra,
  });
}
