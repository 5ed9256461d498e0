import { Campaign, PolicyVersion } from '../../domain/acknowledgementTypes';
import { campaignInWords, formatDate, versionPhrase } from '../../domain/versionNames';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { formatDueDate } from './acknowledgementCard';
import template from './templates/campaignRunning.json';

/** What `campaign start` is told while a campaign already reaches those people. */
export interface RunningCardInput {
  campaign: Campaign;
  version: PolicyVersion;
  acknowledged: number;
  total: number;
  /** A newer version the owner chose not to ask staff about, and when. */
  skipped?: { version: PolicyVersion; at: string };
}

/**
 * Renders the answer to a second `campaign start` while one runs for the same people: which campaign (by its policy,
 * audience and start date, never its id), how far it has got, a button to its status, and where the owner chose not to
 * ask staff about a newer version, a way to ask after all. Nothing is started, so nobody gets a second card.
 */
export function renderCampaignRunningCard(input: RunningCardInput): AdaptiveCardJson {
  const c = input.campaign;
  return expandCardTemplate(template, {
    name: `${campaignInWords(c, input.version)}; due ${formatDueDate(c.dueDate)}.`,
    progress: `${input.acknowledged} of ${input.total} acknowledged so far.`,
    campaignId: c.id,
    hasSkipped: input.skipped !== undefined,
    skippedText: input.skipped
      ? `A newer version is live (${versionPhrase(input.skipped.version)}); on ${formatDate(input.skipped.at)} you chose not to ask staff to acknowledge it.`
      : '',
  });
}
