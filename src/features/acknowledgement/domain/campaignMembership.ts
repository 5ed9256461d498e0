import { AcknowledgementStore } from './acknowledgementStore';
import { StaffMember } from './acknowledgementTypes';
import { isInAudience } from './campaignAudience';

/** The store calls that take leavers out of running campaigns and put returners back. */
export type CampaignMembershipStore = Pick<AcknowledgementStore, 'listCampaigns' | 'markLeft' | 'markReturned' | 'appendAudit'>;

/** What the staff list's changes did to running campaigns. */
export interface MembershipChange {
  left: number;
  returned: number;
}

/**
 * Applies a staff sync's changes to every active campaign: people who left are marked `left` in it (not sent, reminded,
 * counted, listed or exported), and people back on the staff list who were marked so return to it as pending, where they
 * are still in its audience. Each change is audited per campaign with counts only. Idempotent: a sync that stopped
 * part-way and runs again changes nothing twice.
 */
export async function applyStaffChanges(
  store: CampaignMembershipStore, change: { leftIds: readonly string[]; returned: readonly StaffMember[] }, at: string,
): Promise<MembershipChange> {
  const total: MembershipChange = { left: 0, returned: 0 };
  if (change.leftIds.length === 0 && change.returned.length === 0) return total;
  for (const c of await store.listCampaigns('active')) {
    const left = await store.markLeft(c.id, change.leftIds, at);
    const back = change.returned.filter((m) => isInAudience(m, c.audience)).map((m) => m.userId);
    const returned = await store.markReturned(c.id, back, at);
    if (left > 0 || returned > 0) {
      await store.appendAudit({ at, actor: 'system', action: 'campaign.staffChanged', subject: c.id, details: { left, returned } });
    }
    total.left += left;
    total.returned += returned;
  }
  return total;
}

/** How far before a campaign started a departure may be recorded and still concern it (clocks of instances differ). */
const DEPARTURE_MARGIN_MS = 24 * 60 * 60_000;
/** People this instance has looked at, per campaign and departure, so later passes cost nothing; the oldest forgotten first. */
const SWEPT_LIMIT = 100_000;

/**
 * The scheduler's look for leavers a sync did not take out of a campaign (departures recorded before this release, or by
 * another path): on each page of the staff list it reads anyway, people marked inactive since shortly before the campaign
 * started are marked `left` in it. Each is looked at once per instance (an idempotent write on SQLite, a read by key on
 * Table storage), so the pass costs nothing more once they are done.
 */
export function createLeaverSweep(store: Pick<AcknowledgementStore, 'markLeft' | 'appendAudit'>) {
  const swept = new Set<string>();
  return async function sweep(campaign: { id: string; startedAt: string }, page: readonly StaffMember[], at: string): Promise<number> {
    const since = new Date(Date.parse(campaign.startedAt) - DEPARTURE_MARGIN_MS).toISOString();
    const ids = page.filter((m) => !m.active && m.updatedAt >= since && !swept.has(`${campaign.id}\n${m.userId}\n${m.updatedAt}`));
    if (ids.length === 0) return 0;
    // The page was read a moment ago: a sync may since have put someone back (it marks the campaign before the staff
    // list), so each departure is applied only to those not returned since it was recorded.
    const byDeparture = new Map<string, string[]>();
    for (const m of ids) byDeparture.set(m.updatedAt, [...(byDeparture.get(m.updatedAt) ?? []), m.userId]);
    let left = 0;
    for (const [departedAt, userIds] of byDeparture) left += await store.markLeft(campaign.id, userIds, at, { unlessReturnedSince: departedAt });
    for (const m of ids) {
      if (swept.size >= SWEPT_LIMIT) swept.delete(swept.values().next().value as string);
      swept.add(`${campaign.id}\n${m.userId}\n${m.updatedAt}`);
    }
    if (left > 0) await store.appendAudit({ at, actor: 'system', action: 'campaign.staffChanged', subject: campaign.id, details: { left, returned: 0 } });
    return left;
  };
}
