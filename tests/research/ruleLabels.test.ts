import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { probeOf, sectionsHolding } from '../../research/scripts/ruleLabels';

/** Where a labeller's copied rule sentence sits in a parsed policy (the scripts that judge and export the rule reader). */
const doc = parsePolicyText([
  'Oakfield Primary School',
  'Social Media Policy',
  '',
  '1. Purpose',
  '',
  'This policy sets out how staff use social media.',
  '',
  '2. Photographs',
  '',
  'Staff must never post a photograph of a pupil on a personal account, whatever the privacy settings of that account say.',
  '',
  '3. Contact',
  '',
  'Members of staff must not do any of the following, on any site or app, whether or not they are at work:',
  '- accept a friend request from a current pupil;',
  '- give a parent their personal \u2018phone number.',
].join('\n'), 'oakfield.txt');

describe('placing a labeller\'s rule sentence', () => {
  it('when the labeller copied a bullet mark or a paragraph number, then the probe has neither, cut to 60 characters', () => {
    expect(probeOf('- accept a friend request from a current pupil;')).toBe('accept a friend request from a current pupil;');
    expect(probeOf('2.1 Staff must never post a photograph of a pupil on a personal account.')).toBe('staff must never post a photograph of a pupil on a personal ');
  });

  it('when the sentence is in the policy, then its section is found, whatever its quotes and spacing', () => {
    const ordinal = (title: string): number => doc.sections.find((s) => s.title === title)!.ordinal;
    expect(sectionsHolding(doc, '2.1 Staff must never post a photograph of a pupil on a personal account, whatever the privacy settings of that account say.')).toEqual([ordinal('Photographs')]);
    expect(sectionsHolding(doc, "give a parent their  personal 'phone number.")).toEqual([ordinal('Contact')]);
  });

  it('when the sentence is not in the policy, then no section holds it', () => {
    expect(sectionsHolding(doc, 'Staff may post anything they like.')).toEqual([]);
  });
});
