import {
  AcknowledgingPerson,
  AcknowledgementStore, AppendAcknowledgementResult, ClaimRequest, DeliveryCounts, DeliveryOutcome, DeliveryTally, ExportRecord, StoreError,
  emptyDeliveryCounts, MarkLeftOptions, PeoplePage, PeopleQuery, PolicyReadEvent, Recipient,
} from '../../features/acknowledgement/domain/acknowledgementStore';
import {
  Acknowledgement, AuditEntry, Campaign, Delivery, DeliveryState, PolicyRead, PolicyVersion, StaffMember,
  StoredConversationReference, UNREACHED_DELIVERY_STATES,
} from '../../features/acknowledgement/domain/acknowledgementTypes';
import * as people from './sqliteAcknowledgementPeople';
import * as versions from './sqliteAcknowledgementVersions';
import * as staff from './sqliteAcknowledgementStaff';
import * as audit from './sqliteAcknowledgementAudit';
import type { Statement } from 'better-sqlite3';
import { SqliteDatabase, migrate, openSqliteDatabase } from './sqliteDatabase';
import { ACKNOWLEDGEMENT_MIGRATIONS } from './sqliteAcknowledgementSchema';
import { Row, toAcknowledgement, toCampaign, toDelivery } from './sqliteAcknowledgementRows';
import { exportCampaignRecords } from './sqliteAcknowledgementExport';
import { SqliteReaderThread, startSqliteReaderThread } from './sqliteReaderThread';

export { ACKNOWLEDGEMENT_MIGRATIONS } from './sqliteAcknowledgementSchema';

/** Opens the SQLite acknowledgement store at a path (":memory:" for tests), applying migrations. */
export function createSqliteAcknowledgementStore(filePath: string): AcknowledgementStore {
  return new SqliteAcknowledgementStore(openSqliteDatabase(filePath), true);
}

/** Builds the SQLite acknowledgement store on an already open database (shared with other components). */
export function createSqliteAcknowledgementStoreOn(db: SqliteDatabase): AcknowledgementStore {
  return new SqliteAcknowledgementStore(db, false);
}

/** How many recipients a file's store adds in one transaction before letting the bot's other work in. */
const ADD_CHUNK = 50;

class SqliteAcknowledgementStore implements AcknowledgementStore {
  private readonly stmt: Record<string, Statement<unknown[]>>;

  private readonly cache = new Map<string, Statement<unknown[]>>();

  /** The thread owner views' long reads run on, started when first needed. */
  private reader: SqliteReaderThread | undefined;

  /** `q`, bound: what the modules beside this one take to prepare their statements. */
  private readonly prep = (sql: string): Statement<unknown[]> => this.q(sql);

