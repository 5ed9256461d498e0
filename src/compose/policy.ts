import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { loadPolicyFiles } from '../features/policy/ingest/loadPolicyFile';
import { createPolicyLibrary, PolicyLibrary } from '../features/policy/policyLibrary';
import { QuestionLog } from '../features/policy/teaching/questionLog';
import { TeachingLinkStore } from '../features/policy/teaching/teachingLinks';
import { createActionPlannerPhraser } from '../features/policy/teams/actionPlannerPhraser';
import { createPolicyFeature } from '../features/policy/teams/policyFeature';
import { BotFeature } from '../teams/botFeature';

/** Reads and indexes the configured policy documents, logging each one and what looks wrong in it. */
export async function loadPolicyLibrary(config: AppConfig, logger: AppLogger): Promise<PolicyLibrary> {
  const documents = await loadPolicyFiles(config.policyFiles);
  for (const doc of documents) {
    logger.info({ event: 'policy.loaded', document: doc.id, sections: doc.sections.length, hash: doc.metadata.contentHash.slice(0, 12) }, 'policy indexed');
    for (const w of doc.warnings) logger.warn({ event: 'policy.warning', document: doc.id, code: w.code }, w.message);
  }
  return createPolicyLibrary(documents);
}

/** Policy questions and owners' policy commands, with AI phrasing when Azure OpenAI is configured. */
export function composePolicy(
  config: AppConfig,
  deps: { library: PolicyLibrary; questions: QuestionLog; teaching: TeachingLinkStore; logger: AppLogger; openAITrustedCa?: string },
): BotFeature {
  const phraser = config.openAI
    ? createActionPlannerPhraser({ settings: config.openAI, trustedCa: deps.openAITrustedCa })
    : undefined;
  if (phraser) deps.logger.info({ event: 'answers.phrasingEnabled', timeoutMs: config.openAI!.timeoutMs }, 'answers may be phrased by Azure OpenAI, grounded in the cited section');
  return createPolicyFeature({
    library: deps.library, questions: deps.questions, teaching: deps.teaching, logger: deps.logger, policyOwners: config.policyOwners, phraser,
  });
}
