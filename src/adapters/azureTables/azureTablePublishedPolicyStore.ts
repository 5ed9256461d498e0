import { TableClient, odata } from '@azure/data-tables';
import crypto from 'node:crypto';
import { PolicyAuditEntry, PublishedPolicy, PublishedPolicyStore } from '../../features/policy/publishing/publishedPolicies';
import { AzureTableConnection, backoff, getLong, httpStatusOf, openRecordTable, padKey, putLong, queryAll, safeKey } from './azureTableRecords';

/**
 * Published policy versions and their audit in Azure Table storage (`<prefix>Published`), one partition per policy.
 * Everything is created, never updated:
 * - `v|<newest first>`: a version's details; its row key counts down as versions are added, so the latest is the
 *   first row of the range. Two instances publishing at once both try the same key: one creates it, the other
 *   takes the next;
 * - `c|<upload>|<n>`: the file in pieces (a property holds 64 KiB), written before the version that names them,
 *   so a version is never visible without its whole file;
 * - `a|<newest first>`: the publishing audit, numbered the same way.
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

/** Opens the published-policy table (creating it when missing) and returns the store. */
export async function createAzureTablePublishedPolicyStore(connection: AzureTableConnection): Promise<PublishedPolicyStore> {
  return createAzureTablePublishedPolicyStoreOn(await openRecordTable(connection, PUBLISHED_TABLE));
}

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

  /** Creates the next entry of a kind, taking the next number; on a collision with another instance, the one after. */
  async function appendNumbered(policyId: string, kind: 'v' | 'a', props: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const seq = Number((await newest(policyId, kind))?.seq ?? 0) + 1;
      try {
        await client.createEntity({ partitionKey: safeKey(policyId), rowKey: countdownKey(kind, seq), seq, ...props });
        return;
      } catch (err) {
        if (httpStatusOf(err) !== 409 || attempt >= TRIES) throw err;
        await backoff(attempt);
      }
    }
  }

  const toVersion = (e: Record<string, unknown>): Omit<PublishedPolicy, 'content'> => ({
    policyId: String(e.policyId), fileName: getLong(e, 'fileName') ?? '', contentHash: String(e.contentHash),
    configuredHash: String(e.configuredHash), publishedBy: String(e.publishedBy), publishedAt: String(e.publishedAt),
  });

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
    async publish(v) {
      const { pieces, version } = publishedEntities(v, crypto.randomUUID());
      for (const piece of pieces) await client.createEntity(piece);
      await appendNumbered(v.policyId, 'v', version);
    },
    async latest(policyId) {
      const e = await newest(policyId, 'v');
      return e ? { ...toVersion(e), content: await readContent(e) } : undefined;
    },
    async history(policyId) {
      return (await queryAll(client, range(policyId, 'v'))).reverse().map(toVersion);
    },
    async listPolicies() {
      // Every version's row (not the files' pieces nor the audit): one partition per policy, few versions each.
      const rows = await queryAll(client, odata`RowKey ge ${'v|'} and RowKey lt ${'v|~'}`);
      const byPolicy = new Map<string, { newest: Record<string, unknown>; first: string }>();
      for (const e of rows) {
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
    },
    async appendAudit(e) {
      await appendNumbered(e.policyId, 'a', { at: e.at, actor: e.actor, action: e.action, policyId: e.policyId, details: JSON.stringify(e.details) });
    },
    async listAudit(policyId) {
      return (await queryAll(client, range(policyId, 'a'))).reverse().map((e): PolicyAuditEntry => ({
        at: String(e.at), actor: String(e.actor), action: e.action as PolicyAuditEntry['action'], policyId: String(e.policyId),
        details: JSON.parse(String(e.details)) as PolicyAuditEntry['details'],
      }));
    },
  };
}
