/**
 * The records of a safeguarding concern: the report as submitted (never changed), an append-only chronology
 * of events, and the case state derived from them. Times are ISO 8601 UTC strings.
 */

/** The kinds of concern the form offers, in the order it offers them. */
export const CONCERN_KINDS = ['childSafety', 'onlineAbuse', 'colleagueConduct', 'allegation', 'other'] as const;

/** One kind of concern. */
export type ConcernKind = (typeof CONCERN_KINDS)[number];

/** What staff see for each kind. */
export const CONCERN_KIND_LABELS: Readonly<Record<ConcernKind, string>> = {
  childSafety: "A child's safety",
  onlineAbuse: 'Online abuse or harassment of me or a colleague',
  colleagueConduct: "A colleague's conduct online",
  allegation: 'An allegation that an adult has harmed or may harm a child',
  other: 'Something else',
};

/** Where a report can be sent: a role, never a named person, so the reporter can be told where it went. */
export const DESTINATION_ROLES = ['dslChannel', 'deputyDsl', 'seniorManager', 'headteacher', 'chairOfGovernors'] as const;

/** One destination role. */
export type DestinationRole = (typeof DESTINATION_ROLES)[number];

/** How the reporter is told where the report went. */
export const DESTINATION_ROLE_LABELS: Readonly<Record<DestinationRole, string>> = {
  dslChannel: 'the Designated Safeguarding Lead team',
  deputyDsl: 'the Deputy Designated Safeguarding Lead',
  seniorManager: 'a senior manager',
  headteacher: 'the headteacher',
  chairOfGovernors: 'the chair of governors',
};

/**
 * The referrals and actions a triager can record. Stored events keep the type, so a type is only ever added, never
 * renamed or removed: an action recorded under an older list must still read as it did.
 */
export const CONCERN_ACTION_TYPES = [
  'childrensSocialCare', 'police', 'lado', 'earlyHelp', 'platformReport', 'evidenceKept', 'staffSupport', 'hrAdvice',
  'ladoConsulted', 'arrangementsDecided', 'parentsInformed', 'colleagueSpokenTo', 'other',
] as const;

/** One recorded action type. */
export type ConcernActionType = (typeof CONCERN_ACTION_TYPES)[number];

/** Labels for recorded actions. */
export const CONCERN_ACTION_LABELS: Readonly<Record<ConcernActionType, string>> = {
  childrensSocialCare: "Referral to children's social care",
  police: 'Referral to the police',
  lado: 'Referral to the LADO',
  earlyHelp: 'Early help',
  platformReport: 'Reported to the platform (removal asked for)',
  evidenceKept: 'Evidence kept (screenshots, links, dates)',
  staffSupport: 'Support offered to the member of staff',
  hrAdvice: 'Advice from HR or the school\'s adviser',
  ladoConsulted: 'LADO consulted (advice taken before anything else)',
  arrangementsDecided: 'Decision on suspension or other arrangements for the adult',
  parentsInformed: "The child's parents or carers told (as the LADO advised)",
  colleagueSpokenTo: 'Spoken to the member of staff about their conduct',
  other: 'Other action',
};

/**
 * The actions the case card offers for each kind, fitting whoever handles it (see the routes): a child's safety the
 * DSL's referrals; online abuse of staff what a senior manager does about it (the platform, the evidence, support, the
 * police); a colleague's conduct the headteacher's low-level concern steps, with the LADO if it may be more; an
 * allegation the allegations process, where the LADO is consulted before anyone investigates; something else the
 * general ones. Any action recorded
 * before stays readable whatever its kind, since labels are looked up in CONCERN_ACTION_LABELS, not in these lists.
 */
export const CONCERN_ACTIONS_BY_KIND: Readonly<Record<ConcernKind, readonly ConcernActionType[]>> = {
  childSafety: ['childrensSocialCare', 'police', 'lado', 'earlyHelp', 'other'],
  onlineAbuse: ['platformReport', 'evidenceKept', 'staffSupport', 'police', 'hrAdvice', 'other'],
  colleagueConduct: ['colleagueSpokenTo', 'evidenceKept', 'hrAdvice', 'ladoConsulted', 'police', 'other'],
  allegation: ['ladoConsulted', 'childrensSocialCare', 'police', 'arrangementsDecided', 'parentsInformed', 'staffSupport', 'hrAdvice', 'other'],
  // Something else: any of the general referrals and steps, but not the allegations process's own three (a report
  // that turns out to be an allegation goes through that process, where the LADO is consulted first), so the LADO is
  // offered once, as a referral, not also as "LADO consulted".
  other: ['childrensSocialCare', 'police', 'lado', 'earlyHelp', 'platformReport', 'evidenceKept', 'staffSupport', 'hrAdvice', 'colleagueSpokenTo', 'other'],
};

