import { TableClient, odata } from '@azure/data-tables';
import { randomInt, randomUUID } from 'node:crypto';
import {
  AcknowledgementStore, AppendAcknowledgementResult, ClaimRequest, DeliveryCounts, DeliveryOutcome, DeliveryTally, ExportRecord, StoreError,
  emptyDeliveryCounts,
} from '../../features/acknowledgement/domain/acknowledgementStore';
import {
  Acknowledgement, AuditEntry, Campaign, Delivery, DeliveryState, PolicyVersion, StaffMember,
  StoredConversationReference, UNREACHED_DELIVERY_STATES,
} from '../../features/acknowledgement/domain/acknowledgementTypes';
import {
  DELIVERY_SHARDS, Entity, key, opt, ackPartition, newDeliveryEntity, campaignEntity, toPolicyVersion, toStaff, toCampaign, toDelivery, toAcknowledgement,
  auditEntity, toAuditEntry,
} from './azureTableAcknowledgementEntities';
import { AzureTableStoreOptions, BATCH, openTables, statusOf, TableAccess, TableName } from './azureTableAccess';
import { createCampaignViews } from './azureTableCampaignViews';
import { createOutstandingPages, listStaffPage } from './azureTablePagedReads';

export type { AzureTableStoreOptions, RequestCounter } from './azureTableAccess';
export { createRequestCounter } from './azureTableAccess';

/** Up to this many recipients are added one by one; more are diffed against the campaign in batches. */
const SMALL_ADD = 20;
/** Creates the Azure Table Storage acknowledgement store, creating its tables when missing. */
export async function createAzureTableAcknowledgementStore(options: AzureTableStoreOptions): Promise<AcknowledgementStore> {
  return new AzureTableAcknowledgementStore(await openTables(options));
}

/** Etags of deliveries this instance claimed, so completing one takes one conditional write, not a read first. */
const HELD_ETAG_LIMIT = 20_000;

class AzureTableAcknowledgementStore extends TableAccess implements AcknowledgementStore {
  private readonly heldEtags = new Map<string, { etag: string; workerId: string }>();

  private readonly views = createCampaignViews(this);

  constructor(t: Record<TableName, TableClient>) {
    super(t);
  }

