import { CONCERN_KIND_LABELS, ConcernCase, ConcernUrgency, urgencyLabelOf, urgencyOf } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/concernList.json';
import { formatConcernTime } from './concernTriageCard';

/** The most cases one list card shows (the card must stay under the Teams size limit). */
export const CONCERN_LIST_LIMIT = 50;

const STATUS_LABELS = { new: 'New', acknowledged: 'Open', closed: 'Closed' } as const;

/** A reference's colour: immediate danger stands out most, then what needs looking at today. */
const URGENCY_COLOURS: Readonly<Record<ConcernUrgency, string>> = { immediate: 'Attention', today: 'Warning', routine: 'Default', notSaid: 'Default' };

/** Which comes first: immediate danger, then today, then reports that said nothing, then routine ones. */
const URGENCY_ORDER: Readonly<Record<ConcernUrgency, number>> = { immediate: 0, today: 1, notSaid: 2, routine: 3 };

/**
 * The open concerns in the order a DSL works them: the most urgent first, within that those no one has acknowledged yet,
 * then the newest. (Oldest first put a new urgent report below the fiftieth, out of sight.)
 */
export function orderForTheTeam(cases: readonly ConcernCase[]): ConcernCase[] {
  return [...cases].sort((a, b) => URGENCY_ORDER[urgencyOf(a)] - URGENCY_ORDER[urgencyOf(b)]
    || Number(a.status !== 'new') - Number(b.status !== 'new')
    || (a.report.submittedAt < b.report.submittedAt ? 1 : a.report.submittedAt > b.report.submittedAt ? -1 : 0));
}

/** Open reports one person sent within an hour, from which the list says so: a flood shows as one, not as many. */
export const FLOOD_REPORTS = 5;
const FLOOD_WINDOW_MS = 60 * 60_000;

/**
 * "12 of these were sent by one person within an hour": where one person sent FLOOD_REPORTS or more of the open
 * reports within an hour, so a flood (an account misused, or a person in distress) is seen as one, and the reports of
 * others in it are not taken for more of the same. Who it is is on each case, for the team to open.
 */
export function floodLine(cases: readonly ConcernCase[]): string {
  const byReporter = new Map<string, number[]>();
  for (const c of cases) {
    const id = c.report.reporter.aadObjectId;
    if (!id) continue;
    const at = Date.parse(c.report.submittedAt);
    if (!Number.isFinite(at)) continue;
    const times = byReporter.get(id);
    if (times) times.push(at); else byReporter.set(id, [at]);
  }
  // The most reports one person sent within any hour: a window sliding over each person's times in order.
  let most = 0;
  for (const times of byReporter.values()) {
    const sorted = [...times].sort((a, b) => a - b);
    for (let i = 0, j = 0; j < sorted.length; j++) {
      while (sorted[j] - sorted[i] > FLOOD_WINDOW_MS) i++;
      most = Math.max(most, j - i + 1);
    }
  }
  return most >= FLOOD_REPORTS ? `${most} of these were sent by one person within an hour: open one to see who, and read the others on their own.` : '';
}

/** Which page (from 1) of the list is shown, and the cases on it, in the order the card lists them. */
export function listPage(cases: readonly ConcernCase[], page = 1): { at: number; pages: number; from: number; shown: ConcernCase[] } {
  const pages = Math.max(1, Math.ceil(cases.length / CONCERN_LIST_LIMIT));
  const at = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const from = (at - 1) * CONCERN_LIST_LIMIT;
  return { at, pages, from, shown: orderForTheTeam(cases).slice(from, from + CONCERN_LIST_LIMIT) };
}

/**
 * Renders a page (from 1) of the open concerns for the safeguarding team: reference, kind, status and urgency only, no
 * details; most urgent and newest first, and, when there are more than a card holds, which ones these are and how to
 * see the next.
 */
export function renderConcernListCard(cases: readonly ConcernCase[], page = 1): AdaptiveCardJson {
  const { at, pages, from, shown } = listPage(cases, page);
  const more = cases.length > CONCERN_LIST_LIMIT
    ? `Showing ${from + 1}-${from + shown.length} of ${cases.length}, most urgent and newest first.${at < pages ? ` Type "concerns ${at + 1}" for the next ${Math.min(CONCERN_LIST_LIMIT, cases.length - from - shown.length)}.` : ''}`
    : '';
  return expandCardTemplate(template, {
    count: cases.length,
    more,
    flood: floodLine(cases),
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
