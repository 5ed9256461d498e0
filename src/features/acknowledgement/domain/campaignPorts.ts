import { Campaign } from './acknowledgementTypes';

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
}

/** Sensible defaults: weekly reminders at most, a month to acknowledge, yearly repeat. */
export const DEFAULT_CAMPAIGN_RULES: CampaignRules = {
  reminderIntervalMs: 7 * 24 * 3600 * 1000,
  defaultDueDays: 30,
  repeatYearly: true,
};

/**
 * How campaign work reaches people. The sending engine implements it: it sends pending deliveries under the
 * tenant's rate limit and paces reminders the same way.
 */
export interface CampaignMessenger {
  /** A campaign has new pending deliveries (started, joiners, requeued): send them. */
  deliver(campaignId: string): void;
  /** Sends the reminder card to these recipients, who already have the campaign card. */
  remind(campaign: Campaign, userIds: readonly string[]): Promise<void>;
}

/** Policy owners, by Entra object id. */
export type PolicyOwners = readonly string[];
