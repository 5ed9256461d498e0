import { TableEntityResult, odata } from '@azure/data-tables';
import { randomInt } from 'node:crypto';
import {
  Acknowledgement, AuditEntry, Campaign, Delivery, DeliveryState, PolicyVersion, StaffMember,
} from '../../features/acknowledgement/domain/acknowledgementTypes';

/** How acknowledgement data is laid out in Azure Tables: keys, and entities to and from the domain's records. */

/** Deliveries are spread over this many shards (partitions, in a campaign started by this version: deliveryPlace), so concurrent senders rarely contend for the same rows. */
export const DELIVERY_SHARDS = 16;

/** An entity as read back, with its keys. */
export type Entity = TableEntityResult<Record<string, unknown>> & { partitionKey: string; rowKey: string };

/** Table keys may not hold '/', '\\', '#', '?': ids are percent-encoded. */
export const key = (s: string): string => encodeURIComponent(s);
export const unkey = (s: string): string => decodeURIComponent(s);
export const opt = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function ackPartition(policyId: string, versionHash: string): string {
  return `${key(policyId)}|${key(versionHash)}`;
}

/**
 * Where a version's acknowledgements (or its reads) live. A version saved by this release spreads them over one
 * partition per shard, `<policy>|<version>|00` to `|15` (reads: `read|<policy>|<version>|00` ...), the shard taken from
 * the person's encoded id as for deliveries: each insert and point read then touches a partition of a sixteenth of the
 * people (Azurite compares a partition's row keys one by one to find or insert a row, so one partition of a version
 * that 20,000 people acknowledged made each acknowledgement three times as dear; Azure Table Storage serves a partition
 * from one server, about 2,000 writes a second). A version saved before keeps them in the one partition `<base>`, and
 * its rows never move. The flag is on the version's row (`acksSpread`), written once with it.
 */
export interface VersionPlace {
  /** The partition of a person's row (by encoded id). */
  partition(rk: string): string;
  /**
   * OData filters that together cover every partition a row of the version can be in: spread, the shards (one range
   * query) and the one partition too, where an instance of an earlier release, which does not know the flag, would
   * have written during an upgrade, so a list or export misses nothing.
   */
  readonly all: readonly string[];
}

export function versionPlace(base: string, spread: boolean): VersionPlace {
  const one = odata`PartitionKey eq ${base}`;
  if (!spread) return { partition: () => base, all: [one] };
  return { partition: (rk) => spreadPartition(base, spreadShard(rk)), all: [spreadPartitions(base), one] };
}

/** The base of a version's reads' partitions (`read|<policy>|<version>`), beside its acknowledgements'. */
export const readBase = (policyId: string, versionHash: string): string => `read|${ackPartition(policyId, versionHash)}`;

/**
 * Where a campaign's deliveries live. A campaign started by this version spreads them over one partition per shard,
 * `<campaign>|00` to `<campaign>|15`, the shard taken from the person's id: a point read or write then touches a
 * partition of a sixteenth of the staff (Azurite reads every row of a partition to find one; Azure Table Storage
 * serves each partition from one server, up to 2,000 operations a second). A campaign started by an earlier version
 * keeps them in one partition named by the campaign, each row's shard chosen at random when it was added. Encoded ids
 * never hold '|' or '}' (encodeURIComponent escapes both), so a campaign's partitions are exactly those between
 * `<campaign>|` and `<campaign>}`.
 */
export interface DeliveryPlace {
  /** Whether the deliveries are spread over a partition per shard. */
  readonly spread: boolean;
  /** The partition of a person's delivery row (by encoded id). */
  partition(rk: string): string;
  /** The partition holding shard `s`'s tally (and, spread, its rows). */
  shardPartition(shard: number): string;
  /** The shard a new row for this person goes to; undefined in one partition, where it is chosen per added chunk. */
  shard(rk: string): number | undefined;
  /** An OData filter for every partition of the campaign's deliveries. */
  readonly all: string;
}

/** FNV-1a of a text's UTF-16 code units, as an unsigned 32-bit number: the same on every instance. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The shard of a person's delivery in a spread campaign: FNV-1a of their encoded id, the same on every instance. */
export function spreadShard(rk: string): number {
  return fnv1a(rk) % DELIVERY_SHARDS;
}

/** The partition of shard `shard` under `base`: `<base>|07`. */
export const spreadPartition = (base: string, shard: number): string => `${base}|${String(shard).padStart(2, '0')}`;

/** An OData filter for every spread partition under `base` (`<base>|00` to `<base>|15`), and none of another base. */
export const spreadPartitions = (base: string): string => odata`PartitionKey gt ${`${base}|`} and PartitionKey lt ${`${base}}`}`;

export function deliveryPlace(campaignId: string, spread: boolean): DeliveryPlace {
  const pk = key(campaignId);
  if (!spread) {
    return { spread, partition: () => pk, shardPartition: () => pk, shard: () => undefined, all: odata`PartitionKey eq ${pk}` };
  }
  const at = (shard: number) => spreadPartition(pk, shard);
  return { spread, partition: (rk) => at(spreadShard(rk)), shardPartition: at, shard: spreadShard, all: spreadPartitions(pk) };
}

/** The campaign a Deliveries partition belongs to, in either layout. */
export const campaignOfPartition = (pk: string): string => unkey(pk.split('|')[0]);

