import {
  Acknowledgement, AuditEntry, Campaign, Delivery, DeliveryState, PolicyRead, PolicyVersion, StaffMember,
  StoredConversationReference,
} from './acknowledgementTypes';

/** Which people of a campaign an owner lists: not yet acknowledged, not reached (and why), or excused. */
export type PeopleList = 'outstanding' | 'unreached' | 'excused';

/** One page of people an owner asked for: a list, optionally one department and a part of a name. */
export interface PeopleQuery {
  list: PeopleList;
  /** Exactly this department (as recorded when they were added); '' for people with none recorded. */
  department?: string;
  /** Part of their name or email address, any case. */
  name?: string;
  offset: number;
  limit: number;
}

/** A person as an owner's list shows them. */
export interface CampaignPerson {
  userId: string;
  displayName: string;
  userPrincipalName?: string;
  department?: string;
  state: DeliveryState;
  /** Why the card did not reach them (a code), for the unreached. */
  reason?: string;
  openedAt?: string;
  excusedAt?: string;
  excusedBy?: string;
}

/** A person opened a version's text (a page of the reader) or, with `document`, its file; in a campaign when one asked them. */
export interface PolicyReadEvent {
  policyId: string;
  versionHash: string;
  userId: string;
  at: string;
  document?: boolean;
  campaignId?: string;
}

/** A page of people, with how many match in all and how many each department has in the whole list. */
export interface PeoplePage {
  total: number;
  people: CampaignPerson[];
  /** The list's departments with their counts, whatever the filters ('' for none recorded), largest first. */
  departments: { name: string; count: number }[];
}

/** A person as an acknowledgement is recorded under them (getRecipient). */
export type AcknowledgingPerson = StaffMember & {
  readAt?: string;
  /** The campaign's card as sent to them, where the store read their delivery: the activity and its chat. */
  card?: { activityId: string; conversationId?: string };
};

/** A campaign's recipient as `addDeliveries` takes them: an id, or the staff member already in hand. */
export type Recipient = string | StaffMember;

/** What a sender asks for when it takes work: up to `limit` deliveries, held for `leaseMs`. */
export interface ClaimRequest {
  campaignId: string;
  /** A stable id of this sender instance (host + pid + start time). */
  workerId: string;
  limit: number;
  leaseMs: number;
  now: string;
}

/** The outcome a sender records for a delivery it holds. */
export interface DeliveryOutcome {
  state: 'sent' | 'blocked' | 'installFailed' | 'failed';
  reason?: string;
  activityId?: string;
  conversationId?: string;
}

/** The result of appending an acknowledgement: the one on record, and whether this call recorded it. */
export interface AppendAcknowledgementResult {
  recorded: boolean;
  acknowledgement: Acknowledgement;
}

/** One person's line of a campaign export as the store holds it: the delivery, who they are, their acknowledgement. */
export interface ExportRecord {
  userId: string;
  /** From the staff list, when the person is in it. */
  staff?: Pick<StaffMember, 'displayName' | 'userPrincipalName' | 'department'>;
  state: DeliveryState;
  openedAt?: string;
  excusedAt?: string;
  /** The owner who excused them (Entra object id). */
  excusedBy?: string;
  /** The acknowledgement that counts for the campaign: one made in it, else the first of its version after it started. */
  acknowledgement?: Acknowledgement;
}

/** Counts of deliveries by state. */
export type DeliveryCounts = Record<DeliveryState, number>;

/**
 * How many of a campaign's deliveries share one department, school, state and progress: the counts an owner's
 * status is built from, kept as deliveries and acknowledgements are written rather than counted by a scan.
 */
export interface DeliveryTally {
  department?: string;
  school?: string;
  state: DeliveryState;
  /** Acknowledged the campaign's version in this campaign, or after it started. */
  acknowledged: boolean;
  excused: boolean;
  /** Teams said they read the card. */
  opened: boolean;
  count: number;
}

/**
 * The storage port of the acknowledgement domain. Two adapters implement it and pass the same contract
 * suite (tests/storage/acknowledgementStoreContract.ts): SQLite (embedded default) and Azure Table Storage
 * (scale-out). Every method is safe to call from several processes sharing one store.
 */
/** How markLeft treats people who came back (see markLeft). */
export interface MarkLeftOptions {
  unlessReturnedSince?: string;
}

export interface AcknowledgementStore {
  /** Records a policy version; saving the same (policyId, versionHash) again changes nothing. */
  savePolicyVersion(version: PolicyVersion): Promise<void>;
  /** One version of a policy, if known. */
  getPolicyVersion(policyId: string, versionHash: string): Promise<PolicyVersion | undefined>;
  /** The most recently published version of a policy. */
  getLatestPolicyVersion(policyId: string): Promise<PolicyVersion | undefined>;

