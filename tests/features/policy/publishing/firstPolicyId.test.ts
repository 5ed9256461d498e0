import { firstPolicyId } from '../../../../src/features/policy/publishing/publishedPolicies';

describe('the id the school\'s first policy keeps', () => {
  it('when the first file is named, then the id is its name without the extension, in lower-case words joined by hyphens', () => {
    expect(firstPolicyId('Social media policy 2027.docx')).toBe('social-media-policy-2027');
    expect(firstPolicyId('C:\\Users\\head\\Downloads\\(Final) Staff ICT & Social Media Policy!.pdf')).toBe('final-staff-ict-social-media-policy');
    expect(firstPolicyId('/tmp/oakfield-social-media-policy.txt')).toBe('oakfield-social-media-policy');
  });

  it('when the name has no letters or digits, or is very long, then the id is still usable: "policy", or at most 80 characters', () => {
    expect(firstPolicyId('???.docx')).toBe('policy');
    expect(firstPolicyId('.docx')).toBe('policy');
    const long = firstPolicyId(`${'word '.repeat(40)}.docx`);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^word(-word)*$/);
  });
});
