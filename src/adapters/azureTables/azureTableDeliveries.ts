import { TableClient, odata } from '@azure/data-tables';
import { randomInt } from 'node:crypto';
import {
  AcknowledgingPerson,
  AcknowledgementStore, DeliveryCounts, DeliveryTally, ExportRecord, emptyDeliveryCounts, Recipient,
} from '../../features/acknowledgement/domain/acknowledgementStore';
import { Delivery, DeliveryState, StaffMember } from '../../features/acknowledgement/domain/acknowledgementTypes';
import {
  DELIVERY_SHARDS, DeliveryPlace, Entity, VersionPlace, key, newDeliveryEntity, opt, toCampaign, toDelivery, toStaff,
} from './azureTableAcknowledgementEntities';
import { BATCH, TableName, statusOf } from './azureTableAccess';
import { createCampaignViews } from './azureTableCampaignViews';
import { DeliveryClaims } from './azureTableDeliveryClaims';
import { comboOf, isTallyRow } from './azureTableDeliveryTallies';
import { createOutstandingPages } from './azureTablePagedReads';
import { submitTransaction } from './azureTableTransactions';

/** Up to this many recipients are read one by one; more by a range of keys. */
const SMALL_ADD = 20;
/** Rows given one shard together when added, so they go to the table with one tally in one transaction. */
const ADD_CHUNK = 99;
/** Deliveries read for a click, kept for the acknowledgement that follows it. */
const FETCHED_LIMIT = 1_000;
/** Outstanding deliveries listed for a reminder pass, kept for the marks that follow the page. */
const LISTED_LIMIT = 5_000;

type CampaignReader = Pick<AcknowledgementStore, 'getCampaign' | 'listDeliveries' | 'listStaff' | 'listAcknowledgements'>;

/** A reminder mark for a delivery not reminded within the interval (or never); undefined when it was. */
function reminderChange(now: string, minIntervalMs: number): (e: Record<string, unknown>) => Record<string, unknown> | undefined {
  const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
  return (e) => {
    const last = opt(e.lastRemindedAt);
    return last !== undefined && last > threshold ? undefined : { lastRemindedAt: now, remindCount: Number(e.remindCount ?? 0) + 1, updatedAt: now };
  };
}
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A campaign's deliveries on Table storage. A campaign created by this version is "tallied": its rows carry the
 * department, school, name and UPN of the person as they were added, and when they acknowledged, and every write that
 * changes what a row counts under also moves its shard's tally in the same transaction (azureTableDeliveryTallies.ts).
 * Status and counts then read the tally rows, and the outstanding are a filtered query by key; campaigns from before
 * are still counted from the records (azureTableCampaignViews.ts). Here: adding deliveries, reading and counting them,
 * and the marks people's actions leave; the sending thread's claims are azureTableDeliveryClaims.ts.
 */
export class AzureTableDeliveries extends DeliveryClaims {
  private readonly fetched = new Map<string, Entity>();
  private readonly listed = new Map<string, Entity>();
  private readonly views;
  private readonly outstandingPages;

  /** `countsWriter`: this store's set of tally rows in each shard (countsWriter in azureTableDeliveryTallies.ts). */
  constructor(
    t: Record<TableName, TableClient>, reader: CampaignReader, countsWriter: number,
    private readonly ackPlace: (policyId: string, versionHash: string) => Promise<VersionPlace>,
  ) {
    super(t, countsWriter);
    this.views = createCampaignViews(reader);
    this.outstandingPages = createOutstandingPages((id) => this.views.listOutstanding(id));
  }

  /** Whether the campaign's counts are kept (created by a version that keeps them): read once, with its layout. */
  private async tallied(campaignId: string): Promise<boolean> {
    return (await this.layout(campaignId)).tallied;
  }

