import {
  CONCERN_KIND_LABELS, ConcernCase, ConcernEvent, DESTINATION_ROLE_LABELS, DestinationRole, concernActionLabel,
  detailsAsTheyStand, reportedUrgencyWords, urgencyLabelOf,
} from './concernTypes';
import { chairMissedWords } from './concernPorts';
import { COPY_NOT_WITHDRAWN } from './headCopies';
import { formatSchoolTimestamp } from '../../../shared/schoolTime';
import { CONCERN_FIELD_LABELS } from './concernValidation';
import { inPersonContact } from './routeSetup';

/** One line of the chronology as people read it: when, who, what. */
export interface ChronologyLine {
  at: string;
  who: string;
  what: string;
  /**
   * The same step read on its own, without the "who:" in front of it (the case card's last step): who did it is named
   * where the sentence needs it ("Reported by Adele Vance as URGENT ..."), and steps the bot takes itself name no one.
   */
  step: string;
}

const roleLabel = (role: string | undefined) =>
  role && role in DESTINATION_ROLE_LABELS ? DESTINATION_ROLE_LABELS[role as DestinationRole] : role ?? 'unknown';

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What a person tried to do to a case, as a verb phrase: "tried to add a note to SG-2026-7KQ4MX". */
export const TRIAGE_OPERATION_WORDS: Readonly<Record<string, string>> = {
  open: 'open', list: 'list', export: 'export', acknowledge: 'acknowledge', assign: 'assign', addNote: 'add a note to',
  recordAction: 'record an action on', close: 'close', addDetails: 'add details to',
};

const operationWords = (op: string | undefined) => TRIAGE_OPERATION_WORDS[op ?? ''] ?? op ?? 'open';

const fieldLabel = (f: string) => (f in CONCERN_FIELD_LABELS ? CONCERN_FIELD_LABELS[f as keyof typeof CONCERN_FIELD_LABELS] : f);
const fieldNames = (list: string) => list.split(',').map(fieldLabel).join(', ');

/** Why a report skipped the place: people in it not on the safeguarding team's list (a count, never who), as the route check found. */
function outsidersWords(data: Readonly<Record<string, string>>): string {
  const n = Number(data.outsiders);
  return `: not posted in the ${data.place === 'groupChat' ? 'group chat' : 'channel'}, where the route check of `
    + `${data.checkedAt ? formatSchoolTimestamp(data.checkedAt) : 'an earlier time'} found ${n} ${n === 1 ? 'person' : 'people'} not on the bot's list of the safeguarding team; `
    + 'reports go 1:1 until a check finds only the team there';
}

/**
 * How a report was made: its urgency in the words the alert used, then what an urgent report was sent without. Who
 * reported it comes straight after "Reported" when `by` is given, so a name never reads as the last of those fields.
 */
function describeSubmitted(e: ConcernEvent, by?: string): string {
  const urgency = reportedUrgencyWords({ urgent: e.data.urgent === 'true', howSoon: e.data.howSoon });
  return ['Reported', by ? `by ${by}` : '', urgency].filter(Boolean).join(' ')
    + (e.data.missing ? `; sent at once, before these were filled in: ${fieldNames(e.data.missing)}` : '');
}

