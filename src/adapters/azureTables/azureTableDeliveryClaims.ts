import { TableClient, odata } from '@azure/data-tables';
import { randomInt } from 'node:crypto';
import { ClaimRequest, DeliveryOutcome } from '../../features/acknowledgement/domain/acknowledgementStore';
import { Delivery, DeliveryState, UNREACHED_DELIVERY_STATES } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { DELIVERY_SHARDS, DeliveryPlace, Entity, deliveryPlace, key, toDelivery, unkey } from './azureTableAcknowledgementEntities';
import { TableAccess, TableName } from './azureTableAccess';
import { CountedWrite, DeliveryTallies, comboOf } from './azureTableDeliveryTallies';

/** Times a shard is asked again in one claim while other senders take what it offers. */
const SHARD_RETRIES = 4;
/** Etags of deliveries this instance claimed, so completing one takes one conditional write, not a read first. */
const HELD_LIMIT = 20_000;
/** Campaigns whose layout and tallying this instance keeps (neither changes once a campaign exists). */
const KNOWN_CAMPAIGNS = 1_000;

/** What a campaign's row says about how its deliveries are kept. */
export interface CampaignLayout { place: DeliveryPlace; tallied: boolean }

/** The shard a delivery row's tally is kept in. */
export const shardOf = (e: Record<string, unknown>): number => Number(e.shard ?? 0);

/**
 * The sending thread's side of a campaign's deliveries on Table storage: claiming due rows under a lease, shard by
 * shard, and completing, deferring or requeueing them, each write with its shard's tally in one transaction
 * (azureTableDeliveryTallies.ts). A row this instance claimed is completed with the etag it got, without a read.
 * AzureTableDeliveries (adding, reading and marking deliveries) builds on it.
 */
export abstract class DeliveryClaims extends TableAccess {
  private readonly held = new Map<string, { etag: string; workerId: string; row: Record<string, unknown> }>();
  private readonly layouts = new Map<string, CampaignLayout>();
  protected readonly tallies: DeliveryTallies;

  constructor(t: Record<TableName, TableClient>, countsWriter: number) {
    super(t);
    this.tallies = new DeliveryTallies(t.Deliveries, countsWriter);
  }

  /**
   * How the campaign's deliveries are kept, from its row: read once and kept, since neither changes. With no row yet
   * (deliveries added before the campaign is recorded, as the storage copy and tests do) the current layout, not kept.
   */
  protected async layout(campaignId: string): Promise<CampaignLayout> {
    const known = this.layouts.get(campaignId);
    if (known) return known;
    const e = await this.get('Campaigns', 'campaign', key(campaignId));
    return e ? this.noteCampaign(e) : { place: deliveryPlace(campaignId, true), tallied: false };
  }

  /** Keeps what a campaign's row says about its deliveries (also when read for another reason, saving a read later). */
  noteCampaign(e: Entity): CampaignLayout {
    const campaignId = unkey(e.rowKey);
    const known = this.layouts.get(campaignId);
    if (known) return known;
    const layout = { place: deliveryPlace(campaignId, e.spread === true), tallied: e.tallied === true };
    if (this.layouts.size >= KNOWN_CAMPAIGNS) this.layouts.delete(this.layouts.keys().next().value as string);
    this.layouts.set(campaignId, layout);
    return layout;
  }

  /** Where the campaign's deliveries live (deliveryPlace). */
  async place(campaignId: string): Promise<DeliveryPlace> {
    return (await this.layout(campaignId)).place;
  }

  async claimDeliveries(r: ClaimRequest): Promise<Delivery[]> {
    if (r.limit <= 0) return [];
    const place = await this.place(r.campaignId);
    const lease = new Date(Date.parse(r.now) + r.leaseMs).toISOString();
    const claimed: Delivery[] = [];
    const start = randomInt(DELIVERY_SHARDS);
    for (let i = 0; i < DELIVERY_SHARDS && claimed.length < r.limit; i++) {
      const shard = (start + i) % DELIVERY_SHARDS;
      const pk = place.shardPartition(shard);
      for (let ask = 0; ask <= SHARD_RETRIES && claimed.length < r.limit; ask++) {
        const want = r.limit - claimed.length;
        const candidates = await this.claimable(pk, shard, r.now, want);
        // Written together with the shard's tally; one claimed by another sender meanwhile is theirs (refused, skipped).
        const results = await Promise.all(candidates.map(async (e) => {
          const attempts = Number(e.attempts ?? 0) + 1;
          const change = { state: 'claimed', claimedBy: r.workerId, leaseUntil: lease, attempts, updatedAt: r.now };
          const row = { ...e, ...change };
          const etag = await this.tallies.write(pk, shard, { rowKey: e.rowKey, etag: e.etag, before: comboOf(e), after: comboOf(row), fields: change });
          if (etag === undefined) return undefined;
          this.hold(`${pk}\n${e.rowKey}`, { etag, workerId: r.workerId, row });
          return toDelivery(row);
        }));
        for (const d of results) if (d && claimed.length < r.limit) claimed.push(d);
        // Asked again only when some of what it offered went to another sender meanwhile and it offered all that was
        // wanted: there may be more behind them, and a claim should not come back short while deliveries wait.
        if (!(results.includes(undefined) && candidates.length === want)) break;
      }
    }
    return claimed;
  }

