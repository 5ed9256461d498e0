import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import { AppConfig } from '../config';
import { CoreSettings } from '../config/coreSettings';
import { AcknowledgementStore } from '../features/acknowledgement/domain/acknowledgementStore';
import { ConcernStore } from '../features/concerns/domain/concernPorts';
import { QuestionLog } from '../features/policy/teaching/questionLog';
import { TeachingLinkStore } from '../features/policy/teaching/teachingLinks';
import { createAzureTableAcknowledgementStore } from '../adapters/azureTables/azureTableAcknowledgementStore';
import { createAzureTableTeachingLinkStore } from '../adapters/azureTables/azureTableTeachingLinkStore';
import { createAzureTableConcernStore } from '../adapters/azureTables/azureTableConcernStore';
import { createAzureTablePublishedPolicyStore } from '../adapters/azureTables/azureTablePublishedPolicyStore';
import { createAzureTableQuestionLog } from '../adapters/azureTables/azureTableQuestionLog';
import { createFieldCipher } from '../shared/fieldEncryption';
import { createQuestionSealing, QuestionSealing } from '../adapters/questionSealing';
import { createSqliteAcknowledgementStore, createSqliteAcknowledgementStoreOn } from '../adapters/sqlite/sqliteAcknowledgementStore';
import { createSqliteConcernStore } from '../adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase, SqliteDatabase } from '../adapters/sqlite/sqliteDatabase';
import { createSqliteQuestionLog } from '../adapters/sqlite/sqliteQuestionLog';
import { createSqliteTeachingLinkStore } from '../adapters/sqlite/sqliteTeachingLinkStore';
import { createSqlitePublishedPolicyStore } from '../adapters/sqlite/sqlitePublishedPolicyStore';
import { PublishedPolicyStore } from '../features/policy/publishing/publishedPolicies';
import { OwnerJobStore } from '../features/acknowledgement/domain/ownerJobs';
import { createSqliteOwnerJobStore } from '../adapters/sqlite/sqliteOwnerJobStore';
import { createAzureTableOwnerJobStore } from '../adapters/azureTables/azureTableOwnerJobStore';
import { azureRecordConnection } from './azureConnection';
import { SharedRecords } from '../shared/sharedRecords';
import { createAzureTableSharedRecords } from '../adapters/azureTables/azureTableSharedRecords';
import { createSqliteSharedRecords } from '../adapters/sqlite/sqliteSharedRecords';
import { startSqliteSharedRecordsThread } from '../adapters/sqlite/sqliteSharedRecordsThread';
import { SchoolRuleStore } from '../features/policy/drafts/schoolRules';
import { createAzureTableSchoolRuleStore } from '../adapters/azureTables/azureTableSchoolRuleStore';
import { createSqliteSchoolRuleStore } from '../adapters/sqlite/sqliteSchoolRuleStore';

export { azureRecordConnection } from './azureConnection';

/** Every store the app uses, opened from configuration in one place. */
export interface Stores {
  /** The embedded database with STORAGE=sqlite; undefined with STORAGE=azure, where no local file is opened. */
  db: SqliteDatabase | undefined;
  acknowledgement: AcknowledgementStore;
  concerns: ConcernStore;
  questions: QuestionLog;
  teaching: TeachingLinkStore;
  /** Versions owners published from chat or the CLI, and the publishing audit. */
  published: PublishedPolicyStore;
  /** Each version's rules for "check my post": the bot's proposals and the owners' decisions, beside the versions. */
  rules: SchoolRuleStore;
  /** Owners' background jobs (reminder passes, exports, campaign recipients), beside the acknowledgement records. */
  jobs: OwnerJobStore;
  /**
   * What the instances coordinate through (people's budgets, the safeguarding route's notices): src/shared/sharedRecords.ts.
   * In a SQLite file they are read and written on a thread of their own, `close` ending it: every question and press
   * writes its person's budget, and on the bot's thread that write waited for SQLite's lock while a roll-out held it.
   */
  shared: SharedRecords & { close?(): Promise<void> };
}

