import { TableClient, odata } from '@azure/data-tables';
import crypto from 'node:crypto';
import {
  PolicyAuditEntry, PublishedPolicy, PublishedPolicyStore, PublishedVersionSummary, StoredPolicyVersion,
} from '../../features/policy/publishing/publishedPolicies';
import { AzureTableConnection, backoff, getLong, getOrUndefined, httpStatusOf, openRecordTable, padKey, putLong, queryAll, safeKey } from './azureTableRecords';

/**
 * Published policy versions and their audit in Azure Table storage (`<prefix>Published`), one partition per policy.
 * Everything is created, never updated:
 * - `v|<newest first>`: a version's details; its row key counts down as versions are added, so the latest is the
 *   first row of the range. A new version is created under the number after the one its owner saw, and only if that
 *   number is free: of two instances publishing on the same version, one creates it and the other is told it lost;
 * - `c|<upload>|<n>`: the file in pieces (a property holds 64 KiB), written before the version that names them,
 *   so a version is never visible without its whole file (a publish that lost deletes its pieces, which nothing names);
 * - `a|<newest first>`: the publishing audit, numbered the same way (both of two entries written at once are kept).
 * The school's first policy from chat is claimed in partition `~school` (no policy's: ids never start with "~"), row
 * `first-policy`: created once, holding the whole version, so of two first policies published at once, on one instance
 * or two, exactly one is the school's. Its version row follows it; a reader that finds the claim without the row (the
 * instance stopped between the two) writes the row from the claim.
 */
export const PUBLISHED_TABLE = 'Published';
const MAX_SEQ = 9_999_999_999;
const PIECE_BYTES = 60_000;
const PIECES_PER_ENTITY = 4;
const TRIES = 30;

/** Row key of the seq-th entry of a kind ('v' or 'a'), newest first. */
export const countdownKey = (kind: 'v' | 'a', seq: number): string => `${kind}|${padKey(MAX_SEQ - seq, 10)}`;

/**
 * The entities of a published version: its file in pieces under `upload`, and the version's properties (keyed by
 * whoever numbers it).
 */
export function publishedEntities(v: PublishedPolicy, upload: string): {
  pieces: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[]; version: Record<string, unknown>;
} {
  const perEntity = PIECE_BYTES * PIECES_PER_ENTITY;
  const pieces: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[] = [];
  for (let offset = 0, n = 0; offset < v.content.length; offset += perEntity, n++) {
    const piece: { partitionKey: string; rowKey: string } & Record<string, unknown> = { partitionKey: safeKey(v.policyId), rowKey: `c|${upload}|${padKey(n, 6)}` };
    for (let i = 0; i < PIECES_PER_ENTITY && offset + i * PIECE_BYTES < v.content.length; i++) {
      const start = offset + i * PIECE_BYTES;
      piece[`p${i}`] = new Uint8Array(v.content.subarray(start, Math.min(start + PIECE_BYTES, v.content.length)));
    }
    pieces.push(piece);
  }
  const version: Record<string, unknown> = {
    policyId: v.policyId, contentHash: v.contentHash, configuredHash: v.configuredHash, publishedBy: v.publishedBy,
    publishedAt: v.publishedAt, upload, size: v.content.length,
  };
  putLong(version, 'fileName', v.fileName);
  return { pieces, version };
}

/** The version row a first-policy claim holds: its own properties, under the policy's partition and the version's number. */
function claimedVersionRow(claim: Record<string, unknown>): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  const { partitionKey: _p, rowKey: _r, etag: _e, timestamp: _t, ...props } = claim;
  return { ...props, partitionKey: safeKey(String(claim.policyId)), rowKey: countdownKey('v', Number(claim.seq)) };
}

/** Opens the published-policy table (creating it when missing) and returns the store. */
export async function createAzureTablePublishedPolicyStore(connection: AzureTableConnection): Promise<PublishedPolicyStore> {
  return createAzureTablePublishedPolicyStoreOn(await openRecordTable(connection, PUBLISHED_TABLE));
}

/** Where the school's first policy from chat is claimed (see above). */
const FIRST_CLAIM = { partitionKey: '~school', rowKey: 'first-policy' } as const;

