import { Campaign } from './acknowledgementTypes';
import { SchoolCalendar } from './schoolCalendar';
import type { PolicyDocument } from '../../policy';

/** The rules a school sets for its campaigns (parsed from configuration by the composition root). */
export interface CampaignRules {
  /** Nobody is reminded more often than this. */
  reminderIntervalMs: number;
  /** Days from start to due date when the owner gives none. */
  defaultDueDays: number;
  /** Whether a campaign starts its next round a year after it started. */
  repeatYearly: boolean;
  /** Key of the HMAC that seals each exported row; without it rows carry a plain sha256. */
  exportSecret?: string;
  /** Weekends, bank holidays and school holidays: the default due date is moved off them, a chosen one warned about. */
  calendar?: SchoolCalendar;
}

/** Sensible defaults: weekly reminders at most, four weeks to acknowledge, yearly repeat. */
export const DEFAULT_CAMPAIGN_RULES: CampaignRules = {
  reminderIntervalMs: 7 * 24 * 3600 * 1000,
  defaultDueDays: 28,
  repeatYearly: true,
};

/**
 * How campaign work reaches people. The sending engine implements it: it sends pending deliveries under the
 * tenant's rate limit and paces reminders the same way.
 */
export interface CampaignMessenger {
  /** A campaign has new pending deliveries (started, joiners, requeued): send them. */
  deliver(campaignId: string): void;
  /**
   * Sends the reminder card to these recipients, who already have the campaign card: in the background, or with
   * `wait` resolving once every card has been sent or given up on (a reminder job goes on to its next batch then).
   */
  remind(campaign: Campaign, userIds: readonly string[], options?: { wait?: boolean }): Promise<void>;
}

/** Policy owners, by Entra object id. */
export type PolicyOwners = readonly string[];

/** Who a member of staff's line manager is (Microsoft Graph `manager`, or the roster's manager column). */
export interface ManagerLookup {
  /** The manager's Entra object id, or undefined when none is recorded. */
  managerOf(userId: string): Promise<string | undefined>;
}

/** What a line manager is sent each week after the due date: their people who have not acknowledged. */
export interface ManagerDigest {
  campaign: Campaign;
  title: string;
  /** Display names (department in brackets where known), sorted. */
  people: string[];
}

/** What the policy owners are sent with each digest run: the whole picture, and who has no manager to chase. */
export interface OwnerDigest {
  campaign: Campaign;
  title: string;
  outstanding: number;
  excused: number;
  managersNotified: number;
  /** Outstanding people with no manager recorded (the owners chase them). */
  withoutManager: string[];
}

/** Sends the digests (the teams layer renders the cards and reaches people through the sending engine). */
export interface DigestNotifier {
  toManager(managerId: string, digest: ManagerDigest): Promise<boolean>;
  toOwner(ownerId: string, digest: OwnerDigest): Promise<boolean>;
}

/** A policy's file as published: the Word or PDF document the owner sent or IT deployed. */
export interface PolicyFile {
  fileName: string;
  contentType: string;
  content: Buffer;
}

/** The policies' text as it is live now, for reading in Teams and proposing key points (the composition root gives it). */
export interface PolicyTexts {
  /** The live document of a policy (its sections, in order), if it is loaded. */
  document(policyId: string): PolicyDocument | undefined;
  /** A version of a policy by its hash: the live one, or one published on any instance (read from the store). */
  version(policyId: string, versionHash: string): Promise<PolicyDocument | undefined>;
  /** The file the live version `versionHash` was read from, when it is a Word or PDF document. */
  file(policyId: string, versionHash: string): Promise<PolicyFile | undefined>;
}