/** Describes one event for the chronology; `detailed` includes notes, actions and outcome text. */
export function describeConcernEvent(e: ConcernEvent, detailed: boolean, aboutHeadteacher = false): string {
  // Who was sent where, as the notices said it: a report about the headteacher goes to a deputy DSL or the chair, and
  // its waiting notices go only to those it may reach, never to the owners as such.
  const told = aboutHeadteacher ? 'of those a report about the headteacher may reach' : 'of the safeguarding team and owners';
  switch (e.type) {
    case 'submitted': return describeSubmitted(e);
    case 'detailsAdded': return detailed
      ? `Reporter added: ${Object.entries(e.data).map(([f, v]) => `${fieldLabel(f)}: ${v}`).join('; ')}`
      : 'Reporter added details';
    case 'routed':
      if (e.data.stage === 'direct') {
        return `Delivered to each member of the safeguarding team 1:1 (${e.data.reached} of ${e.data.of} reached)`
          + (e.data.reason === 'outsiders' ? outsidersWords(e.data)
            : e.data.reason === 'skipped' ? ': the shared place was refused earlier and is not used until it is fixed'
              : e.data.reason === 'refused' ? ': the shared place refused the post' : ': the shared place could not be reached')
          + (e.data.possibleDuplicate === 'true' ? ' (re-sent after a restart)' : '');
      }
      return `Delivered to ${roleLabel(e.data.role)}${e.data.stage === 'fallback' ? ' (fallback route)' : ''}`
        + (e.data.possibleDuplicate === 'true' ? ' (re-sent after a restart)' : '');
    case 'routeFailed':
      if (e.data.role === 'reporter') return `Could not notify the reporter (${e.data.code})`;
      if (e.data.waiting === 'true') return `Not sent: the route to ${roleLabel(e.data.role)} is not configured yet; the report waits until IT sets it up`;
      if (e.data.notice === 'withdraw') {
        return `Could not withdraw a copy the headteacher holds (${e.data.code})${e.data.final === 'true' ? ': not tried again' : ': it is tried again'}`;
      }
      if (e.data.notice === 'headteacherAttempt') return `Could not alert ${roleLabel(e.data.role)} to the headteacher's attempt (${e.data.code})`;
      if (e.data.stage === 'direct') return `Delivery to each member of the safeguarding team 1:1 failed (${e.data.code})`;
      return `Delivery to ${roleLabel(e.data.role)} failed (${e.data.code}${e.data.teamsCode ? ` ${e.data.teamsCode}` : ''})`
        + (e.data.refused === 'true' ? ': Teams refused it, so it was not tried again straight away' : '');
    case 'undeliveredAlerted':
      if (e.data.marked === 'true') return `Had not reached the chair or the deputy DSL ${e.data.minutes} ${e.data.minutes === '1' ? 'minute' : 'minutes'} after it was marked as about the headteacher: ${e.data.alerted} ${told} were told`
        + (e.data.reporterTold === undefined ? '' : e.data.reporterTold === 'true' ? '; the reporter was told to go to someone in person' : '; the reporter could not be told');
      if (e.data.waiting === 'true') {
        return `Waiting for the route to be configured: ${e.data.alerted} ${told} were told it is waiting`
          + `${e.data.reporterTold === 'true' ? '' : '; the reporter could not be told'}`;
      }
      return `Had reached no one after ${e.data.minutes} ${e.data.minutes === '1' ? 'minute' : 'minutes'}: the reporter was ${e.data.reporterTold === 'true' ? '' : 'not able to be '}told to go to ${inPersonContact(aboutHeadteacher)} in person; `
        + `${e.data.alerted} ${told} were told it is waiting`;
    case 'testAlertSent': return `Test alert sent: ${e.data.ok === 'true' ? 'it arrived' : `${e.data.reached} of ${e.data.of} reached${e.data.code ? ` (${e.data.code})` : ''}`}`;
    case 'markedAboutHeadteacher': return e.data.cause === 'reporterDetails'
      ? `Added details the bot read as naming the headteacher (for ${roleLabel(e.data.role)} instead, and hidden from the headteacher)`
      : `Marked as about the headteacher (for ${roleLabel(e.data.role)}, and hidden from the headteacher)`;
    case 'copyShown': return e.data.form === 'list' ? 'Listed in the headteacher\'s own chat'
      : 'Shown in the headteacher\'s own chat (the copy is kept, to be withdrawn if the report proves to be about them)';
    case 'copyWithdrawn': return 'A copy the headteacher held was withdrawn: it now says only that the report was passed on';
    case 'acknowledged': return 'Acknowledged';
    case 'assigned': return e.data.assigneeId ? `Assigned to ${e.data.assigneeName}` : 'Unassigned: it is about the headteacher, who held it';
    case 'noteAdded': return detailed ? `Note: ${e.data.note}` : 'Note added';
    case 'actionRecorded': {
      const label = concernActionLabel(e.data.actionType);
      return detailed ? `${label}: ${e.data.detail}` : label;
    }
    case 'closed': return detailed ? `Closed. Outcome: ${e.data.outcome}` : 'Closed';
    case 'viewed': return e.data.refresh === 'true' ? 'Viewed the record (card refresh)' : 'Viewed the record';
    case 'exported': return 'Exported the record';
    case 'listed': return 'Listed open concerns';
    case 'accessRefused': return `Refused access (${e.data.operation})`
      + (e.data.chairAlert ? `: the headteacher, on a case about them${e.data.chairAlert === 'queued' ? '; an alert to the chair of governors is queued (the record below says who received it)'
        : e.data.chairAlert === 'oldCard' ? ' (a card refresh, or Open on a list, they were shown before it was marked: recorded, no alert)' : ''}` : '')
      + (e.data.more === 'notRecorded' ? '; further attempts by this person within the hour are not recorded one by one' : '');
    case 'chairAlerted': return `${e.data.role ? `${capitalise(roleLabel(e.data.role))} (${chairMissedWords(e.data.chairMissed)})` : 'Chair of governors'} alerted that ${e.data.operation === COPY_NOT_WITHDRAWN ? 'a copy the headteacher holds could not be withdrawn' : `the headteacher tried to ${operationWords(e.data.operation)} this case`}`;
    case 'reporterNotified': return REPORTER_NOTICE_WORDS[e.data.notice]?.(inPersonContact(aboutHeadteacher)) ?? `Reporter told it was ${e.data.notice}`;
    default: return e.type;
  }
}

