import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../../../src/features/policy/policyLibrary';
import { passageText } from '../../../../src/features/policy/answer/learnedRanking';
import { DRAFT_CONCERNS } from '../../../../src/features/policy/drafts/draftConcerns';
import { createPolicyRuleFinder } from '../../../../src/features/policy/drafts/draftRules';
import { isRuleCandidate, readPolicyRules, RULE_EXTRA_FEATURES, RuleReaderHeads } from '../../../../src/features/policy/drafts/ruleReader';
import { SentenceEncoder } from '../../../../src/shared/sentenceEncoder';

/**
 * The two faults the second blind set showed in how passages reach the rule reader (issue 53), on made-up policies and
 * a fake encoder that pools like the real one: each place of a vector is the share of the text's words of one kind, so
 * a long lead-in dilutes a short bullet's words as mean pooling does. Place 0: "confidential"; place 1: a month or the
 * word "date". The confidential reader reads place 0, the location-and-timing reader place 1; the others find nothing.
 */
const KINDS = [/^confidential/i, /^(january|february|march|april|may|june|july|august|september|october|november|december|dates?)\b/i];

function poolingEncoder(): SentenceEncoder {
  return {
    dimensions: KINDS.length,
    model: { name: 'pooling', sha256: '0' },
    async encode(texts) {
      return texts.map((t) => {
        const words = t.split(/\s+/).filter(Boolean);
        return Float32Array.from(KINDS.map((k) => words.filter((w) => k.test(w)).length / words.length));
      });
    },
  };
}

function heads(): RuleReaderHeads {
  const concerns = Object.fromEntries(DRAFT_CONCERNS.map((id) => {
    const weights = new Float32Array(KINDS.length + RULE_EXTRA_FEATURES);
    if (id === 'confidential') weights[0] = 40;
    if (id === 'location-timing') weights[1] = 40;
    return [id, { weights, bias: -1 }];
  })) as RuleReaderHeads['concerns'];
  return { threshold: 0, concerns };
}

const read = async (lines: string[]) => {
  const library = createPolicyLibrary([parsePolicyText(lines.join('\n'), 'policy.txt')]);
  return { library, rules: await readPolicyRules(library.index, poolingEncoder(), heads()) };
};

const FRONT = ['Brookvale Primary School', 'Social Media Policy', 'Review: September 2027', 'Version: 2.1, March 2026', ''];

describe('the rule reader\'s candidates', () => {
  it('when a policy\'s front page has a review date and a version line, then neither is quoted as a rule: the policy\'s own rule is, or none', async () => {
    const body = ['1. Purpose', '', 'This policy sets out how staff use social media. It applies to all staff and volunteers.', '', '2. Trips', ''];
    const withRule = await read([...FRONT, ...body, 'Staff must never post the date or place of a school trip before the pupils are home.']);
    expect(passageText(withRule.rules.get('location-timing')!)).toBe('Staff must never post the date or place of a school trip before the pupils are home.');
    const without = await read([...FRONT, ...body, 'Staff should enjoy the trip and thank the parents who helped.']);
    expect(without.rules.get('location-timing')).toBeNull();
  });

  it('when a line is a heading, a label, a date, a contents line or a section\'s title alone, then it is no candidate; a rule, a bullet with its lead-in and an imperative are', () => {
    const section = { title: 'Trip dates' } as Parameters<typeof isRuleCandidate>[0]['section'];
    const no = ['DOCUMENT STATUS', 'Review: September 2027', 'Approved by: Full Governing Body', 'Date of next review: 9 October 2027',
      'Reviewed by governors in September 2026', 'Use of social media in school ........ 4', 'Use of photographs and video\t12', 'Contact with parents and carers \u2026 7', 'Trip dates', 'Headteacher: Mrs A. Jones'];
    for (const text of no) expect([text, isRuleCandidate({ text, leadIn: null, section })]).toEqual([text, false]);
    const yes: [string, string | null][] = [['Staff must not post the dates of trips until the pupils are home.', null],
      ['breaches copyright', 'Staff must not post anything that:'], ["Don't use social media to air internal grievances", null],
      ['Use a disclaimer when expressing personal views', null]];
    for (const [text, leadIn] of yes) expect([text, isRuleCandidate({ text, leadIn, section })]).toEqual([text, true]);
  });

  it('when a line is an FAQ\'s question or a risk in a list of risks, then it is no candidate; the FAQ\'s answer and a bullet of a list of rules are', () => {
    const section = { title: 'Questions' } as Parameters<typeof isRuleCandidate>[0]['section'];
    const no: [string, string | null][] = [['Q: Can I take part in my union\'s campaigns online?', null], ['Can I post about it?', null],
      ['Is it ok to follow the school\'s page from my own account?\u201d', null],
      ['exposure to inappropriate material or hateful language', 'Potential risks can include, but are not limited to:'],
      ['grooming and exploitation;', 'Risks include:'], ['online gambling and scams', 'The main dangers to pupils online are:'],
      ['Risks include: disclosure of personal information, including a child\'s location.', null]];
    for (const [text, leadIn] of no) expect([text, isRuleCandidate({ text, leadIn, section })]).toEqual([text, false]);
    const yes: [string, string | null][] = [['A: Yes, but do not tag or name any pupil in your comment.', null],
      ['is confidential to the school or its staff', 'Individuals should not upload any content on to social media sites that:'],
      ['posting photos of pupils from a personal account', 'Examples of conduct the school treats as misconduct include:'],
      ['Staff who take these risks with their own accounts must expect the school to act.', null]];
    for (const [text, leadIn] of yes) expect([text, isRuleCandidate({ text, leadIn, section })]).toEqual([text, true]);
  });
});

describe('a bullet that finishes a lead-in', () => {
  const lines = [...FRONT, '1. Acceptable use', '',
    'Staff should read the data protection policy, which sets out what counts as information that is kept confidential.',
    '',
    'Individuals should not upload any content on to social media sites that:',
    '',
    '- is confidential to the school or its staff',
    '- brings the school into disrepute'];

  it('when a long lead-in would drown its words, then the bullet is still read as the rule, quoted with its lead-in', async () => {
    const { library, rules } = await read(lines);
    const rule = rules.get('confidential')!;
    expect(rule.text).toBe('is confidential to the school or its staff');
    expect(rule.leadIn).toBe('Individuals should not upload any content on to social media sites that:');
    const find = createPolicyRuleFinder(library, { encoder: poolingEncoder(), heads: heads() });
    expect((await find('confidential'))?.quote).toBe('Individuals should not upload any content on to social media sites that: is confidential to the school or its staff');
  });
});
