import { TableClient, TransactionAction, odata } from '@azure/data-tables';
import crypto from 'node:crypto';
import { addCounts, countOf, DisclosureLikeReading, draftCounts, NO_QUESTIONS, QuestionCounts } from '../../features/policy/teaching/questionLog';
import { getOrUndefined, httpStatusOf, queryAll, safeKey } from './azureTableRecords';
import { submitTransaction } from './azureTableTransactions';

/**
 * Retention of the question log in Azure Tables, in the question partition beside the questions:
 * - `c|<day>`: what the day's deleted questions counted (asked, declined, unhelpful), without text;
 * - `r|<time>|<random>`: one line per deletion run (when, the cutoff, how many), created only.
 * Each question's replies (feedback presses, which hold no counts: the question carries its answer and helpfulness)
 * are deleted first, at most 100 to a transaction (Azure's limit on one batch); then the question goes in one
 * transaction with its day's counts raised under the counts' etag, so a run stopped half way, or two instances running
 * at once, neither lose a count nor count one twice, and a question with any number of replies is deleted.
 */
export interface AzureQuestionRetention {
  deleteAskedBefore(cutoff: string, at: string): Promise<number>;
  countsSince(fromDay: string): Promise<QuestionCounts>;
  /** Deletes one question with its replies, leaving its day as a held-back count (QuestionLog.forgetQuestion). */
  forgetQuestion(id: string): Promise<boolean>;
}

/** The entity that counts one draft post checked (`k|<day>|<n>`) with the concerns it raised: never the draft. */
export function draftCheckEntity(partition: string, day: string, concerns: readonly string[], n: string): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return { partitionKey: partition, rowKey: `k|${safeKey(day)}|${n}`, checkedOn: day, concerns: concerns.join(',') };
}

/**
 * The entity that counts one question not kept (`d|<day>|<n>`), by its day only; `n` tells apart those of one day.
 * Shared with the question log and the copy from SQLite.
 */
export function disclosureDayEntity(partition: string, day: string, reading: DisclosureLikeReading, n: string): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return { partitionKey: partition, rowKey: `d|${safeKey(day)}|${n}`, askedOn: day, reading };
}

/** Azure Tables takes at most 100 operations in one transaction. */
const MAX_BATCH = 100;

const countsOf = (e: Record<string, unknown> | undefined): QuestionCounts => (e
  ? { ...NO_QUESTIONS, asked: Number(e.asked ?? 0), declined: Number(e.declined ?? 0), unhelpful: Number(e.unhelpful ?? 0) }
  : NO_QUESTIONS);

/** Retention over the question table's partition. */
export function createAzureQuestionRetention(client: TableClient, partition: string): AzureQuestionRetention {
  const range = (from: string, to: string) => odata`PartitionKey eq ${partition} and RowKey ge ${from} and RowKey lt ${to}`;

  /** Deletes replies in batches of at most 100; a batch another instance already emptied in part is done one by one. */
  async function deleteReplies(rowKeys: string[]): Promise<void> {
    for (let i = 0; i < rowKeys.length; i += MAX_BATCH) {
      const chunk = rowKeys.slice(i, i + MAX_BATCH);
      try {
        await submitTransaction(client, chunk.map((rowKey): TransactionAction => ['delete', { partitionKey: partition, rowKey }]));
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw err;
        for (const rowKey of chunk) {
          try {
            await client.deleteEntity(partition, rowKey);
          } catch (e) {
            if (httpStatusOf(e) !== 404) throw e;
          }
        }
      }
    }
  }

  /** Deletes one question with its replies and adds it to its day; false when another instance got there first. */
  async function deleteOne(question: Record<string, unknown> & { rowKey: string }): Promise<boolean> {
    const id = String(question.id);
    const replies = await queryAll(client, range(`f|${safeKey(id)}|`, `f|${safeKey(id)}|~`));
    await deleteReplies(replies.map((r) => String(r.rowKey)));
    const day = String(question.askedAt).slice(0, 10);
    const adds = countOf({ answered: question.answered === true, helpful: typeof question.helpful === 'boolean' ? question.helpful : null });
    for (let attempt = 0; attempt < 10; attempt++) {
      const counted = await getOrUndefined(client, partition, `c|${day}`);
      const { asked, declined, unhelpful } = addCounts(countsOf(counted), adds);
      const counts = { partitionKey: partition, rowKey: `c|${day}`, day, asked, declined, unhelpful };
      const ops: TransactionAction[] = [
        counted ? ['update', counts, 'Replace', { etag: String(counted.etag) }] : ['create', counts],
        ['delete', { partitionKey: partition, rowKey: question.rowKey }],
      ];
      try {
        await submitTransaction(client, ops);
        return true;
      } catch (err) {
        const status = httpStatusOf(err);
        // 412/409: the day's counts moved under us (another deletion of that day): read them again. 404: the question
        // is gone, deleted by another instance, which counted it.
        if (status === 404) return false;
        if (status !== 412 && status !== 409) throw err;
      }
    }
    throw Object.assign(new Error('the day counts kept changing; the next run deletes what is left'), { code: 'QUESTION_RETENTION_CONTENDED' });
  }

  return {
    async forgetQuestion(id) {
      const question = await getOrUndefined(client, partition, `q|${safeKey(id)}`);
      if (!question) return false;
      const replies = await queryAll(client, range(`f|${safeKey(id)}|`, `f|${safeKey(id)}|~`));
      await deleteReplies(replies.map((r) => String(r.rowKey)));
      // The question goes and its day's held-back count comes in one transaction: neither without the other.
      try {
        await submitTransaction(client, [
          ['delete', { partitionKey: partition, rowKey: String(question.rowKey) }],
          ['create', disclosureDayEntity(partition, String(question.askedAt).slice(0, 10), 'heldBack', crypto.randomUUID())],
        ]);
      } catch (err) {
        // Another instance forgot it first, and counted it.
        if (httpStatusOf(err) === 404) return false;
        throw err;
      }
      return true;
    },

    async deleteAskedBefore(cutoff, at) {
      const old = await queryAll(client, `${range('q|', 'q|~')} and ${odata`askedAt lt ${cutoff}`}`);
      let deleted = 0;
      for (const q of old) if (await deleteOne(q)) deleted++;
      await client.createEntity({
        partitionKey: partition, rowKey: `r|${at.replace(/[^0-9]/g, '')}|${crypto.randomUUID()}`, at, cutoff, deleted,
      });
      return deleted;
    },
    async countsSince(fromDay) {
      let total = NO_QUESTIONS;
      for (const e of await queryAll(client, range(`c|${fromDay}`, 'c|~'))) total = addCounts(total, countsOf(e));
      for (const q of await queryAll(client, `${range('q|', 'q|~')} and ${odata`askedAt ge ${fromDay}`}`)) {
        total = addCounts(total, countOf({ answered: q.answered === true, helpful: typeof q.helpful === 'boolean' ? q.helpful : null }));
      }
      const noted = await queryAll(client, range(`d|${safeKey(fromDay)}`, 'd|~'));
      // Days noted before held-back questions were counted apart carry no reading: they were all offered.
      const heldBack = noted.filter((e) => e.reading === 'heldBack').length;
      const checks = await queryAll(client, range(`k|${safeKey(fromDay)}`, 'k|~'));
      return {
        ...total, disclosureLike: noted.length - heldBack, heldBack,
        ...draftCounts(checks.map((e) => (typeof e.concerns === 'string' && e.concerns !== '' ? e.concerns.split(',') : []))),
      };
    },
  };
}
