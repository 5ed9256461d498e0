import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { PolicyLoadError } from '../features/policy/ingest/loadPolicyFile';
import { readPolicyFilesIsolated, readPolicyIsolated } from '../features/policy/ingest/isolatedIngest';
import { PolicyDocument } from '../features/policy/policyDocument';
import { PublishedForAcknowledgement } from '../features/policy/teams/policyPublishing';
import { createPolicyLibrary, LivePolicyLibrary, PolicyLibrary } from '../features/policy/policyLibrary';
import { PublishedPolicyStore } from '../features/policy/publishing/publishedPolicies';
import { createPolicyPublishingFeature } from '../features/policy/teams/policyPublishing';
import { createFileDownloader, FileDownloader } from '../teams/fileDownload';
import { bundledSampleMatching, OWN_POLICY_ADVICE, sampleWords } from '../features/policy/publishing/bundledSamples';
import { QuestionLog } from '../features/policy/teaching/questionLog';
import { offeredChoicesKey } from '../features/policy/teaching/offeredChoices';
import { TeachingLinkStore } from '../features/policy/teaching/teachingLinks';
import { createActionPlannerPhraser } from '../features/policy/teams/actionPlannerPhraser';
import { createPolicyFeature } from '../features/policy/teams/policyFeature';
import { DisclosureDetector } from '../features/policy/disclosure/disclosureDetector';
import { DraftCheckResult } from '../features/policy/drafts/draftChecker';
import { DraftContext } from '../features/policy/drafts/draftConcerns';
import { SchoolRuleBook } from '../features/policy/drafts/draftRules';
import { Reranker } from '../features/policy/answer/rerank';
import { BotFeature } from '../teams/botFeature';
import { createLiveVersions, LiveVersions } from '../features/policy/publishing/liveVersions';

/** How often each instance looks for a version published on another (well inside the 30 s staff may wait for it). */
export const FOLLOW_PUBLISHED_MS = 10_000;

/** The live versions this instance follows: what publishing, the reader and the look for other instances' versions share. */
export function composeLiveVersions(loaded: LoadedPolicies, published: PublishedPolicyStore, logger: AppLogger): LiveVersions {
  return createLiveVersions({
    library: loaded.library, store: published, configuredHashes: loaded.configuredHashes, publishedNumbers: loaded.publishedNumbers,
    read: (content, fileName) => readPolicyIsolated(content, fileName), logger,
  });
}

/** The loaded library, and the hash of each configured file as read (what a published version replaced). */
export interface LoadedPolicies {
  library: LivePolicyLibrary;
  configuredHashes: Map<string, string>;
  /**
   * The number of each loaded policy's newest stored version as the library was loaded (none: not there): the version
   * the next one published from chat must follow.
   */
  publishedNumbers: Map<string, number>;
}

/**
 * Reads and indexes the configured policy documents, logging each one and what looks wrong in it. Where an owner
 * has since published a new version from chat and the configured file is still the one it replaced, the published
 * version is used; once a different file is deployed, the file wins. With no POLICY_FILES, the policies owners sent in
 * chat are used instead (chatPolicies). Each document is read in a separate process with a time and memory limit. A
 * configured file that is refused stops the start with its reason (logged, and printed by main); a published version
 * that is refused is logged as an error and the configured file is used instead, so the bot starts rather than failing
 * on every restart.
 */
