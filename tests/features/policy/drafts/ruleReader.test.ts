import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../../../src/features/policy/policyLibrary';
import { DRAFT_CONCERNS, DraftConcernId } from '../../../../src/features/policy/drafts/draftConcerns';
import { createPolicyRuleFinder } from '../../../../src/features/policy/drafts/draftRules';
import { parseRuleReaderHeads, readPolicyRules, RULE_EXTRA_FEATURES, RuleReaderError, RuleReaderHeads, scoreRuleCandidates } from '../../../../src/features/policy/drafts/ruleReader';
import { SentenceEncoder } from '../../../../src/shared/sentenceEncoder';

/**
 * The rule reader over a fake encoder: a passage's vector says whether it speaks of photographs (place 0) or of friend
 * requests (place 1); the images reader reads place 0, the contact reader place 1, every other concern's reader scores
 * all passages under the threshold (the policy has no rule on it).
 */
const DIMS = 2;

function fakeEncoder(seen: string[] = []): SentenceEncoder {
  return {
    dimensions: DIMS,
    model: { name: 'fake', sha256: '0' },
    async encode(texts) {
      seen.push(...texts);
      return texts.map((t) => Float32Array.of(/photograph/i.test(t) ? 1 : 0, /friend request/i.test(t) ? 1 : 0));
    },
  };
}

function heads(): RuleReaderHeads {
  const concerns = Object.fromEntries(DRAFT_CONCERNS.map((id) => {
    const weights = new Float32Array(DIMS + RULE_EXTRA_FEATURES);
    if (id === 'pupil-images') weights[0] = 4;
    if (id === 'contact') weights[1] = 4;
    return [id, { weights, bias: -2 }];
  })) as RuleReaderHeads['concerns'];
  return { threshold: 0, concerns };
}

const policyText = (photoRule: string) => [
  'Oakfield Primary School',
  'Social Media Policy',
  '',
  '1. Purpose',
  '',
  'This policy sets out how staff use social media. It applies to all staff and volunteers.',
  '',
  '2. Acceptable use',
  '',
  'Staff must not post anything that brings the school into disrepute.',
  photoRule,
  'Staff must not accept a friend request from a current pupil or a parent.',
  'Staff should report any concern about a colleague\'s post to the headteacher.',
].join('\n');

const policy = (photoRule = 'Staff must never post a photograph of a pupil on a personal account.') => parsePolicyText(policyText(photoRule), 'oakfield.txt');

describe('reading a policy for each concern\'s rule', () => {
  it('when a concern\'s reader scores one passage above the threshold, then that passage is the rule, in its section', async () => {
    const library = createPolicyLibrary([policy()]);
    const rules = await readPolicyRules(library.index, fakeEncoder(), heads());
    expect(rules.get('pupil-images')?.text).toBe('Staff must never post a photograph of a pupil on a personal account.');
    expect(rules.get('pupil-images')?.section.number).toBe('2');
    expect(rules.get('contact')?.text).toBe('Staff must not accept a friend request from a current pupil or a parent.');
  });

  it('when every candidate is scored, then they come best first, only passages shaped like a rule, the first the rule read', async () => {
    const index = createPolicyLibrary([policy()]).index;
    const scored = await scoreRuleCandidates(index, fakeEncoder(), heads());
    const images = scored.get('pupil-images')!;
    expect(images[0].passage.text).toBe('Staff must never post a photograph of a pupil on a personal account.');
    expect(images[0].logit).toBeCloseTo(2);
    for (let i = 1; i < images.length; i++) expect(images[i].logit).toBeLessThanOrEqual(images[i - 1].logit);
    // The headings ("2. Acceptable use", the school's name) are not candidates; the running text is.
    expect(images.map((c) => c.passage.text)).not.toContain('Oakfield Primary School');
    expect(images.length).toBeGreaterThanOrEqual(4);
    expect(images.length).toBeLessThan(index.passages.length);
    // Nothing over the threshold: candidates all the same, and no rule read.
    expect(scored.get('political')!.every((c) => c.logit < 0)).toBe(true);
    expect((await readPolicyRules(index, fakeEncoder(), heads())).get('political')).toBeNull();
  });

  it('when no passage reaches the threshold, then the policy has no rule on the concern', async () => {
    const rules = await readPolicyRules(createPolicyLibrary([policy()]).index, fakeEncoder(), heads());
    for (const id of DRAFT_CONCERNS.filter((c) => c !== 'pupil-images' && c !== 'contact')) expect(rules.get(id)).toBeNull();
  });
});

describe('the rule finder with the reader', () => {
  it('when drafts are checked, then the policy is read once per version, and again after an owner publishes a new one', async () => {
    const seen: string[] = [];
    const library = createPolicyLibrary([policy()]);
    const find = createPolicyRuleFinder(library, { encoder: fakeEncoder(seen), heads: heads() });
    const first = await Promise.all([find('pupil-images'), find('contact'), find('political')]);
    expect(first[0]).toMatchObject({ quote: 'Staff must never post a photograph of a pupil on a personal account.', section: 2 });
    expect(first[0]?.citation).toContain('Acceptable use');
    expect(first[2]).toBeNull();
    const readings = seen.length;
    await find('pupil-images');
    await find('commercial');
    expect(seen.length).toBe(readings);

    library.replace(policy('Staff must never share a photograph of pupils without the consent list being checked.'));
    expect((await find('pupil-images'))?.quote).toBe('Staff must never share a photograph of pupils without the consent list being checked.');
    expect(seen.length).toBeGreaterThan(readings);
  });

  it('when the library has no policy yet, then no concern has a rule and nothing is encoded', async () => {
    const seen: string[] = [];
    const find = createPolicyRuleFinder(createPolicyLibrary([]), { encoder: fakeEncoder(seen), heads: heads() });
    expect(await find('pupil-images')).toBeNull();
    expect(seen).toEqual([]);
  });
});

describe('the rule reader\'s heads', () => {
  const json = (over: Partial<Record<DraftConcernId, unknown>> = {}, threshold: unknown = 0.4) => ({
    rules: { threshold, concerns: { ...Object.fromEntries(DRAFT_CONCERNS.map((id) => [id, { weights: new Array(DIMS + RULE_EXTRA_FEATURES).fill(0.1), bias: -1 }])), ...over } },
  });

  it('when every concern has a reader of the encoder\'s length, then they are read with the threshold', () => {
    const h = parseRuleReaderHeads(json(), DIMS);
    expect(h.threshold).toBe(0.4);
    expect(h.concerns.copyright.weights).toHaveLength(DIMS + RULE_EXTRA_FEATURES);
  });

  it('when a reader is missing, the wrong length, or the threshold is not a number, then it is refused with the reason', () => {
    expect(() => parseRuleReaderHeads({ drafts: {} }, DIMS)).toThrow(RuleReaderError);
    expect(() => parseRuleReaderHeads(json({ contact: undefined }), DIMS)).toThrow(/contact/);
    expect(() => parseRuleReaderHeads(json({ copyright: { weights: [1, 2], bias: 0 } }), DIMS)).toThrow(/copyright rule reader needs 7 weights/);
    expect(() => parseRuleReaderHeads(json({}, 'high'), DIMS)).toThrow(RuleReaderError);
  });
});