  /** Prepares a statement once and reuses it: preparing costs more than running on the hot paths. */
  private q(sql: string): Statement<unknown[]> {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql) as Statement<unknown[]>;
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  constructor(private readonly db: SqliteDatabase, private readonly ownsDb: boolean) {
    migrate(db, 'acknowledgement', ACKNOWLEDGEMENT_MIGRATIONS);
    const p = (sql: string) => db.prepare(sql) as Statement<unknown[]>;
    this.stmt = {
      insertAck: p(`INSERT INTO ack_acknowledgements (policy_id, version_hash, user_id, upn, display_name, department,
        school, campaign_id, acknowledged_at, channel, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getAck: p(`SELECT * FROM ack_acknowledgements WHERE policy_id = ? AND version_hash = ? AND user_id = ?
        ORDER BY acknowledged_at DESC, seq DESC LIMIT 1`),
      getAckIn: p(`SELECT * FROM ack_acknowledgements WHERE policy_id = ? AND version_hash = ? AND user_id = ?
        AND campaign_id = ?`),
      claim: p(`UPDATE ack_deliveries SET state = 'claimed', claimed_by = @worker, lease_until = @lease,
        attempts = attempts + 1, updated_at = @now
        WHERE campaign_id = @campaign AND user_id IN (
          SELECT user_id FROM ack_deliveries WHERE campaign_id = @campaign AND (
            (state = 'pending' AND (not_before IS NULL OR not_before <= @now))
            OR (state = 'claimed' AND lease_until <= @now))
          LIMIT @limit)
        RETURNING *`),
      complete: p(`UPDATE ack_deliveries SET state = @state, reason = @reason, activity_id = @activityId,
        conversation_id = @conversationId, sent_at = CASE WHEN @state = 'sent' THEN @now ELSE sent_at END,
        claimed_by = NULL, lease_until = NULL, updated_at = @now
        WHERE campaign_id = @campaign AND user_id = @user AND state = 'claimed' AND claimed_by = @worker`),
      defer: p(`UPDATE ack_deliveries SET state = 'pending', not_before = @notBefore, reason = @reason,
        claimed_by = NULL, lease_until = NULL, updated_at = @now
        WHERE campaign_id = @campaign AND user_id = @user AND state = 'claimed' AND claimed_by = @worker`),
      // The department and school are recorded as the person joins the campaign, and an acknowledgement already made
      // (in a campaign beside this one, after it started) counts at once: the tallies stay right without a scan.
      addDelivery: p(`INSERT INTO ack_deliveries (campaign_id, user_id, state, updated_at, department, school, acknowledged_at)
        SELECT @campaign, @user, 'pending', @now, s.department, s.school,
          (SELECT MIN(a.acknowledged_at) FROM ack_acknowledgements a JOIN ack_campaigns c ON c.id = @campaign
            WHERE a.policy_id = c.policy_id AND a.version_hash = c.version_hash AND a.user_id = @user
            AND (a.campaign_id = c.id OR a.acknowledged_at >= c.started_at))
        FROM (SELECT 1) LEFT JOIN ack_staff s ON s.user_id = @user WHERE true
        ON CONFLICT (campaign_id, user_id) DO NOTHING`),
      // The same without looking for acknowledgements, when the version has none yet (a campaign's first start).
      addDeliveryNoAcks: p(`INSERT INTO ack_deliveries (campaign_id, user_id, state, updated_at, department, school)
        SELECT @campaign, @user, 'pending', @now, s.department, s.school
        FROM (SELECT 1) LEFT JOIN ack_staff s ON s.user_id = @user WHERE true
        ON CONFLICT (campaign_id, user_id) DO NOTHING`),
      remind: p(`UPDATE ack_deliveries SET last_reminded_at = @now, remind_count = remind_count + 1, updated_at = @now
        WHERE campaign_id = @campaign AND user_id = @user AND (last_reminded_at IS NULL OR last_reminded_at <= @threshold)`),
      digested: p(`UPDATE ack_deliveries SET last_digest_at = @now, updated_at = @now
        WHERE campaign_id = @campaign AND user_id = @user AND (last_digest_at IS NULL OR last_digest_at <= @threshold)`),
      excuse: p(`UPDATE ack_deliveries SET excused_at = @at, excused_by = @by, updated_at = COALESCE(@at, updated_at)
        WHERE campaign_id = @campaign AND user_id = @user`),
      opened: p(`UPDATE ack_deliveries SET opened_at = @at, updated_at = @at
        WHERE campaign_id = @campaign AND user_id = @user AND state = 'sent' AND opened_at IS NULL`),
      upsertStaff: p(`INSERT INTO ack_staff (user_id, upn, display_name, department, school, active, source, updated_at)
        VALUES (@userId, @userPrincipalName, @displayName, @department, @school, @active, @source, @updatedAt)
        ON CONFLICT (user_id) DO UPDATE SET upn = excluded.upn, display_name = excluded.display_name,
        department = excluded.department, school = excluded.school, active = excluded.active,
        source = excluded.source, updated_at = excluded.updated_at`),
    };
  }

  async savePolicyVersion(v: PolicyVersion): Promise<void> {
    versions.savePolicyVersion((sql) => this.q(sql), v);
  }

  async getPolicyVersion(policyId: string, versionHash: string): Promise<PolicyVersion | undefined> {
    return versions.getPolicyVersion((sql) => this.q(sql), policyId, versionHash);
  }

  async getLatestPolicyVersion(policyId: string): Promise<PolicyVersion | undefined> {
    return versions.getLatestPolicyVersion((sql) => this.q(sql), policyId);
  }

  async upsertStaff(members: readonly StaffMember[]): Promise<void> {
    this.db.transaction(() => {
      for (const m of members) {
        this.stmt.upsertStaff.run({
          ...m, department: m.department ?? null, school: m.school ?? null, active: m.active ? 1 : 0,
        });
      }
    })();
  }

  async getStaff(userId: string): Promise<StaffMember | undefined> { return staff.getStaff(this.prep, userId); }
  async listStaff(): Promise<StaffMember[]> { return staff.listStaff(this.prep); }

  /**
   * The staff record (SQLite joins it as the acknowledgement is written, so nothing is kept on the delivery for it), the
   * read if asked, and the campaign card sent to them (one indexed read of their delivery).
   */
  async getRecipient(campaignId: string | undefined, userId: string, version?: { policyId: string; versionHash: string }): Promise<AcknowledgingPerson | undefined> {
    const staff = await this.getStaff(userId);
    if (!staff) return undefined;
    const read = version ? people.getPolicyRead((sql) => this.q(sql), version.policyId, version.versionHash, userId) : undefined;
    const delivery = campaignId ? await this.getDelivery(campaignId, userId) : undefined;
    return {
      ...staff, ...(read ? { readAt: read.firstReadAt } : {}),
      ...(delivery?.activityId ? { card: { activityId: delivery.activityId, ...(delivery.conversationId ? { conversationId: delivery.conversationId } : {}) } } : {}),
    };
  }

  async getStaffByIds(userIds: readonly string[]): Promise<StaffMember[]> { return staff.getStaffByIds(this.prep, userIds); }
  async listStaffPage(afterUserId: string, limit: number): Promise<StaffMember[]> { return staff.listStaffPage(this.prep, afterUserId, limit); }
  async getSyncState(key: string): Promise<string | undefined> { return staff.getSyncState(this.prep, key); }
  async setSyncState(key: string, value: string): Promise<void> { staff.setSyncState(this.prep, key, value); }
  async saveConversationReference(ref: StoredConversationReference): Promise<void> { staff.saveConversationReference(this.prep, ref); }
  async getConversationReference(userId: string): Promise<StoredConversationReference | undefined> { return staff.getConversationReference(this.prep, userId); }
  async conversationReferences(userIds: readonly string[]): Promise<Map<string, StoredConversationReference>> {
    return staff.conversationReferences(this.prep, userIds);
  }
  async withConversation(userIds: readonly string[]): Promise<Set<string>> {
    // 2,000 ids at a time with a turn of the event loop between: 50,000 in one go held everyone's messages up.
    const found = new Set<string>();
    for (let i = 0; i < userIds.length; i += 2_000) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const id of staff.withConversation(this.prep, userIds.slice(i, i + 2_000))) found.add(id);
    }
    return found;
  }

  async createCampaign(c: Campaign): Promise<void> {
    try {
      this.q(`INSERT INTO ack_campaigns (id, policy_id, version_hash, audience, due_date, started_at,
        started_by, round, series_id, status, next_round_at, closed_at, key_points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(c.id, c.policyId, c.versionHash, JSON.stringify(c.audience), c.dueDate, c.startedAt, c.startedBy,
          c.round, c.seriesId, c.status, c.nextRoundAt ?? null, c.closedAt ?? null, c.keyPoints ? JSON.stringify(c.keyPoints) : null);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new StoreError('STORE_CONFLICT', `campaign ${c.id} already exists`);
      }
      throw err;
    }
  }

  async updateCampaign(c: Campaign): Promise<void> {
    const info = this.q(`UPDATE ack_campaigns SET status = ?, next_round_at = ?, closed_at = ?, due_date = ?
      WHERE id = ?`).run(c.status, c.nextRoundAt ?? null, c.closedAt ?? null, c.dueDate, c.id);
    if (info.changes === 0) throw new StoreError('STORE_NOT_FOUND', `campaign ${c.id} does not exist`);
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const row = this.q('SELECT * FROM ack_campaigns WHERE id = ?').get(id) as Row | undefined;
    return row ? toCampaign(row) : undefined;
  }

  async listCampaigns(status?: Campaign['status']): Promise<Campaign[]> {
    const rows = (status
      ? this.q('SELECT * FROM ack_campaigns WHERE status = ? ORDER BY started_at DESC, rowid DESC').all(status)
      : this.q('SELECT * FROM ack_campaigns ORDER BY started_at DESC, rowid DESC').all()) as Row[];
    return rows.map(toCampaign);
  }

  /** Nothing to settle: an acknowledgement marks every active campaign of its version in the transaction that records it. */
  async settleAcknowledgements(): Promise<number> {
    return 0;
  }

  async addDeliveries(campaignId: string, recipients: readonly Recipient[], now: string): Promise<number> {
    if (this.db.memory || recipients.length <= ADD_CHUNK) return this.addDeliveriesNow(campaignId, recipients, now);
    // In a file, a few dozen at a time with a turn of the event loop between (addDeliveriesNow).
    let added = 0;
    for (let i = 0; i < recipients.length; i += ADD_CHUNK) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      added += this.addDeliveriesNow(campaignId, recipients.slice(i, i + ADD_CHUNK), now);
    }
    return added;
  }

