import fs from 'node:fs';
import path from 'node:path';
import { answerQuestionReranked } from '../../../../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex } from '../../../../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { loadReranker } from '../../../../../src/compose/rerank';
import { REPO_ROOT } from '../../../../support/repoRoot';

/**
 * Issue 70: the question the help card and the README give as an example gets a sure answer, from the section on
 * friendships with pupils, on each of the five real policies, answered as the bot answers (with the shipped models).
 * The example before ("Can I post photos of my class?") got "not sure" on three of them.
 */
const template = fs.readFileSync(path.join(REPO_ROOT, 'src', 'features', 'policy', 'teams', 'cards', 'templates', 'helpCard.json'), 'utf8');
const example = /for example \\"([^"\\]+)\\"/.exec(template)?.[1] ?? '';
const policies = fs.readdirSync(path.join(REPO_ROOT, 'samples', 'policies')).filter((f) => f.endsWith('.txt')).sort();

describe('the help card\'s example question (issue 70)', () => {
  it('when it is asked of each of the five real policies, then the answer is sure and quotes the rule on friendships with pupils', async () => {
    expect(example).toBe('Can I be friends with pupils on social media?');
    expect(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')).toContain(`"${example}"`);
    const reranker = await loadReranker();
    expect(policies).toHaveLength(5);
    for (const policy of policies) {
      const doc = parsePolicyText(fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', policy), 'utf8'), policy);
      await (reranker as { prepare?: (d: unknown[]) => Promise<void> } | undefined)?.prepare?.([doc]);
      const answer = await answerQuestionReranked(createPolicyIndex([doc]), example, reranker);
      const got = answer.answered ? { policy, sure: answer.sure, quote: /friend/i.test(answer.best.quote) && /pupil/i.test(answer.best.quote) } : { policy };
      expect(got).toEqual({ policy, sure: true, quote: true });
    }
  }, 120_000);
});
