import { CONCERN_KIND_LABELS, ConcernCase, urgencyLabelOf } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { Verbs } from '../../../../teams/verbs';
import { formatConcernTime } from './concernTriageCard';
import template from './templates/concernAlert.json';

/** The status a report about the headteacher shows on its alert, whatever it is. */
export const ABOUT_HEADTEACHER_STATUS = 'About the headteacher: its progress is not shown here';

const STATUS_LABELS = { new: 'New (not yet acknowledged)', acknowledged: 'Acknowledged, being dealt with', closed: 'Closed' } as const;

/**
 * The alert everyone in the DSL channel sees, now and after every update: reference, kind, urgency, time and
 * status, and an Open button. No details, no names: the channel or chat can hold people outside the
 * safeguarding team, and Teams keeps the card outside the app's encryption. A report about the headteacher (marked so
 * after it reached the team, where the headteacher may be a member) shows no status: how it is being dealt with is
 * for those dealing with it.
 */
export function renderConcernAlertCard(concern: ConcernCase, options: { possibleDuplicate?: boolean; refreshFor?: readonly string[] } = {}): AdaptiveCardJson {
  const r = concern.report;
  const card = expandCardTemplate(template, {
    reference: r.reference,
    kindLabel: CONCERN_KIND_LABELS[r.kind],
    urgent: concern.urgent,
    urgencyLabel: urgencyLabelOf(concern),
    possibleDuplicate: options.possibleDuplicate === true,
    submittedAt: formatConcernTime(r.submittedAt),
    statusLabel: r.aboutHeadteacher ? ABOUT_HEADTEACHER_STATUS : STATUS_LABELS[concern.status],
  });
  if (options.refreshFor && options.refreshFor.length > 0) {
    // Universal Actions: the people listed (Teams user ids, 29:...) get their own view by an automatic Open when
    // the card shows, so whoever just acted keeps the details while everyone else sees this alert.
    card.refresh = {
      action: { type: 'Action.Execute', verb: Verbs.concernOpen, data: { reference: r.reference, refresh: true } },
      userIds: options.refreshFor.slice(0, 60),
    };
  }
  return card;
}