  private async claimable(pk: string, shard: number, now: string, want: number): Promise<Entity[]> {
    const filter = odata`PartitionKey eq ${pk} and shard eq ${shard} and ((state eq ${'pending'} and notBefore le ${now}) or (state eq ${'claimed'} and leaseUntil le ${now}))`;
    const out: Entity[] = [];
    const pages = this.t.Deliveries.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, want) });
    for await (const page of pages) {
      out.push(...(page as Entity[]));
      if (out.length >= want) break;
    }
    return out.slice(0, want);
  }

  private hold(id: string, h: { etag: string; workerId: string; row: Record<string, unknown> }): void {
    if (this.held.size >= HELD_LIMIT) this.held.delete(this.held.keys().next().value as string);
    this.held.set(id, h);
  }

  /** Writes a change to a row read as `e` with its tally; false when the row changed meanwhile. */
  protected async counted(pk: string, e: Record<string, unknown> & { rowKey: string; etag: string }, change: Record<string, unknown>): Promise<boolean> {
    const w: CountedWrite = { rowKey: e.rowKey, etag: e.etag, before: comboOf(e), after: comboOf({ ...e, ...change }), fields: change };
    return (await this.tallies.write(pk, shardOf(e), w)) !== undefined;
  }

  /** Reads a row and writes what `change` returns with its tally, retrying while others change it meanwhile. */
  protected mergeCounted(pk: string, rk: string, change: (e: Entity) => Record<string, unknown> | undefined, first?: Entity): Promise<boolean> {
    return this.mergeUnderEtag('Deliveries', pk, rk, change, (e, patch) => this.counted(pk, e, patch), first);
  }

  /** Applies a change to a delivery this worker holds; false when not held. */
  private async changeHeld(campaignId: string, userId: string, workerId: string, change: Record<string, unknown>): Promise<boolean> {
    const rk = key(userId);
    const pk = (await this.place(campaignId)).partition(rk);
    const held = this.held.get(`${pk}\n${rk}`);
    this.held.delete(`${pk}\n${rk}`);
    // Unchanged since this worker claimed it (the etag matches), so it still holds it: one write suffices.
    if (held && held.workerId === workerId && (await this.counted(pk, { ...held.row, rowKey: rk, etag: held.etag }, change))) return true;
    return this.mergeCounted(pk, rk, (e) => (e.state === 'claimed' && e.claimedBy === workerId ? change : undefined));
  }

  completeDelivery(campaignId: string, userId: string, workerId: string, o: DeliveryOutcome, now: string): Promise<boolean> {
    return this.changeHeld(campaignId, userId, workerId, {
      state: o.state, reason: o.reason ?? '', activityId: o.activityId ?? '', conversationId: o.conversationId ?? '',
      claimedBy: '', leaseUntil: '', updatedAt: now, ...(o.state === 'sent' ? { sentAt: now } : {}),
    });
  }

  deferDelivery(campaignId: string, userId: string, workerId: string, notBefore: string, reason: string, now: string): Promise<boolean> {
    return this.changeHeld(campaignId, userId, workerId, { state: 'pending', notBefore, reason, claimedBy: '', leaseUntil: '', updatedAt: now });
  }

  async requeueDelivery(campaignId: string, userId: string, now: string): Promise<boolean> {
    const rk = key(userId);
    return this.mergeCounted((await this.place(campaignId)).partition(rk), rk, (e) => (UNREACHED_DELIVERY_STATES.includes(e.state as DeliveryState)
      ? { state: 'pending', notBefore: '', updatedAt: now } : undefined));
  }
}