  /**
   * Adds recipients in one transaction. On the bot's thread, where the recipients job runs: each new recipient moves its
   * campaign's tallies, and 250 in one transaction took 25-48 ms on a loaded 2-core machine, a teacher's question waiting
   * behind it (and the rest of the job's slice) at a roll-out's start. Adding twice changes nothing (ON CONFLICT DO
   * NOTHING), so a batch cut short by a restart is simply added again by the job.
   */
  private addDeliveriesNow(campaignId: string, recipients: readonly Recipient[], now: string): number {
    return this.db.transaction(() => {
      let added = 0;
      const anyAck = this.q(`SELECT 1 FROM ack_campaigns c JOIN ack_acknowledgements a ON a.policy_id = c.policy_id
        AND a.version_hash = c.version_hash WHERE c.id = ? LIMIT 1`).get(campaignId);
      const add = anyAck ? this.stmt.addDelivery : this.stmt.addDeliveryNoAcks;
      // The details are joined from the staff list when counted, so only the id is kept here.
      for (const r of recipients) added += add.run({ campaign: campaignId, user: typeof r === 'string' ? r : r.userId, now }).changes;
      return added;
    })();
  }

  async claimDeliveries(r: ClaimRequest): Promise<Delivery[]> {
    if (r.limit <= 0) return [];
    const lease = new Date(Date.parse(r.now) + r.leaseMs).toISOString();
    const rows = this.stmt.claim.all({ worker: r.workerId, lease, now: r.now, campaign: r.campaignId, limit: r.limit }) as Row[];
    return rows.map(toDelivery);
  }