/** The store over an open table client. */
export function createAzureTablePublishedPolicyStoreOn(client: TableClient): PublishedPolicyStore {
  const range = (policyId: string, kind: 'v' | 'a') =>
    odata`PartitionKey eq ${safeKey(policyId)} and RowKey ge ${`${kind}|`} and RowKey lt ${`${kind}|~`}`;

  /** The newest entry of a kind, read as the first row of its range. */
  async function newest(policyId: string, kind: 'v' | 'a'): Promise<Record<string, unknown> | undefined> {
    const pages = client.listEntities<Record<string, unknown>>({ queryOptions: { filter: range(policyId, kind) } }).byPage({ maxPageSize: 1 });
    for await (const page of pages) if (page.length > 0) return page[0];
    return undefined;
  }

  /** Appends an audit entry, taking the next number; on a collision with another instance, the one after. */
  async function appendAuditEntry(policyId: string, props: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const seq = Number((await newest(policyId, 'a'))?.seq ?? 0) + 1;
      try {
        await client.createEntity({ partitionKey: safeKey(policyId), rowKey: countdownKey('a', seq), seq, ...props });
        return;
      } catch (err) {
        if (httpStatusOf(err) !== 409 || attempt >= TRIES) throw err;
        await backoff(attempt);
      }
    }
  }

  /** Creates an entity; false when one is already there under its keys (another instance was first). */
  async function created(entity: { partitionKey: string; rowKey: string } & Record<string, unknown>): Promise<boolean> {
    try {
      await client.createEntity(entity);
      return true;
    } catch (err) {
      if (httpStatusOf(err) === 409) return false;
      throw err;
    }
  }

  /**
   * Writes the version row a first-policy claim holds. Both the instance that claimed it and a reader completing the
   * claim may write it at once: the row being there already with the same file is success.
   */
  async function writeClaimedVersion(row: { partitionKey: string; rowKey: string } & Record<string, unknown>): Promise<void> {
    if (await created(row)) return;
    const there = await getOrUndefined(client, row.partitionKey, row.rowKey);
    if (there?.upload !== row.upload) {
      throw Object.assign(new Error(`version ${String(row.seq)} of ${String(row.policyId)} is another file than the school's first policy claimed`), { code: 'STORE_UNAVAILABLE' });
    }
  }

  /** A publish that lost never named its pieces: they are removed (nothing has read them), best effort. */
  async function discard(pieces: { partitionKey: string; rowKey: string }[]): Promise<void> {
    for (const piece of pieces) await client.deleteEntity(piece.partitionKey, piece.rowKey).catch(() => undefined);
  }

  const toVersion = (e: Record<string, unknown>): PublishedVersionSummary => ({
    policyId: String(e.policyId), fileName: getLong(e, 'fileName') ?? '', contentHash: String(e.contentHash),
    configuredHash: String(e.configuredHash), publishedBy: String(e.publishedBy), publishedAt: String(e.publishedAt), number: Number(e.seq),
  });

  /** The version rows of every policy, with the first policy's claim completed when its row is missing. */
  async function versionRows(): Promise<Record<string, unknown>[]> {
    // Every version's row (not the files' pieces nor the audit): one partition per policy, few versions each.
    const rows: Record<string, unknown>[] = await queryAll(client, odata`RowKey ge ${'v|'} and RowKey lt ${'v|~'}`);
    const claim = await getOrUndefined<Record<string, unknown>>(client, FIRST_CLAIM.partitionKey, FIRST_CLAIM.rowKey);
    if (claim) {
      const row = claimedVersionRow(claim);
      if (!rows.some((r) => r.partitionKey === row.partitionKey && r.rowKey === row.rowKey)) {
        await writeClaimedVersion(row);
        rows.push(row);
      }
    }
    return rows;
  }

  async function listPolicies(): Promise<PublishedVersionSummary[]> {
    const byPolicy = new Map<string, { newest: Record<string, unknown>; first: string }>();
    for (const e of await versionRows()) {
      const id = String(e.policyId);
      const seen = byPolicy.get(id);
      if (!seen) byPolicy.set(id, { newest: e, first: String(e.publishedAt) });
      else {
        if (Number(e.seq) > Number(seen.newest.seq)) seen.newest = e;
        if (String(e.publishedAt) < seen.first) seen.first = String(e.publishedAt);
      }
    }
    return [...byPolicy.values()].sort((a, b) => a.first.localeCompare(b.first) || String(a.newest.policyId).localeCompare(String(b.newest.policyId)))
      .map((p) => toVersion(p.newest));
  }

  /** The school's first policy from chat as it is now (at its newest version), if there is one. */
  const chatPolicy = async (): Promise<PublishedVersionSummary | undefined> => (await listPolicies()).find((p) => p.configuredHash === '');
  const newestVersion = async (policyId: string): Promise<PublishedVersionSummary | undefined> => {
    const e = await newest(policyId, 'v');
    return e ? toVersion(e) : undefined;
  };

  async function readContent(e: Record<string, unknown>): Promise<Buffer> {
    const upload = String(e.upload);
    const rows = await queryAll(client, odata`PartitionKey eq ${safeKey(String(e.policyId))} and RowKey ge ${`c|${upload}|`} and RowKey lt ${`c|${upload}|~`}`);
    const parts: Buffer[] = [];
    for (const row of rows) {
      for (let i = 0; i < PIECES_PER_ENTITY; i++) {
        const piece = (row as Record<string, unknown>)[`p${i}`];
        if (piece instanceof Uint8Array) parts.push(Buffer.from(piece));
      }
    }
    const content = Buffer.concat(parts);
    if (content.length !== Number(e.size)) {
      throw Object.assign(new Error(`published version ${String(e.seq)} of ${String(e.policyId)} is incomplete`), { code: 'STORE_UNAVAILABLE' });
    }
    return content;
  }

  return {
    async publish(v, condition) {
      // What can be told without writing is told first: a stale view loses before its file is uploaded.
      const before = 'first' in condition ? await chatPolicy() : await newestVersion(v.policyId);
      if ('first' in condition ? before !== undefined : (before?.number ?? 0) !== condition.after) return { published: false, live: before };
      const seq = 'first' in condition ? (await newestVersion(v.policyId))?.number ?? 0 : condition.after;
      const { pieces, version } = publishedEntities(v, crypto.randomUUID());
      for (const piece of pieces) await client.createEntity(piece);
      const row = { partitionKey: safeKey(v.policyId), rowKey: countdownKey('v', seq + 1), seq: seq + 1, ...version };
      if ('first' in condition) {
        // The claim is the one conditional write: once it is there, the version is the school's policy.
        if (!await created({ ...row, ...FIRST_CLAIM })) {
          await discard(pieces);
          return { published: false, live: await chatPolicy() };
        }
        await writeClaimedVersion(row);
      } else if (!await created(row)) {
        await discard(pieces);
        return { published: false, live: await newestVersion(v.policyId) };
      }
      return { published: true, number: seq + 1 };
    },
    async latest(policyId): Promise<StoredPolicyVersion | undefined> {
      const e = await newest(policyId, 'v');
      return e ? { ...toVersion(e), content: await readContent(e) } : undefined;
    },
    newest: newestVersion,
    async version(policyId, contentHash) {
      // Newest first: the first row of the range with that hash.
      const rows = await queryAll(client, odata`PartitionKey eq ${safeKey(policyId)} and RowKey ge ${'v|'} and RowKey lt ${'v|~'} and contentHash eq ${contentHash}`);
      const e = rows.sort((a, b) => a.rowKey.localeCompare(b.rowKey))[0];
      return e ? { ...toVersion(e), content: await readContent(e) } : undefined;
    },
    async history(policyId) {
      return (await queryAll(client, range(policyId, 'v'))).reverse().map(toVersion);
    },
    listPolicies,
    async appendAudit(e) {
      await appendAuditEntry(e.policyId, { at: e.at, actor: e.actor, action: e.action, policyId: e.policyId, details: JSON.stringify(e.details) });
    },
    async listAudit(policyId) {
      return (await queryAll(client, range(policyId, 'a'))).reverse().map((e): PolicyAuditEntry => ({
        at: String(e.at), actor: String(e.actor), action: e.action as PolicyAuditEntry['action'], policyId: String(e.policyId),
        details: JSON.parse(String(e.details)) as PolicyAuditEntry['details'],
      }));
    },
  };
}