  /** Inserts or replaces staff records (by userId). */
  upsertStaff(members: readonly StaffMember[]): Promise<void>;
  /** One member of staff. */
  getStaff(userId: string): Promise<StaffMember | undefined>;
  /**
   * Who an acknowledgement in a campaign is recorded under: the person as the store recorded them when they were added to
   * it (Table storage then marks their delivery without reading it again), else their staff record; with `version`, also
   * when they first opened that version to read (kept on their delivery by recordPolicyRead, so it costs no extra read),
   * and the campaign's card as it was sent to them (`card`, from the same delivery), so it can be updated in place.
   */
  getRecipient(campaignId: string | undefined, userId: string, version?: { policyId: string; versionHash: string }): Promise<AcknowledgingPerson | undefined>;
  /** Every member of staff the store knows, active or not. */
  listStaff(): Promise<StaffMember[]>;
  /**
   * The members of staff among `userIds` that the store knows, in no set order: what an incremental staff sync reads,
   * so its cost follows the number of changes, not the size of the list.
   */
  getStaffByIds(userIds: readonly string[]): Promise<StaffMember[]>;
  /**
   * The staff list a page at a time: up to `limit` members after the one whose id is `afterUserId` ('' for the first
   * page), in the store's key order, so a long pass can yield between pages and resume from the last id it handled.
   */
  listStaffPage(afterUserId: string, limit: number): Promise<StaffMember[]>;
  /** A small named value kept between runs (the Graph delta link, the last yearly check). */
  getSyncState(key: string): Promise<string | undefined>;
  /** Sets a sync-state value. */
  setSyncState(key: string, value: string): Promise<void>;