  async completeDelivery(campaignId: string, userId: string, workerId: string, o: DeliveryOutcome, now: string): Promise<boolean> {
    const info = this.stmt.complete.run({
      state: o.state, reason: o.reason ?? null, activityId: o.activityId ?? null,
      conversationId: o.conversationId ?? null, now, campaign: campaignId, user: userId, worker: workerId,
    });
    return info.changes > 0;
  }

  async deferDelivery(campaignId: string, userId: string, workerId: string, notBefore: string, reason: string, now: string): Promise<boolean> {
    const info = this.stmt.defer.run({ notBefore, reason, now, campaign: campaignId, user: userId, worker: workerId });
    return info.changes > 0;
  }

  async requeueDelivery(campaignId: string, userId: string, now: string): Promise<boolean> {
    return this.q(`UPDATE ack_deliveries SET state = 'pending', not_before = NULL, updated_at = ?
      WHERE campaign_id = ? AND user_id = ? AND state IN (${UNREACHED_DELIVERY_STATES.map((st) => `'${st}'`).join(', ')})`)
      .run(now, campaignId, userId).changes > 0;
  }

  async getDelivery(campaignId: string, userId: string): Promise<Delivery | undefined> {
    const row = this.q('SELECT * FROM ack_deliveries WHERE campaign_id = ? AND user_id = ?')
      .get(campaignId, userId) as Row | undefined;
    return row ? toDelivery(row) : undefined;
  }

