import { AcknowledgementStore } from './acknowledgementStore';
import { Campaign } from './acknowledgementTypes';
import { yieldToEventLoop } from './eventLoop';

/**
 * Excusals carried into a new version's round. Someone an owner excused (on leave) in the round running when a new
 * version's round starts is still on leave: they stay excused in the new round, by the same owner, until an owner types
 * `campaign unexcuse`. The preview says how many carry over. Next year's round (the yearly repeat) asks everyone again.
 */

/** People read per page of the round before's excused list: excusals are few (staff on leave), pages are cheap. */
const PAGE = 200;

/** The id of the round before `campaign` in its series (round 1's id is the series' own). */
export function previousRoundId(campaign: Pick<Campaign, 'seriesId' | 'round'>): string | undefined {
  if (campaign.round <= 1) return undefined;
  return campaign.round === 2 ? campaign.seriesId : `${campaign.seriesId}-r${campaign.round - 1}`;
}

/** How many people are excused in `campaignId`: what a new round would carry. */
export async function countExcused(store: Pick<AcknowledgementStore, 'listCampaignPeople'>, campaignId: string): Promise<number> {
  return (await store.listCampaignPeople(campaignId, { list: 'excused', offset: 0, limit: 1 })).total;
}

/**
 * Excuses in `next` everyone excused in `previous` who is in `next` too (after its recipients were added), recorded as
 * carried; returns how many. Only for a round about a different version than the one before (not the yearly repeat).
 */
export async function carryExcusals(
  store: Pick<AcknowledgementStore, 'listCampaignPeople' | 'setExcused' | 'appendAudit'>, previous: Campaign, next: Campaign, at: string,
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
  for (const person of excused) {
    if (!(await store.setExcused(next.id, person.userId, { by: person.by, at }))) continue;
    carried += 1;
    await store.appendAudit({ at, actor: person.by, action: 'campaign.excused', subject: next.id, details: { userId: person.userId, carriedFrom: previous.id } });
  }
  return carried;
}