/** How the chronology says what the reporter was told. */
const REPORTER_NOTICE_WORDS: Readonly<Record<string, (inPerson: string) => string>> = {
  received: () => 'Reporter told the reference and where it went (after a restart)',
  notArrived: (inPerson) => `Reporter told it had not arrived yet, and to go to ${inPerson} in person with the reference`,
  arrived: () => 'Reporter told it has now arrived',
  rerouted: () => 'Reporter told it could not reach the route it was for, and where it went instead',
  waiting: (inPerson) => `Reporter told it has not been sent yet (its route is not configured), and to go to ${inPerson} in person with the reference`,
};

/**
 * Why a case that went by its fallback route went there, as its recipient should read first ("Sent to you as the
 * fallback: Teams refused to deliver to the chair of governors"): the last delivery, when it was a fallback, and the
 * failure of the route before it. Undefined when the last delivery was not a fallback.
 */
export function fallbackReason(c: ConcernCase): string | undefined {
  const routed = c.events.map((e) => e.type).lastIndexOf('routed');
  if (routed < 0 || c.events[routed].data.stage !== 'fallback') return undefined;
  return fallbackWords(c.events.slice(0, routed), c.events[routed].data.role);
}

/** The last failure of a report's own route (not a notice to its reporter), if it failed. */
export function primaryRouteFailure<E extends Pick<ConcernEvent, 'type' | 'data'>>(events: readonly E[]): E | undefined {
  return [...events].reverse().find((e) => e.type === 'routeFailed' && e.data.stage === 'primary' && e.data.role !== 'reporter');
}

/**
 * "Sent to <role> as the fallback route: <why>": why from the last failure of the primary route among the events (a
 * delivery's own, before it is recorded, for the card it posts).
 */
export function fallbackWords(events: readonly Pick<ConcernEvent, 'type' | 'data'>[], role: string): string {
  const failed = primaryRouteFailure(events);
  const label = roleLabel(failed?.data.role);
  const why = !failed ? 'the route it was for could not take it'
    : failed.data.code === 'CONCERN_DESTINATION_UNCONFIGURED' ? `${label} is not set up in the bot`
      : failed.data.refused === 'true' || failed.data.code === 'HTTP_403' ? `Teams refused to deliver to ${label}`
        : `${label} could not be reached`;
  return `Sent to ${roleLabel(role)} as the fallback route: ${why}.`;
}

/** Events that record who looked, not what was done; the export keeps them, the card leaves them out. */
const AUDIT_ONLY = new Set(['viewed', 'copyShown', 'exported', 'listed', 'accessRefused', 'chairAlerted', 'testAlertSent']);

const isRefreshView = (e: ConcernEvent) => e.type === 'viewed' && e.data.refresh === 'true';
/** The person who took a step; none for the bot's own steps (deliveries, notices), which carry no actor. */
const actorOf = (e: ConcernEvent) => e.actorName ?? (e.actorId || undefined);
const whoOf = (e: ConcernEvent) => actorOf(e) ?? 'School Policy Bot';

