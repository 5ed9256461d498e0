import path from 'node:path';
import { readPolicyFilesIsolated } from '../../../../src/features/policy';
import { proposeKeyPoints, tighten } from '../../../../src/features/acknowledgement/domain/keyPoints';
import { REPO_ROOT } from '../../../support/repoRoot';

describe('the key points a campaign proposes', () => {
  it('when the Liverpool model policy is read, then the friend-request, contact and reporting rules are proposed, not its general statements', async () => {
    const [doc] = await readPolicyFilesIsolated([path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt')]);
    const { proposed, offered } = proposeKeyPoints(doc);
    expect(proposed).toContain("Individuals should not accept or invite 'friend' requests from pupils or ex-pupils under the age of 18, or from parents on their personal social media accounts such as Facebook, unless they are family members.");
    expect(proposed).toContain('Any content or online activity which raises a safeguarding concern must be reported to the lead safeguarding officer in the school/trust.');
    expect(proposed.join('\n')).not.toMatch(/comply with UK law|discretion and common sense/);
    expect(proposed.length).toBeLessThanOrEqual(5);
    // The owner can add the policy's other rules: offered, best first, none repeating a proposed point.
    expect(offered.length).toBeGreaterThan(3);
    expect(offered.some((o) => proposed.includes(o))).toBe(false);
  });

  it('when a sentence is half of one (a bullet finishing its lead-in) or points to another section, then it is neither proposed nor offered', () => {
    const section = (ordinal: number, text: string) => ({ ordinal, number: String(ordinal), title: `Part ${ordinal}`, level: 1, parent: null, text });
    const doc = {
      id: 'p', source: 'p.txt', title: 'P', metadata: { title: 'P', contentHash: 'h' }, frontPage: [], warnings: [],
      sections: [
        section(1, 'Staff should be advised as follows:-\n- That they do not accept friend requests from pupils or their parents on social media.\n- That they familiarise themselves with the privacy settings of every site they use.'),
        section(2, 'Staff must not post photographs of pupils and must follow the guidance in section 7 on the use of images.'),
        section(3, 'Staff must not accept friend requests from pupils or parents on their personal accounts.'),
      ],
    };
    const { proposed, offered } = proposeKeyPoints(doc);
    expect([...proposed, ...offered].join('\n')).not.toMatch(/^That they|in section 7/m);
    expect(proposed).toContain('Staff must not accept friend requests from pupils or parents on their personal accounts.');
  });

  it('when a rule has a preamble, then it is tightened to the rule in the policy\'s own words', () => {
    expect(tighten('Individuals should be aware of both professional and social boundaries and should not therefore accept friend requests from pupils.'))
      .toBe('Individuals should not accept friend requests from pupils.');
  });
});
