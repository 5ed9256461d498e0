import { AcknowledgementStore, StoreError } from '../../features/acknowledgement/domain/acknowledgementStore';
import { SqliteDatabase } from '../sqlite/sqliteDatabase';
import { CopyConflictError, CopyCount, inParallel, result } from './copyHelpers';

/** The acknowledgement records, copied through the store's port (its layout belongs to the acknowledgement adapters). */

/** Policy versions, staff, sync state, conversation references, campaigns, deliveries, acknowledgements, audit. */
export async function copyAcknowledgementRecords(
  db: SqliteDatabase, from: AcknowledgementStore, to: AcknowledgementStore, done: (c: CopyCount) => void,
): Promise<void> {
  // Policy versions: saving one already there changes nothing.
  const versionKeys = db.prepare('SELECT policy_id, version_hash FROM ack_policy_versions').all() as { policy_id: string; version_hash: string }[];
  let vThere = 0;
  for (const k of versionKeys) {
    if (await to.getPolicyVersion(k.policy_id, k.version_hash)) { vThere++; continue; }
    await to.savePolicyVersion((await from.getPolicyVersion(k.policy_id, k.version_hash))!);
  }
  let vAzure = 0;
  for (const k of versionKeys) if (await to.getPolicyVersion(k.policy_id, k.version_hash)) vAzure++;
  done(result('policy versions', versionKeys.length, { copied: versionKeys.length - vThere, alreadyThere: vThere }, vAzure));

  // The staff list is the directory's copy, replaced on every sync: the newer of the two wins.
  const staff = await from.listStaff();
  const azureStaff = new Map((await to.listStaff()).map((s) => [s.userId, s]));
  const newer = staff.filter((s) => !azureStaff.has(s.userId) || azureStaff.get(s.userId)!.updatedAt < s.updatedAt);
  for (let i = 0; i < newer.length; i += 1000) await to.upsertStaff(newer.slice(i, i + 1000));
  const staffAfter = new Set((await to.listStaff()).map((s) => s.userId));
  done(result('staff', staff.length, { copied: newer.length, alreadyThere: staff.length - newer.length }, staff.filter((s) => staffAfter.has(s.userId)).length));

  const syncKeys = db.prepare('SELECT key, value FROM ack_sync_state').all() as { key: string; value: string }[];
  let sThere = 0;
  for (const s of syncKeys) {
    if ((await to.getSyncState(s.key)) === s.value) { sThere++; continue; }
    await to.setSyncState(s.key, s.value);
  }
  let sAzure = 0;
  for (const s of syncKeys) if ((await to.getSyncState(s.key)) === s.value) sAzure++;
  done(result('sync state values', syncKeys.length, { copied: syncKeys.length - sThere, alreadyThere: sThere }, sAzure));

  const refUsers = (db.prepare('SELECT user_id FROM ack_conversation_refs').all() as { user_id: string }[]).map((r) => r.user_id);
  let rThere = 0;
  for (const u of refUsers) {
    const mine = (await from.getConversationReference(u))!;
    const theirs = await to.getConversationReference(u);
    if (theirs && theirs.updatedAt >= mine.updatedAt) { rThere++; continue; }
    await to.saveConversationReference(mine);
  }
  let rAzure = 0;
  for (const u of refUsers) if (await to.getConversationReference(u)) rAzure++;
  done(result('conversation references', refUsers.length, { copied: refUsers.length - rThere, alreadyThere: rThere }, rAzure));

  const campaigns = await from.listCampaigns();
  let cThere = 0;
  for (const c of campaigns) {
    try {
      await to.createCampaign(c);
    } catch (err) {
      if (!(err instanceof StoreError) || err.code !== 'STORE_CONFLICT') throw err;
      const theirs = await to.getCampaign(c.id);
      if (theirs?.policyId !== c.policyId || theirs.versionHash !== c.versionHash) throw new CopyConflictError(`campaign (${c.id})`);
      cThere++;
    }
  }
  let cAzure = 0;
  for (const c of campaigns) if (await to.getCampaign(c.id)) cAzure++;
  done(result('campaigns', campaigns.length, { copied: campaigns.length - cThere, alreadyThere: cThere }, cAzure));

  await copyDeliveries(campaigns.map((c) => c.id), from, to, done);

  // Acknowledgements are keyed by (policy, version, person, campaign): the first one stays, so a second run adds none.
  let acks = 0;
  let aCopied = 0;
  let aAzure = 0;
  for (const k of versionKeys) {
    const mine = await from.listAcknowledgements(k.policy_id, k.version_hash);
    acks += mine.length;
    const keyOf = (a: { userId: string; campaignId?: string }) => `${a.userId}\u0000${a.campaignId ?? ''}`;
    const before = new Set((await to.listAcknowledgements(k.policy_id, k.version_hash)).map(keyOf));
    await inParallel(mine.filter((a) => !before.has(keyOf(a))), 16, async (a) => { if ((await to.appendAcknowledgement(a)).recorded) aCopied++; });
    const theirs = new Set((await to.listAcknowledgements(k.policy_id, k.version_hash)).map(keyOf));
    aAzure += mine.filter((a) => theirs.has(keyOf(a))).length;
  }
  const orphanAcks = (db.prepare(`SELECT COUNT(*) AS n FROM ack_acknowledgements a WHERE NOT EXISTS (SELECT 1 FROM ack_policy_versions v
    WHERE v.policy_id = a.policy_id AND v.version_hash = a.version_hash)`).get() as { n: number }).n;
  done({ ...result('acknowledgements', acks + orphanAcks, { copied: aCopied, alreadyThere: acks - aCopied }, aAzure) });

  await copyPolicyReads(db, to, done);

  // The audit trail has no key of its own: a line is copied as many times as SQLite has it more than Azure does.
  const total = (db.prepare('SELECT COUNT(*) AS n FROM ack_audit').get() as { n: number }).n;
  const mine = await from.listAudit(undefined, total);
  const theirs = new Map<string, number>();
  for (const e of await to.listAudit(undefined, Number.MAX_SAFE_INTEGER)) theirs.set(JSON.stringify(e), (theirs.get(JSON.stringify(e)) ?? 0) + 1);
  let auditCopied = 0;
  let auditThere = 0;
  for (const e of mine) {
    const k = JSON.stringify(e);
    const left = theirs.get(k) ?? 0;
    if (left > 0) { theirs.set(k, left - 1); auditThere++; continue; }
    await to.appendAudit(e);
    auditCopied++;
  }
  const after = new Map<string, number>();
  for (const e of await to.listAudit(undefined, Number.MAX_SAFE_INTEGER)) after.set(JSON.stringify(e), (after.get(JSON.stringify(e)) ?? 0) + 1);
  let found = 0;
  for (const e of mine) {
    const k = JSON.stringify(e);
    const left = after.get(k) ?? 0;
    if (left > 0) { after.set(k, left - 1); found++; }
  }
  done(result('acknowledgement audit lines', total, { copied: auditCopied, alreadyThere: auditThere }, found));
}

