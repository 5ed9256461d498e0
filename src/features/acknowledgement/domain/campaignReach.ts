import { AcknowledgementStore } from './acknowledgementStore';
import { PolicyVersion, StaffMember } from './acknowledgementTypes';
import { CampaignPreview } from './campaignServiceTypes';
import { forEachLimited } from './eventLoop';

/** Store calls made at once when counting who has a chat (one read per person). */
const CONCURRENCY = 16;

/** Who a campaign would reach, as its preview counts them. */
export type ReachCounts = Pick<CampaignPreview, 'members' | 'withChat' | 'installable' | 'unreachable' | 'alreadyAcknowledged' | 'canInstall'>;

/**
 * Counts who of `members` the card reaches now (they have a chat with the bot), who only by installing the app
 * (production) or not at all yet (local mode), and who has already acknowledged `version`: what a first campaign's and
 * a later round's preview show before anything is sent.
 */
export async function countReach(
  store: Pick<AcknowledgementStore, 'getConversationReference' | 'withConversation' | 'listAcknowledgements'>, version: PolicyVersion,
  members: readonly StaffMember[], canInstall: boolean,
): Promise<ReachCounts> {
  let withChat = new Set<string>();
  if (store.withConversation) {
    withChat = await store.withConversation(members.map((m) => m.userId));
  } else {
    await forEachLimited(members, CONCURRENCY, async (m) => {
      if (await store.getConversationReference(m.userId)) withChat.add(m.userId);
    });
  }
  const acked = new Set((await store.listAcknowledgements(version.policyId, version.versionHash)).map((a) => a.userId));
  const without = members.length - withChat.size;
  return {
    members: members.length, withChat: withChat.size, installable: canInstall ? without : 0, unreachable: canInstall ? 0 : without,
    alreadyAcknowledged: members.filter((m) => acked.has(m.userId)).length, canInstall,
  };
}
