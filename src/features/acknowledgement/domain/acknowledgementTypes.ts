/**
 * The records of the annual acknowledgement: policy versions, staff, how to reach them, campaigns, one
 * delivery per recipient, acknowledgements (append-only) and the audit trail. Times are ISO 8601 UTC strings.
 */

/** One published version of a policy, identified by the hash of its content. */
export interface PolicyVersion {
  policyId: string;
  /** sha256 of the cleaned policy content (PolicyMetadata.contentHash). */
  versionHash: string;
  title: string;
  /** The document's own version label, where it has one ("v3", "2025"). */
  versionLabel?: string;
  /** Next review date as the document writes it. */
  reviewDate?: string;
  /** Short points drawn from the policy for the card. */
  keyPoints: string[];
  /** Where staff can read the whole policy (a link, or a deep link into the bot). */
  readUrl?: string;
  /** True when the wording changed from the previous version (not only dates or layout): a fresh round is due. */
  material: boolean;
  /** sha256 of the wording alone (letters, lower case, dates and numbers removed), to tell material changes. */
  wordingHash?: string;
  publishedAt: string;
  /** What changed from the version before (recorded when both texts were at hand: a version published in chat). */
  changes?: VersionChanges;
}

/** One run of words that changed inside a section: what it said, and what it says now. */
export interface ChangedRun {
  was: string;
  now: string;
}

/** How one section changed from the version before. */
export interface VersionSectionChange {
  kind: 'added' | 'removed' | 'reworded';
  /** "5. Acceptable use", as staff see it (the new label for added and reworded sections). */
  label: string;
  /** The section's ordinal in this version (added and reworded): where the reader opens it. */
  ordinal?: number;
  /** For reworded sections, the runs that changed; for added ones, the section's opening words as `now`. */
  runs: ChangedRun[];
}

/** What changed between the version before and this one, section by section (kept small: see versionChanges.ts). */
export interface VersionChanges {
  /** The version these changes are from. */
  sinceHash: string;
  sections: VersionSectionChange[];
  /** Sentences of the version before that this one no longer has: a key point quoting one no longer stands. */
  gone: string[];
  /** Set when some changes were left out to keep the record small (the whole policy has them). */
  truncated?: boolean;
}

/** A member of staff as the directory (Graph or a roster file) knows them. */
export interface StaffMember {
  /** Entra object id (or a roster id in local mode). */
  userId: string;
  userPrincipalName: string;
  displayName: string;
  department?: string;
  school?: string;
  /** False once the person left the audience or the directory (never deleted: proof refers to them). */
  active: boolean;
  source: 'graph' | 'roster';
  updatedAt: string;
}

/** How the bot reaches a person proactively: a Bot Framework conversation reference kept as plain JSON. */
export interface StoredConversationReference {
  userId: string;
  conversationId: string;
  serviceUrl: string;
  /** The whole ConversationReference as JSON; the domain never looks inside. */
  reference: Record<string, unknown>;
  updatedAt: string;
}

/** Who a campaign is for. Values match StaffMember.department / school, case-insensitively. */
export type CampaignAudience =
  | { kind: 'all' }
  | { kind: 'department'; values: string[] }
  | { kind: 'school'; values: string[] };

/** An acknowledgement campaign for one policy version. */
export interface Campaign {
  id: string;
  policyId: string;
  versionHash: string;
  audience: CampaignAudience;
  /** Date (YYYY-MM-DD) by which staff should acknowledge. */
  dueDate: string;
  startedAt: string;
  /** Entra object id of the owner who started it, or "schedule" for the yearly repeat. */
  startedBy: string;
  /** 1 for the first round of a series, 2 for the next year's, and so on. */
  round: number;
  /** The series this round belongs to: the first round's id. */
  seriesId: string;
  status: 'active' | 'closed';
  /** When the next yearly round starts on its own (ISO); absent when the series does not repeat. */
  nextRoundAt?: string;
  closedAt?: string;
  /** The key points the owner chose for this campaign's card (edited in the preview); absent: the version's own. */
  keyPoints?: string[];
}

/**
 * Where one recipient's delivery stands. `claimed` means a sender holds it (in flight) until leaseUntil. `left` means the
 * person has left the staff list since they were added: they are not sent, reminded, counted, listed or exported, and
 * go back to `pending` if they return.
 */
export type DeliveryState = 'pending' | 'claimed' | 'sent' | 'blocked' | 'installFailed' | 'failed' | 'left';

/** Final states in which the card did not reach the person: worth sending again if they install the app later. */
export const UNREACHED_DELIVERY_STATES: readonly DeliveryState[] = ['blocked', 'installFailed', 'failed'];

/** One recipient of one campaign. */
export interface Delivery {
  campaignId: string;
  userId: string;
  state: DeliveryState;
  /** How many times a sender has claimed it (a claim after a crash counts again). */
  attempts: number;
  claimedBy?: string;
  leaseUntil?: string;
  /** Not to be claimed before this time (a deferral after 429/5xx). */
  notBefore?: string;
  /** Why it failed, as a short code or message (never personal data). */
  reason?: string;
  sentAt?: string;
  /** The activity id of the card sent, so it can be updated in place. */
  activityId?: string;
  conversationId?: string;
  lastRemindedAt?: string;
  remindCount: number;
  /** When Teams told the bot the person had read the card (a read receipt in their 1:1 chat). */
  openedAt?: string;
  /** When the person was last listed in their line manager's weekly digest (after the due date). */
  lastDigestAt?: string;
  /** Set when a policy owner excused the person (on leave): no reminders or digests, shown as excused. */
  excusedAt?: string;
  excusedBy?: string;
  /**
   * When the person acknowledged in a way that counts for this campaign (in it, or after it started), as marked on the
   * delivery; absent until marked. An acknowledgement another instance took in a new campaign's first seconds is marked
   * when the campaign is settled.
   */
  acknowledgedAt?: string;
  updatedAt: string;
}

/** How an acknowledgement arrived. */
export type AcknowledgementChannel = 'teams' | 'playground' | 'import';

/** The proof: who acknowledged which version when, through which channel. Never updated or deleted. */
export interface Acknowledgement {
  policyId: string;
  versionHash: string;
  userId: string;
  userPrincipalName: string;
  displayName: string;
  department?: string;
  school?: string;
  campaignId?: string;
  acknowledgedAt: string;
  channel: AcknowledgementChannel;
  /** When the person first opened this version's text in Teams (the reader) or its document, if they did before acknowledging. */
  readAt?: string;
}

/** A person's reading of one version of a policy: when they first and last opened it, and whether they opened the document. */
export interface PolicyRead {
  policyId: string;
  versionHash: string;
  userId: string;
  firstReadAt: string;
  lastReadAt: string;
  /** Pages of the reader they turned to (each view counts). */
  pages: number;
  /** When they first opened the document as published (the Word or PDF file). */
  documentAt?: string;
}

/** One line of the audit trail (ids and codes only: no free text from users). */
export interface AuditEntry {
  at: string;
  /** Entra object id of who did it, or "system". */
  actor: string;
  action: string;
  /** What it was done to: a campaign id, policy version, user id. */
  subject: string;
  details?: Record<string, string | number | boolean>;
}
