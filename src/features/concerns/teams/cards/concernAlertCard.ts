import { CONCERN_KIND_LABELS, ConcernCase } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { formatConcernTime } from './concernTriageCard';
import template from './templates/concernAlert.json';

const STATUS_LABELS = { new: 'New (not yet acknowledged)', acknowledged: 'Acknowledged, being dealt with', closed: 'Closed' } as const;

/**
 * The alert everyone in the DSL channel sees, now and after every update: reference, kind, urgency, time and
 * status, and an Open button. No details, no names: a private channel can hold people outside the
 * safeguarding team, and Teams keeps the card outside the app's encryption.
 */
export function renderConcernAlertCard(concern: ConcernCase, options: { possibleDuplicate?: boolean } = {}): AdaptiveCardJson {
  const r = concern.report;
  return expandCardTemplate(template, {
    reference: r.reference,
    kindLabel: CONCERN_KIND_LABELS[r.kind],
    urgent: concern.urgent,
    urgencyLabel: concern.urgent ? 'URGENT: immediate danger' : 'Not marked urgent',
    possibleDuplicate: options.possibleDuplicate === true,
    submittedAt: formatConcernTime(r.submittedAt),
    statusLabel: STATUS_LABELS[concern.status],
  });
}