  async addDeliveries(campaignId: string, recipients: readonly Recipient[], now: string): Promise<number> {
    const pk = key(campaignId);
    const place = await this.place(campaignId);
    // Members handed over as read keep their details; only those given by id are read from the staff list.
    const people = new Map<string, StaffMember>();
    for (const r of recipients) if (typeof r !== 'string') people.set(key(r.userId), r);
    const rks = [...new Set(recipients.map((r) => key(typeof r === 'string' ? r : r.userId)))].sort(byId);
    if (rks.length === 0) return 0;
    const unread = rks.filter((rk) => !people.has(rk));
    const campaign = await this.get('Campaigns', 'campaign', pk);
    const small = rks.length <= SMALL_ADD;
    const [existing, staff, acked] = await Promise.all([
      small ? new Set<string>() : this.keysBetween(place, rks[0], rks[rks.length - 1]),
      unread.length === 0 ? [] : unread.length <= SMALL_ADD ? this.getMany('Staff', 'staff', unread)
        : this.rowsBetween('Staff', 'staff', unread[0], unread[unread.length - 1]),
      campaign ? this.acknowledgedAmong(campaign, rks) : new Map<string, string>(),
    ]);
    for (const e of staff) if (!people.has(String(e.rowKey))) people.set(String(e.rowKey), toStaff(e));
    const fresh = rks.filter((rk) => !existing.has(rk));
    let chunkShard = 0;
    const written = await Promise.all(fresh.map((rk, i) => {
      // Spread, each row goes to its person's shard; in one partition, one shard per chunk, so the chunk and its tally
      // commit together, chunks spread over the shards. Either way the tally queue commits a shard's rows together.
      if (i % ADD_CHUNK === 0) chunkShard = randomInt(DELIVERY_SHARDS);
      const shard = place.shard(rk) ?? chunkShard;
      const partition = place.shardPartition(shard);
      const m: StaffMember | undefined = people.get(rk);
      const fields = {
        ...newDeliveryEntity(partition, rk, now), shard, department: m?.department ?? '', school: m?.school ?? '',
        upn: m?.userPrincipalName ?? '', displayName: m?.displayName ?? '', acknowledgedAt: acked.get(rk) ?? '',
      };
      return this.tallies.write(partition, shard, { rowKey: rk, after: comboOf(fields), fields });
    }));
    return written.filter((etag) => etag !== undefined).length;
  }

  /** When each of these people acknowledged in a way that counts for the campaign: in it, or after it started. */
  private async acknowledgedAmong(campaign: Entity, rks: readonly string[]): Promise<Map<string, string>> {
    const c = toCampaign(campaign);
    const place = await this.ackPlace(c.policyId, c.versionHash);
    const wanted = new Set(rks);
    // Acknowledgement rows are keyed "<person>|<campaign>": each wanted person's rows lie between "<person>|" and
    // "<person>|ÿ" (every encoded character sorts below 'ÿ'). Bounds from the smallest and largest of those, since
    // with '|' appended the people need not sort as they do alone ("ab1|" comes before "ab|").
    const froms = rks.map((rk) => `${rk}|`).sort(byId);
    const keys = odata`RowKey ge ${froms[0]} and RowKey lt ${`${froms[froms.length - 1]}ÿ`}`;
    const out = new Map<string, string>();
    for (const a of await this.listWhere('Acks', place.all, keys, (e) => e, ['RowKey', 'acknowledgedAt', 'campaignId'])) {
      const rk = String(a.rowKey ?? '').split('|')[0];
      const at = String(a.acknowledgedAt);
      if (!wanted.has(rk) || !(a.campaignId === c.id || at >= c.startedAt)) continue;
      const first = out.get(rk);
      if (first === undefined || at < first) out.set(rk, at);
    }
    return out;
  }

  private async keysBetween(place: DeliveryPlace, from: string, to: string): Promise<Set<string>> {
    const rows = await this.list('Deliveries', `${place.all} and ${odata`RowKey ge ${from} and RowKey le ${to}`}`, ['RowKey']);
    return new Set(rows.map((e) => String(e.rowKey)));
  }

  /** The partition of a person's delivery in a campaign. */
  private async partitionOf(campaignId: string, rk: string): Promise<string> {
    return (await this.place(campaignId)).partition(rk);
  }

