import { TableClient, odata } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import {
  AcknowledgingPerson,
  AcknowledgementStore, AppendAcknowledgementResult, ClaimRequest, DeliveryCounts, DeliveryOutcome, DeliveryTally, ExportRecord, StoreError, Recipient,
  MarkLeftOptions, PeoplePage, PeopleQuery, PolicyReadEvent,
} from '../../features/acknowledgement/domain/acknowledgementStore';
import {
  Acknowledgement, AuditEntry, Campaign, Delivery, PolicyRead, PolicyVersion, StaffMember, StoredConversationReference,
} from '../../features/acknowledgement/domain/acknowledgementTypes';
import {
  Entity, key, opt, ackPartition, readBase, versionPlace, VersionPlace, campaignEntity, toPolicyVersion, toStaff, toCampaign, toAcknowledgement, auditEntity, toAuditEntry,
} from './azureTableAcknowledgementEntities';
import { AzureTableStoreOptions, openTables, statusOf, TableAccess, TableName } from './azureTableAccess';
import { AzureTableDeliveries } from './azureTableDeliveries';
import { countsWriter } from './azureTableDeliveryTallies';
import { GroupInsert, insertTargetOf } from './azureTableGroupInsert';
import { listStaffPage } from './azureTablePagedReads';
import { createAzureTablePeople } from './azureTableAcknowledgementPeople';
import { createConversationRefs } from './azureTableConversationRefs';

export type { AzureTableStoreOptions, RequestCounter } from './azureTableAccess';
export { createRequestCounter } from './azureTableAccess';

/** How long this instance keeps the list of active campaigns an acknowledgement is marked in. */
const ACTIVE_TTL_MS = 10_000;
/** Allowed difference between instances' clocks when settling a new campaign's acknowledgements. */
const CLOCK_MARGIN_MS = 5_000;
/** Versions whose layout (acksSpread) this instance keeps: a version's flag never changes once its row is written. */
const LAYOUTS_KEPT = 1_000;
/** Creates the Azure Table Storage acknowledgement store, creating its tables when missing. */
export async function createAzureTableAcknowledgementStore(options: AzureTableStoreOptions): Promise<AcknowledgementStore> {
  return new AzureTableAcknowledgementStore(await openTables(options), options.activeCampaignsTtlMs ?? ACTIVE_TTL_MS, countsWriter(options.countsWriter));
}

class AzureTableAcknowledgementStore extends TableAccess implements AcknowledgementStore {
  private readonly deliveries: AzureTableDeliveries;
  private readonly ackInserts: GroupInsert;
  private readonly people: ReturnType<typeof createAzureTablePeople>;
  private readonly refs: ReturnType<typeof createConversationRefs>;
  private active: { at: number; list: Campaign[] } | undefined;
  /** Campaigns whose first seconds' acknowledgements are settled (a flag on their row that is never taken away). */
  private readonly settledIds = new Set<string>();
  /** Whether each version's acknowledgements and reads are spread (versionPlace), as its row says. */
  private readonly spreadVersions = new Map<string, boolean>();

  constructor(t: Record<TableName, TableClient>, private readonly activeTtlMs: number, countsWriterRow: number) {
    super(t);
    this.deliveries = new AzureTableDeliveries(t, this, countsWriterRow, (policyId, versionHash) => this.ackPlace(policyId, versionHash));
    this.ackInserts = new GroupInsert(insertTargetOf(t.Acks));
    this.people = createAzureTablePeople(t, (campaignId) => this.deliveries.place(campaignId), (policyId, versionHash) => this.readPlace(policyId, versionHash));
    this.refs = createConversationRefs(t.Refs);
  }

  listCampaignPeople(campaignId: string, query: PeopleQuery): Promise<PeoplePage> { return this.people.listCampaignPeople(campaignId, query); }
  recordPolicyRead(read: PolicyReadEvent): Promise<void> { return this.people.recordPolicyRead(read); }
  getPolicyRead(policyId: string, versionHash: string, userId: string): Promise<PolicyRead | undefined> { return this.people.getPolicyRead(policyId, versionHash, userId); }