  async savePolicyVersion(v: PolicyVersion): Promise<void> {
    try {
      await this.t.Versions.createEntity({
        partitionKey: key(v.policyId), rowKey: key(v.versionHash), title: v.title,
        versionLabel: v.versionLabel ?? '', reviewDate: v.reviewDate ?? '', keyPoints: JSON.stringify(v.keyPoints),
        readUrl: v.readUrl ?? '', material: v.material, wordingHash: v.wordingHash ?? '', publishedAt: v.publishedAt,
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  }

  async getPolicyVersion(policyId: string, versionHash: string): Promise<PolicyVersion | undefined> {
    const e = await this.get('Versions', key(policyId), key(versionHash));
    return e ? toPolicyVersion(e) : undefined;
  }

  async getLatestPolicyVersion(policyId: string): Promise<PolicyVersion | undefined> {
    const all = (await this.list('Versions', odata`PartitionKey eq ${key(policyId)}`)).map(toPolicyVersion);
    all.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
    return all[0];
  }

  async upsertStaff(members: readonly StaffMember[]): Promise<void> {
    await this.upsertMany('Staff', members.map((m) => ({
      partitionKey: 'staff', rowKey: key(m.userId), upn: m.userPrincipalName, displayName: m.displayName,
      department: m.department ?? '', school: m.school ?? '', active: m.active, source: m.source, updatedAt: m.updatedAt,
    })));
  }

  async getStaff(userId: string): Promise<StaffMember | undefined> {
    const e = await this.get('Staff', 'staff', key(userId));
    return e ? toStaff(e) : undefined;
  }

  async listStaff(): Promise<StaffMember[]> {
    return (await this.list('Staff', odata`PartitionKey eq ${'staff'}`)).map(toStaff)
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }

  async getStaffByIds(userIds: readonly string[]): Promise<StaffMember[]> {
    const ids = new Set(userIds);
    // Past 1,000 people, pages of 1,000 from the partition cost fewer round trips than a point read each.
    if (ids.size > 1_000) return (await this.listStaff()).filter((m) => ids.has(m.userId));
    return (await this.getMany('Staff', 'staff', [...ids].map((id) => key(id)))).map(toStaff);
  }
  listStaffPage(afterUserId: string, limit: number): Promise<StaffMember[]> { return listStaffPage(this.t.Staff, afterUserId, limit); }

  async getSyncState(name: string): Promise<string | undefined> {
    return opt((await this.get('Sync', 'sync', key(name)))?.value);
  }

  async setSyncState(name: string, value: string): Promise<void> {
    await this.t.Sync.upsertEntity({ partitionKey: 'sync', rowKey: key(name), value }, 'Replace');
  }

  async saveConversationReference(ref: StoredConversationReference): Promise<void> {
    await this.t.Refs.upsertEntity({
      partitionKey: 'ref', rowKey: key(ref.userId), conversationId: ref.conversationId, serviceUrl: ref.serviceUrl,
      reference: JSON.stringify(ref.reference), updatedAt: ref.updatedAt,
    }, 'Replace');
  }

  async getConversationReference(userId: string): Promise<StoredConversationReference | undefined> {
    const e = await this.get('Refs', 'ref', key(userId));
    if (!e) return undefined;
    return {
      userId, conversationId: String(e.conversationId), serviceUrl: String(e.serviceUrl),
      reference: JSON.parse(String(e.reference)) as Record<string, unknown>, updatedAt: String(e.updatedAt),
    };
  }

  async createCampaign(c: Campaign): Promise<void> {
    try {
      await this.t.Campaigns.createEntity(campaignEntity(c));
    } catch (err) {
      if (statusOf(err) === 409) throw new StoreError('STORE_CONFLICT', `campaign ${c.id} already exists`);
      throw err;
    }
  }

  async updateCampaign(c: Campaign): Promise<void> {
    const existing = await this.get('Campaigns', 'campaign', key(c.id));
    if (!existing) throw new StoreError('STORE_NOT_FOUND', `campaign ${c.id} does not exist`);
    await this.t.Campaigns.updateEntity({
      partitionKey: 'campaign', rowKey: key(c.id), status: c.status, nextRoundAt: c.nextRoundAt ?? '',
      closedAt: c.closedAt ?? '', dueDate: c.dueDate,
    }, 'Merge');
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const e = await this.get('Campaigns', 'campaign', key(id));
    return e ? toCampaign(e) : undefined;
  }

  async listCampaigns(status?: Campaign['status']): Promise<Campaign[]> {
    const filter = status
      ? odata`PartitionKey eq ${'campaign'} and status eq ${status}`
      : odata`PartitionKey eq ${'campaign'}`;
    return (await this.list('Campaigns', filter)).map(toCampaign).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async addDeliveries(campaignId: string, userIds: readonly string[], now: string): Promise<number> {
    const pk = key(campaignId);
    if (userIds.length <= SMALL_ADD) {
      // A joiner or two: insert directly rather than listing the whole campaign.
      const created = await Promise.all([...new Set(userIds.map(key))].map(async (rk) => {
        try {
          await this.t.Deliveries.createEntity(newDeliveryEntity(pk, rk, now));
          return 1;
        } catch (err) {
          if (statusOf(err) === 409) return 0;
          throw err;
        }
      }));
      return created.reduce<number>((a, b) => a + b, 0);
    }
    const existing = new Set((await this.list('Deliveries', odata`PartitionKey eq ${pk}`, ['RowKey'])).map((e) => e.rowKey));
    const fresh = [...new Set(userIds.map(key))].filter((rk) => !existing.has(rk));
    let added = 0;
    for (let i = 0; i < fresh.length; i += BATCH) {
      const entities = fresh.slice(i, i + BATCH).map((rk) => newDeliveryEntity(pk, rk, now));
      try {
        await this.t.Deliveries.submitTransaction(entities.map((e) => ['create', e]));
        added += entities.length;
      } catch (err) {
        // Another instance added some of these meanwhile: fall back to one by one, keeping theirs.
        if (statusOf(err) !== 409) throw err;
        for (const e of entities) {
          try {
            await this.t.Deliveries.createEntity(e);
            added += 1;
          } catch (inner) {
            if (statusOf(inner) !== 409) throw inner;
          }
        }
      }
    }
    return added;
  }

  async claimDeliveries(r: ClaimRequest): Promise<Delivery[]> {
    if (r.limit <= 0) return [];
    const pk = key(r.campaignId);
    const lease = new Date(Date.parse(r.now) + r.leaseMs).toISOString();
    const claimed: Delivery[] = [];
    const start = randomInt(DELIVERY_SHARDS);
    for (let i = 0; i < DELIVERY_SHARDS && claimed.length < r.limit; i++) {
      const shard = (start + i) % DELIVERY_SHARDS;
      const want = r.limit - claimed.length;
      const candidates = await this.claimable(pk, shard, r.now, want);
      const results = await Promise.all(candidates.map(async (e) => {
        try {
          const attempts = Number(e.attempts ?? 0) + 1;
          const res = await this.t.Deliveries.updateEntity({
            partitionKey: pk, rowKey: String(e.rowKey), state: 'claimed', claimedBy: r.workerId, leaseUntil: lease,
            attempts, updatedAt: r.now,
          }, 'Merge', { etag: e.etag });
          if (res.etag) this.holdEtag(`${pk}\n${e.rowKey}`, res.etag, r.workerId);
          return toDelivery({ ...e, state: 'claimed', claimedBy: r.workerId, leaseUntil: lease, attempts, updatedAt: r.now });
        } catch (err) {
          // 412: another sender claimed it first; it is theirs.
          if (statusOf(err) === 412 || statusOf(err) === 404) return undefined;
          throw err;
        }
      }));
      for (const d of results) if (d && claimed.length < r.limit) claimed.push(d);
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

  private holdEtag(id: string, etag: string, workerId: string): void {
    if (this.heldEtags.size >= HELD_ETAG_LIMIT) this.heldEtags.delete(this.heldEtags.keys().next().value as string);
    this.heldEtags.set(id, { etag, workerId });
  }

  /** Applies a change to a delivery this worker holds, retrying on concurrent writes; false when not held. */
  private async changeHeld(campaignId: string, userId: string, workerId: string, change: Record<string, unknown>): Promise<boolean> {
    const pk = key(campaignId);
    const rk = key(userId);
    const held = this.heldEtags.get(`${pk}\n${rk}`);
    this.heldEtags.delete(`${pk}\n${rk}`);
    if (held && held.workerId === workerId) {
      // Unchanged since this worker claimed it (the etag matches), so it still holds it: one write suffices.
      try {
        await this.t.Deliveries.updateEntity({ partitionKey: pk, rowKey: rk, ...change }, 'Merge', { etag: held.etag });
        return true;
      } catch (err) {
        if (statusOf(err) !== 412 && statusOf(err) !== 404) throw err;
      }
    }
    for (let tries = 0; tries < 5; tries++) {
      const e = await this.get('Deliveries', pk, rk);
      if (!e || e.state !== 'claimed' || e.claimedBy !== workerId) return false;
      try {
        await this.t.Deliveries.updateEntity({ partitionKey: pk, rowKey: rk, ...change }, 'Merge', { etag: e.etag });
        return true;
      } catch (err) {
        if (statusOf(err) !== 412) throw err;
      }
    }
    return false;
  }

  async completeDelivery(campaignId: string, userId: string, workerId: string, o: DeliveryOutcome, now: string): Promise<boolean> {
    return this.changeHeld(campaignId, userId, workerId, {
      state: o.state, reason: o.reason ?? '', activityId: o.activityId ?? '', conversationId: o.conversationId ?? '',
      claimedBy: '', leaseUntil: '', updatedAt: now, ...(o.state === 'sent' ? { sentAt: now } : {}),
    });
  }

  async deferDelivery(campaignId: string, userId: string, workerId: string, notBefore: string, reason: string, now: string): Promise<boolean> {
    return this.changeHeld(campaignId, userId, workerId, {
      state: 'pending', notBefore, reason, claimedBy: '', leaseUntil: '', updatedAt: now,
    });
  }

  async requeueDelivery(campaignId: string, userId: string, now: string): Promise<boolean> {
    const pk = key(campaignId);
    const rk = key(userId);
    for (let tries = 0; tries < 5; tries++) {
      const e = await this.get('Deliveries', pk, rk);
      if (!e || !UNREACHED_DELIVERY_STATES.includes(e.state as DeliveryState)) return false;
      try {
        await this.t.Deliveries.updateEntity({ partitionKey: pk, rowKey: rk, state: 'pending', notBefore: '', updatedAt: now },
          'Merge', { etag: e.etag });
        return true;
      } catch (err) {
        if (statusOf(err) !== 412) throw err;
      }
    }
    return false;
  }

  async getDelivery(campaignId: string, userId: string): Promise<Delivery | undefined> {
    const e = await this.get('Deliveries', key(campaignId), key(userId));
    return e ? toDelivery(e) : undefined;
  }

  async listDeliveries(campaignId: string): Promise<Delivery[]> {
    return (await this.list('Deliveries', odata`PartitionKey eq ${key(campaignId)}`)).map(toDelivery)
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }

  async countDeliveries(campaignId: string): Promise<DeliveryCounts> {
    const counts = emptyDeliveryCounts();
    for (const e of await this.list('Deliveries', odata`PartitionKey eq ${key(campaignId)}`, ['state'])) {
      counts[e.state as DeliveryState] += 1;
    }
    return counts;
  }

  // Counted from the records on every call (azureTableCampaignViews.ts): no tallies are kept on Table storage yet.
  tallyDeliveries(campaignId: string): Promise<DeliveryTally[]> { return this.views.tallyDeliveries(campaignId); }

  exportRecords(campaignId: string, pageSize: number): AsyncIterable<ExportRecord[]> { return this.views.exportRecords(campaignId, pageSize); }

  listOutstanding(campaignId: string): Promise<string[]> { return this.views.listOutstanding(campaignId); }

  private readonly outstandingPages = createOutstandingPages((id) => this.views.listOutstanding(id));

  listOutstandingPage(campaignId: string, after: string, limit: number): Promise<string[]> { return this.outstandingPages(campaignId, after, limit); }

  async markReminded(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
    return this.mergeUnderEtag('Deliveries', key(campaignId), key(userId), (e) => {
      const last = opt(e.lastRemindedAt);
      return last !== undefined && last > threshold ? undefined : { lastRemindedAt: now, remindCount: Number(e.remindCount ?? 0) + 1, updatedAt: now };
    });
  }

  async markDigested(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
    return this.mergeUnderEtag('Deliveries', key(campaignId), key(userId), (e) => {
      const last = opt(e.lastDigestAt);
      return last !== undefined && last > threshold ? undefined : { lastDigestAt: now, updatedAt: now };
    });
  }

  async setExcused(campaignId: string, userId: string, excused: { by: string; at: string } | null): Promise<boolean> {
    return this.mergeUnderEtag('Deliveries', key(campaignId), key(userId), (e) => ({
      excusedAt: excused?.at ?? '', excusedBy: excused?.by ?? '', updatedAt: excused?.at ?? String(e.updatedAt),
    }));
  }

  async markOpened(campaignId: string, userId: string, at: string): Promise<boolean> {
    return this.mergeUnderEtag('Deliveries', key(campaignId), key(userId), (e) => (e.state !== 'sent' || opt(e.openedAt) !== undefined ? undefined : { openedAt: at, updatedAt: at }));
  }

  async appendAcknowledgement(a: Acknowledgement): Promise<AppendAcknowledgementResult> {
    const pk = ackPartition(a.policyId, a.versionHash);
    const rk = `${key(a.userId)}|${key(a.campaignId ?? '')}`;
    try {
      await this.t.Acks.createEntity({
        partitionKey: pk, rowKey: rk, policyId: a.policyId, versionHash: a.versionHash, userId: a.userId,
        upn: a.userPrincipalName, displayName: a.displayName, department: a.department ?? '', school: a.school ?? '',
        campaignId: a.campaignId ?? '', acknowledgedAt: a.acknowledgedAt, channel: a.channel,
      });
      return { recorded: true, acknowledgement: { ...a } };
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const existing = await this.get('Acks', pk, rk);
      return { recorded: false, acknowledgement: toAcknowledgement(existing!) };
    }
  }

  async getAcknowledgement(policyId: string, versionHash: string, userId: string): Promise<Acknowledgement | undefined> {
    const prefix = `${key(userId)}|`;
    // '|' + 1 is '}': every row key of this user sorts between the two bounds.
    const mine = await this.list('Acks', odata`PartitionKey eq ${ackPartition(policyId, versionHash)} and RowKey ge ${prefix} and RowKey lt ${`${key(userId)}}`}`);
    mine.sort((a, b) => String(a.acknowledgedAt).localeCompare(String(b.acknowledgedAt)));
    const last = mine[mine.length - 1];
    return last ? toAcknowledgement(last) : undefined;
  }

  async listAcknowledgements(policyId: string, versionHash: string): Promise<Acknowledgement[]> {
    return (await this.list('Acks', odata`PartitionKey eq ${ackPartition(policyId, versionHash)}`)).map(toAcknowledgement)
      .sort((a, b) => (a.acknowledgedAt < b.acknowledgedAt ? -1 : a.acknowledgedAt > b.acknowledgedAt ? 1 : 0)); // ISO times: text order is time order
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.t.Audit.createEntity(auditEntity(e, randomUUID()));
  }

  async listAudit(subject?: string, limit = 1000): Promise<AuditEntry[]> {
    const entities = await this.list('Audit', subject ? odata`PartitionKey eq ${key(subject)}` : undefined);
    entities.sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
    return entities.slice(-limit).map(toAuditEntry);
  }

  async heartbeat(workerId: string, now: string, ttlMs: number): Promise<number> {
    const until = new Date(Date.parse(now) + ttlMs).toISOString();
    await this.t.Workers.upsertEntity({ partitionKey: 'worker', rowKey: key(workerId), aliveUntil: until }, 'Replace');
    return (await this.list('Workers', odata`PartitionKey eq ${'worker'} and aliveUntil gt ${now}`, ['RowKey'])).length;
  }

  async removeWorker(workerId: string): Promise<void> {
    try {
      await this.t.Workers.deleteEntity('worker', key(workerId));
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async close(): Promise<void> {
    // The table clients hold no sockets open between requests.
  }
}
