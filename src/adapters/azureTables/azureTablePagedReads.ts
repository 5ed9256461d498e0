import { TableClient, odata } from '@azure/data-tables';
import { StaffMember } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { Entity, key, toStaff } from './azureTableAcknowledgementEntities';

/** Reads that long passes (a new campaign's recipients, a reminder job) take a page at a time. */

/**
 * Up to `limit` members after `afterUserId`, in the table's own order: row keys are the encoded ids, so the last id
 * read says where the next page starts, and the service hands back pages of at most `limit`.
 */
export async function listStaffPage(staff: TableClient, afterUserId: string, limit: number): Promise<StaffMember[]> {
  const pages = staff.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${'staff'} and RowKey gt ${afterUserId === '' ? '' : key(afterUserId)}` },
  }).byPage({ maxPageSize: limit });
  const out: StaffMember[] = [];
  for await (const page of pages) {
    for (const e of page) if (out.length < limit) out.push(toStaff(e as Entity));
    if (out.length >= limit) break;
  }
  return out;
}

/** How long a campaign's outstanding list, read whole, is handed out in pages before it is read again. */
const OUTSTANDING_TTL_MS = 60_000;

/**
 * The outstanding of a campaign in pages. Table storage keeps no index of them, so the list is read whole on a first
 * page (or after a minute) and later pages are slices of it: someone who acknowledges meanwhile can still be in a
 * later page (as with the whole list read once), and each is still marked atomically before a reminder goes out.
 */
export function createOutstandingPages(listOutstanding: (campaignId: string) => Promise<string[]>) {
  const cache = new Map<string, { at: number; ids: string[] }>();
  return async function outstandingPage(campaignId: string, afterUserId: string, limit: number): Promise<string[]> {
    let cached = cache.get(campaignId);
    if (!cached || afterUserId === '' || Date.now() - cached.at > OUTSTANDING_TTL_MS) {
      cached = { at: Date.now(), ids: await listOutstanding(campaignId) };
      cache.set(campaignId, cached);
      if (cache.size > 50) cache.delete(cache.keys().next().value as string);
    }
    const { ids } = cached;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] <= afterUserId) lo = mid + 1;
      else hi = mid;
    }
    return ids.slice(lo, lo + limit);
  };
}
