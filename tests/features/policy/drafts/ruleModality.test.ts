import { isAdviceOnly } from '../../../../src/features/policy/drafts/ruleModality';

describe('whether a policy sentence binds or advises', () => {
  test('when a sentence only advises (advised, consider, if in doubt, recommended), then it is advice', () => {
    for (const s of [
      'They are therefore advised to consider whether any comment, photograph or video could cause offence. If in doubt, don\'t post it!',
      'It is recommended that staff keep their profiles private.',
      'Staff are encouraged to think carefully before sharing personal information.',
      'Be mindful of who can see what you post.',
    ]) expect(isAdviceOnly(s)).toBe(true);
  });

  test('when a sentence binds (must, should not, not permitted, under no circumstances, never), even beside advice, then it is a rule', () => {
    for (const s of [
      'Staff must not post images of pupils on personal accounts.',
      'Under no circumstances should staff share pupils\' pictures, and staff are advised to check consent.',
      'The use of personal social media during work time is not permitted.',
      'Staff should not accept friend requests from pupils; they are advised to report them.',
      'Never share confidential information.',
      'Do not use the school logo.',
    ]) expect(isAdviceOnly(s)).toBe(false);
  });

  test('when a sentence is very long, then only its first 2,000 characters are read', () => {
    expect(isAdviceOnly(`${'Staff are advised to consider this. '.repeat(60)} They must not.`)).toBe(true);
  });
});