/** A step read on its own: "Acknowledged by Dana DSL", "Reported by Adele Vance as ...", or the bot's own "Delivered to ...". */
function stepOf(e: ConcernEvent, what: string): string {
  const by = actorOf(e);
  if (!by) return what;
  return e.type === 'submitted' ? describeSubmitted(e, by) : `${what} by ${by}`;
}

/**
 * The chronology of a case, oldest first; `includeAudit` adds views, exports and refusals. Card refreshes by one
 * person in a row (Teams refreshes a card each time it is shown) read as one line with how many and until when.
 */
export function concernChronology(c: ConcernCase, detailed: boolean, includeAudit = false): ChronologyLine[] {
  const lines: ChronologyLine[] = [];
  let run: { line: ChronologyLine; actorId?: string; count: number; last: string } | undefined;
  for (const e of c.events) {
    if (!includeAudit && AUDIT_ONLY.has(e.type)) continue;
    if (isRefreshView(e) && run && run.actorId === e.actorId) {
      run.count += 1;
      run.last = e.at;
      run.line.what = `Viewed the record (card refresh, ${run.count} times until ${formatSchoolTimestamp(run.last)})`;
      run.line.step = stepOf(e, run.line.what);
      continue;
    }
    const what = describeConcernEvent(e, detailed, c.report.aboutHeadteacher);
    const line = { at: e.at, who: whoOf(e), what, step: stepOf(e, what) };
    lines.push(line);
    run = isRefreshView(e) ? { line, actorId: e.actorId, count: 1, last: e.at } : undefined;
  }
  return lines;
}

/** The full record of one case as plain text, for the safeguarding team's export. */
export function formatConcernRecord(c: ConcernCase): string {
  const r = c.report;
  // As the team reads it on the card: what the reporter added later (to an urgent report) in its field, marked as added.
  const d = detailsAsTheyStand(c, formatSchoolTimestamp);
  const lines = [
    `SAFEGUARDING RECORD ${r.reference} (confidential: for the people dealing with this concern only)`,
    `Kind: ${CONCERN_KIND_LABELS[r.kind]}`,
    // One line in the words every other view uses: immediate danger, else how soon the reporter said.
    `Urgency: ${urgencyLabelOf(c)}`,
    `About the headteacher: ${r.aboutHeadteacher ? 'yes' : 'no'}`,
    `Reported: ${r.submittedAt} by ${r.reporter.name} (${r.reporter.aadObjectId})`,
    `Status: ${c.status}${c.assignee ? `, assigned to ${c.assignee.name}` : ''}`,
    '',
    'WHAT HAPPENED', d.whatHappened, '',
    'WHEN', d.whenHappened, '',
    'WHERE', d.where || '(not given)', d.link ? `Link: ${d.link}` : '', '',
    'WHO IS INVOLVED', d.peopleInvolved || '(not given)', '',
    'EVIDENCE', d.evidence ?? '(none given)', '',
  ];
  if (d.attachedMessage) lines.push('THE MESSAGE REPORTED', d.attachedMessage, '');
  lines.push('CHRONOLOGY');
  for (const l of concernChronology(c, true, true)) lines.push(`${formatSchoolTimestamp(l.at)}  ${l.who}: ${l.what}`);
  if (c.outcome) lines.push('', 'OUTCOME', c.outcome);
  return lines.join('\n');
}

/**
 * A record too long for one message, as numbered parts that each end at a line (or, for one very long line, at a space):
 * "Part 1 of 3 of SAFEGUARDING RECORD SG-2026-...". Cut at a fixed length, it broke words across messages with nothing
 * to say which part came first. A record that fits is one part, as it is.
 */
export function recordParts(record: string, reference: string, most: number): string[] {
  if (record.length <= most) return [record];
  const room = Math.max(100, most - 80);
  const pieces: string[] = [];
  let current = '';
  const push = () => { if (current) pieces.push(current); current = ''; };
  for (const line of record.split('\n')) {
    let rest = line;
    while (rest.length > room) {
      const space = rest.lastIndexOf(' ', room);
      const cut = space > room / 2 ? space : room;
      push();
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    if (current.length + rest.length + 1 > room) push();
    current = current ? `${current}\n${rest}` : rest;
  }
  push();
  return pieces.map((p, i) => `Part ${i + 1} of ${pieces.length} of SAFEGUARDING RECORD ${reference}\n\n${p}`);
}

