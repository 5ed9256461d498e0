import { concernChronology, fallbackReason } from '../../domain/concernRecord';
import { SafeguardingMember } from '../../domain/concernPorts';
import { TRIAGE_TEXT_LIMIT } from '../../domain/concernTriage';
import { CONCERN_ACTION_TYPES, CONCERN_ACTIONS_BY_KIND, CONCERN_KIND_LABELS, ConcernCase, concernActionLabel, detailsAsTheyStand, urgencyLabelOf } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/concernTriage.json';
import { formatSchoolTime } from '../../../../shared/schoolTime';

/** Teams refreshes a card automatically for at most 60 listed users. */
export const REFRESH_USER_LIMIT = 60;

/** The summary on the card is the start of "what happened"; the full report is one click away. */
export const TRIAGE_SUMMARY_CHARS = 300;

/** What the triage card needs. Only ever sent to the report's destination (the DSL channel or the recipient's 1:1). */
export interface ConcernTriageCardInput {
  concern: ConcernCase;
  /** The safeguarding team, offered by Assign. */
  team: readonly SafeguardingMember[];
  /** Teams user MRIs (29:...) whose view refreshes automatically; capped at 60. Empty: "Refresh card" on demand. */
  refreshUserIds: readonly string[];
  /** True when the Assign action makes sense (the DSL channel). */
  canAssign: boolean;
  /** Shown when this alert may repeat an earlier one (re-sent after a restart). */
  possibleDuplicate?: boolean;
  /** A problem with the last action, shown on the card (for example "The outcome is needed."). */
  problem?: string;
  /** Why it came by the fallback route, for the card that delivery posts (the case records it only once delivered). */
  fallbackReason?: string;
}

const STATUS_LABELS = { new: 'New (not yet acknowledged)', acknowledged: 'Open', closed: 'Closed' } as const;

/** How a concern card shows a time: "2 Mar 2026, 09:00 GMT", in the school's time zone. */
export function formatConcernTime(iso: string): string {
  return formatSchoolTime(iso);
}

/** "Acknowledged by Dana DSL": the state, and by whom, as the team reads it. */
function statusOf(c: ConcernCase): string {
  if (c.status !== 'acknowledged') return STATUS_LABELS[c.status];
  const ack = [...c.events].reverse().find((e) => e.type === 'acknowledged');
  return ack?.actorName ? `Acknowledged by ${ack.actorName}` : STATUS_LABELS.acknowledged;
}

/**
 * Who holds the case now, said once (the card has no separate "Assigned to" to contradict it): the person it is
 * assigned to and who assigned it, else whoever acknowledged it, not assigned yet, else nobody yet.
 */
function holderOf(c: ConcernCase): string {
  if (c.status === 'closed') return 'Closed: nobody';
  if (c.assignee) {
    const by = [...c.events].reverse().find((e) => e.type === 'assigned')?.actorName;
    return by && by !== c.assignee.name ? `${c.assignee.name} (assigned by ${by})` : `${c.assignee.name} (assigned)`;
  }
  if (c.status === 'new') return 'Nobody yet: acknowledge it to take it';
  const ack = [...c.events].reverse().find((e) => e.type === 'acknowledged');
  return ack?.actorName ? `${ack.actorName} (acknowledged it; not assigned yet)` : 'Nobody yet: acknowledge it to take it';
}

/**
 * What happened last, without its text ("2 Mar 2026, 09:05 GMT: Note added by Dev Deputy"). The time comes first: after
 * a step that ends in a list (the fields an urgent report went without) a trailing time would read as one more of them.
 */
function lastStepOf(c: ConcernCase): string {
  const last = concernChronology(c, false).at(-1);
  return last ? `${formatConcernTime(last.at)}: ${last.step}` : '';
}

/** Renders the triage card: reference, kind, urgency, time, reporter, summary, chronology and the actions. */
export function renderConcernTriageCard(input: ConcernTriageCardInput): AdaptiveCardJson {
  const c = input.concern;
  const r = c.report;
  // What the reporter added to an urgent report afterwards shows in its fields, marked as added.
  const d = detailsAsTheyStand(c, formatConcernTime);
  const summary = d.whatHappened.length > TRIAGE_SUMMARY_CHARS
    ? `${d.whatHappened.slice(0, TRIAGE_SUMMARY_CHARS - 1)}…`
    : d.whatHappened;
  // A lone "-" renders as an empty bullet in Adaptive Card markdown, so empty fields say so in words.
  const dash = (v: string | undefined, empty = 'Not given') => (v && v.trim() ? v : empty);
  return expandCardTemplate(template, {
    reference: r.reference,
    kindLabel: CONCERN_KIND_LABELS[r.kind],
    urgent: c.urgent,
    urgencyLabel: urgencyLabelOf(c),
    possibleDuplicate: input.possibleDuplicate === true,
    fallbackWords: input.fallbackReason ?? fallbackReason(c) ?? '',
    statusLabel: statusOf(c),
    holder: holderOf(c),
    lastStep: lastStepOf(c),
    submittedAt: formatConcernTime(r.submittedAt),
    reporterName: dash(r.reporter.name),
    summary,
    details: {
      whatHappened: d.whatHappened,
      whenHappened: dash(d.whenHappened),
      where: dash(d.where),
      link: dash(d.link),
      peopleInvolved: dash(d.peopleInvolved),
      evidence: dash(d.evidence),
      attachedMessage: d.attachedMessage ?? '',
      aboutHeadteacher: r.aboutHeadteacher ? 'Yes' : 'No',
    },
    hasAttachedMessage: Boolean(d.attachedMessage),
    chronology: concernChronology(c, true).map((l) => ({ who: l.who, what: l.what, at: formatConcernTime(l.at) })),
    isNew: c.status === 'new',
    isOpen: c.status !== 'closed',
    canAssign: input.canAssign && c.status !== 'closed' && input.team.length > 0,
    // The team (not a report's recipient) may say a report is about the headteacher: it then goes to the chair.
    canMarkAboutHeadteacher: input.canAssign && !r.aboutHeadteacher,
    teamChoices: input.team.map((m) => ({ title: m.name ?? m.aadObjectId, value: m.aadObjectId })),
    // What fits the kind and whoever handles it; actions already recorded read from their own label whatever the list.
    actionChoices: (CONCERN_ACTIONS_BY_KIND[r.kind] ?? CONCERN_ACTION_TYPES).map((a) => ({ title: concernActionLabel(a), value: a })),
    textLimit: TRIAGE_TEXT_LIMIT,
    refreshUserIds: input.refreshUserIds.slice(0, REFRESH_USER_LIMIT),
    hasProblem: Boolean(input.problem),
    problem: input.problem ?? '',
  });
}