/**
 * What each person read of each version, replayed through the port in time order: the first page, the document as
 * published, and the last page, so the first and last read times and the document's time are as SQLite had them
 * (the count of pages turned is not carried over). A read Azure already has is left alone.
 */
async function copyPolicyReads(db: SqliteDatabase, to: AcknowledgementStore, done: (c: CopyCount) => void): Promise<void> {
  const reads = db.prepare('SELECT * FROM ack_policy_reads ORDER BY first_read_at').all() as {
    policy_id: string; version_hash: string; user_id: string; first_read_at: string; last_read_at: string; pages: number; document_at: string | null;
  }[];
  let there = 0;
  await inParallel(reads, 16, async (r) => {
    const key = { policyId: r.policy_id, versionHash: r.version_hash, userId: r.user_id };
    if (await to.getPolicyRead(r.policy_id, r.version_hash, r.user_id)) { there++; return; }
    const steps: { at: string; document?: boolean }[] = [];
    if (r.pages > 0) steps.push({ at: r.first_read_at });
    if (r.document_at) steps.push({ at: r.document_at, document: true });
    if (r.pages > 1 && r.last_read_at !== r.first_read_at) steps.push({ at: r.last_read_at });
    steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const s of steps) await to.recordPolicyRead({ ...key, ...s });
  });
  let found = 0;
  for (const r of reads) if (await to.getPolicyRead(r.policy_id, r.version_hash, r.user_id)) found++;
  done(result('policy reads (who opened which version)', reads.length, { copied: reads.length - there, alreadyThere: there }, found));
}