/** How an action reads wherever it is shown; a type this version does not know (never expected) reads as itself. */
export function concernActionLabel(actionType: string): string {
  // Own keys only: a stored string such as "constructor" must not find Object's.
  return Object.hasOwn(CONCERN_ACTION_LABELS, actionType) ? CONCERN_ACTION_LABELS[actionType as ConcernActionType] : actionType;
}

/** What the reporter wrote. This is the most sensitive data the product holds: never log it. */
export interface ConcernDetails {
  whatHappened: string;
  whenHappened: string;
  where: string;
  link?: string;
  peopleInvolved: string;
  evidence?: string;
  /** The text of the Teams message the report was started from (message action). */
  attachedMessage?: string;
}

/** Where the report was submitted from: enough for the bot to reach Teams again after a restart. */
export interface ConcernOrigin {
  serviceUrl: string;
  tenantId?: string;
  channelId: string;
  source: 'chat' | 'messageAction';
}

/** The person who reported. `address` is an opaque conversation reference the notifier understands. */
export interface ConcernReporter {
  aadObjectId: string;
  name: string;
  address: Record<string, unknown>;
}

/**
 * How soon the reporter says it needs looking at, when no one is in immediate danger (that is the form's own
 * toggle, `immediateDanger`): today, or in the usual routine.
 */
export const CONCERN_HOW_SOON = ['today', 'routine'] as const;

/** One answer to "how soon". */
export type ConcernHowSoon = (typeof CONCERN_HOW_SOON)[number];

/** How urgent a case is: immediate danger, else what the reporter chose, else that they did not say. */
export type ConcernUrgency = 'immediate' | ConcernHowSoon | 'notSaid';

/**
 * Every wording of urgency, in one place so the alert, the case card, the `concerns` list, the export and the
 * chronology cannot drift apart (the list once called a report for today "not urgent"): `label` stands alone (a
 * fact, a list line), `reportedAs` follows "Reported by <name>" in the chronology.
 */
const URGENCY_WORDS: Readonly<Record<ConcernUrgency, { label: string; reportedAs: string }>> = {
  immediate: { label: 'URGENT: immediate danger', reportedAs: 'as URGENT (immediate danger)' },
  today: { label: 'Needs looking at today', reportedAs: 'as needing looking at today' },
  routine: { label: 'Routine: the usual process', reportedAs: 'as routine (the usual process)' },
  // Reports from before the form asked say nothing about it in the chronology: there is nothing the reporter chose.
  notSaid: { label: 'Not marked urgent (the reporter did not say how soon)', reportedAs: '' },
};

/** The urgency of a case: immediate danger wins over any answer to "how soon". */
export function urgencyOf(c: { urgent: boolean; howSoon?: string }): ConcernUrgency {
  if (c.urgent) return 'immediate';
  return c.howSoon === 'today' || c.howSoon === 'routine' ? c.howSoon : 'notSaid';
}

/** The urgency of a case as the team reads it on its own: "Needs looking at today". */
export function urgencyLabelOf(c: { urgent: boolean; howSoon?: string }): string {
  return URGENCY_WORDS[urgencyOf(c)].label;
}

/** The urgency as it follows "Reported by <name>": "as needing looking at today"; empty when the reporter did not say. */
export function reportedUrgencyWords(c: { urgent: boolean; howSoon?: string }): string {
  return URGENCY_WORDS[urgencyOf(c)].reportedAs;
}

/** A validated report ready to be stored. */
export interface ConcernDraft {
  kind: ConcernKind;
  immediateDanger: boolean;
  /** How soon it needs looking at when no one is in immediate danger; kept with the "submitted" event. */
  howSoon?: ConcernHowSoon;
  aboutHeadteacher: boolean;
  details: ConcernDetails;
  /** Fields the kind needs that an urgent report was sent without (it is never held back for them). */
  missing?: readonly string[];
}

/** A stored report as submitted; never changed afterwards. */
export interface ConcernReport extends ConcernDraft {
  id: number;
  /** The reference staff quote, for example SG-2026-7KQ4MX (SG-2026-0007 for reports filed before references were random). */
  reference: string;
  reporter: ConcernReporter;
  origin: ConcernOrigin;
  submittedAt: string;
}

/** Everything that can happen to a concern (and refusals, which may not name a concern). */
export type ConcernEventType =
  | 'submitted'
  | 'routed'
  | 'routeFailed'
  | 'acknowledged'
  | 'assigned'
  | 'noteAdded'
  | 'actionRecorded'
  | 'closed'
  | 'viewed'
  | 'exported'
  | 'listed'
  | 'accessRefused'
  | 'chairAlerted'
  | 'reporterNotified'
  | 'detailsAdded'
  | 'undeliveredAlerted'
  | 'testAlertSent'
  /** A member of the team marked the report as about the headteacher: from then on it is, and it goes to the chair. */
  | 'markedAboutHeadteacher'
  /** The headteacher opened the case in their own chat: the copy is kept so it can be withdrawn if it proves to be about them. */
  | 'copyShown'
  /** A copy the headteacher held was replaced by one that says only that it was passed on. */
  | 'copyWithdrawn';

