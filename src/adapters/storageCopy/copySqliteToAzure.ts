import { AcknowledgementStore } from '../../features/acknowledgement/domain/acknowledgementStore';
import { CONCERN_TABLE } from '../azureTables/azureTableConcernStore';
import { PUBLISHED_TABLE } from '../azureTables/azureTablePublishedPolicyStore';
import { QUESTION_TABLE } from '../azureTables/azureTableQuestionLog';
import { AzureTableConnection, openRecordTable } from '../azureTables/azureTableRecords';
import { FieldCipher } from '../../shared/fieldEncryption';
import { QuestionSealing } from '../questionSealing';
import { createSqliteAcknowledgementStoreOn } from '../sqlite/sqliteAcknowledgementStore';
import { createSqliteConcernStore } from '../sqlite/sqliteConcernStore';
import { SqliteDatabase } from '../sqlite/sqliteDatabase';
import { createSqlitePublishedPolicyStore } from '../sqlite/sqlitePublishedPolicyStore';
import { createSqliteQuestionLog } from '../sqlite/sqliteQuestionLog';
import { createSqliteTeachingLinkStore } from '../sqlite/sqliteTeachingLinkStore';
import { copyAcknowledgementRecords } from './copyAcknowledgements';
import { CopyCount } from './copyHelpers';
import { copyConcerns, copyPublished, copyQuestions, copyTeachingLinks } from './copyRecordTables';
import { copySchoolRules } from './copySchoolRules';
import { SCHOOL_RULES_TABLE } from '../azureTables/azureTableSchoolRuleStore';

export type { CopyCount } from './copyHelpers';
export { CopyConflictError } from './copyHelpers';

/** Where to copy from and to. */
export interface CopyToAzureOptions {
  /** The SQLite file, opened by the caller (a backup copy is best: the schema is brought up to date first). */
  db: SqliteDatabase;
  /** The account and table prefix the app will use with STORAGE=azure. */
  connection: AzureTableConnection;
  /** The concern key (CONCERN_ENCRYPTION_KEY): ciphertext is copied as it is; the key reads each case back to check it. */
  cipher: FieldCipher;
  /**
   * The question log's sealing (from the same key): questions and taught questions an older release kept in plain text
   * are sealed in place before anything is copied, so no question reaches Azure in the clear, and sealed ones are
   * copied as they are.
   */
  questionSealing: QuestionSealing;
  /** The acknowledgement store on Azure (the app's own factory), written through its port. */
  acknowledgement: AcknowledgementStore;
  /** Told after each kind is done. */
  progress?: (count: CopyCount) => void;
}

/**
 * Copies every record of a school's SQLite file into Azure Tables, as the Azure stores lay them out, and counts
 * both sides. Safe to run again: what is there already is checked and left alone.
 */
export async function copySqliteToAzure(options: CopyToAzureOptions): Promise<CopyCount[]> {
  const { db, connection } = options;
  const counts: CopyCount[] = [];
  const done = (c: CopyCount) => { counts.push(c); options.progress?.(c); };

  // Opening each SQLite store brings its schema up to date (and seals actor ids an old release kept in clear).
  const sqliteConcerns = createSqliteConcernStore(db, options.cipher);
  createSqlitePublishedPolicyStore(db);
  const sqliteAck = createSqliteAcknowledgementStoreOn(db);
  // A wrong key would copy ciphertext no one can open with the key the app will have: check before writing anything.
  const first = db.prepare('SELECT id FROM concerns ORDER BY id LIMIT 1').get() as { id: number } | undefined;
  if (first) {
    try {
      await sqliteConcerns.getCaseById(first.id);
    } catch (err) {
      if ((err as { code?: string }).code !== 'FIELD_DECRYPT_FAILED') throw err;
      throw Object.assign(new Error('CONCERN_ENCRYPTION_KEY does not open the concerns in this file; nothing was copied'), { code: 'CONCERN_KEY_MISMATCH' });
    }
  }
  // Opening the question log and the teaching links with their key seals questions an older release kept in plain text
  // (and erases those of removed links), after checking the key opens the ones already sealed.
  try {
    createSqliteQuestionLog(db, options.questionSealing);
    createSqliteTeachingLinkStore(db, options.questionSealing);
  } catch (err) {
    if ((err as { code?: string }).code !== 'FIELD_DECRYPT_FAILED') throw err;
    throw Object.assign(new Error('CONCERN_ENCRYPTION_KEY does not open the questions in this file; nothing was copied'), { code: 'CONCERN_KEY_MISMATCH' });
  }

  await copyConcerns(db, await openRecordTable(connection, CONCERN_TABLE), options.cipher, sqliteConcerns, done);
  await copyQuestions(db, await openRecordTable(connection, QUESTION_TABLE), done);
  await copyPublished(db, await openRecordTable(connection, PUBLISHED_TABLE), done);
  await copyTeachingLinks(db, await openRecordTable(connection, 'Teaching'), done);
  await copySchoolRules(db, await openRecordTable(connection, SCHOOL_RULES_TABLE), done);
  await copyAcknowledgementRecords(db, sqliteAck, options.acknowledgement, done);
  return counts;
}