  async listDeliveries(campaignId: string): Promise<Delivery[]> {
    return (this.q('SELECT * FROM ack_deliveries WHERE campaign_id = ? ORDER BY user_id').all(campaignId) as Row[])
      .map(toDelivery);
  }

  async countDeliveries(campaignId: string): Promise<DeliveryCounts> {
    const counts = emptyDeliveryCounts();
    const rows = this.q('SELECT state, COUNT(*) AS n FROM ack_deliveries WHERE campaign_id = ? GROUP BY state')
      .all(campaignId) as { state: DeliveryState; n: number }[];
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  async tallyDeliveries(campaignId: string): Promise<DeliveryTally[]> {
    const rows = this.q(`SELECT department, school, state, acknowledged, excused, opened, n FROM ack_delivery_tallies
      WHERE campaign_id = ? AND n > 0`).all(campaignId) as Row[];
    return rows.map((r) => ({
      ...(r.department ? { department: String(r.department) } : {}), ...(r.school ? { school: String(r.school) } : {}),
      state: r.state as DeliveryState, acknowledged: r.acknowledged === 1, excused: r.excused === 1, opened: r.opened === 1,
      count: Number(r.n),
    }));
  }

  async *exportRecords(campaignId: string, pageSize: number): AsyncIterable<ExportRecord[]> {
    const campaign = await this.getCampaign(campaignId);
    if (campaign) yield* exportCampaignRecords((sql) => this.q(sql), campaign, pageSize);
  }

  async listOutstanding(campaignId: string): Promise<string[]> {
    return (this.q(`SELECT user_id FROM ack_deliveries WHERE campaign_id = ? AND state = 'sent' AND acknowledged_at IS NULL
      AND excused_at IS NULL ORDER BY user_id`).pluck().all(campaignId) as unknown[]).map(String);
  }

  async listOutstandingPage(campaignId: string, afterUserId: string, limit: number): Promise<string[]> {
    return (this.q(`SELECT user_id FROM ack_deliveries WHERE campaign_id = ? AND user_id > ? AND state = 'sent'
      AND acknowledged_at IS NULL AND excused_at IS NULL ORDER BY user_id LIMIT ?`).pluck().all(campaignId, afterUserId, limit) as unknown[]).map(String);
  }

  async markReminded(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
    return this.stmt.remind.run({ now, threshold, campaign: campaignId, user: userId }).changes > 0;
  }

  async markRemindedMany(campaignId: string, userIds: readonly string[], now: string, minIntervalMs: number): Promise<string[]> {
    const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
    return this.db.transaction(() => userIds.filter((user) => this.stmt.remind.run({ now, threshold, campaign: campaignId, user }).changes > 0))();
  }

  async markOpened(campaignId: string, userId: string, at: string): Promise<boolean> {
    return this.stmt.opened.run({ at, campaign: campaignId, user: userId }).changes > 0;
  }

  async markDigested(campaignId: string, userId: string, now: string, minIntervalMs: number): Promise<boolean> {
    const threshold = new Date(Date.parse(now) - minIntervalMs).toISOString();
    return this.stmt.digested.run({ now, threshold, campaign: campaignId, user: userId }).changes > 0;
  }

  async setExcused(campaignId: string, userId: string, excused: { by: string; at: string } | null): Promise<boolean> {
    return this.stmt.excuse.run({ at: excused?.at ?? null, by: excused?.by ?? null, campaign: campaignId, user: userId }).changes > 0;
  }

  async appendAcknowledgement(a: Acknowledgement): Promise<AppendAcknowledgementResult> {
    // The first acknowledgement stands: a second click finds it and records nothing (the table refuses a
    // colliding insert outright, so the check comes first; better-sqlite3 runs both without interleaving).
    const existing = this.stmt.getAckIn.get(a.policyId, a.versionHash, a.userId, a.campaignId ?? '') as Row | undefined;
    if (existing) return { recorded: false, acknowledgement: toAcknowledgement(existing) };
    this.stmt.insertAck.run(a.policyId, a.versionHash, a.userId, a.userPrincipalName, a.displayName,
      a.department ?? null, a.school ?? null, a.campaignId ?? '', a.acknowledgedAt, a.channel, a.readAt ?? null);
    return { recorded: true, acknowledgement: { ...a } };
  }

  async getAcknowledgement(policyId: string, versionHash: string, userId: string): Promise<Acknowledgement | undefined> {
    const row = this.stmt.getAck.get(policyId, versionHash, userId) as Row | undefined;
    return row ? toAcknowledgement(row) : undefined;
  }

  async listAcknowledgements(policyId: string, versionHash: string): Promise<Acknowledgement[]> {
    return (this.q('SELECT * FROM ack_acknowledgements WHERE policy_id = ? AND version_hash = ? ORDER BY acknowledged_at, seq')
      .all(policyId, versionHash) as Row[]).map(toAcknowledgement);
  }

  async listCampaignPeople(campaignId: string, query: PeopleQuery): Promise<PeoplePage> {
    // A file's owner views are read on a thread of their own (sqliteReaderThread.ts); an in-memory database has only this connection.
    if (this.db.memory) return people.listCampaignPeople((sql) => this.q(sql), campaignId, query);
    this.reader ??= startSqliteReaderThread(this.db.name);
    return this.reader.listCampaignPeople(campaignId, query);
  }
  async markLeft(campaignId: string, userIds: readonly string[], at: string, options: MarkLeftOptions = {}): Promise<number> {
    return people.markLeft((sql) => this.q(sql), campaignId, userIds, at, options.unlessReturnedSince);
  }
  async markReturned(campaignId: string, userIds: readonly string[], at: string): Promise<number> { return people.markReturned((sql) => this.q(sql), campaignId, userIds, at); }
  async recordPolicyRead(read: PolicyReadEvent): Promise<void> {
    people.recordPolicyRead((sql) => this.q(sql), read);
  }
  async getPolicyRead(policyId: string, versionHash: string, userId: string): Promise<PolicyRead | undefined> {
    return people.getPolicyRead((sql) => this.q(sql), policyId, versionHash, userId);
  }

  async appendAudit(e: AuditEntry): Promise<void> { audit.appendAudit(this.prep, e); }
  async listAudit(subject?: string, limit = 1000): Promise<AuditEntry[]> { return audit.listAudit(this.prep, subject, limit); }
  async heartbeat(workerId: string, now: string, ttlMs: number): Promise<number> { return audit.heartbeat(this.db, this.prep, workerId, now, ttlMs); }
  async removeWorker(workerId: string): Promise<void> { audit.removeWorker(this.prep, workerId); }

  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.close();
    if (this.ownsDb && this.db.open) this.db.close();
  }
}
