import { TableClient, odata } from '@azure/data-tables';
import crypto from 'node:crypto';
import { AskedQuestion, QuestionChoice, QuestionLog } from '../../features/policy/teaching/questionLog';
import { isSealedQuestionValue, NO_QUESTION_SEALING, QuestionSealing } from '../questionSealing';
import { choiceFrom, choiceStateFor } from '../questionChoiceState';
import { createAzureQuestionRetention, disclosureDayEntity, draftCheckEntity } from './azureTableQuestionRetention';
import { AzureTableConnection, getLong, getOrUndefined, httpStatusOf, openRecordTable, putLong, queryAll, safeKey } from './azureTableRecords';
import { submitTransaction } from './azureTableTransactions';

/**
 * The question log in Azure Table storage (`<prefix>Questions`), one partition:
 * - `q|<id>`: the question as asked and answered, with the latest "Was this helpful?", the choice pressed on a "not sure"
 *   reply (issue 50: its section sealed, its state in the clear, see questionChoiceState.ts) and whether the policy
 *   failed it (not covered, marked unhelpful, or "None of these"), so the owner's lists are each one filtered read;
 * - `f|<id>|<at>|<random>`: every feedback reply, appended in the same transaction as the change to the question;
 * - `d|<day>|<random>`: a question that read as a disclosure about a child (`reading` offered) or possibly about a
 *   particular child (`reading` heldBack), by day only: no text, no person;
 * - `k|<day>|<random>`: a draft post checked (issue 53), by day, with the ids of the concerns it raised: never the draft;
 * - `c|<day>` and `r|<time>|<random>`: the counts of deleted questions and the record of deletions
 *   (azureTableQuestionRetention.ts).
 * The question and its phrasing are stored sealed (adapters/questionSealing.ts, the same contexts as SQLite, so the
 * copy from SQLite moves the sealed values as they are); entities stored in the clear by an older release are sealed
 * in place the first time the log is opened with its key (then `m|sealed` records that it was done).
 */
export const QUESTION_TABLE = 'Questions';
/** The partition every question and feedback entity lives in. */
export const QUESTION_PARTITION = 'questions';

/** The stored form of a question, shared with the copy from SQLite: `question` and `phrasedText` as stored (sealed). */
export interface StoredQuestion {
  id: string; question: string; answered: boolean; citedSection: string | null; askedAt: string;
  phrasedText: string | null; phrasedSection: string | null; helpful: boolean | null;
  /**
   * False when the reply offered choices (issue 50); the choice pressed: its section as stored (sealed), when, and its
   * state. Absent on questions an older release kept.
   */
  sure?: boolean; chosenSection?: string | null; chosenAt?: string | null; choiceState?: string | null;
}
/** The stored form of one feedback reply. */
export interface StoredFeedback { questionId: string; helpful: boolean; at: string; n: string }

/** The entity of a question. */
export function questionEntity(q: StoredQuestion): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const e: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: QUESTION_PARTITION, rowKey: `q|${safeKey(q.id)}`, id: q.id, answered: q.answered, askedAt: q.askedAt,
    failed: !q.answered || q.helpful === false || q.choiceState === 'none',
  };
  if (q.sure !== undefined) e.sure = q.sure;
  putLong(e, 'question', q.question);
  if (q.citedSection !== null) e.citedSection = q.citedSection;
  putLong(e, 'phrasedText', q.phrasedText);
  if (q.phrasedSection !== null) e.phrasedSection = q.phrasedSection;
  if (q.helpful !== null) e.helpful = q.helpful;
  if (q.chosenSection && q.chosenAt && q.choiceState) Object.assign(e, { chosenSection: q.chosenSection, chosenAt: q.chosenAt, choiceState: q.choiceState });
  return e;
}

/** The entity of a feedback reply; `n` tells apart replies given in the same millisecond. */
export function feedbackEntity(f: StoredFeedback): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return { partitionKey: QUESTION_PARTITION, rowKey: `f|${safeKey(f.questionId)}|${f.at}|${f.n}`, questionId: f.questionId, helpful: f.helpful, at: f.at };
}

const toQuestion = (e: Record<string, unknown>, sealing: QuestionSealing): AskedQuestion => {
  const id = String(e.id);
  const phrasedText = getLong(e, 'phrasedText');
  return {
    id, question: sealing.open(getLong(e, 'question') ?? '', id, 'question'), answered: e.answered === true,
    citedSection: typeof e.citedSection === 'string' ? e.citedSection : null, askedAt: String(e.askedAt),
    helpful: typeof e.helpful === 'boolean' ? e.helpful : null,
    phrasing: phrasedText !== undefined && typeof e.phrasedSection === 'string'
      ? { text: sealing.open(phrasedText, id, 'phrasedText'), section: e.phrasedSection }
      : null,
    // Questions kept before issue 50 carry no `sure`: their reply was one answer.
    sure: e.sure !== false,
    choice: choiceFrom(e.choiceState, typeof e.chosenSection === 'string' ? sealing.open(e.chosenSection, id, 'chosenSection') : null, e.chosenAt),
  };
};