export async function loadPolicyLibrary(config: Pick<AppConfig, 'policyFiles' | 'mode'>, logger: AppLogger, published?: PublishedPolicyStore): Promise<LoadedPolicies> {
  if (config.policyFiles.length === 0) {
    const publishedNumbers = new Map<string, number>();
    const documents = published ? await chatPolicies(published, logger, publishedNumbers) : [];
    for (const doc of documents) logLoaded(doc, logger);
    if (documents.length === 0) {
      logger.warn({ event: 'policy.none' }, 'no policy yet: POLICY_FILES is empty and no policy owner has sent the school\'s policy in chat; '
        + 'staff are told it has not been added, and an owner adds it by sending the document to the bot in Teams');
    }
    return { library: createPolicyLibrary(documents), configuredHashes: new Map(), publishedNumbers };
  }
  let configured: PolicyDocument[];
  try {
    configured = await readPolicyFilesIsolated(config.policyFiles);
  } catch (err) {
    if (err instanceof PolicyLoadError) logger.error({ event: 'policy.refused', code: err.code, limit: err.limit }, err.message);
    throw err;
  }
  if (config.mode === 'production') refuseBundledSamples(config.policyFiles, configured, logger);
  const configuredHashes = new Map(configured.map((d) => [d.id, d.metadata.contentHash]));
  const documents: PolicyDocument[] = [];
  const publishedNumbers = new Map<string, number>();
  for (const doc of configured) {
    const latest = published ? await published.latest(doc.id) : undefined;
    if (latest) publishedNumbers.set(doc.id, latest.number);
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
    logLoaded(used, logger);
    documents.push(used);
  }
  return { library: createPolicyLibrary(documents), configuredHashes, publishedNumbers };
}

/**
 * Production never starts on a bundled sample: each configured file is compared with the samples by what was read from
 * it, so the sample as Word or PDF, renamed, or with a line added, stops the start as the sample itself does, with what
 * to do instead (logged, and printed by main).
 */
function refuseBundledSamples(files: readonly string[], documents: readonly PolicyDocument[], logger: AppLogger): void {
  const problems: string[] = [];
  documents.forEach((doc, i) => {
    const sample = bundledSampleMatching(doc);
    if (!sample) return;
    logger.error({ event: 'policy.sampleRefused', sample }, 'POLICY_FILES names a bundled sample policy: production does not start on a sample');
    problems.push(`POLICY_FILES names ${files[i]}, which is ${sampleWords(sample)}: production does not start on a sample.`);
  });
  if (problems.length > 0) throw Object.assign(new Error(`${problems.join(' ')} ${OWN_POLICY_ADVICE}`), { code: 'POLICY_SAMPLE' });
}

/**
 * The policies owners sent in chat with no file configured (their versions carry no configuredHash), each at its newest
 * version, in the order they were first sent: the first is the primary policy. A version that is refused is logged
 * as an error and left out; the bot starts, and owners' help says what is missing.
 */
async function chatPolicies(published: PublishedPolicyStore, logger: AppLogger, numbers: Map<string, number>): Promise<PolicyDocument[]> {
  const documents: PolicyDocument[] = [];
  for (const summary of (await published.listPolicies()).filter((v) => v.configuredHash === '')) {
    const latest = await published.latest(summary.policyId);
    if (!latest) continue;
    numbers.set(latest.policyId, latest.number);
    try {
      const doc = await readPolicyIsolated(latest.content, latest.fileName);
      // The id the first version was given stays, whatever later files are called.
      doc.id = latest.policyId;
      logger.info({ event: 'policy.publishedVersionUsed', document: doc.id, publishedAt: latest.publishedAt }, 'using the policy an owner sent in chat');
      documents.push(doc);
    } catch (err) {
      if (!(err instanceof PolicyLoadError)) throw err;
      logger.error({ event: 'policy.publishedVersionRefused', document: latest.policyId, publishedAt: latest.publishedAt, code: err.code, limit: err.limit },
        `the version published at ${latest.publishedAt} was not read (${err.message}); an owner can send the policy again in chat`);
    }
  }
  return documents;
}

function logLoaded(doc: PolicyDocument, logger: AppLogger): void {
  logger.info({ event: 'policy.loaded', document: doc.id, sections: doc.sections.length, hash: doc.metadata.contentHash.slice(0, 12) }, 'policy indexed');
  for (const w of doc.warnings) logger.warn({ event: 'policy.warning', document: doc.id, code: w.code }, w.message);
}

/**
 * What `/healthz?detail=1` says of the policy (public in production: counts only, no title or person): loaded, or none
 * yet and how one is added.
 */
