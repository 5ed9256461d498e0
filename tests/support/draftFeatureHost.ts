import fs from 'node:fs';
import path from 'node:path';
import { DisclosureDetector } from '../../src/features/policy/disclosure/disclosureDetector';
import { DraftCheckResult } from '../../src/features/policy/drafts/draftChecker';
import { DraftContext } from '../../src/features/policy/drafts/draftConcerns';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../src/features/policy/policyLibrary';
import { createInMemoryQuestionLog } from '../../src/features/policy/teaching/questionLog';
import { createPolicyFeature } from '../../src/features/policy/teams/policyFeature';
import { createLogger } from '../../src/shared/logger';
import { BotHost, startBotHost } from './botHost';
import { REPO_ROOT } from './repoRoot';

/** A disclosure reader that reads nothing as a disclosure: the draft's path is the checker's alone. */
const ordinary = async () => ({ offer: false, holdBack: false, score: 0 });
const NOTHING_DISCLOSED: DisclosureDetector = { read: ordinary, readAll: async (texts) => Promise.all(texts.map(ordinary)), readDraft: ordinary };

/**
 * The product's policy feature on the bundled sample policy, served over real HTTP (startBotHost), with the draft
 * checker the test gives (to count or hold drafts) and a disclosure reader that reads none as a disclosure.
 */
export function startDraftFeatureHost(
  check: (draft: string, context: DraftContext) => Promise<DraftCheckResult>,
  options: { now?: () => Date } = {},
): Promise<BotHost> {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), 'utf8');
  const library = createPolicyLibrary([parsePolicyText(text, 'liverpool-model.txt')]);
  return startBotHost(() => [createPolicyFeature({
    library, questions: createInMemoryQuestionLog(), disclosure: NOTHING_DISCLOSED, policyOwners: [], logger: createLogger('silent'), drafts: { check },
    ...(options.now ? { now: options.now } : {}),
  })]);
}