  private rowsBetween(table: TableName, pk: string, from: string, to: string): Promise<Entity[]> {
    return this.list(table, odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey le ${to}`);
  }

  async getDelivery(campaignId: string, userId: string): Promise<Delivery | undefined> {
    const e = await this.get('Deliveries', await this.partitionOf(campaignId, key(userId)), key(userId));
    return e ? toDelivery(e) : undefined;
  }

  /**
   * The person as recorded on their delivery when they were added, keeping the row for the acknowledgement that
   * follows; undefined when they have no delivery or it predates recording them.
   */
  async recipient(campaignId: string, userId: string): Promise<AcknowledgingPerson | undefined> {
    const e = await this.get('Deliveries', await this.partitionOf(campaignId, key(userId)), key(userId));
    if (!e || !opt(e.upn)) return undefined;
    if (this.fetched.size >= FETCHED_LIMIT) this.fetched.delete(this.fetched.keys().next().value as string);
    this.fetched.set(`${e.partitionKey}\n${e.rowKey}`, e);
    return {
      userId, userPrincipalName: String(e.upn), displayName: String(e.displayName),
      ...(opt(e.department) ? { department: String(e.department) } : {}), ...(opt(e.school) ? { school: String(e.school) } : {}),
      // Marked `left` when the staff sync found they had left: no longer current staff.
      active: e.state !== 'left', source: 'graph', updatedAt: String(e.updatedAt), ...(opt(e.readAt) ? { readAt: String(e.readAt) } : {}),
      ...(opt(e.activityId) ? { card: { activityId: String(e.activityId), ...(opt(e.conversationId) ? { conversationId: String(e.conversationId) } : {}) } } : {}),
    };
  }

  /** Marks a person's delivery in a campaign as acknowledged at `at`, unless it already is; with its tally. */
  async markAcknowledged(campaignId: string, userId: string, at: string): Promise<boolean> {
    const rk = key(userId);
    const pk = await this.partitionOf(campaignId, rk);
    const first = this.fetched.get(`${pk}\n${rk}`);
    this.fetched.delete(`${pk}\n${rk}`);
    return this.mergeCounted(pk, rk, (e) => (opt(e.acknowledgedAt) ? undefined : { acknowledgedAt: at }), first);
  }

  async listDeliveries(campaignId: string): Promise<Delivery[]> {
    return (await this.listAs('Deliveries', (await this.place(campaignId)).all, (e) => (isTallyRow(e.rowKey) ? undefined : toDelivery(e))))
      .sort((a, b) => byId(a.userId, b.userId));
  }

  async countDeliveries(campaignId: string): Promise<DeliveryCounts> {
    const counts = emptyDeliveryCounts();
    const { place, tallied } = await this.layout(campaignId);
    if (tallied) {
      for (const t of await this.tallies.read(place.all)) counts[t.state] += t.count;
      return counts;
    }
    for (const e of await this.list('Deliveries', place.all, ['RowKey', 'state'])) {
      if (typeof e.state === 'string' && !isTallyRow(e.rowKey)) counts[e.state as DeliveryState] += 1;
    }
    return counts;
  }

  async tallyDeliveries(campaignId: string): Promise<DeliveryTally[]> {
    const { place, tallied } = await this.layout(campaignId);
    return tallied ? this.tallies.read(place.all) : this.views.tallyDeliveries(campaignId);
  }

  exportRecords(campaignId: string, pageSize: number): AsyncIterable<ExportRecord[]> { return this.views.exportRecords(campaignId, pageSize); }

  async listOutstanding(campaignId: string): Promise<string[]> {
    if (!(await this.tallied(campaignId))) return this.views.listOutstanding(campaignId);
    const out: string[] = [];
    for (let page = await this.outstandingAfter(campaignId, '', 1000); page.length > 0; page = await this.outstandingAfter(campaignId, out[out.length - 1], 1000)) {
      out.push(...page);
    }
    // Spread, pages go shard by shard; the whole list in id order, as from one partition.
    return out.sort(byId);
  }

  async listOutstandingPage(campaignId: string, after: string, limit: number): Promise<string[]> {
    return (await this.tallied(campaignId)) ? this.outstandingAfter(campaignId, after, limit) : this.outstandingPages(campaignId, after, limit);
  }

  /**
   * Sent, not acknowledged, not excused, after `after`: queries the table answers, not a scan here. In one partition the
   * order is the ids'; spread, it is shard by shard and by id within a shard, which `after` alone places (its shard
   * comes from the id), so a pass resumes where it stopped on any instance.
   */
  private async outstandingAfter(campaignId: string, after: string, limit: number): Promise<string[]> {
    const place = await this.place(campaignId);
    const from = after === '' ? '' : key(after);
    if (!place.spread) return this.outstandingIn(campaignId, place.partition(from), from, limit);
    const out: string[] = [];
    for (let shard = from === '' ? 0 : place.shard(from)!; shard < DELIVERY_SHARDS && out.length < limit; shard++) {
      const startAfter = from !== '' && shard === place.shard(from) ? from : '';
      out.push(...(await this.outstandingIn(campaignId, place.shardPartition(shard), startAfter, limit - out.length)));
    }
    return out;
  }

  /** One partition's outstanding after a key, in key order, kept for the reminder marks that follow. */
  private async outstandingIn(campaignId: string, partition: string, from: string, limit: number): Promise<string[]> {
    const filter = odata`PartitionKey eq ${partition} and RowKey gt ${from} and state eq ${'sent'} and acknowledgedAt eq ${''} and excusedAt eq ${''}`;
    const select = ['PartitionKey', 'RowKey', 'lastRemindedAt', 'remindCount'];
    const pages = this.t.Deliveries.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } }).byPage({ maxPageSize: limit });
    const out: string[] = [];
    for await (const page of pages) {
      for (const e of page) {
        if (out.length >= limit) break;
        out.push(decodeURIComponent(String(e.rowKey)));
        // Kept for the reminder marks that follow a page: one transaction for the page, no read per person.
        if (this.listed.size >= LISTED_LIMIT) this.listed.delete(this.listed.keys().next().value as string);
        this.listed.set(`${key(campaignId)}\n${String(e.rowKey)}`, e as Entity);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  async markRemindedMany(campaignId: string, userIds: readonly string[], now: string, minIntervalMs: number): Promise<string[]> {
    const pk = key(campaignId);
    const remind = reminderChange(now, minIntervalMs);
    const marked = new Set<string>();
    const unlisted: string[] = [];
    // A transaction holds one partition's rows: the listed are grouped by theirs (one, unless the campaign is spread).
    const listed = new Map<string, { e: Entity; patch: Record<string, unknown> }[]>();
    for (const id of userIds) {
      const e = this.listed.get(`${pk}\n${key(id)}`);
      this.listed.delete(`${pk}\n${key(id)}`);
      const patch = e && remind(e);
      if (!e) unlisted.push(id);
      else if (patch) {
        if (!listed.has(e.partitionKey)) listed.set(e.partitionKey, []);
        listed.get(e.partitionKey)!.push({ e, patch });
      }
    }
    for (const rows of listed.values()) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const chunk = rows.slice(i, i + BATCH);
        try {
          await submitTransaction(this.t.Deliveries, chunk.map(({ e, patch }) => ['update', { partitionKey: e.partitionKey, rowKey: e.rowKey, ...patch }, 'Merge', { etag: e.etag }]));
          for (const { e } of chunk) marked.add(decodeURIComponent(e.rowKey));
        } catch (err) {
          // Someone in it changed since the page was read (acknowledged, reminded elsewhere): each on its own, read afresh.
          if (statusOf(err) !== 412 && statusOf(err) !== 404) throw err;
          unlisted.push(...chunk.map(({ e }) => decodeURIComponent(e.rowKey)));
        }
      }
    }
    for (let i = 0; i < unlisted.length; i += 16) {
      const ids = unlisted.slice(i, i + 16);
      const results = await Promise.all(ids.map((id) => this.markReminded(campaignId, id, now, minIntervalMs)));
      ids.forEach((id, j) => { if (results[j]) marked.add(id); });
    }
    return userIds.filter((id) => marked.has(id));
  }

  async markReminded(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    return this.mergeUnderEtag('Deliveries', await this.partitionOf(campaignId, key(userId)), key(userId), reminderChange(now, minIntervalMs));
  }

  async markDigested(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
    return this.mergeUnderEtag('Deliveries', await this.partitionOf(campaignId, key(userId)), key(userId), (e) => {
      const last = opt(e.lastDigestAt);
      return last !== undefined && last > threshold ? undefined : { lastDigestAt: now, updatedAt: now };
    });
  }

  async setExcused(campaignId: string, userId: string, excused: { by: string; at: string } | null): Promise<boolean> {
    return this.mergeCounted(await this.partitionOf(campaignId, key(userId)), key(userId), (e) => ({
      excusedAt: excused?.at ?? '', excusedBy: excused?.by ?? '', updatedAt: excused?.at ?? String(e.updatedAt),
    }));
  }

  async markOpened(campaignId: string, userId: string, at: string): Promise<boolean> {
    return this.mergeCounted(await this.partitionOf(campaignId, key(userId)), key(userId), (e) => (e.state !== 'sent' || opt(e.openedAt) !== undefined ? undefined : { openedAt: at, updatedAt: at }));
  }

  /** With `unlessReturnedSince`, a delivery put back at or after then is left as it is (the merge is conditional on what was read). */
  markLeft(campaignId: string, userIds: readonly string[], at: string, unlessReturnedSince?: string): Promise<number> {
    const returnedSince = (e: Entity) => unlessReturnedSince !== undefined && e.reason === 'returned' && String(e.updatedAt ?? '') >= unlessReturnedSince;
    return this.changeEach(campaignId, userIds, (e) => (e.state === 'left' || returnedSince(e) ? undefined : { state: 'left', claimedBy: '', leaseUntil: '', updatedAt: at }));
  }

  markReturned(campaignId: string, userIds: readonly string[], at: string): Promise<number> {
    return this.changeEach(campaignId, userIds, (e) => (e.state === 'left' ? { state: 'pending', notBefore: '', reason: 'returned', updatedAt: at } : undefined));
  }

  /** One change to each person's delivery with its tally, sixteen at a time; how many changed (no delivery: none). */
  private async changeEach(campaignId: string, userIds: readonly string[], change: (e: Entity) => Record<string, unknown> | undefined): Promise<number> {
    let changed = 0;
    const place = await this.place(campaignId);
    for (let i = 0; i < userIds.length; i += 16) {
      const done = await Promise.all(userIds.slice(i, i + 16).map((id) => this.mergeCounted(place.partition(key(id)), key(id), change)));
      changed += done.filter(Boolean).length;
    }
    return changed;
  }
}