/** The worker id the copy claims deliveries under, to give them their recorded outcome. */
const COPY_WORKER = 'sqlite-copy';
const FINAL_STATES = new Set(['sent', 'blocked', 'installFailed', 'failed']);

/**
 * Deliveries have no "put this record" in the port: each is added, then given its outcome the way a sender would
 * (claimed, then completed), and its read, excused, reminded and digest marks are replayed. A delivery SQLite held in
 * flight (claimed) is left pending, to be sent again. Attempts are not carried over.
 */
async function copyDeliveries(campaignIds: string[], from: AcknowledgementStore, to: AcknowledgementStore, done: (c: CopyCount) => void): Promise<void> {
  let total = 0;
  let added = 0;
  let matching = 0;
  for (const campaignId of campaignIds) {
    const mine = await from.listDeliveries(campaignId);
    total += mine.length;
    if (mine.length === 0) continue;
    const now = new Date().toISOString();
    added += await to.addDeliveries(campaignId, mine.map((d) => d.userId), mine.reduce((a, d) => (d.updatedAt < a ? d.updatedAt : a), now));
    // People who had left the staff list stay out of the campaign there, before any claim could pick them up.
    const left = mine.filter((d) => d.state === 'left');
    for (const d of left) await to.markLeft(campaignId, [d.userId], d.updatedAt);
    const theirs = new Map((await to.listDeliveries(campaignId)).map((d) => [d.userId, d]));
    const byUser = new Map(mine.map((d) => [d.userId, d]));
    const toFinish = mine.filter((d) => FINAL_STATES.has(d.state) && theirs.get(d.userId)?.state === 'pending');
    if (toFinish.length > 0) {
      const finishing = new Set(toFinish.map((d) => d.userId));
      // Claiming takes any due pending delivery; those SQLite still had pending go straight back, as they were.
      for (;;) {
        const claimed = await to.claimDeliveries({ campaignId, workerId: COPY_WORKER, limit: 500, leaseMs: 10 * 60_000, now });
        if (claimed.length === 0) break;
        await inParallel(claimed, 16, async (c) => {
          const d = byUser.get(c.userId);
          if (d && finishing.has(c.userId)) {
            await to.completeDelivery(campaignId, c.userId, COPY_WORKER, {
              state: d.state as 'sent' | 'blocked' | 'installFailed' | 'failed', reason: d.reason, activityId: d.activityId, conversationId: d.conversationId,
            }, d.sentAt ?? d.updatedAt);
            finishing.delete(c.userId);
          } else {
            await to.deferDelivery(campaignId, c.userId, COPY_WORKER, d?.notBefore ?? now, d?.reason ?? 'copied from SQLite', now);
          }
        });
        if (finishing.size === 0) break;
      }
    }
    await inParallel(mine, 16, async (d) => {
      const t = theirs.get(d.userId);
      if (d.openedAt && !t?.openedAt) await to.markOpened(campaignId, d.userId, d.openedAt);
      if (d.excusedAt && !t?.excusedAt) await to.setExcused(campaignId, d.userId, { by: d.excusedBy ?? 'unknown', at: d.excusedAt });
      if (d.lastRemindedAt && !t?.lastRemindedAt) await to.markReminded(campaignId, d.userId, d.lastRemindedAt, 0);
      if (d.lastDigestAt && !t?.lastDigestAt) await to.markDigested(campaignId, d.userId, d.lastDigestAt, 0);
    });
    const after = new Map((await to.listDeliveries(campaignId)).map((d) => [d.userId, d]));
    for (const d of mine) {
      const t = after.get(d.userId);
      const wanted = d.state === 'claimed' ? 'pending' : d.state;
      if (t && t.state === wanted && Boolean(t.openedAt) === Boolean(d.openedAt) && Boolean(t.excusedAt) === Boolean(d.excusedAt)) matching++;
    }
  }
  done(result('campaign deliveries', total, { copied: added, alreadyThere: total - added }, matching));
}
