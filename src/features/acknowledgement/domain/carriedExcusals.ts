import { AcknowledgementStore, DeliveryTally } from './acknowledgementStore';
import { Campaign } from './acknowledgementTypes';
import { isInAudience } from './campaignAudience';
import { forEachLimited, yieldToEventLoop } from './eventLoop';

/**
 * Excusals carried into a new version's round. Someone an owner excused (on leave) in the round running when a new
 * version's round starts is still on leave: they stay excused in the new round, by the same owner, until an owner types
 * `campaign unexcuse`. The preview and the Start message say how many carry over. Next year's round (the yearly repeat)
 * asks everyone again.
 *
 * Where a background job adds the round's people (over minutes at 50,000), it carries the excusals first, before it adds
 * anyone else: carried only at its end, the person was outstanding all that while (on the status card, and to a
 * reminder pass), and an excusal the owner lifted in the meantime was put back. Only the excused are touched here, a few
 * people an owner typed one by one; the rest of the round is added in pages as before.
 */

/** People read per page of the round before's excused list: excusals are few (staff on leave), pages are cheap. */
const PAGE = 200;
/** Excusals written at once (on Table storage each is a read and a counted write). */
const CONCURRENCY = 8;

/** The id of the round before `campaign` in its series (round 1's id is the series' own). */
export function previousRoundId(campaign: Pick<Campaign, 'seriesId' | 'round'>): string | undefined {
  if (campaign.round <= 1) return undefined;
  return campaign.round === 2 ? campaign.seriesId : `${campaign.seriesId}-r${campaign.round - 1}`;
}

/** How many are excused (and have not acknowledged or left) in a round's tallies: what the status card counts. */
export function excusedIn(tallies: readonly DeliveryTally[]): number {
  return tallies.reduce((n, t) => n + (t.excused && !t.acknowledged && t.state !== 'left' ? t.count : 0), 0);
}

/**
 * How many people are excused in `campaignId`: what a new round would carry. Read from the kept counts, as the status
 * card's "Excused (on leave)" is, so the preview agrees with it and costs a few rows at any size.
 */
export async function countExcused(store: Pick<AcknowledgementStore, 'tallyDeliveries'>, campaignId: string): Promise<number> {
  return excusedIn(await store.tallyDeliveries(campaignId));
}

/**
 * Excuses in `next` everyone excused in `previous` who is current staff in its audience, recorded as carried (an audit
 * line each, as a typed excusal has); returns how many. Each is added to `next` first (adding is idempotent), so this
 * may run before the rest of its people are added. Only for a round about a different version than the one before
 * (not the yearly repeat).
 */
export async function carryExcusals(
  store: Pick<AcknowledgementStore, 'listCampaignPeople' | 'getStaffByIds' | 'addDeliveries' | 'setExcused' | 'appendAudit'>,
  previous: Campaign, next: Campaign, at: string,
): Promise<number> {
  if (previous.versionHash === next.versionHash) return 0;
  const excused: { userId: string; by: string }[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listCampaignPeople(previous.id, { list: 'excused', offset, limit: PAGE });
    for (const p of page.people) excused.push({ userId: p.userId, by: p.excusedBy ?? previous.startedBy });
    if (page.people.length < PAGE || offset + PAGE >= page.total) break;
    await yieldToEventLoop();
  }
  let carried = 0;
  for (let i = 0; i < excused.length; i += PAGE) {
    const slice = excused.slice(i, i + PAGE);
    // Only people the new round will have: someone who has left, or is no longer in its audience, is not added for this.
    const members = (await store.getStaffByIds(slice.map((p) => p.userId))).filter((m) => isInAudience(m, next.audience));
    if (members.length === 0) continue;
    await store.addDeliveries(next.id, members, at);
    const kept = new Set(members.map((m) => m.userId));
    await forEachLimited(slice.filter((p) => kept.has(p.userId)), CONCURRENCY, async (person) => {
      if (!(await store.setExcused(next.id, person.userId, { by: person.by, at }))) return;
      carried += 1;
      await store.appendAudit({ at, actor: person.by, action: 'campaign.excused', subject: next.id, details: { userId: person.userId, carriedFrom: previous.id } });
    });
  }
  return carried;
}