  /** Saves (replacing) how to reach a person. */
  saveConversationReference(ref: StoredConversationReference): Promise<void>;
  /** How to reach a person, if the bot has ever been installed for them. */
  getConversationReference(userId: string): Promise<StoredConversationReference | undefined>;
  /**
   * Which of `userIds` have a stored chat, in as few calls as the store can make (a preview counts thousands): one read
   * of the ids alone, not one call per person. Without it, each person is read on their own.
   */
  withConversation?(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * The stored chats of those of `userIds` who have one, in as few calls as the store can make: the sender reads a
   * claimed batch's chats together rather than one call a card. Without it, each person is read on their own.
   */
  conversationReferences?(userIds: readonly string[]): Promise<Map<string, StoredConversationReference>>;

  /** Creates a campaign; fails with STORE_CONFLICT when the id exists. */
  createCampaign(campaign: Campaign): Promise<void>;
  /** Replaces a campaign's mutable fields (status, nextRoundAt, closedAt, dueDate). */
  updateCampaign(campaign: Campaign): Promise<void>;
  /** One campaign. */
  getCampaign(id: string): Promise<Campaign | undefined>;
  /** Campaigns, optionally only those in one status, newest first. */
  listCampaigns(status?: Campaign['status']): Promise<Campaign[]>;

  /**
   * Called for each active campaign from time to time (the scheduler's pass): counts in it any acknowledgement of its
   * version that an instance of a store which learns of new campaigns a few seconds late made in those first seconds
   * and so left uncounted. Returns how many deliveries it marked: 0 at once while those seconds may not have passed
   * everywhere (asked again next pass), once it has been settled, and for a store that counts in one transaction.
   */
  settleAcknowledgements(campaignId: string): Promise<number>;
  /**
   * Adds pending deliveries for recipients that have none in this campaign; returns how many were added. Each
   * recipient is a staff id, or the staff member as the caller just read them (a store that copies their details onto
   * the delivery then need not read them again).
   */
  addDeliveries(campaignId: string, recipients: readonly Recipient[], now: string): Promise<number>;
  /**
   * Takes up to `limit` deliveries that are pending (and due) or whose holder's lease has expired, marking
   * them claimed by this worker. No delivery is held by two workers at once.
   */
  claimDeliveries(request: ClaimRequest): Promise<Delivery[]>;
  /** Records the final outcome of a held delivery; returns false when the worker no longer holds it. */
  completeDelivery(campaignId: string, userId: string, workerId: string, outcome: DeliveryOutcome, now: string): Promise<boolean>;
  /** Puts a held delivery back to pending, not to be claimed before `notBefore`; false when not held. */
  deferDelivery(campaignId: string, userId: string, workerId: string, notBefore: string, reason: string, now: string): Promise<boolean>;
  /**
   * Puts a finished delivery that did not reach the person (blocked, installFailed, failed) back to pending, e.g.
   * when they install the app later; returns whether it did. Sent and in-flight deliveries are left alone.
   */
  requeueDelivery(campaignId: string, userId: string, now: string): Promise<boolean>;
  /** One delivery. */
  getDelivery(campaignId: string, userId: string): Promise<Delivery | undefined>;
  /** Every delivery of a campaign. */
  listDeliveries(campaignId: string): Promise<Delivery[]>;
  /** How many deliveries of a campaign are in each state. */
  countDeliveries(campaignId: string): Promise<DeliveryCounts>;
  /** The campaign's deliveries counted by department, school, state and progress (no zero rows). */
  tallyDeliveries(campaignId: string): Promise<DeliveryTally[]>;
  /**
   * The campaign's export records in pages of at most `pageSize`: people in the staff list by name (case folded) then
   * user id, then anyone no longer in it by user id; never anyone marked `left`. Each page is read when asked for, so a caller can write one and
   * yield before the next; a page may be empty.
   */
  exportRecords(campaignId: string, pageSize: number): AsyncIterable<ExportRecord[]>;
  /** People who have the card (sent) and have neither acknowledged nor been excused (nor left): those a reminder goes to. */
  listOutstanding(campaignId: string): Promise<string[]>;
  /**
   * The same a page at a time: up to `limit` ids after `afterUserId` ('' for the first page), in an order the store
   * keeps from page to page (ids' order on SQLite; shard by shard on Table storage), so that passing the last id of a
   * page gives the next, on any instance, and every outstanding person comes exactly once.
   */
  listOutstandingPage(campaignId: string, afterUserId: string, limit: number): Promise<string[]>;
  /**
   * Marks a reminder as sent, only when the last one was at least `minIntervalMs` ago (or never); returns
   * whether it marked. Atomic, so two instances never both remind the same person inside the interval.
   */
  markReminded(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean>;
  /**
   * markReminded for a page of people at once (what a reminder pass marks before it sends): the ids it marked, in the
   * order given. On Table storage a page costs one transaction instead of a read and a write per person.
   */
  markRemindedMany(campaignId: string, userIds: readonly string[], now: string, minIntervalMs: number): Promise<string[]>;
  /** Records that a sent card was read (the first time only); false when not sent or already recorded. */
  markOpened(campaignId: string, userId: string, at: string): Promise<boolean>;
  /**
   * Marks the person as listed in a manager's digest, only when they were last listed at least `minIntervalMs` ago
   * (or never); atomic, so no one is chased twice inside the interval whichever instance runs the digest.
   */
  markDigested(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean>;
  /** Excuses a person from a campaign (on leave), or lifts it with null; false when they are not in it. */
  setExcused(campaignId: string, userId: string, excused: { by: string; at: string } | null): Promise<boolean>;
  /**
   * Takes people who have left the staff list out of a campaign: their deliveries become `left` (not sent, reminded,
   * counted, listed or exported; a card in flight is dropped); returns how many it marked. Anyone already marked, or not
   * in the campaign, is passed over. With `unlessReturnedSince` (when the departure being applied was recorded), anyone
   * put back into the campaign at or after it (markReturned) is passed over too: a departure read before they came back
   * must not take them out again.
   */
  markLeft(campaignId: string, userIds: readonly string[], at: string, options?: MarkLeftOptions): Promise<number>;
  /**
   * Puts back into a campaign people marked `left` who are on the staff list again: pending, so the card goes to them as
   * to a joiner, and an acknowledgement they made before they left counts again; returns how many it put back.
   */
  markReturned(campaignId: string, userIds: readonly string[], at: string): Promise<number>;

  /**
   * Appends an acknowledgement unless one exists for (policyId, versionHash, userId, campaignId); the first one
   * stays. The campaign is part of the key so an unchanged policy is acknowledged afresh each year.
   */
  appendAcknowledgement(ack: Acknowledgement): Promise<AppendAcknowledgementResult>;
  /** A person's most recent acknowledgement of one version (any campaign). */
  getAcknowledgement(policyId: string, versionHash: string, userId: string): Promise<Acknowledgement | undefined>;
  /** Every acknowledgement of one version, oldest first. */
  listAcknowledgements(policyId: string, versionHash: string): Promise<Acknowledgement[]>;

  /**
   * People of a campaign, by department then name: those outstanding (not acknowledged, not excused, whether or not the
   * card reached them), those the card did not reach (blocked, install failed, failed) or those excused; never anyone
   * marked `left`.
   */
  listCampaignPeople(campaignId: string, query: PeopleQuery): Promise<PeoplePage>;

  /** Records that a person opened a version's text (a page of the reader) or, with `document`, its file; first time kept. */
  recordPolicyRead(read: PolicyReadEvent): Promise<void>;
  /** How a person has read a version, if they opened it. */
  getPolicyRead(policyId: string, versionHash: string, userId: string): Promise<PolicyRead | undefined>;

  /** Appends a line to the audit trail. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit lines about one subject (or all, newest last), at most `limit`. */
  listAudit(subject?: string, limit?: number): Promise<AuditEntry[]>;

  /**
   * Records that a sender instance is alive until now + ttlMs and returns how many senders are alive, so
   * instances sharing a campaign can split the tenant's rate limit between them.
   */
  heartbeat(workerId: string, now: string, ttlMs: number): Promise<number>;
  /** Forgets a sender instance (on orderly shutdown). */
  removeWorker(workerId: string): Promise<void>;

  /** Releases connections and file handles. */
  close(): Promise<void>;
}

/** Stable codes of storage failures. */
export type StoreErrorCode = 'STORE_CONFLICT' | 'STORE_NOT_FOUND' | 'STORE_UNAVAILABLE';

/** A storage failure with a stable code. */
export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Delivery counts with every state at zero. */
export function emptyDeliveryCounts(): DeliveryCounts {
  return { pending: 0, claimed: 0, sent: 0, blocked: 0, installFailed: 0, failed: 0, left: 0 };
}
