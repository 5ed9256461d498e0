import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './repoRoot';

/**
 * The sample policy's next version as issue 54 tried it: the friend-request rule reworded (friend requests from parents
 * now allowed with a line manager's written approval) and a section added on AI tools; its version table has no new row,
 * so it still says "Version 2 02 2023".
 */
export const SAMPLE_POLICY = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');

/** The rule as the new version words it. */
export const PARENTS_RULE = "Staff may accept friend requests from parents only with their line manager's written approval.";
/** The added section's rule. */
export const AI_RULE = "Staff must not put pupils' names, photographs or work into public AI chatbots.";

/** The next version's text. */
export function nextVersionText(): string {
  const text = fs.readFileSync(SAMPLE_POLICY, 'utf8');
  const old = "or ex-pupils under the age of 18, or from parents on their personal social media accounts such as Facebook, unless\n\nthey are family members.";
  if (!text.includes(old)) throw new Error('the sample policy no longer has the friend-request rule this fixture rewords');
  return `${text.replace(old, `or ex-pupils under the age of 18. ${PARENTS_RULE}`).trimEnd()}\n\n12. Artificial intelligence tools\n\n${AI_RULE}\n`;
}
