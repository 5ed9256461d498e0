import { DestinationAddress, SharedPlace } from './concernRouting';
import { ChannelType } from './safeguardingRoute';
import {
  ConcernCase, ConcernDraft, ConcernOrigin, ConcernReport, ConcernReporter, DestinationRole, NewConcernEvent,
} from './concernTypes';

/** Work the outbox still has to do for a concern: deliver the report, or tell the reporter of a change. */
export type OutboxTask =
  | { kind: 'route'; primary: DestinationRole; fallback: DestinationRole }
  | { kind: 'notifyReporter'; notice: ReporterNoticeKind; /** The role to name, as it was when the notice was first tried. */ role?: DestinationRole }
  | ({ kind: 'alertChair'; /** Who is told: absent, the chair; the chair's fallback when the chair cannot be reached. */ to?: DestinationRole } & HeadteacherAttempt)
  /**
   * Due `notBefore` (two minutes after the report): if the report has reached no one by then, the reporter is told
   * plainly to go to the DSL in person, and the safeguarding team and the owners are told a report is waiting.
   */
  | { kind: 'watchDelivery'; notBefore: string; /** Watches a route begun then (a report marked as about the headteacher), not the first. */ since?: string }
  /**
   * A report now about the headteacher: every copy of it the headteacher holds (sent to them, or opened in their own chat)
   * is replaced by one that says only that it was passed on. Retried until each is withdrawn or Teams says it is gone.
   */
  | { kind: 'withdrawHeadCopies' };

/** One message the bot posted: the conversation it is in and its id. */
export interface PostedCopy {
  conversationId: string;
  messageId: string;
  /**
   * What was posted, when not a case card: `text`, a part of an export (withdrawn as text); `list`, a list of open
   * concerns the case was on (kept as a sign the head was shown it; never withdrawn, headCopies.ts).
   */
  form?: 'text' | 'list';
}

/** The headteacher tried to open or act on a case about them: what they tried and when, nothing of the case. */
export interface HeadteacherAttempt {
  operation: string;
  attemptAt: string;
  /** Why the chair's fallback is told instead of the chair: not set up, Teams refused them, or not reached in three runs. */
  chairMissed?: ChairMissed;
}

/** Why an alert meant for the chair of governors went to their fallback. */
export type ChairMissed = 'notSetUp' | 'refused' | 'unreachable';

/** How the alert and the record say why. */
export const CHAIR_MISSED_WORDS: Readonly<Record<ChairMissed, string>> = {
  notSetUp: 'the chair of governors is not set up in the bot',
  refused: 'Teams refused to deliver to the chair of governors',
  unreachable: 'the chair of governors could not be reached after three tries',
};

/** Why, in words; an alert stored before the reason was kept (none, or one not known) says both reasons. */
export const chairMissedWords = (why: string | undefined): string => (why && why in CHAIR_MISSED_WORDS
  ? CHAIR_MISSED_WORDS[why as ChairMissed] : 'the chair of governors is not set up or could not be reached');

/**
 * What a reporter is told later (never with details): read, closed, received and where it went (after a restart cut
 * their request short), not arrived (it reached no one within two minutes: go to the DSL in person), or arrived after
 * all (after they were told it had not), or waiting (its route is not set up yet: not sent, go to the DSL in person), or
 * rerouted (it could not reach where its receipt said, so it went to that route's fallback).
 */
export type ReporterNoticeKind = 'acknowledged' | 'closed' | 'received' | 'notArrived' | 'arrived' | 'waiting' | 'rerouted';

/** One outbox row. `inFlight` found at start means a previous run may have delivered it already. */
export interface OutboxEntry {
  id: number;
  concernId: number;
  task: OutboxTask;
  state: 'pending' | 'inFlight' | 'done';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  /** What the store needs to claim the entry only as it was read (an Azure etag); opaque to the domain. */
  version?: string;
}

/** What the store needs to create a concern. */
export interface NewConcern {
  draft: ConcernDraft;
  reporter: ConcernReporter;
  origin: ConcernOrigin;
  submittedAt: string;
  /** The prefix of references, for example "SG" in SG-2026-7KQ4MX. */
  referencePrefix: string;
}

/**
 * Durable storage of concerns. Reports are stored once and never changed; events are only appended; a report
 * and its outbox tasks (or an event and its tasks) are written in one transaction.
 */
