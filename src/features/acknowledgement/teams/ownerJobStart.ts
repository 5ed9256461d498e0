import { TurnContext } from 'botbuilder';
import { CampaignService } from '../domain/campaignService';
import { cardMessage } from '../../../teams/cards';
import { renderJobProgressCard } from './cards/jobProgressCard';
import { campaignInWords } from '../domain/versionNames';

/**
 * Starts a reminder pass or an export as a background job from an owner's message or button: the owner gets a card
 * at once, which the job replaces as it goes and with the result (an export's download link) at the end. A wrong
 * campaign or a non-owner fails before any card is posted.
 */
export async function startJobWithCard(
  context: TurnContext, campaigns: Pick<CampaignService, 'ownerCampaignVersion' | 'startOwnerJob'>, actorId: string, kind: 'remind' | 'export', campaignId?: string,
): Promise<void> {
  const { campaign, version } = await campaigns.ownerCampaignVersion({ actorId, campaignId });
  // Named as the owner reads it (policy, audience, start date, round), never by its key.
  const name = campaignInWords(campaign, version);
  const sent = await context.sendActivity(cardMessage(renderJobProgressCard({
    kind, campaignId: campaign.id, state: 'running', done: 0, total: 0, data: { name },
  }), kind === 'remind' ? `Reminders: ${name}` : `Export: ${name}`));
  const { serviceUrl } = context.activity;
  const conversationId = context.activity.conversation?.id;
  const card = sent?.id && serviceUrl && conversationId ? { serviceUrl, conversationId, activityId: sent.id } : undefined;
  await campaigns.startOwnerJob({ kind, actorId, campaignId: campaign.id, name, ...(card ? { card } : {}) });
}
