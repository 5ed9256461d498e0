import { CONCERN_KIND_LABELS, ConcernCase, ConcernUrgency, urgencyLabelOf, urgencyOf } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/concernList.json';
import { formatConcernTime } from './concernTriageCard';

/** The most cases one list card shows (the card must stay under the Teams size limit). */
export const CONCERN_LIST_LIMIT = 50;

const STATUS_LABELS = { new: 'New', acknowledged: 'Open', closed: 'Closed' } as const;

/** A reference's colour: immediate danger stands out most, then what needs looking at today. */
const URGENCY_COLOURS: Readonly<Record<ConcernUrgency, string>> = { immediate: 'Attention', today: 'Warning', routine: 'Default', notSaid: 'Default' };

/** Renders the open concerns for the safeguarding team: reference, kind, status and urgency only, no details. */
export function renderConcernListCard(cases: readonly ConcernCase[]): AdaptiveCardJson {
  const shown = cases.slice(0, CONCERN_LIST_LIMIT);
  return expandCardTemplate(template, {
    count: cases.length,
    items: shown.map((c) => ({
      reference: c.report.reference,
      kindLabel: CONCERN_KIND_LABELS[c.report.kind],
      statusLabel: STATUS_LABELS[c.status],
      // What the reporter chose, as the alert said it: a report for today is never listed as "not urgent".
      urgencyLabel: urgencyLabelOf(c),
      color: URGENCY_COLOURS[urgencyOf(c)],
      submittedAt: formatConcernTime(c.report.submittedAt),
      assigneeText: c.assignee ? `assigned to ${c.assignee.name}` : 'unassigned',
    })),
  });
}