/** One entry in the append-only chronology. `data` is encrypted at rest. */
export interface ConcernEvent {
  seq: number;
  concernId: number | null;
  type: ConcernEventType;
  at: string;
  actorId?: string;
  actorName?: string;
  data: Record<string, string>;
}

/** An event about to be appended. */
export type NewConcernEvent = Omit<ConcernEvent, 'seq' | 'concernId'>;

/** The state of a case, derived from its events. */
export type ConcernStatus = 'new' | 'acknowledged' | 'closed';

/** A report with its chronology and derived state. */
export interface ConcernCase {
  report: ConcernReport;
  events: ConcernEvent[];
  status: ConcernStatus;
  urgent: boolean;
  /** How soon the reporter said it needs looking at (when not immediate danger). */
  howSoon?: ConcernHowSoon;
  /** The role it reached, once delivered. */
  deliveredTo?: DestinationRole;
  /** AAD object id of the person the report reached, when it went to a person. */
  recipientId?: string;
  assignee?: { id: string; name: string };
  outcome?: string;
}

/** Who is acting: identity from the Teams activity (`from.aadObjectId`), never from card data. */
export interface ConcernActor {
  aadObjectId: string;
  name: string;
}

/** A stable code for every failure a caller may have to explain. */
export type ConcernErrorCode =
  | 'CONCERN_ACCESS_DENIED'
  | 'CONCERN_NOT_FOUND'
  | 'CONCERN_CLOSED'
  | 'CONCERN_INVALID_COMMAND'
  | 'CONCERN_DELIVERY_FAILED'
  | 'CONCERN_REFERENCE_EXHAUSTED'
  | 'CONCERN_DESTINATION_UNCONFIGURED';

/** A failure in the concerns domain; the message never contains report contents. */
export class ConcernError extends Error {
  constructor(readonly code: ConcernErrorCode, message: string) {
    super(message);
    this.name = 'ConcernError';
  }
}

/** Derives a case's state from its report and events. */
export function deriveConcernCase(report: ConcernReport, events: ConcernEvent[]): ConcernCase {
  const result: ConcernCase = { report, events, status: 'new', urgent: report.immediateDanger };
  for (const e of events) {
    switch (e.type) {
      case 'submitted':
        if (e.data.howSoon === 'today' || e.data.howSoon === 'routine') result.howSoon = e.data.howSoon;
        break;
      case 'markedAboutHeadteacher':
        // The report as submitted is never changed; read from here on as about the headteacher (who can no longer see it).
        result.report = { ...result.report, aboutHeadteacher: true };
        // It reaches someone new (the chair, or the chair's fallback), who has not read it: it is new to them, held by no
        // one until they acknowledge it (an acknowledgement before, perhaps by the headteacher, stays in the chronology).
        if (result.status === 'acknowledged') result.status = 'new';
        break;
      case 'routed':
        result.deliveredTo = e.data.role as DestinationRole;
        result.recipientId = e.data.recipientId || undefined;
        break;
      case 'acknowledged':
        if (result.status === 'new') result.status = 'acknowledged';
        break;
      case 'assigned':
        // An empty assignee unassigns (a case marked as about the headteacher who held it).
        result.assignee = e.data.assigneeId ? { id: e.data.assigneeId, name: e.data.assigneeName } : undefined;
        break;
      case 'closed':
        result.status = 'closed';
        result.outcome = e.data.outcome;
        break;
      default:
        break;
    }
  }
  return result;
}

/**
 * The report's details as they stand: what was submitted, with what the reporter added afterwards (to an urgent report
 * sent with fields empty) in the fields that were empty, each marked as added and when. The report as submitted is
 * never changed (the additions are events); this is how the team reads it, so a completed urgent report does not show
 * "What happened" empty with the words only in the chronology.
 */
export function detailsAsTheyStand(c: ConcernCase, when: (iso: string) => string): ConcernDetails {
  const out: ConcernDetails = { ...c.report.details };
  const fields = ['whatHappened', 'whenHappened', 'where', 'link', 'peopleInvolved', 'evidence'] as const;
  for (const e of c.events) {
    if (e.type !== 'detailsAdded') continue;
    for (const f of fields) {
      const added = e.data[f];
      if (typeof added === 'string' && added.trim() && !(out[f] ?? '').trim()) out[f] = `${added} (added by the reporter ${when(e.at)})`;
    }
  }
  return out;
}

