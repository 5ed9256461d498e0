import fs from 'node:fs';
import { createAzureTablePublishedPolicyStore } from '../adapters/azureTables/azureTablePublishedPolicyStore';
import { createAzureTableQuestionLog } from '../adapters/azureTables/azureTableQuestionLog';
import { createQuestionSealing, QuestionSealing } from '../adapters/questionSealing';
import { openSqliteDatabase } from '../adapters/sqlite/sqliteDatabase';
import { createSqlitePublishedPolicyStore } from '../adapters/sqlite/sqlitePublishedPolicyStore';
import { createSqliteQuestionLog } from '../adapters/sqlite/sqliteQuestionLog';
import { createSqliteTeachingLinkStore } from '../adapters/sqlite/sqliteTeachingLinkStore';
import { azureRecordConnection, createTeachingLinkStore } from '../compose/stores';
import { LOCAL_DEVELOPMENT_CONCERN_KEY } from '../config/concernSettings';
import { PublishedPolicyStore } from '../features/policy/publishing/publishedPolicies';
import { QuestionLog } from '../features/policy/teaching/questionLog';
import { TeachingLinkStore } from '../features/policy/teaching/teachingLinks';
import { UsageError } from './cliArgs';

/** Where the app keeps its records, from the same variables the app reads: Azure Tables with STORAGE=azure, else the file. */
export function azureFromEnv(env: NodeJS.ProcessEnv, sqlitePath: string) {
  const connectionString = env.AZURE_STORAGE_CONNECTION_STRING?.trim() || undefined;
  const accountUrl = env.AZURE_STORAGE_ACCOUNT_URL?.trim() || undefined;
  if (!connectionString && !accountUrl) throw new UsageError('set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL to the account the app uses');
  const tablePrefix = env.AZURE_TABLE_PREFIX?.trim() || 'policybot';
  const settings = { kind: 'azure' as const, sqlitePath, azureConnectionString: connectionString, azureAccountUrl: accountUrl };
  return { settings, tablePrefix, connection: azureRecordConnection(settings, tablePrefix) };
}

/** The records a command reads: the question log and published versions, and with the question log's key the teaching links. */
export interface CliRecords {
  questions: QuestionLog;
  published: PublishedPolicyStore;
  /** Opened only with the sealing (taught questions are sealed with the question log's key). */
  teaching?: TeachingLinkStore;
  close(): void;
}

/** Opens the records where the app keeps them (the --db file, or Azure with STORAGE=azure). */
export async function openRecords(env: NodeJS.ProcessEnv, file: string, mustExist: boolean, questionSealing?: QuestionSealing): Promise<CliRecords> {
  if (env.STORAGE === 'azure') {
    const { connection, settings, tablePrefix } = azureFromEnv(env, file);
    return {
      questions: await createAzureTableQuestionLog(connection, questionSealing), published: await createAzureTablePublishedPolicyStore(connection),
      teaching: questionSealing ? await createTeachingLinkStore(settings, tablePrefix, undefined, questionSealing) : undefined, close: () => undefined,
    };
  }
  if (mustExist && !fs.existsSync(file)) throw new UsageError(`no database at ${file} (has the bot run yet?)`);
  const db = openSqliteDatabase(file);
  return {
    questions: createSqliteQuestionLog(db, questionSealing), published: createSqlitePublishedPolicyStore(db),
    teaching: questionSealing ? createSqliteTeachingLinkStore(db, questionSealing) : undefined, close: () => db.close(),
  };
}

/**
 * The question log's sealing, from CONCERN_ENCRYPTION_KEY (the local development key with APP_MODE=local), as the bot
 * derives it. Opening the log with it seals rows an older release kept in plain text.
 */
export function questionSealingFromEnv(env: NodeJS.ProcessEnv): QuestionSealing {
  const key = env.CONCERN_ENCRYPTION_KEY?.trim();
  if (key) return createQuestionSealing(key);
  if (env.APP_MODE === 'local') return createQuestionSealing(LOCAL_DEVELOPMENT_CONCERN_KEY);
  throw new UsageError('set CONCERN_ENCRYPTION_KEY to the key the bot runs with (APP_MODE=local for a local bot): questions are sealed with a key derived from it');
}
