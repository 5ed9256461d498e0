import { AcknowledgementStore, DeliveryTally } from './acknowledgementStore';
import { Campaign } from './acknowledgementTypes';
import { CampaignMessenger, CampaignRules } from './campaignPorts';
import { RemindResult, UnreachedCounts } from './campaignServiceTypes';
import { forEachLimited } from './eventLoop';

/** Store calls made at once when a command touches many recipients (reminders on Azure Tables). */
const CONCURRENCY = 16;

/** The outstanding people of a campaign by where their card is: reached (a reminder goes to them), still queued, or not reached and why. */
export function outstandingByReach(tallies: readonly DeliveryTally[]): { reached: number; awaitingCard: number; unreached: UnreachedCounts } {
  const out = { reached: 0, awaitingCard: 0, unreached: { blocked: 0, installFailed: 0, failed: 0 } };
  for (const t of tallies) {
    if (t.acknowledged || t.excused || t.state === 'left') continue;
    if (t.state === 'sent') out.reached += t.count;
    else if (t.state === 'pending' || t.state === 'claimed') out.awaitingCard += t.count;
    else out.unreached[t.state] += t.count;
  }
  return out;
}

/** The sum of the unreached counts. */
export const unreachedTotal = (u: UnreachedCounts): number => u.blocked + u.installFailed + u.failed;

/**
 * A reminder pass within the owner's command (without background jobs): those who have the card but have not
 * acknowledged are reminded, each at most once per interval; the rest are counted by why they were not.
 */
export async function remindInCommand(
  deps: { store: AcknowledgementStore; rules: CampaignRules; messenger?: CampaignMessenger; canInstall: boolean },
  campaign: Campaign, actorId: string, at: string,
): Promise<RemindResult> {
  const { store } = deps;
  const [tallies, reachable] = await Promise.all([store.tallyDeliveries(campaign.id), store.listOutstanding(campaign.id)]);
  const { awaitingCard, unreached } = outstandingByReach(tallies);
  const result: RemindResult = {
    campaign, reminded: 0, recentlyReminded: 0, awaitingCard, unreachable: unreachedTotal(unreached), unreached, canInstall: deps.canInstall,
  };
  const toRemind: string[] = [];
  await forEachLimited(reachable, CONCURRENCY, async (userId) => {
    if (await store.markReminded(campaign.id, userId, at, deps.rules.reminderIntervalMs)) toRemind.push(userId);
    else result.recentlyReminded += 1;
  });
  result.reminded = toRemind.length;
  if (toRemind.length > 0 && deps.messenger) await deps.messenger.remind(campaign, toRemind);
  await store.appendAudit({
    at, actor: actorId, action: 'campaign.reminded', subject: campaign.id,
    details: { reminded: result.reminded, recentlyReminded: result.recentlyReminded, unreachable: result.unreachable },
  });
  return result;
}
