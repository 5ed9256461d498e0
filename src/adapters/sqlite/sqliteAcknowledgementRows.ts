import {
  Acknowledgement, Campaign, Delivery, DeliveryState, PolicyVersion, StaffMember,
} from '../../features/acknowledgement/domain/acknowledgementTypes';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** A policy version from its row. */
export function toPolicyVersion(r: Row): PolicyVersion {
  return {
    policyId: String(r.policy_id), versionHash: String(r.version_hash), title: String(r.title),
    ...(r.version_label != null ? { versionLabel: String(r.version_label) } : {}),
    ...(r.review_date != null ? { reviewDate: String(r.review_date) } : {}),
    keyPoints: JSON.parse(String(r.key_points)) as string[],
    ...(r.read_url != null ? { readUrl: String(r.read_url) } : {}),
    material: r.material === 1, ...(r.wording_hash != null ? { wordingHash: String(r.wording_hash) } : {}),
    publishedAt: String(r.published_at),
    ...(r.changes != null ? { changes: JSON.parse(String(r.changes)) as PolicyVersion['changes'] } : {}),
  };
}

/** A member of staff from their row. */
export function toStaff(r: Row): StaffMember {
  return {
    userId: String(r.user_id), userPrincipalName: String(r.upn), displayName: String(r.display_name),
    ...(r.department != null ? { department: String(r.department) } : {}),
    ...(r.school != null ? { school: String(r.school) } : {}),
    active: r.active === 1, source: r.source as StaffMember['source'], updatedAt: String(r.updated_at),
  };
}

/** A campaign from its row. */
export function toCampaign(r: Row): Campaign {
  return {
    id: String(r.id), policyId: String(r.policy_id), versionHash: String(r.version_hash),
    audience: JSON.parse(String(r.audience)) as Campaign['audience'], dueDate: String(r.due_date),
    startedAt: String(r.started_at), startedBy: String(r.started_by), round: Number(r.round),
    seriesId: String(r.series_id), status: r.status as Campaign['status'],
    ...(r.next_round_at != null ? { nextRoundAt: String(r.next_round_at) } : {}),
    ...(r.closed_at != null ? { closedAt: String(r.closed_at) } : {}),
    ...(r.key_points != null ? { keyPoints: JSON.parse(String(r.key_points)) as string[] } : {}),
  };
}

/** A delivery from its row. */
export function toDelivery(r: Row): Delivery {
  const opt = (key: string, col: string) => (r[col] != null ? { [key]: String(r[col]) } : {});
  return {
    campaignId: String(r.campaign_id), userId: String(r.user_id), state: r.state as DeliveryState,
    attempts: Number(r.attempts), remindCount: Number(r.remind_count), updatedAt: String(r.updated_at),
    ...opt('claimedBy', 'claimed_by'), ...opt('leaseUntil', 'lease_until'), ...opt('notBefore', 'not_before'),
    ...opt('reason', 'reason'), ...opt('sentAt', 'sent_at'), ...opt('activityId', 'activity_id'),
    ...opt('conversationId', 'conversation_id'), ...opt('lastRemindedAt', 'last_reminded_at'), ...opt('openedAt', 'opened_at'),
    ...opt('lastDigestAt', 'last_digest_at'), ...opt('excusedAt', 'excused_at'), ...opt('excusedBy', 'excused_by'),
    ...opt('acknowledgedAt', 'acknowledged_at'),
  };
}

/** An acknowledgement from its row. */
export function toAcknowledgement(r: Row): Acknowledgement {
  return {
    policyId: String(r.policy_id), versionHash: String(r.version_hash), userId: String(r.user_id),
    userPrincipalName: String(r.upn), displayName: String(r.display_name),
    ...(r.department != null ? { department: String(r.department) } : {}),
    ...(r.school != null ? { school: String(r.school) } : {}),
    ...(r.campaign_id ? { campaignId: String(r.campaign_id) } : {}),
    acknowledgedAt: String(r.acknowledged_at), channel: r.channel as Acknowledgement['channel'],
    ...(r.read_at != null ? { readAt: String(r.read_at) } : {}),
  };
}
