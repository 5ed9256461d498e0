import { TableClient } from '@azure/data-tables';
import crypto from 'node:crypto';
import { TeachingAuditEntry, TeachingLink, TeachingLinkStore } from '../../features/policy/teaching/teachingLinks';
import { isSealedQuestionValue, NO_QUESTION_SEALING, QuestionSealing, taughtQuestionSealId } from '../questionSealing';
import { getLong, httpStatusOf, putLong } from './azureTableRecords';

/** The partition of the links, live and removed. */
const PARTITION = 'links';
/** The partition of the teaching audit. */
const AUDIT_PARTITION = 'audit';

/** A link's entity as stored: `question` sealed (split over `question_1`... when long), absent once the link is removed. */
type LinkEntity = Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string; section: string; taughtBy: string; taughtAt: string; removedBy?: string; removedAt?: string };

/**
 * Teaching links in Azure Table Storage: one partition (a school teaches tens of links, not thousands), row
 * key in time order so listing needs no sort. A live link's question is sealed with the question log's key, under the
 * same context as SQLite (adapters/questionSealing.ts), so the copy from SQLite moves it as it is. A removed link
 * keeps its entity (who taught and removed which section when) without its question. The teaching audit is a second
 * partition, `audit`, created only (never updated), with row keys in time order. Opened with the key, links an older
 * release kept in the clear are sealed, or lose their question if removed; without the key the store teaches nothing
 * and shows nothing sealed (QUESTION_LOG_KEY_MISSING).
 */
export async function createAzureTableTeachingLinkStore(client: TableClient, sealing?: QuestionSealing): Promise<TeachingLinkStore> {
  try {
    await client.createTable();
  } catch (err) {
    if (httpStatusOf(err) !== 409) throw err;
  }
  const seal = sealing ?? NO_QUESTION_SEALING;
  if (sealing) await sealPlainLinks(client, sealing);
  return {
    async add(link) {
      const id = `${link.taughtAt.replace(/[^0-9]/g, '')}-${crypto.randomUUID()}`;
      const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
        partitionKey: PARTITION, rowKey: id, section: link.section, taughtBy: link.taughtBy, taughtAt: link.taughtAt,
      };
      putLong(entity, 'question', seal.seal(link.question, taughtQuestionSealId(id), 'taughtQuestion'));
      await client.createEntity(entity);
      return { ...link, id };
    },
    async remove(id, removedBy, removedAt) {
      let e: LinkEntity;
      try {
        e = await client.getEntity<LinkEntity>(PARTITION, id) as LinkEntity;
        if (e.removedAt) return false;
      } catch (err) {
        if (httpStatusOf(err) === 404) return false;
        throw err;
      }
      try {
        // Replace, not Merge: the question's properties are dropped, the record of the link stays.
        await client.updateEntity(removedLink(e, removedBy, removedAt), 'Replace', { etag: e.etag });
        return true;
      } catch (err) {
        // Someone else removed it between the read and the write.
        if (httpStatusOf(err) === 412) return false;
        throw err;
      }
    },
    async list() {
      const out: TeachingLink[] = [];
      for await (const e of client.listEntities<LinkEntity>({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } })) {
        if (e.removedAt) continue;
        const id = e.rowKey!;
        out.push({ id, question: seal.open(getLong(e, 'question') ?? '', taughtQuestionSealId(id), 'taughtQuestion'), section: e.section, taughtBy: e.taughtBy, taughtAt: e.taughtAt });
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

/** A removed link's entity: who taught and removed which section when, without the question. */
function removedLink(e: LinkEntity, removedBy: string, removedAt: string): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return { partitionKey: e.partitionKey, rowKey: e.rowKey, section: e.section, taughtBy: e.taughtBy, taughtAt: e.taughtAt, removedBy, removedAt };
}

/**
 * Seals the live links' questions an older release kept in the clear, and drops the questions of links it removed,
 * each under the etag it was read with (another instance doing the same at once loses harmlessly). Links are tens,
 * so this reads them all at each open rather than keeping a marker. A key that does not open the links already sealed
 * stops it first (FieldDecryptionError), so a wrong key never seals anything.
 */
async function sealPlainLinks(client: TableClient, sealing: QuestionSealing): Promise<void> {
  const rows: LinkEntity[] = [];
  for await (const e of client.listEntities<LinkEntity>({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } })) rows.push(e as LinkEntity);
  const sealed = rows.find((e) => isSealedQuestionValue(getLong(e, 'question') ?? ''));
  if (sealed) sealing.open(getLong(sealed, 'question') ?? '', taughtQuestionSealId(sealed.rowKey), 'taughtQuestion');
  for (const e of rows) {
    const question = getLong(e, 'question');
    if (question === undefined) continue;
    let update: Record<string, unknown> & { partitionKey: string; rowKey: string };
    if (e.removedAt) update = removedLink(e, e.removedBy ?? '', e.removedAt);
    else if (isSealedQuestionValue(question)) continue;
    else {
      update = { partitionKey: e.partitionKey, rowKey: e.rowKey, section: e.section, taughtBy: e.taughtBy, taughtAt: e.taughtAt };
      putLong(update, 'question', sealing.seal(question, taughtQuestionSealId(e.rowKey), 'taughtQuestion'));
    }
    try {
      await client.updateEntity(update, 'Replace', { etag: e.etag });
    } catch (err) {
      if (httpStatusOf(err) !== 412) throw err;
    }
  }
}