/** Whether a question entity holds text its asker sent (or an earlier release kept): '' is a question nobody sent. */
const isSent = (e: Record<string, unknown>): boolean => (getLong(e, 'question') ?? '') !== '';

/** Questions, newest first. */
const newestFirst = (qs: AskedQuestion[]): AskedQuestion[] => qs.sort((a, b) => (a.askedAt < b.askedAt ? 1 : a.askedAt > b.askedAt ? -1 : 0));

/** How many times a change to one question is tried again when another change to it (a feedback press, a press elsewhere) lands first. */
const MAX_QUESTION_UPDATES = 5;

/**
 * Opens the question table (creating it when missing) and returns the log. Without the sealing it records nothing and
 * shows nothing sealed (QUESTION_LOG_KEY_MISSING).
 */
export async function createAzureTableQuestionLog(connection: AzureTableConnection, sealing?: QuestionSealing): Promise<QuestionLog> {
  const client = await openRecordTable(connection, QUESTION_TABLE);
  if (sealing) await sealPlainQuestionEntities(client, sealing);
  return createAzureTableQuestionLogOn(client, sealing);
}

/** The entity that records that every question stored before sealing has been sealed. */
const SEALED_MARKER = 'm|sealed';

/**
 * Seals, once, the questions and phrasings an older release stored in the clear, each under the etag it was read with
 * (another instance doing the same at once loses the race harmlessly: the value is sealed by then). A key that does
 * not open the questions already sealed stops it first (FieldDecryptionError), so a wrong key never seals anything.
 * Returns how many entities were sealed.
 */
export async function sealPlainQuestionEntities(client: TableClient, sealing: QuestionSealing): Promise<number> {
  if (await getOrUndefined(client, QUESTION_PARTITION, SEALED_MARKER)) return 0;
  const rows = await queryAll(client, odata`PartitionKey eq ${QUESTION_PARTITION} and RowKey ge ${'q|'} and RowKey lt ${'q|~'}`);
  const sealedOne = rows.find((e) => isSealedQuestionValue(getLong(e, 'question') ?? ''));
  if (sealedOne) sealing.open(getLong(sealedOne, 'question') ?? '', String(sealedOne.id), 'question');
  let sealed = 0;
  for (const e of rows) {
    const id = String(e.id);
    const question = getLong(e, 'question') ?? '';
    const phrased = getLong(e, 'phrasedText');
    const plainQuestion = question !== '' && !isSealedQuestionValue(question);
    const plainPhrasing = phrased !== undefined && !isSealedQuestionValue(phrased);
    if (!plainQuestion && !plainPhrasing) continue;
    const update: Record<string, unknown> & { partitionKey: string; rowKey: string } = { partitionKey: e.partitionKey, rowKey: e.rowKey };
    // A sealed value is longer than the text it seals, so it covers every part the clear value was split into.
    putLong(update, 'question', plainQuestion ? sealing.seal(question, id, 'question') : question);
    if (phrased !== undefined) putLong(update, 'phrasedText', plainPhrasing ? sealing.seal(phrased, id, 'phrasedText') : phrased);
    try {
      await client.updateEntity(update, 'Merge', { etag: e.etag });
      sealed++;
    } catch (err) {
      if (httpStatusOf(err) !== 412) throw err;
    }
  }
  await client.upsertEntity({ partitionKey: QUESTION_PARTITION, rowKey: SEALED_MARKER, at: new Date().toISOString(), sealed }, 'Replace');
  return sealed;
}

