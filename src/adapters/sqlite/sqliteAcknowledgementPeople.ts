import type { Statement } from 'better-sqlite3';
import { CampaignPerson, PeoplePage, PeopleQuery } from '../../features/acknowledgement/domain/acknowledgementStore';
import { DeliveryState, PolicyRead, UNREACHED_DELIVERY_STATES } from '../../features/acknowledgement/domain/acknowledgementTypes';

type Prepare = (sql: string) => Statement<unknown[]>;
type Row = Record<string, unknown>;

const UNREACHED = UNREACHED_DELIVERY_STATES.map((s) => `'${s}'`).join(', ');
/** People who have left the staff list are in no list. */
const LISTS: Record<PeopleQuery['list'], string> = {
  outstanding: 'd.acknowledged_at IS NULL AND d.excused_at IS NULL AND d.state <> \'left\'',
  unreached: `d.acknowledged_at IS NULL AND d.excused_at IS NULL AND d.state IN (${UNREACHED})`,
  excused: 'd.acknowledged_at IS NULL AND d.excused_at IS NOT NULL AND d.state <> \'left\'',
};

/** LIKE with the person's text taken literally: % and _ are theirs, not wildcards. */
const likeText = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A page of a campaign's people, by department then name (the department as recorded when they were added, else the
 * staff list's), with the list's department counts. Names come from the staff list; someone no longer in it shows by id.
 */
export function listCampaignPeople(q: Prepare, campaignId: string, query: PeopleQuery): PeoplePage {
  const where = LISTS[query.list];
  const dept = 'COALESCE(d.department, s.department, \'\')';
  const name = 'COALESCE(s.display_name, d.user_id)';
  const filters = `d.campaign_id = @campaign AND ${where}
    AND (@department IS NULL OR ${dept} = @department)
    AND (@name IS NULL OR ${name} LIKE @name ESCAPE '\\' OR COALESCE(s.upn, '') LIKE @name ESCAPE '\\')`;
  const params = {
    campaign: campaignId, department: query.department ?? null,
    name: query.name && query.name.trim() !== '' ? likeText(query.name.trim()) : null,
    limit: Math.max(1, Math.min(200, query.limit)), offset: Math.max(0, query.offset),
  };
  const from = 'FROM ack_deliveries d LEFT JOIN ack_staff s ON s.user_id = d.user_id';
  const rows = q(`SELECT d.user_id, ${name} AS name, s.upn, ${dept} AS department, d.state, d.reason, d.opened_at, d.excused_at, d.excused_by
    ${from} WHERE ${filters} ORDER BY department COLLATE NOCASE, name COLLATE NOCASE, d.user_id LIMIT @limit OFFSET @offset`).all(params) as Row[];
  const total = Number((q(`SELECT COUNT(*) AS n ${from} WHERE ${filters}`).get(params) as Row).n);
  const departments = (q(`SELECT ${dept} AS name, COUNT(*) AS n ${from} WHERE d.campaign_id = ? AND ${where}
    GROUP BY 1 ORDER BY n DESC, name COLLATE NOCASE`).all(campaignId) as Row[]).map((r) => ({ name: String(r.name), count: Number(r.n) }));
  const people = rows.map((r): CampaignPerson => ({
    userId: String(r.user_id), displayName: String(r.name), state: r.state as DeliveryState,
    ...(r.upn != null ? { userPrincipalName: String(r.upn) } : {}),
    ...(r.department ? { department: String(r.department) } : {}),
    ...(r.reason != null && r.reason !== '' ? { reason: String(r.reason) } : {}),
    ...(r.opened_at != null ? { openedAt: String(r.opened_at) } : {}),
    ...(r.excused_at != null ? { excusedAt: String(r.excused_at) } : {}),
    ...(r.excused_by != null ? { excusedBy: String(r.excused_by) } : {}),
  }));
  return { total, people, departments };
}

/**
 * Marks these people's deliveries in the campaign `left` (the tally triggers move their counts); how many it marked.
 * With `unlessReturnedSince`, a delivery put back at or after then (reason 'returned') is left as it is, in the same
 * statement, so a return committed between a stale read and this write is never undone.
 */
export function markLeft(q: Prepare, campaignId: string, userIds: readonly string[], at: string, unlessReturnedSince?: string): number {
  if (userIds.length === 0) return 0;
  return q(`UPDATE ack_deliveries SET state = 'left', claimed_by = NULL, lease_until = NULL, updated_at = ?
    WHERE campaign_id = ? AND state <> 'left' AND user_id IN (SELECT value FROM json_each(?))
      AND NOT (? IS NOT NULL AND reason IS 'returned' AND updated_at >= ?)`)
    .run(at, campaignId, JSON.stringify(userIds), unlessReturnedSince ?? null, unlessReturnedSince ?? null).changes;
}

/** Puts these people's `left` deliveries back to pending, due at once; how many it put back. */
export function markReturned(q: Prepare, campaignId: string, userIds: readonly string[], at: string): number {
  if (userIds.length === 0) return 0;
  return q(`UPDATE ack_deliveries SET state = 'pending', not_before = NULL, reason = 'returned', updated_at = ?
    WHERE campaign_id = ? AND state = 'left' AND user_id IN (SELECT value FROM json_each(?))`).run(at, campaignId, JSON.stringify(userIds)).changes;
}

/** Records a read: the first time kept, the last moved on, pages counted, the document's first opening kept. */
export function recordPolicyRead(q: Prepare, r: { policyId: string; versionHash: string; userId: string; at: string; document?: boolean }): void {
  q(`INSERT INTO ack_policy_reads (policy_id, version_hash, user_id, first_read_at, last_read_at, pages, document_at)
    VALUES (@policy, @hash, @user, @at, @at, @pages, @doc)
    ON CONFLICT (policy_id, version_hash, user_id) DO UPDATE SET last_read_at = excluded.last_read_at,
      pages = pages + excluded.pages, document_at = COALESCE(document_at, excluded.document_at)`)
    .run({ policy: r.policyId, hash: r.versionHash, user: r.userId, at: r.at, pages: r.document ? 0 : 1, doc: r.document ? r.at : null });
}

/** A person's reading of a version. */
export function getPolicyRead(q: Prepare, policyId: string, versionHash: string, userId: string): PolicyRead | undefined {
  const r = q('SELECT * FROM ack_policy_reads WHERE policy_id = ? AND version_hash = ? AND user_id = ?').get(policyId, versionHash, userId) as Row | undefined;
  if (!r) return undefined;
  return {
    policyId, versionHash, userId, firstReadAt: String(r.first_read_at), lastReadAt: String(r.last_read_at), pages: Number(r.pages),
    ...(r.document_at != null ? { documentAt: String(r.document_at) } : {}),
  };
}
