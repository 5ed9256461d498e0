import path from 'node:path';
import { answerQuestion } from '../../../src/features/policy/answer/answerQuestion';
import { loadPolicyFile } from '../../../src/features/policy/ingest/loadPolicyFile';
import { createPolicyLibrary, findSection } from '../../../src/features/policy/policyLibrary';
import { REPO_ROOT } from '../../support/repoRoot';

const SAMPLE = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');
const QUESTION = 'Can I accept a friend request from a parent?';

describe('the policy library before and after the school\'s policy is added', () => {
  it('when nothing is loaded, then there is no primary policy, no section, and every question goes unanswered', () => {
    const library = createPolicyLibrary([]);
    expect(library.primary).toBeUndefined();
    expect(library.documents).toEqual([]);
    expect(findSection(library, '5')).toBeNull();
    expect(answerQuestion(library.index, QUESTION)).toMatchObject({ answered: false, reason: 'NOT_COVERED' });
  });

  it('when the first policy is added, then it is the primary and the next question is answered from it', async () => {
    const library = createPolicyLibrary([]);
    const doc = await loadPolicyFile(SAMPLE);
    library.addFirst(doc);
    expect(library.primary).toBe(doc);
    expect(findSection(library, '5')?.doc).toBe(doc);
    const answer = answerQuestion(library.index, QUESTION);
    expect(answer.answered).toBe(true);
    if (answer.answered) expect(answer.best.doc).toBe(doc);
  });

  it('when a policy is already there, then adding a "first" one is refused: a later file is a new version of it', async () => {
    const doc = await loadPolicyFile(SAMPLE);
    const library = createPolicyLibrary([doc]);
    expect(() => library.addFirst({ ...doc, id: 'another' })).toThrow(/already loaded \(liverpool-model\)/);
    expect(library.documents).toEqual([doc]);
  });
});