export interface ConcernStore {
  /**
   * Draws a random reference (createConcernReference) that no stored report has, and stores the report, its
   * "submitted" event and the tasks together.
   */
  createConcern(input: NewConcern, tasks: OutboxTask[]): Promise<ConcernReport>;
  /** Loads a case by reference (case-insensitive), with its chronology. */
  getCase(reference: string): Promise<ConcernCase | undefined>;
  /** Loads a case by its internal id. */
  getCaseById(id: number): Promise<ConcernCase | undefined>;
  /** Every case not yet closed, oldest first. */
  listOpenCases(): Promise<ConcernCase[]>;
  /** Appends events to a case's chronology (or to the audit when concernId is null) and queues tasks, atomically. */
  append(concernId: number | null, events: NewConcernEvent[], tasks?: OutboxTask[], /** When tasks queued with no event fall due (the caller's clock). */ queuedAt?: string): Promise<void>;
  /**
   * Outbox entries due now: pending ones whose time has come, and any left in flight by an earlier run of this
   * instance (or by another instance whose claim has lapsed).
   */
  dueOutbox(now: string): Promise<OutboxEntry[]>;
  /**
   * Marks an entry in flight (committed before anything is sent) and counts the attempt, only if it is still as
   * dueOutbox read it. False when another instance claimed, completed or rescheduled it meanwhile: the caller
   * leaves it alone, so two instances never post one report twice.
   */
  claimOutbox(entry: OutboxEntry, now: string): Promise<boolean>;
  /** Marks an entry done and appends its events, atomically. */
  completeOutbox(id: number, concernId: number, events: NewConcernEvent[]): Promise<void>;
  /** Puts an entry back to pending for a later attempt and appends its events, atomically. */
  rescheduleOutbox(id: number, concernId: number, nextAttemptAt: string, events: NewConcernEvent[]): Promise<void>;
}

/** Options for one delivery attempt. */
export interface DeliveryOptions {
  /** True when an earlier run may already have delivered this report (it stopped mid-send). */
  possibleDuplicate: boolean;
  /** Delivered by the fallback route: why, said first on the card ("Sent to ... as the fallback route: ..."). */
  fallbackReason?: string;
}

/** Posts a report to its destination (the DSL channel, or one person's 1:1 chat). */
export interface ConcernDelivery {
  /**
   * Delivers the case to one place or one person (never `eachMember`: the outbox reaches each member itself); resolves
   * with the posted message and the conversation it is in; throws (with a `code`, and Teams' own error code as
   * `teamsCode` when it gave one) when the destination fails. A person on the safeguarding team gets the alert, as the
   * shared place would; anyone else the case.
   */
  deliver(role: DestinationRole, address: DestinationAddress, concern: ConcernCase, options: DeliveryOptions): Promise<{ messageId?: string; conversationId?: string }>;
  /**
   * Tells the chair of governors (or, when they cannot be reached, the chair's fallback: `role` says which) the
   * headteacher tried to open or act on a case about them: the reference, what and when, never the case's content.
   * Throws (with a `code`) when they cannot be reached.
   */
  alertHeadteacherAttempt(role: DestinationRole, address: DestinationAddress, report: ConcernReport, attempt: HeadteacherAttempt): Promise<void>;
  /**
   * Replaces a copy of the case the headteacher holds with one that says only that it was passed to the chair of
   * governors: nothing of the report, no buttons, no refresh. Throws (with a `code`) when Teams refuses or cannot be reached.
   */
  withdrawCopy(report: ConcernReport, copy: PostedCopy): Promise<void>;
}

/** Tells a reporter, in their own chat, that their report changed state; never with details. */
export interface ReporterNotifier {
  /**
   * Sends the notice (and, for notArrived and arrived, brings the reporter's receipt card up to date when the case says
   * which message it is); throws (with a `code`) when the reporter cannot be reached.
   */
  notify(report: ConcernReport, notice: ReporterNoticeKind, deliveredTo: DestinationRole | undefined, concern?: ConcernCase): Promise<void>;
}

/** A member of the safeguarding team. */
export interface SafeguardingMember {
  aadObjectId: string;
  name?: string;
}

/** The minimal structured logger the domain writes to: ids and codes only, never report text. */
export interface ConcernLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A person in a channel's or chat's member list, as the route check reads it: never stored, never logged. */
export interface PlaceMember {
  aadObjectId?: string;
  /** Teams' role for the person: "user", or "guest" for a B2B guest. */
  userRole?: string;
}

/** What reading a place's member list gave: the members (and the channel's type when known), or why not. */
export type PlaceReading =
  | { ok: true; members: PlaceMember[]; channelType?: ChannelType }
  | { ok: false; status?: number; code: string; teamsCode?: string };

/** Reads who is in the safeguarding place (the Bot Framework's paged member list) and, for a channel, its type. */
export interface SafeguardingPlaceReader {
  read(place: SharedPlace): Promise<PlaceReading>;
}

/** Plain messages about the route: to one person in their 1:1 chat, or a test alert in the place itself. */
export interface SafeguardingMessenger {
  /** Tells one person in their 1:1 chat with the bot; throws (with a `code`) when they cannot be reached. */
  tell(aadObjectId: string, text: string): Promise<void>;
  /**
   * Posts a plain message (a test alert, or "a report is waiting") in a shared place or one person's 1:1 chat; never a
   * case's details. Throws (with a `code`, and `teamsCode` when Teams gave one) when refused.
   */
  post(address: SharedPlace | Extract<DestinationAddress, { kind: 'person' }>, text: string): Promise<void>;
}