export function policyHealthDetail(library: PolicyLibrary): Record<string, unknown> {
  if (!library.primary) {
    return {
      state: 'none', loaded: false,
      summary: 'no policy loaded: a policy owner sends the school\'s policy to the bot in Teams (or IT points POLICY_FILES at the school\'s file)',
    };
  }
  return { state: 'loaded', loaded: true, documents: library.documents.length, sections: library.documents.reduce((n, d) => n + d.sections.length, 0) };
}

/** Policy questions and owners' policy commands, with AI phrasing when Azure OpenAI is configured. */
export function composePolicy(
  config: AppConfig,
  deps: {
    loaded: LoadedPolicies; questions: QuestionLog; teaching: TeachingLinkStore; published: PublishedPolicyStore; logger: AppLogger;
    /** The live versions (composeLiveVersions): publishing's numbers and one-at-a-time, shared with the look for other instances' versions. */
    live: LiveVersions;
    openAITrustedCa?: string;
    /** How files sent in chat are fetched; by default only from Teams' file hosts (loopback too in local mode). */
    download?: FileDownloader;
    /** Lines owners see first in `help` (the safeguarding route's check). */
    ownerNotices?: () => string[];
    /** Whether someone is on the safeguarding team: `help` lists the team's commands for them. */
    onSafeguardingTeam?: (aadObjectId: string) => boolean;
    /** Reads each message for a disclosure about a child (loadDisclosureDetector). */
    disclosure: DisclosureDetector;
    /** Checks draft posts against the policy (loadDraftChecker). */
    drafts?: { check(draft: string, context: DraftContext): Promise<DraftCheckResult>; rules?: SchoolRuleBook };
    /** The answering stack's cross-encoder (loadReranker); without it the learnt model alone answers. */
    reranker?: Reranker;
    /** Acknowledgement's view of a new version: whether it is material, and telling it one went live. */
    acknowledgement?: { isMaterial(live: PolicyDocument, next: PolicyDocument): boolean; versionPublished(doc: PolicyDocument, actorId: string, replaces?: PolicyDocument): Promise<PublishedForAcknowledgement> };
  },
): { publishing: BotFeature; questions: BotFeature } {
  const phraser = config.openAI
    ? createActionPlannerPhraser({ settings: config.openAI, trustedCa: deps.openAITrustedCa })
    : undefined;
  if (phraser) deps.logger.info({ event: 'answers.phrasingEnabled', timeoutMs: config.openAI!.timeoutMs }, 'answers may be phrased by Azure OpenAI, grounded in the cited section');
  const { library, configuredHashes } = deps.loaded;
  const publishing = createPolicyPublishingFeature({
    library, store: deps.published, policyOwners: config.policyOwners, configuredHashes, live: deps.live, logger: deps.logger,
    download: deps.download ?? createFileDownloader({ allowLoopbackHttp: config.mode === 'local', maxBytes: 20 * 1024 * 1024, timeoutMs: 30_000 }),
    isMaterial: deps.acknowledgement?.isMaterial, onPublished: deps.acknowledgement?.versionPublished, rules: deps.drafts?.rules, teaching: deps.teaching,
    // Production never runs on a sample, from a file or from chat; local mode runs on them.
    ...(config.mode === 'production' ? { bundledSample: (doc: PolicyDocument) => bundledSampleMatching(doc) } : {}),
  });
  const questions = createPolicyFeature({
    library, questions: deps.questions, teaching: deps.teaching, disclosure: deps.disclosure, drafts: deps.drafts, logger: deps.logger, policyOwners: config.policyOwners, phraser,
    ownerNotices: deps.ownerNotices, onSafeguardingTeam: deps.onSafeguardingTeam, reranker: deps.reranker,
    // A "not sure" reply's choices are signed with a key derived from the concern key, so any instance checks a press.
    choiceKey: offeredChoicesKey(config.concerns.encryptionKey),
    version: (policyId, versionHash) => deps.live.document(policyId, versionHash),
  });
  return { publishing, questions };
}
