import { CONCERN_KIND_LABELS, ConcernCase, deriveConcernCase, urgencyLabelOf } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { Verbs } from '../../../../teams/verbs';
import { formatConcernTime } from './concernTriageCard';
import template from './templates/concernAlert.json';

const STATUS_LABELS = { new: 'New (not yet acknowledged)', acknowledged: 'Acknowledged, being dealt with', closed: 'Closed' } as const;

/** The case's status, or for one marked as about the headteacher, its status when it was marked. */
function statusShown(concern: ConcernCase): ConcernCase['status'] {
  const marked = concern.events.findIndex((e) => e.type === 'markedAboutHeadteacher');
  return marked < 0 ? concern.status : deriveConcernCase(concern.report, concern.events.slice(0, marked)).status;
}

/**
 * The alert everyone in the DSL channel sees, now and after every update: reference, kind, urgency, time and
 * status, and an Open button. No details, no names: the channel or chat can hold people outside the
 * safeguarding team, and Teams keeps the card outside the app's encryption. A report marked as about the headteacher
 * after it reached the team (where the headteacher may be a member) keeps the status it had when it was marked: how the
 * chair deals with it is not shown there, and nothing on the card changes to say it is about the headteacher.
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
    statusLabel: STATUS_LABELS[statusShown(concern)],
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