export function newDeliveryEntity(pk: string, rk: string, now: string): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  return {
    partitionKey: pk, rowKey: rk, shard: randomInt(DELIVERY_SHARDS), state: 'pending', attempts: 0, claimedBy: '',
    leaseUntil: '', notBefore: '', reason: '', sentAt: '', activityId: '', conversationId: '', lastRemindedAt: '',
    openedAt: '', lastDigestAt: '', excusedAt: '', excusedBy: '', remindCount: 0, updatedAt: now,
  };
}

export function campaignEntity(c: Campaign): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  return {
    partitionKey: 'campaign', rowKey: key(c.id), policyId: c.policyId, versionHash: c.versionHash,
    audience: JSON.stringify(c.audience), dueDate: c.dueDate, startedAt: c.startedAt, startedBy: c.startedBy,
    round: c.round, seriesId: c.seriesId, status: c.status, nextRoundAt: c.nextRoundAt ?? '', closedAt: c.closedAt ?? '',
    keyPoints: c.keyPoints ? JSON.stringify(c.keyPoints) : '',
    // Its deliveries' counts are kept as they are written (azureTableDeliveryTallies.ts), from the first one on.
    tallied: true,
    // Its deliveries are spread over a partition per shard (deliveryPlace).
    spread: true,
  };
}

export function toPolicyVersion(e: Entity): PolicyVersion {
  return {
    policyId: unkey(e.partitionKey), versionHash: unkey(e.rowKey), title: String(e.title),
    ...(opt(e.versionLabel) ? { versionLabel: String(e.versionLabel) } : {}),
    ...(opt(e.reviewDate) ? { reviewDate: String(e.reviewDate) } : {}),
    keyPoints: JSON.parse(String(e.keyPoints)) as string[],
    ...(opt(e.readUrl) ? { readUrl: String(e.readUrl) } : {}),
    material: e.material === true, ...(opt(e.wordingHash) ? { wordingHash: String(e.wordingHash) } : {}),
    publishedAt: String(e.publishedAt),
    ...(opt(e.changes) ? { changes: JSON.parse(String(e.changes)) as PolicyVersion['changes'] } : {}),
  };
}

export function toStaff(e: Entity): StaffMember {
  return {
    userId: unkey(e.rowKey), userPrincipalName: String(e.upn), displayName: String(e.displayName),
    ...(opt(e.department) ? { department: String(e.department) } : {}),
    ...(opt(e.school) ? { school: String(e.school) } : {}),
    active: e.active === true, source: e.source as StaffMember['source'], updatedAt: String(e.updatedAt),
  };
}

export function toCampaign(e: Entity): Campaign {
  return {
    id: unkey(e.rowKey), policyId: String(e.policyId), versionHash: String(e.versionHash),
    audience: JSON.parse(String(e.audience)) as Campaign['audience'], dueDate: String(e.dueDate),
    startedAt: String(e.startedAt), startedBy: String(e.startedBy), round: Number(e.round), seriesId: String(e.seriesId),
    status: e.status as Campaign['status'],
    ...(opt(e.nextRoundAt) ? { nextRoundAt: String(e.nextRoundAt) } : {}),
    ...(opt(e.closedAt) ? { closedAt: String(e.closedAt) } : {}),
    ...(opt(e.keyPoints) ? { keyPoints: JSON.parse(String(e.keyPoints)) as string[] } : {}),
  };
}

export function toDelivery(e: Record<string, unknown> & { partitionKey?: string; rowKey?: string }): Delivery {
  const o = (name: string) => (opt(e[name]) ? { [name]: String(e[name]) } : {});
  return {
    campaignId: campaignOfPartition(String(e.partitionKey)), userId: unkey(String(e.rowKey)), state: e.state as DeliveryState,
    attempts: Number(e.attempts ?? 0), remindCount: Number(e.remindCount ?? 0), updatedAt: String(e.updatedAt),
    ...o('claimedBy'), ...o('leaseUntil'), ...o('notBefore'), ...o('reason'), ...o('sentAt'), ...o('activityId'),
    ...o('conversationId'), ...o('lastRemindedAt'), ...o('openedAt'), ...o('lastDigestAt'), ...o('excusedAt'), ...o('excusedBy'),
    ...o('acknowledgedAt'),
  };
}

export function toAcknowledgement(e: Entity): Acknowledgement {
  return {
    policyId: String(e.policyId), versionHash: String(e.versionHash), userId: String(e.userId),
    userPrincipalName: String(e.upn), displayName: String(e.displayName),
    ...(opt(e.department) ? { department: String(e.department) } : {}),
    ...(opt(e.school) ? { school: String(e.school) } : {}),
    ...(opt(e.campaignId) ? { campaignId: String(e.campaignId) } : {}),
    acknowledgedAt: String(e.acknowledgedAt), channel: e.channel as Acknowledgement['channel'],
    ...(opt(e.readAt) ? { readAt: String(e.readAt) } : {}),
  };
}

/** An audit line: keyed by its subject, then its time and a random tail, so lines never collide and read back in order. */
export function auditEntity(e: AuditEntry, tail: string): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: key(e.subject), rowKey: `${e.at}_${tail}`, at: e.at, actor: e.actor, action: e.action,
    subject: e.subject, details: e.details ? JSON.stringify(e.details) : '',
  };
}

export function toAuditEntry(r: Entity): AuditEntry {
  return {
    at: String(r.at), actor: String(r.actor), action: String(r.action), subject: String(r.subject),
    ...(opt(r.details) ? { details: JSON.parse(String(r.details)) as AuditEntry['details'] } : {}),
  };
}