/** Opens every store the settings ask for: all in the SQLite file, or all in Azure Tables (then no file at all). */
export async function openStores(config: AppConfig): Promise<Stores> {
  const prefix = config.acknowledgement.azureTablePrefix;
  const cipher = createFieldCipher(config.concerns.encryptionKey);
  // The question log's key is derived from the concern key (HKDF), not a second setting: see adapters/questionSealing.ts.
  const questionSealing = createQuestionSealing(config.concerns.encryptionKey);
  if (config.storage.kind === 'azure') {
    const credential = config.storage.azureConnectionString ? undefined : new DefaultAzureCredential();
    const connection = azureRecordConnection(config.storage, prefix, credential);
    return {
      db: undefined,
      acknowledgement: await createAcknowledgementStore({ storage: config.storage, azureTablePrefix: prefix, credential }),
      // The worker id survives a restart, so a report this instance left in flight is taken back at once.
      concerns: await createAzureTableConcernStore({ ...connection, cipher, workerId: config.delivery.workerId }),
      questions: await createAzureTableQuestionLog(connection, questionSealing),
      teaching: await createTeachingLinkStore(config.storage, prefix, undefined, questionSealing, credential),
      published: await createAzureTablePublishedPolicyStore(connection),
      rules: await createAzureTableSchoolRuleStore(connection),
      jobs: await createOwnerJobStore(config.storage, prefix, undefined, credential),
      shared: await createAzureTableSharedRecords(connection),
    };
  }
  const db = openSqliteDatabase(config.storage.sqlitePath);
  return {
    db,
    acknowledgement: await createAcknowledgementStore({ storage: config.storage, azureTablePrefix: prefix, sqliteDb: db }),
    concerns: createSqliteConcernStore(db, cipher),
    questions: createSqliteQuestionLog(db, questionSealing),
    teaching: await createTeachingLinkStore(config.storage, prefix, db, questionSealing),
    published: createSqlitePublishedPolicyStore(db),
    rules: createSqliteSchoolRuleStore(db),
    jobs: await createOwnerJobStore(config.storage, prefix, db),
    shared: config.storage.sqlitePath === ':memory:' ? createSqliteSharedRecords(db) : startSqliteSharedRecordsThread(config.storage.sqlitePath),
  };
}

/** Where the composition root wants acknowledgement data kept. */
export interface AcknowledgementStoreChoice {
  storage: CoreSettings['storage'];
  /** AZURE_TABLE_PREFIX (AcknowledgementSettings.azureTablePrefix). */
  azureTablePrefix: string;
  /** With STORAGE=sqlite: share the database other components opened, instead of opening the file again. */
  sqliteDb?: SqliteDatabase;
  /** With an Azure account URL: the identity to use (default: DefaultAzureCredential, e.g. managed identity). */
  credential?: TokenCredential;
}

/** Opens the acknowledgement store the settings ask for: SQLite (embedded default) or Azure Table Storage. */
export async function createAcknowledgementStore(choice: AcknowledgementStoreChoice): Promise<AcknowledgementStore> {
  const { storage } = choice;
  if (storage.kind === 'sqlite') {
    return choice.sqliteDb ? createSqliteAcknowledgementStoreOn(choice.sqliteDb) : createSqliteAcknowledgementStore(storage.sqlitePath);
  }
  return createAzureTableAcknowledgementStore(azureRecordConnection(storage, choice.azureTablePrefix, choice.credential));
}

/** Opens the teaching-link store beside the question log, its taught questions sealed with the log's key: SQLite (embedded default) or Azure Table Storage. */
export async function createTeachingLinkStore(
  storage: CoreSettings['storage'], tablePrefix: string, db: SqliteDatabase | undefined, sealing: QuestionSealing, credential?: TokenCredential,
): Promise<TeachingLinkStore> {
  if (storage.kind === 'sqlite') return createSqliteTeachingLinkStore(db ?? openSqliteDatabase(storage.sqlitePath), sealing);
  return createAzureTableTeachingLinkStore(azureTableClient(storage, `${tablePrefix}Teaching`, credential), sealing);
}

/** Opens the owners' background-job store beside the acknowledgement records: SQLite (embedded default) or Azure Table Storage. */
export async function createOwnerJobStore(
  storage: CoreSettings['storage'], tablePrefix: string, db: SqliteDatabase | undefined, credential?: TokenCredential,
): Promise<OwnerJobStore> {
  if (storage.kind === 'sqlite') return createSqliteOwnerJobStore(db ?? openSqliteDatabase(storage.sqlitePath));
  return createAzureTableOwnerJobStore(azureTableClient(storage, `${tablePrefix}Jobs`, credential));
}

/** A client for one table of the account the settings name, reached as azureRecordConnection says. */
function azureTableClient(storage: CoreSettings['storage'], table: string, credential?: TokenCredential): TableClient {
  const c = azureRecordConnection(storage, '', credential);
  const options = { allowInsecureConnection: c.allowInsecureConnection };
  return c.connectionString
    ? TableClient.fromConnectionString(c.connectionString, table, options)
    : new TableClient(c.accountUrl ?? '', table, c.credential!, options);
}