  async savePolicyVersion(v: PolicyVersion): Promise<void> {
    try {
      await this.t.Versions.createEntity({
        partitionKey: key(v.policyId), rowKey: key(v.versionHash), title: v.title,
        versionLabel: v.versionLabel ?? '', reviewDate: v.reviewDate ?? '', keyPoints: JSON.stringify(v.keyPoints),
        readUrl: v.readUrl ?? '', material: v.material, wordingHash: v.wordingHash ?? '', publishedAt: v.publishedAt,
        changes: v.changes ? JSON.stringify(v.changes) : '',
        // Its acknowledgements and reads are spread over a partition per shard (versionPlace).
        acksSpread: true,
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  }

  /** Where a version's acknowledgements live. */
  private async ackPlace(policyId: string, versionHash: string): Promise<VersionPlace> {
    return versionPlace(ackPartition(policyId, versionHash), await this.spread(policyId, versionHash));
  }

  /** Where a version's reads live. */
  private async readPlace(policyId: string, versionHash: string): Promise<VersionPlace> {
    return versionPlace(readBase(policyId, versionHash), await this.spread(policyId, versionHash));
  }

  /**
   * Whether the version's row says its acknowledgements are spread: read once, then kept. A version with no row yet is
   * not kept as unspread (its row may be written in a moment); the acknowledge use case refuses a version it cannot find.
   */
  private async spread(policyId: string, versionHash: string): Promise<boolean> {
    const known = this.spreadVersions.get(`${key(policyId)}\n${key(versionHash)}`);
    if (known !== undefined) return known;
    const e = await this.get('Versions', key(policyId), key(versionHash));
    if (!e) return false;
    this.noteLayout(e);
    return e.acksSpread === true;
  }

  /** Keeps the layout a version's row gives (read for its own sake or for the layout), so it is read once. */
  private noteLayout(e: Entity): Entity {
    const id = `${e.partitionKey}\n${e.rowKey}`;
    if (!this.spreadVersions.has(id)) {
      if (this.spreadVersions.size >= LAYOUTS_KEPT) this.spreadVersions.delete(this.spreadVersions.keys().next().value as string);
      this.spreadVersions.set(id, e.acksSpread === true);
    }
    return e;
  }

  async getPolicyVersion(policyId: string, versionHash: string): Promise<PolicyVersion | undefined> {
    const e = await this.get('Versions', key(policyId), key(versionHash));
    return e ? toPolicyVersion(this.noteLayout(e)) : undefined;
  }

  async getLatestPolicyVersion(policyId: string): Promise<PolicyVersion | undefined> {
    const all = (await this.list('Versions', odata`PartitionKey eq ${key(policyId)}`)).map((e) => toPolicyVersion(this.noteLayout(e)));
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
    // Rows come in key order, which is nearly id order (keys are percent-encoded): the sort is then a near-linear pass.
    return (await this.listAs('Staff', odata`PartitionKey eq ${'staff'}`, toStaff))
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

  // People's chats, spread over partitions by id: azureTableConversationRefs.ts.
  saveConversationReference(ref: StoredConversationReference): Promise<void> { return this.refs.save(ref); }
  getConversationReference(userId: string): Promise<StoredConversationReference | undefined> { return this.refs.get(userId); }
  withConversation(userIds: readonly string[]): Promise<Set<string>> { return this.refs.among(userIds); }
  conversationReferences(userIds: readonly string[]): Promise<Map<string, StoredConversationReference>> { return this.refs.getMany(userIds); }

  async createCampaign(c: Campaign): Promise<void> {
    try {
      this.active = undefined;
      await this.t.Campaigns.createEntity(campaignEntity(c));
    } catch (err) {
      if (statusOf(err) === 409) throw new StoreError('STORE_CONFLICT', `campaign ${c.id} already exists`);
      throw err;
    }
  }

  async updateCampaign(c: Campaign): Promise<void> {
    const existing = await this.get('Campaigns', 'campaign', key(c.id));
    if (!existing) throw new StoreError('STORE_NOT_FOUND', `campaign ${c.id} does not exist`);
    this.active = undefined;
    await this.t.Campaigns.updateEntity({
      partitionKey: 'campaign', rowKey: key(c.id), status: c.status, nextRoundAt: c.nextRoundAt ?? '',
      closedAt: c.closedAt ?? '', dueDate: c.dueDate,
    }, 'Merge');
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const e = await this.get('Campaigns', 'campaign', key(id));
    if (e) this.deliveries.noteCampaign(e);
    return e ? toCampaign(e) : undefined;
  }

  async listCampaigns(status?: Campaign['status']): Promise<Campaign[]> {
    const filter = status
      ? odata`PartitionKey eq ${'campaign'} and status eq ${status}`
      : odata`PartitionKey eq ${'campaign'}`;
    const rows = await this.list('Campaigns', filter);
    for (const e of rows) this.deliveries.noteCampaign(e);
    return rows.map(toCampaign).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  // Deliveries, their tallies and the owner's views: azureTableDeliveries.ts.
  addDeliveries(campaignId: string, recipients: readonly Recipient[], now: string): Promise<number> { return this.deliveries.addDeliveries(campaignId, recipients, now); }
  claimDeliveries(r: ClaimRequest): Promise<Delivery[]> { return this.deliveries.claimDeliveries(r); }
  completeDelivery(campaignId: string, userId: string, workerId: string, o: DeliveryOutcome, now: string): Promise<boolean> {
    return this.deliveries.completeDelivery(campaignId, userId, workerId, o, now);
  }
  deferDelivery(campaignId: string, userId: string, workerId: string, notBefore: string, reason: string, now: string): Promise<boolean> {
    return this.deliveries.deferDelivery(campaignId, userId, workerId, notBefore, reason, now);
  }
  requeueDelivery(campaignId: string, userId: string, now: string): Promise<boolean> { return this.deliveries.requeueDelivery(campaignId, userId, now); }
  getDelivery(campaignId: string, userId: string): Promise<Delivery | undefined> { return this.deliveries.getDelivery(campaignId, userId); }
  listDeliveries(campaignId: string): Promise<Delivery[]> { return this.deliveries.listDeliveries(campaignId); }
  countDeliveries(campaignId: string): Promise<DeliveryCounts> { return this.deliveries.countDeliveries(campaignId); }
  tallyDeliveries(campaignId: string): Promise<DeliveryTally[]> { return this.deliveries.tallyDeliveries(campaignId); }
  exportRecords(campaignId: string, pageSize: number): AsyncIterable<ExportRecord[]> { return this.deliveries.exportRecords(campaignId, pageSize); }
  listOutstanding(campaignId: string): Promise<string[]> { return this.deliveries.listOutstanding(campaignId); }
  listOutstandingPage(campaignId: string, after: string, limit: number): Promise<string[]> { return this.deliveries.listOutstandingPage(campaignId, after, limit); }
  markReminded(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    return this.deliveries.markReminded(campaignId, userId, now, minIntervalMs);
  }
  markRemindedMany(campaignId: string, userIds: readonly string[], now: string, minIntervalMs: number): Promise<string[]> {
    return this.deliveries.markRemindedMany(campaignId, userIds, now, minIntervalMs);
  }
  markDigested(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    return this.deliveries.markDigested(campaignId, userId, now, minIntervalMs);
  }
  async setExcused(campaignId: string, userId: string, excused: { by: string; at: string } | null): Promise<boolean> {
    const changed = await this.deliveries.setExcused(campaignId, userId, excused);
    // After the write, so a list read meanwhile is not kept as it was before it.
    this.people.forget(campaignId);
    return changed;
  }
  markOpened(campaignId: string, userId: string, at: string): Promise<boolean> { return this.deliveries.markOpened(campaignId, userId, at); }
  markLeft(campaignId: string, userIds: readonly string[], at: string, options: MarkLeftOptions = {}): Promise<number> {
    return this.deliveries.markLeft(campaignId, userIds, at, options.unlessReturnedSince);
  }
  markReturned(campaignId: string, userIds: readonly string[], at: string): Promise<number> { return this.deliveries.markReturned(campaignId, userIds, at); }

  async getRecipient(campaignId: string | undefined, userId: string, version?: { policyId: string; versionHash: string }): Promise<AcknowledgingPerson | undefined> {
    const fromDelivery = campaignId ? await this.deliveries.recipient(campaignId, userId) : undefined;
    if (fromDelivery) return fromDelivery;
    // No delivery carrying the details (an acknowledgement outside a campaign): the staff record, and the read if asked.
    const [staff, read] = await Promise.all([this.getStaff(userId), version ? this.getPolicyRead(version.policyId, version.versionHash, userId) : undefined]);
    return staff && read ? { ...staff, readAt: read.firstReadAt } : staff;
  }

  /** Active campaigns, kept a few seconds: an acknowledgement marks the person in each of its version's. */
  private async activeCampaigns(): Promise<Campaign[]> {
    if (!this.active || Date.now() - this.active.at > this.activeTtlMs) this.active = { at: Date.now(), list: await this.listCampaigns('active') };
    return this.active.list;
  }

  async appendAcknowledgement(a: Acknowledgement): Promise<AppendAcknowledgementResult> {
    const rk = `${key(a.userId)}|${key(a.campaignId ?? '')}`;
    const pk = (await this.ackPlace(a.policyId, a.versionHash)).partition(key(a.userId));
    // A burst of clicks into one partition is inserted a transaction at a time.
    const inserted = await this.ackInserts.insert({
      partitionKey: pk, rowKey: rk, policyId: a.policyId, versionHash: a.versionHash, userId: a.userId,
      upn: a.userPrincipalName, displayName: a.displayName, department: a.department ?? '', school: a.school ?? '',
      campaignId: a.campaignId ?? '', acknowledgedAt: a.acknowledgedAt, channel: a.channel, readAt: a.readAt ?? '',
    });
    if (inserted === 'created') {
      await this.markDeliveries(a);
      return { recorded: true, acknowledgement: { ...a } };
    }
    const existing = toAcknowledgement((await this.get('Acks', pk, rk))!);
    // Marked when it was recorded; marked here only if that instance stopped in between (no write when marked).
    await this.markDeliveries(existing);
    return { recorded: false, acknowledgement: existing };
  }

  /**
   * Another instance may have recorded an acknowledgement in the seconds before its list of active campaigns showed
   * this one, and so not marked it here. Once every instance's list must show the campaign (its start, the list's
   * lifetime and a margin for clocks), the acknowledgements of the version made in that window are read (a filtered
   * query of the version's partition: a few rows), each person's delivery is marked if it is not yet, and the campaign
   * row is flagged settled so later passes cost one read per instance, then nothing.
   */
  async settleAcknowledgements(campaignId: string): Promise<number> {
    if (this.settledIds.has(campaignId)) return 0;
    const e = await this.get('Campaigns', 'campaign', key(campaignId));
    const c = e ? toCampaign(e) : undefined;
    const until = c ? Date.parse(c.startedAt) + this.activeTtlMs + CLOCK_MARGIN_MS : 0;
    if (!c || until > Date.now()) return 0;
    if (e?.settled === true) {
      this.settledIds.add(campaignId);
      return 0;
    }
    const place = await this.ackPlace(c.policyId, c.versionHash);
    const made = odata`acknowledgedAt ge ${c.startedAt} and acknowledgedAt le ${new Date(until).toISOString()}`;
    const first = new Map<string, string>();
    for (const a of await this.listWhere('Acks', place.all, made, toAcknowledgement)) {
      const at = first.get(a.userId);
      if (at === undefined || a.acknowledgedAt < at) first.set(a.userId, a.acknowledgedAt);
    }
    let marked = 0;
    for (const [userId, at] of first) if (await this.deliveries.markAcknowledged(c.id, userId, at)) marked++;
    await this.t.Campaigns.updateEntity({ partitionKey: 'campaign', rowKey: key(campaignId), settled: true }, 'Merge');
    this.settledIds.add(campaignId);
    return marked;
  }

  /** Marks the person's delivery in every campaign the acknowledgement counts for: its own, and active ones of its version started before it. */
  private async markDeliveries(a: Acknowledgement): Promise<void> {
    const ids = a.campaignId ? [a.campaignId] : [];
    for (const c of await this.activeCampaigns()) {
      if (c.policyId === a.policyId && c.versionHash === a.versionHash && c.id !== a.campaignId && c.startedAt <= a.acknowledgedAt) ids.push(c.id);
    }
    await Promise.all(ids.map((id) => this.deliveries.markAcknowledged(id, a.userId, a.acknowledgedAt)));
  }

  async getAcknowledgement(policyId: string, versionHash: string, userId: string): Promise<Acknowledgement | undefined> {
    const prefix = `${key(userId)}|`;
    const pk = (await this.ackPlace(policyId, versionHash)).partition(key(userId));
    // '|' + 1 is '}': every row key of this user sorts between the two bounds.
    const mine = await this.list('Acks', odata`PartitionKey eq ${pk} and RowKey ge ${prefix} and RowKey lt ${`${key(userId)}}`}`);
    mine.sort((a, b) => String(a.acknowledgedAt).localeCompare(String(b.acknowledgedAt)));
    const last = mine[mine.length - 1];
    return last ? toAcknowledgement(last) : undefined;
  }

  async listAcknowledgements(policyId: string, versionHash: string): Promise<Acknowledgement[]> {
    return (await this.listWhere('Acks', (await this.ackPlace(policyId, versionHash)).all, '', toAcknowledgement))
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
