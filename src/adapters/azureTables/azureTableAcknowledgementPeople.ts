import { TableClient, odata } from '@azure/data-tables';
import { CampaignPerson, PeoplePage, PeopleQuery, PolicyReadEvent } from '../../features/acknowledgement/domain/acknowledgementStore';
import { DeliveryState, PolicyRead, UNREACHED_DELIVERY_STATES } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { DeliveryPlace, Entity, VersionPlace, key, opt, toStaff, unkey } from './azureTableAcknowledgementEntities';
import { statusOf } from './azureTableAccess';
import { isTallyRow } from './azureTableDeliveryTallies';

/** How long a campaign's list, read whole, serves the pages an owner turns before it is read again. */
const LIST_TTL_MS = 20_000;

/**
 * An owner's lists of people and what staff read, on Table storage. The table keeps no index by name or department, so a
 * list is one filtered query of the campaign's partition (the outstanding, the unreached or the excused; their names and
 * departments are on the rows of campaigns created since issue 28, else read from the staff list), sorted here, and
 * kept a few seconds for the next page or search. Reads live in the acknowledgements table under their own partitions.
 */
export function createAzureTablePeople(
  tables: { Deliveries: TableClient; Staff: TableClient; Acks: TableClient },
  placeOf: (campaignId: string) => Promise<DeliveryPlace>,
  readPlaceOf: (policyId: string, versionHash: string) => Promise<VersionPlace>,
) {
  const cache = new Map<string, { at: number; people: CampaignPerson[] }>();

  async function readList(campaignId: string, list: PeopleQuery['list']): Promise<CampaignPerson[]> {
    const hit = cache.get(`${campaignId}\n${list}`);
    if (hit && Date.now() - hit.at < LIST_TTL_MS) return hit.people;
    const base = `${(await placeOf(campaignId)).all} and ${odata`acknowledgedAt eq ${''}`}`;
    const filter = list === 'excused' ? `${base} and excusedAt ne ''` : `${base} and excusedAt eq ''`;
    const rows: Entity[] = [];
    for await (const page of tables.Deliveries.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: 1000 })) {
      for (const e of page) if (!isTallyRow(e.rowKey)) rows.push(e as Entity);
    }
    // People who have left the staff list are in no list.
    const wanted = list === 'unreached' ? rows.filter((e) => UNREACHED_DELIVERY_STATES.includes(e.state as DeliveryState)) : rows.filter((e) => e.state !== 'left');
    const unnamed = wanted.filter((e) => !opt(e.displayName)).map((e) => String(e.rowKey));
    const staff = new Map<string, ReturnType<typeof toStaff>>();
    for (let i = 0; i < unnamed.length; i += 16) {
      const found = await Promise.all(unnamed.slice(i, i + 16).map(async (rk) => {
        try { return toStaff((await tables.Staff.getEntity<Record<string, unknown>>('staff', rk)) as Entity); } catch (err) { if (statusOf(err) === 404) return undefined; throw err; }
      }));
      for (const m of found) if (m) staff.set(key(m.userId), m);
    }
    const people = wanted.map((e): CampaignPerson => {
      const m = staff.get(String(e.rowKey));
      const department = opt(e.department) ?? m?.department;
      const upn = opt(e.upn) ?? m?.userPrincipalName;
      return {
        userId: unkey(String(e.rowKey)), displayName: opt(e.displayName) ?? m?.displayName ?? unkey(String(e.rowKey)), state: e.state as DeliveryState,
        ...(upn ? { userPrincipalName: upn } : {}), ...(department ? { department } : {}), ...(opt(e.reason) ? { reason: String(e.reason) } : {}),
        ...(opt(e.openedAt) ? { openedAt: String(e.openedAt) } : {}), ...(opt(e.excusedAt) ? { excusedAt: String(e.excusedAt) } : {}),
        ...(opt(e.excusedBy) ? { excusedBy: String(e.excusedBy) } : {}),
      };
    });
    const fold = (s: string | undefined) => (s ?? '').toLowerCase();
    people.sort((a, b) => fold(a.department).localeCompare(fold(b.department)) || fold(a.displayName).localeCompare(fold(b.displayName)) || (a.userId < b.userId ? -1 : 1));
    cache.set(`${campaignId}\n${list}`, { at: Date.now(), people });
    if (cache.size > 50) cache.delete(cache.keys().next().value as string);
    return people;
  }

  /** The partition of a person's read of a version (`read|<policy>|<version>`, by shard where the version is spread). */
  const readKey = async (policyId: string, versionHash: string, userId: string) => (await readPlaceOf(policyId, versionHash)).partition(key(userId));

  async function markDeliveryRead(campaignId: string, userId: string, at: string): Promise<void> {
    for (let tries = 0; tries < 3; tries++) {
      let e: Entity;
      try { e = (await tables.Deliveries.getEntity<Record<string, unknown>>((await placeOf(campaignId)).partition(key(userId)), key(userId))) as Entity; } catch (err) { if (statusOf(err) === 404) return; throw err; }
      if (opt(e.readAt)) return;
      try {
        await tables.Deliveries.updateEntity({ partitionKey: e.partitionKey, rowKey: e.rowKey, readAt: at }, 'Merge', { etag: e.etag });
        return;
      } catch (err) {
        if (statusOf(err) !== 412) throw err;
      }
    }
  }

  return {
    /**
     * Forgets this instance's lists of a campaign's people, after an excusal there changed: the owner's next list, and a
     * new round carrying the excused, read it afresh (another instance's lists are at most LIST_TTL_MS old).
     */
    forget(campaignId: string): void {
      for (const k of [...cache.keys()]) if (k.startsWith(`${campaignId}\n`)) cache.delete(k);
    },
    async listCampaignPeople(campaignId: string, query: PeopleQuery): Promise<PeoplePage> {
      const all = await readList(campaignId, query.list);
      const counts = new Map<string, number>();
      for (const p of all) counts.set(p.department ?? '', (counts.get(p.department ?? '') ?? 0) + 1);
      const name = query.name?.trim().toLowerCase();
      const matching = all.filter((p) => (query.department === undefined || (p.department ?? '') === query.department)
        && (!name || p.displayName.toLowerCase().includes(name) || (p.userPrincipalName ?? '').toLowerCase().includes(name)));
      const limit = Math.max(1, Math.min(200, query.limit));
      return {
        total: matching.length, people: matching.slice(Math.max(0, query.offset), Math.max(0, query.offset) + limit),
        departments: [...counts].map(([n, count]) => ({ name: n, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
      };
    },

    async recordPolicyRead(r: PolicyReadEvent): Promise<void> {
      // The first read is also kept on the person's delivery in the campaign, where their acknowledgement reads it for free.
      if (r.campaignId) await markDeliveryRead(r.campaignId, r.userId, r.at);
      const pk = await readKey(r.policyId, r.versionHash, r.userId);
      const rk = key(r.userId);
      for (let tries = 0; tries < 5; tries++) {
        let e: Entity | undefined;
        try { e = (await tables.Acks.getEntity<Record<string, unknown>>(pk, rk)) as Entity; } catch (err) { if (statusOf(err) !== 404) throw err; }
        try {
          if (!e) {
            await tables.Acks.createEntity({ partitionKey: pk, rowKey: rk, firstReadAt: r.at, lastReadAt: r.at, pages: r.document ? 0 : 1, documentAt: r.document ? r.at : '' });
          } else {
            await tables.Acks.updateEntity({
              partitionKey: pk, rowKey: rk, lastReadAt: r.at, pages: Number(e.pages ?? 0) + (r.document ? 0 : 1),
              documentAt: opt(e.documentAt) ?? (r.document ? r.at : ''),
            }, 'Merge', { etag: e.etag });
          }
          return;
        } catch (err) {
          if (statusOf(err) !== 409 && statusOf(err) !== 412) throw err;
        }
      }
    },

    async getPolicyRead(policyId: string, versionHash: string, userId: string): Promise<PolicyRead | undefined> {
      try {
        const e = await tables.Acks.getEntity<Record<string, unknown>>(await readKey(policyId, versionHash, userId), key(userId));
        return {
          policyId, versionHash, userId, firstReadAt: String(e.firstReadAt), lastReadAt: String(e.lastReadAt), pages: Number(e.pages ?? 0),
          ...(opt(e.documentAt) ? { documentAt: String(e.documentAt) } : {}),
        };
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
  };
}
