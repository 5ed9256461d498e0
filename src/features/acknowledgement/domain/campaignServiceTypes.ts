import { Campaign, CampaignAudience, PolicyVersion } from './acknowledgementTypes';

/** What the campaign use cases return, apart from the service itself (campaignService.ts). */

/** What starting a campaign would do, shown to the owner before anything is sent. */
export interface CampaignPreview {
  version: PolicyVersion;
  audience: CampaignAudience;
  dueDate: string;
  /** Set when staff will not be in school on the due date (a weekend, bank holiday or break), with days to pick instead. */
  dueWarning?: string;
  /** Set when a running campaign of the policy reaches some of these people: they would get a card from each. */
  overlapWarning?: string;
  /** Active staff in the audience. */
  members: number;
  /** Of those, people who already have a chat with the bot: the card reaches them now. */
  withChat: number;
  /** People without a chat whom the app will be installed for (production only). */
  installable: number;
  /** People who cannot be reached now: no chat, and the app cannot be installed for them here. */
  unreachable: number;
  /** People who have already acknowledged this version: they get the card showing it is done. */
  alreadyAcknowledged: number;
  /** Whether people without a chat are reached by installing the app (production) or not at all yet (local). */
  canInstall: boolean;
}


/** Outstanding people the card did not reach, by why: each is told apart, because each is put right differently. */
export interface UnreachedCounts {
  /** Blocked the bot in Teams. */
  blocked: number;
  /** No chat with the bot: never opened one (local mode), or the app could not be installed for them (production). */
  installFailed: number;
  /** Teams refused the card. */
  failed: number;
}

/** What a reminder command did. */
export interface RemindResult {
  campaign: Campaign;
  reminded: number;
  /** Outstanding, but reminded within the interval: left alone. */
  recentlyReminded: number;
  /** Outstanding and not yet sent the card (still queued): the card itself will reach them. */
  awaitingCard: number;
  /** Outstanding and unreachable (blocked the bot, no chat, install failed): the sum of `unreached`. */
  unreachable: number;
  unreached: UnreachedCounts;
  /** Whether the app is installed for people without a chat (production), so `installFailed` means an install failed. */
  canInstall: boolean;
}

/** What `campaign start` finds: nothing running for that audience, a campaign running, or one whose next round awaits the owner. */
export type StartCheck =
  | { kind: 'new' }
  | { kind: 'running'; campaign: Campaign; version: PolicyVersion; skipped?: { version: PolicyVersion; at: string } }
  | { kind: 'nextRound'; campaign: Campaign; version: PolicyVersion };

/** An export written to a sink. */
export interface WrittenExport {
  campaign: Campaign;
  fileName: string;
  rows: number;
  /** Whether its rows are sealed with the school's export key (ACK_EXPORT_SECRET); without it, plain hashes anyone can make. */
  sealed: boolean;
}

/** The CSV export of a campaign, whole. */
export interface CampaignExport extends WrittenExport {
  csv: string;
}


/** What the periodic run did. */
export interface ScheduledWorkResult {
  roundsStarted: string[];
  joinersAdded: number;
  /** Acknowledgements made as a campaign began that another instance had not yet counted in it. */
  acknowledgementsSettled: number;
  /** People who had left the staff list and were still in a running campaign, taken out of it. */
  leaversMarked: number;
}