/** The log over an open table client. */
export function createAzureTableQuestionLogOn(client: TableClient, sealing: QuestionSealing = NO_QUESTION_SEALING): QuestionLog {
  const read = (id: string) => getOrUndefined(client, QUESTION_PARTITION, `q|${safeKey(id)}`);
  /** Merges `changes` into the question as it was read; false when it changed or went meanwhile (412, 404). */
  const mergeIfUnchanged = async (e: Record<string, unknown>, changes: Record<string, unknown>): Promise<boolean> => {
    try {
      await client.updateEntity({ partitionKey: QUESTION_PARTITION, rowKey: String(e.rowKey), ...changes }, 'Merge', { etag: String(e.etag) });
      return true;
    } catch (err) {
      const status = httpStatusOf(err);
      if (status === 412 || status === 404) return false;
      throw err;
    }
  };
  const retention = createAzureQuestionRetention(client, QUESTION_PARTITION);
  return {
    async recordQuestion(entry) {
      const id = crypto.randomUUID();
      await client.createEntity(questionEntity({
        // A question nobody has sent to the owners is kept without its text ('').
        id, question: entry.question === '' ? '' : sealing.seal(entry.question, id, 'question'), answered: entry.answered, citedSection: entry.citedSection, askedAt: entry.askedAt,
        phrasedText: entry.phrasing ? sealing.seal(entry.phrasing.text, id, 'phrasedText') : null, phrasedSection: entry.phrasing?.section ?? null, helpful: null,
        sure: entry.sure !== false, chosenSection: null, chosenAt: null, choiceState: null,
      }));
      return id;
    },
    async getQuestion(id) {
      const e = await read(id);
      return e ? toQuestion(e, sealing) : null;
    },
    async recordFeedback(id, helpful, at) {
      const e = await read(id);
      if (!e) return false;
      // The reply is kept, and the question shows the latest one; both land together or not at all.
      await submitTransaction(client, [
        ['create', feedbackEntity({ questionId: id, helpful, at, n: crypto.randomUUID() })],
        ['update', { partitionKey: QUESTION_PARTITION, rowKey: `q|${safeKey(id)}`, helpful, failed: e.answered !== true || !helpful || e.choiceState === 'none' }, 'Merge'],
      ]);
      return true;
    },
    async listFailed(limit) {
      // Only failures are read; the owner keeps a year of questions at most (docs/operations.md), so they are few.
      const rows = await queryAll(client, odata`PartitionKey eq ${QUESTION_PARTITION} and RowKey ge ${'q|'} and RowKey lt ${'q|~'} and failed eq ${true}`);
      return newestFirst(rows.filter(isSent).map((e) => toQuestion(e, sealing))).slice(0, limit);
    },
    async recordChoice(id, section, at) {
      const chosen = { chosenSection: sealing.seal(section, id, 'chosenSection'), chosenAt: at, choiceState: choiceStateFor(section) };
      for (let attempt = 0; attempt < MAX_QUESTION_UPDATES; attempt++) {
        const e = await read(id);
        if (!e) return null;
        if (e.choiceState !== undefined) return toQuestion(e, sealing).choice;
        // Under the etag it was read with: of two presses at once, one is kept and the other reads it.
        const failed = e.answered !== true || e.helpful === false || chosen.choiceState === 'none';
        if (await mergeIfUnchanged(e, { ...chosen, failed })) return toQuestion({ ...e, ...chosen }, sealing).choice;
      }
      const last = await read(id);
      return last ? toQuestion(last, sealing).choice : null;
    },
    async listSuggested(limit) {
      const rows = await queryAll(client, odata`PartitionKey eq ${QUESTION_PARTITION} and RowKey ge ${'q|'} and RowKey lt ${'q|~'} and choiceState eq ${'suggested'}`);
      return newestFirst(rows.filter(isSent).map((e) => toQuestion(e, sealing))).slice(0, limit);
    },
    async shareQuestion(id, question) {
      if (question === '') return false;
      const sent: Record<string, unknown> = {};
      putLong(sent, 'question', sealing.seal(question, id, 'question'));
      for (let attempt = 0; attempt < MAX_QUESTION_UPDATES; attempt++) {
        const e = await read(id);
        // Only a question nobody has sent yet takes the text: the first send is kept.
        if (!e || isSent(e)) return false;
        if (await mergeIfUnchanged(e, sent)) return true;
      }
      return false;
    },
    async settleSuggestion(id, review) {
      for (let attempt = 0; attempt < MAX_QUESTION_UPDATES; attempt++) {
        const e = await read(id);
        if (!e || e.choiceState !== 'suggested') return false;
        if (await mergeIfUnchanged(e, { choiceState: review })) return true;
      }
      return false;
    },
    async recordDisclosureLike(askedAt, reading = 'offered') {
      await client.createEntity(disclosureDayEntity(QUESTION_PARTITION, askedAt.slice(0, 10), reading, crypto.randomUUID()));
    },
    forgetQuestion: (id) => retention.forgetQuestion(id),
    async recordDraftCheck(at, concerns) {
      await client.createEntity(draftCheckEntity(QUESTION_PARTITION, at.slice(0, 10), concerns, crypto.randomUUID()));
    },
    deleteAskedBefore: (cutoff, at) => retention.deleteAskedBefore(cutoff, at),
    countsSince: (fromDay) => retention.countsSince(fromDay),
  };
}
