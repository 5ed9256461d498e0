/**
 * What campaign delivery needs from the outside world. Adapters live in src/adapters/graph and src/adapters/roster (directory, installer)
 * and src/adapters/botConnector/botConnectorSender.ts (Bot Framework); tests use the https fake Graph and fake connector.
 */

/** A Bot Framework conversation on a connector service: where one activity is posted. */
export interface ConversationTarget {
  serviceUrl: string;
  conversationId: string;
  /** When set, the activity is posted as a reply to this activity id. */
  replyToId?: string;
}

/** What the connector answered. HTTP failures are results, not exceptions: the caller decides what they mean. */
export interface SendResult {
  /** HTTP status, or 0 when the connector could not be reached. */
  status: number;
  /** Id of the activity created (2xx only). */
  activityId?: string;
  /** Retry-After from a 429/503, in milliseconds. */
  retryAfterMs?: number;
  /** The connector's error code, e.g. "ConversationBlockedByUser" (never message text). */
  errorCode?: string;
}

/** Posts one activity into a conversation. */
export interface ActivitySender {
  /**
   * Sends once (no retry inside); resolves with the status for every HTTP outcome. Calls `written` once the request is
   * on the wire (the moment Teams starts counting it), where the adapter can tell.
   */
  send(target: ConversationTarget, activity: Record<string, unknown>, written?: () => void): Promise<SendResult>;
}

/** Replaces an activity the bot posted earlier (a card it updates in place, such as an owner's job progress). */
export interface ActivityUpdater {
  /** Sends once; resolves with the status for every HTTP outcome. */
  update(target: ConversationTarget, activityId: string, activity: Record<string, unknown>): Promise<SendResult>;
}

/** The personal chat between a user and the bot, after the app is installed for them. */
export interface PersonalChat {
  conversationId: string;
  /** True when the app was already installed (Graph answered 409). */
  alreadyInstalled: boolean;
}

/** Installs the app for a user (proactive install) and finds the 1:1 chat with the bot, within the Graph install budget. */
export interface AppInstaller {
  /** Installs (or finds the existing install) and returns the chat id; throws DeliveryError when it cannot. */
  installForUser(userId: string): Promise<PersonalChat>;
}

/** A person as the directory reports them; an incremental read may carry only the fields that changed. */
export interface DirectoryPerson {
  userId: string;
  displayName?: string;
  userPrincipalName?: string;
  department?: string;
  school?: string;
}

/** One read of the staff directory. */
export interface StaffSnapshot {
  /** Staff to keep (members, enabled, not guests). */
  members: DirectoryPerson[];
  /** Ids that left the audience, were disabled, became guests or were deleted (incremental reads only). */
  departedIds: string[];
  /** True when `members` is the whole audience (a full read); false for an incremental delta. */
  complete: boolean;
  /** Where the next incremental read starts (Graph delta link); absent when the source has none. */
  nextSyncToken?: string;
}

/** Where staff come from: Microsoft Graph, or a roster file in local mode. */
export interface StaffDirectorySource {
  /** Where the records come from, as StaffMember.source names it. */
  readonly kind: 'graph' | 'roster';
  /**
   * Reads staff; with a sync token from a previous read, only the changes since (where supported). Throws a
   * DIRECTORY_RESYNC_REQUIRED DeliveryError when the token can no longer be used; stops early when `signal` aborts.
   */
  readStaff(syncToken?: string, signal?: AbortSignal): Promise<StaffSnapshot>;
}

/** Stable codes of delivery failures. */
export type DeliveryErrorCode =
  | 'INSTALL_FAILED'
  | 'APP_NOT_IN_CATALOG'
  | 'GRAPH_TRANSIENT'
  | 'DIRECTORY_FAILED'
  | 'DIRECTORY_RESYNC_REQUIRED'
  | 'ROSTER_INVALID'
  | 'SEND_ABORTED';

/** A delivery failure with a stable code; `transient` ones are worth retrying later. */
export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; transient?: boolean } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }

  /** True when trying again later may succeed (throttling, 5xx, network). */
  get transient(): boolean {
    return this.details.transient === true;
  }
}
