import { TurnContext } from 'botbuilder';
import { CampaignService } from '../domain/campaignService';
import { cardMessage } from '../../../teams/cards';
import { renderJobProgressCard } from './cards/jobProgressCard';

/**
 * Starts a reminder pass or an export as a background job from an owner's message or button: the owner gets a card
 * at once, which the job replaces as it goes and with the result (an export's download link) at the end. A wrong
 * campaign or a non-owner fails before any card is posted.
 */
export async function startJobWithCard(
  context: TurnContext, campaigns: Pick<CampaignService, 'ownerCampaign' | 'startOwnerJob'>, actorId: string, kind: 'remind' | 'export', campaignId?: string,
): Promise<void> {
  const campaign = await campaigns.ownerCampaign({ actorId, campaignId });
  const sent = await context.sendActivity(cardMessage(renderJobProgressCard({
    kind, campaignId: campaign.id, state: 'running', done: 0, total: 0, data: {},
  }), kind === 'remind' ? `Reminders for ${campaign.id}` : `Export of ${campaign.id}`));
  const { serviceUrl } = context.activity;
  const conversationId = context.activity.conversation?.id;
  const card = sent?.id && serviceUrl && conversationId ? { serviceUrl, conversationId, activityId: sent.id } : undefined;
  await campaigns.startOwnerJob({ kind, actorId, campaignId: campaign.id, ...(card ? { card } : {}) });
}
