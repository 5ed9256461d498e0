import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { PolicyLoadError } from '../features/policy/ingest/loadPolicyFile';
import { readPolicyFilesIsolated, readPolicyIsolated } from '../features/policy/ingest/isolatedIngest';
import { PolicyDocument } from '../features/policy/policyDocument';
import { createPolicyLibrary, LivePolicyLibrary } from '../features/policy/policyLibrary';
import { PublishedPolicyStore } from '../features/policy/publishing/publishedPolicies';
import { createPolicyPublishingFeature } from '../features/policy/teams/policyPublishing';
import { createFileDownloader } from '../teams/fileDownload';
import { QuestionLog } from '../features/policy/teaching/questionLog';
import { TeachingLinkStore } from '../features/policy/teaching/teachingLinks';
import { createActionPlannerPhraser } from '../features/policy/teams/actionPlannerPhraser';
import { createPolicyFeature } from '../features/policy/teams/policyFeature';
import { BotFeature } from '../teams/botFeature';

/** The loaded library, and the hash of each configured file as read (what a published version replaced). */
export interface LoadedPolicies {
  library: LivePolicyLibrary;
  configuredHashes: Map<string, string>;
}

/**
 * Reads and indexes the configured policy documents, logging each one and what looks wrong in it. Where an owner
 * has since published a new version from chat and the configured file is still the one it replaced, the published
 * version is used; once a different file is deployed, the file wins. Each document is read in a separate process with
 * a time and memory limit. A configured file that is refused stops the start with its reason (logged, and printed by
 * main); a published version that is refused is logged as an error and the configured file is used instead, so the
 * bot starts rather than failing on every restart.
 */
export async function loadPolicyLibrary(config: AppConfig, logger: AppLogger, published?: PublishedPolicyStore): Promise<LoadedPolicies> {
  let configured: PolicyDocument[];
  try {
    configured = await readPolicyFilesIsolated(config.policyFiles);
  } catch (err) {
    if (err instanceof PolicyLoadError) logger.error({ event: 'policy.refused', code: err.code, limit: err.limit }, err.message);
    throw err;
  }
  const configuredHashes = new Map(configured.map((d) => [d.id, d.metadata.contentHash]));
  const documents: PolicyDocument[] = [];
  for (const doc of configured) {
    const latest = published ? await published.latest(doc.id) : undefined;
    let used = doc;
    if (latest && latest.configuredHash === doc.metadata.contentHash) {
      try {
        used = await readPolicyIsolated(latest.content, latest.fileName);
        used.id = doc.id;
        logger.info({ event: 'policy.publishedVersionUsed', document: doc.id, publishedAt: latest.publishedAt }, 'using the version an owner published');
      } catch (err) {
        if (!(err instanceof PolicyLoadError)) throw err;
        logger.error({ event: 'policy.publishedVersionRefused', document: doc.id, publishedAt: latest.publishedAt, code: err.code, limit: err.limit },
          `the version published at ${latest.publishedAt} was not read (${err.message}); answering from ${doc.source} instead`);
      }
    }
    logger.info({ event: 'policy.loaded', document: used.id, sections: used.sections.length, hash: used.metadata.contentHash.slice(0, 12) }, 'policy indexed');
    for (const w of used.warnings) logger.warn({ event: 'policy.warning', document: used.id, code: w.code }, w.message);
    documents.push(used);
  }
  return { library: createPolicyLibrary(documents), configuredHashes };
}

/** Policy questions and owners' policy commands, with AI phrasing when Azure OpenAI is configured. */
export function composePolicy(
  config: AppConfig,
  deps: {
    loaded: LoadedPolicies; questions: QuestionLog; teaching: TeachingLinkStore; published: PublishedPolicyStore; logger: AppLogger;
    openAITrustedCa?: string;
    /** Lines owners see first in `help` (the safeguarding route's check). */
    ownerNotices?: () => string[];
    /** Acknowledgement's view of a new version: whether it is material, and telling it one went live. */
    acknowledgement?: { isMaterial(live: PolicyDocument, next: PolicyDocument): boolean; versionPublished(doc: PolicyDocument): Promise<{ material: boolean; roundsStarted: number }> };
  },
): { publishing: BotFeature; questions: BotFeature } {
  const phraser = config.openAI
    ? createActionPlannerPhraser({ settings: config.openAI, trustedCa: deps.openAITrustedCa })
    : undefined;
  if (phraser) deps.logger.info({ event: 'answers.phrasingEnabled', timeoutMs: config.openAI!.timeoutMs }, 'answers may be phrased by Azure OpenAI, grounded in the cited section');
  const { library, configuredHashes } = deps.loaded;
  const publishing = createPolicyPublishingFeature({
    library, store: deps.published, policyOwners: config.policyOwners, configuredHashes, logger: deps.logger,
    download: createFileDownloader({ allowLoopbackHttp: config.mode === 'local', maxBytes: 20 * 1024 * 1024, timeoutMs: 30_000 }),
    isMaterial: deps.acknowledgement?.isMaterial, onPublished: deps.acknowledgement?.versionPublished,
  });
  const questions = createPolicyFeature({
    library, questions: deps.questions, teaching: deps.teaching, logger: deps.logger, policyOwners: config.policyOwners, phraser,
    ownerNotices: deps.ownerNotices,
  });
  return { publishing, questions };
}
