import { TableClient } from '@azure/data-tables';
import crypto from 'node:crypto';
import { TeachingAuditEntry, TeachingLink, TeachingLinkStore } from '../../features/policy/teaching/teachingLinks';

/**
 * Teaching links in Azure Table Storage: one partition (a school teaches tens of links, not thousands), row
 * key in time order so listing needs no sort. A removed link keeps its entity, marked removed. The teaching audit is
 * a second partition, `audit`, created only (never updated), with row keys in time order.
 */
export async function createAzureTableTeachingLinkStore(client: TableClient): Promise<TeachingLinkStore> {
  try {
    await client.createTable();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 409) throw err;
  }
  const PARTITION = 'links';
  const AUDIT_PARTITION = 'audit';
  return {
    async add(link) {
      const id = `${link.taughtAt.replace(/[^0-9]/g, '')}-${crypto.randomUUID()}`;
      await client.createEntity({ partitionKey: PARTITION, rowKey: id, question: link.question, section: link.section, taughtBy: link.taughtBy, taughtAt: link.taughtAt });
      return { ...link, id };
    },
    async remove(id, removedBy, removedAt) {
      let etag: string;
      try {
        const e = await client.getEntity<{ removedAt?: string }>(PARTITION, id);
        if (e.removedAt) return false;
        etag = e.etag;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return false;
        throw err;
      }
      try {
        await client.updateEntity({ partitionKey: PARTITION, rowKey: id, removedBy, removedAt }, 'Merge', { etag });
        return true;
      } catch (err) {
        // Someone else removed it between the read and the write.
        if ((err as { statusCode?: number }).statusCode === 412) return false;
        throw err;
      }
    },
    async list() {
      const out: TeachingLink[] = [];
      const rows = client.listEntities<{ question: string; section: string; taughtBy: string; taughtAt: string; removedAt?: string }>({
        queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
      });
      for await (const e of rows) {
        if (e.removedAt) continue;
        out.push({ id: e.rowKey!, question: e.question, section: e.section, taughtBy: e.taughtBy, taughtAt: e.taughtAt });
      }
      return out;
    },
    async appendAudit(entry) {
      const rowKey = `${entry.at.replace(/[^0-9]/g, '')}-${crypto.randomUUID()}`;
      await client.createEntity({ partitionKey: AUDIT_PARTITION, rowKey, at: entry.at, actor: entry.actor, action: entry.action, command: entry.command });
    },
    async listAudit() {
      const out: TeachingAuditEntry[] = [];
      const rows = client.listEntities<TeachingAuditEntry>({ queryOptions: { filter: `PartitionKey eq '${AUDIT_PARTITION}'` } });
      for await (const e of rows) out.push({ at: e.at, actor: e.actor, action: e.action, command: e.command });
      return out;
    },
  };
}
