import restify from 'restify';
import { createActionPlannerPhraser } from '../features/policy/teams/actionPlannerPhraser';
import { createAdapter } from '../teams/adapter';
import { createBotApp } from '../teams/botApp';
import { createServer, listen } from '../teams/server';
import { createBotFrameworkAuthenticator } from '../teams/requestAuthentication';
import { AppConfig } from '../config';
import { AppLogger } from '../logger';
import { loadPolicyFiles } from '../features/policy/ingest/loadPolicyFile';
import { createPolicyLibrary, PolicyLibrary } from '../features/policy/policyLibrary';
import { openSqliteDatabase, SqliteDatabase } from '../adapters/sqlite/sqliteDatabase';
import { createSqliteQuestionLog } from '../adapters/sqlite/sqliteQuestionLog';
import { createConcernFeature } from '../features/concerns/teams/concernFeature';
import { createFieldCipher } from '../adapters/fieldEncryption';
import { createSqliteConcernStore } from '../adapters/sqlite/sqliteConcernStore';
import { createAcknowledgementWiring } from './acknowledgement';
import { createTeachingLinkStore } from './teachingLinkStoreFactory';

/** A running bot: its HTTP server, bound port, policy library and a way to stop it cleanly. */
export interface RunningApp {
  server: restify.Server;
  port: number;
  library: PolicyLibrary;
  db: SqliteDatabase;
  close(): Promise<void>;
}

/** Test-only seams of startApp. */
export interface StartAppOptions {
  /** Extra CA certificate (PEM) for a local https stand-in of Azure OpenAI. */
  openAITrustedCa?: string;
}

/**
 * Dependency order: configuration -> policy documents -> storage -> bot adapter -> application (with its
 * features and, when Azure OpenAI is configured, answer phrasing) -> HTTP server. Each step fails with a
 * named error before anything listens.
 */
export async function startApp(config: AppConfig, logger: AppLogger, options: StartAppOptions = {}): Promise<RunningApp> {
  const documents = await loadPolicyFiles(config.policyFiles);
  const library = createPolicyLibrary(documents);
  for (const doc of documents) {
    logger.info({ event: 'policy.loaded', document: doc.id, sections: doc.sections.length, hash: doc.metadata.contentHash.slice(0, 12) }, 'policy indexed');
    for (const w of doc.warnings) logger.warn({ event: 'policy.warning', document: doc.id, code: w.code }, w.message);
  }
  const db = openSqliteDatabase(config.storage.sqlitePath);
  const questions = createSqliteQuestionLog(db);
  const adapter = createAdapter(config);
  if (config.concerns.encryptionKeySource === 'localDevelopmentKey') {
    logger.warn({ event: 'concerns.devKey' }, 'concern reports are encrypted with the public local development key (local mode only)');
  }
  const concerns = createConcernFeature({
    settings: config.concerns,
    store: createSqliteConcernStore(db, createFieldCipher(config.concerns.encryptionKey)),
    adapter,
    botAppId: config.bot.id ?? '',
    logger,
  });
  const acknowledgement = await createAcknowledgementWiring(config, db, library, logger);
  const phraser = config.openAI
    ? createActionPlannerPhraser({ settings: config.openAI, trustedCa: options.openAITrustedCa })
    : undefined;
  if (phraser) logger.info({ event: 'answers.phrasingEnabled', timeoutMs: config.openAI!.timeoutMs }, 'answers may be phrased by Azure OpenAI, grounded in the cited section');
  const teaching = await createTeachingLinkStore(config.storage, config.acknowledgement.azureTablePrefix, db);
  const app = createBotApp({
    adapter, library, questions, logger, policyOwners: config.policyOwners, botAppId: config.bot.id,
    features: [acknowledgement.feature, concerns], phraser, teaching,
  });
  const authenticator = config.mode === 'production' && config.bot.id ? createBotFrameworkAuthenticator(config.bot.id, config.bot.openIdMetadataUrl) : undefined;
  const server = createServer({ adapter, app, logger, authenticator });
  const port = await listen(server, config.port, config.host);
  // Reports stored before a restart but not yet delivered go out now, then on a timer.
  await concerns.processOutbox();
  const stopOutbox = concerns.startOutboxTimer(60_000);
  const stopAcknowledgement = await acknowledgement.start();
  return {
    server, port, library, db,
    async close() {
      stopOutbox();
      await stopAcknowledgement();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (the connector, the Playground) would otherwise hold close() open forever.
        server.server.closeAllConnections();
      });
      db.close();
    },
  };
}
