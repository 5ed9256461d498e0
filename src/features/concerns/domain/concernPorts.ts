import { DestinationAddress } from './concernRouting';
import {
  ConcernCase, ConcernDraft, ConcernOrigin, ConcernReport, ConcernReporter, DestinationRole, NewConcernEvent,
} from './concernTypes';

/** Work the outbox still has to do for a concern: deliver the report, or tell the reporter of a change. */
export type OutboxTask =
  | { kind: 'route'; primary: DestinationRole; fallback: DestinationRole }
  | { kind: 'notifyReporter'; notice: ReporterNoticeKind }
  | ({ kind: 'alertChair' } & HeadteacherAttempt);

/** The headteacher tried to open or act on a case about them: what they tried and when, nothing of the case. */
export interface HeadteacherAttempt {
  operation: string;
  attemptAt: string;
}

/** The changes a reporter is told about (never with details). */
/** What a reporter is told later: read, closed, or (after a restart cut their request short) received and where it went. */
export type ReporterNoticeKind = 'acknowledged' | 'closed' | 'received';

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
  append(concernId: number | null, events: NewConcernEvent[], tasks?: OutboxTask[]): Promise<void>;
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
}

/** Posts a report to its destination (the DSL channel, or one person's 1:1 chat). */
export interface ConcernDelivery {
  /** Delivers the case; resolves with the posted message id; throws (with a `code`) when the destination fails. */
  deliver(role: DestinationRole, address: DestinationAddress, concern: ConcernCase, options: DeliveryOptions): Promise<{ messageId?: string }>;
  /**
   * Tells the chair of governors the headteacher tried to open or act on a case about them: the reference, what
   * and when, never the case's content. Throws (with a `code`) when the chair cannot be reached.
   */
  alertHeadteacherAttempt(address: DestinationAddress, report: ConcernReport, attempt: HeadteacherAttempt): Promise<void>;
}

/** Tells a reporter, in their own chat, that their report changed state; never with details. */
export interface ReporterNotifier {
  /** Sends the notice; throws (with a `code`) when the reporter cannot be reached. */
  notify(report: ConcernReport, notice: ReporterNoticeKind, deliveredTo: DestinationRole | undefined): Promise<void>;
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
