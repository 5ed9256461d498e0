import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../../../src/features/policy/policyLibrary';
import { DRAFT_CONCERNS } from '../../../../src/features/policy/drafts/draftConcerns';
import { createSchoolRuleBook } from '../../../../src/features/policy/drafts/draftRules';
import { RULE_EXTRA_FEATURES, RuleReaderHeads } from '../../../../src/features/policy/drafts/ruleReader';
import { createMemorySchoolRuleStore, currentRules, RuleStep } from '../../../../src/features/policy/drafts/schoolRules';
import { SentenceEncoder } from '../../../../src/shared/sentenceEncoder';

/**
 * The school owns its rules (issue 71), over the rule reader with a fake encoder (as ruleReader.test.ts): the images
 * reader reads place 0 of a passage's vector (it speaks of photographs), the contact reader place 1 (friend requests),
 * every other concern has no rule in this policy.
 */
const DIMS = 2;
const encoder = (seen: string[] = []): SentenceEncoder => ({
  dimensions: DIMS,
  model: { name: 'fake', sha256: '0' },
  async encode(texts) {
    seen.push(...texts);
    return texts.map((t) => Float32Array.of(/photograph/i.test(t) ? 1 : 0, /friend request/i.test(t) ? 1 : 0));
  },
});
const heads = (): RuleReaderHeads => ({
  threshold: 0,
  concerns: Object.fromEntries(DRAFT_CONCERNS.map((id) => {
    const weights = new Float32Array(DIMS + RULE_EXTRA_FEATURES);
    if (id === 'pupil-images') weights[0] = 4;
    if (id === 'contact') weights[1] = 4;
    return [id, { weights, bias: -2 }];
  })) as RuleReaderHeads['concerns'],
});

const PHOTO = 'Staff must never post a photograph of a pupil on a personal account.';
const DISREPUTE = 'Staff must not post anything that brings the school into disrepute.';
const policy = (photo = PHOTO) => parsePolicyText([
  'Oakfield Primary School', 'Social Media Policy', '', '1. Purpose', '',
  'This policy sets out how staff use social media. It applies to all staff and volunteers.', '',
  '2. Acceptable use', '', DISREPUTE, photo,
  'Staff must not accept a friend request from a current pupil or a parent.',
  'Staff should report any concern about a colleague\'s post to the headteacher.',
].join('\n'), 'oakfield.txt');

const setUp = () => {
  const library = createPolicyLibrary([policy()]);
  const store = createMemorySchoolRuleStore();
  const book = createSchoolRuleBook({ library, reader: { encoder: encoder(), heads: heads() }, store, now: () => new Date('2027-01-10T09:00:00Z') });
  return { library, store, book };
};

describe('the school\'s own rules', () => {
  it('when a version is first read, then each concern\'s rule is proposed once, kept with the version, and drafts are judged by the proposals', async () => {
    const { store, book } = setUp();
    await Promise.all([book.ruleFor('pupil-images'), book.ruleFor('contact'), book.review()]);
    const steps = store.all();
    expect(steps.filter((s) => s.action === 'proposed')).toHaveLength(DRAFT_CONCERNS.length);
    expect(steps.every((s) => s.by === 'bot' && s.policyId === 'oakfield' && s.contentHash.length > 10)).toBe(true);
    expect((await book.ruleFor('pupil-images'))?.quote).toBe(PHOTO);
    expect(await book.ruleFor('political')).toBeNull();
    // Asked again, nothing more is proposed.
    await book.review();
    expect(store.all()).toHaveLength(DRAFT_CONCERNS.length);
  });

  it('when the policy has a lead-in with bullets, then the owner is offered each bullet with its lead-in, never the lead-in alone', async () => {
    const library = createPolicyLibrary([parsePolicyText([
      'Oakfield Primary School', 'Social Media Policy', '', '1. Photographs', '',
      'Staff must not post a photograph or anything else that:', '- shows a pupil\'s face', '- names the pupil in it', '',
      '2. Contact', '', 'Staff must not accept a friend request from a current pupil or a parent.',
    ].join('\n'), 'oakfield.txt')]);
    const book = createSchoolRuleBook({ library, reader: { encoder: encoder(), heads: heads() } });
    const images = (await book.review())!.concerns.find((c) => c.id === 'pupil-images')!;
    const quotes = images.candidates.map((c) => c.quote);
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.some((q) => /shows a pupil's face/.test(q) && /anything else that:/.test(q))).toBe(true);
    expect(quotes.filter((q) => /:\s*$/.test(q))).toEqual([]);
  });

  it('when an owner changes, confirms and removes rules, then each decision is appended, drafts are judged by it, and the proposal is kept', async () => {
    const { library, store, book } = setUp();
    const review = (await book.review())!;
    const offensive = review.concerns.find((c) => c.id === 'offensive')!;
    expect(offensive).toMatchObject({ status: 'proposed', rule: null });
    const disrepute = library.index.passages.find((p) => p.text === DISREPUTE)!;

    expect(await book.decide(review.version, 'offensive', { action: 'change', passageId: disrepute.id }, 'aad-owner')).toMatchObject({ done: true, state: { status: 'changed', by: 'aad-owner' } });
    expect((await book.ruleFor('offensive'))?.quote).toBe(DISREPUTE);

    expect(await book.decide(review.version, 'pupil-images', { action: 'confirm' }, 'aad-owner')).toMatchObject({ done: true, state: { status: 'confirmed', rule: { quote: PHOTO } } });
    expect(await book.decide(review.version, 'contact', { action: 'remove' }, 'aad-owner')).toMatchObject({ done: true, state: { status: 'removed', rule: null } });
    expect(await book.ruleFor('contact')).toBeNull();

    // The owner changes their mind: appended after, the first decision still there.
    await book.decide(review.version, 'offensive', { action: 'change', pasted: '  "staff must NEVER post a photograph of a pupil on a personal account"  ' }, 'aad-owner-2');
    expect((await book.ruleFor('offensive'))?.quote).toBe(PHOTO);
    const offensiveSteps = store.all().filter((s) => s.concern === 'offensive').map((s) => s.action);
    expect(offensiveSteps).toEqual(['proposed', 'changed', 'changed']);
    expect(currentRules(store.all()).get('offensive')).toMatchObject({ by: 'aad-owner-2', proposal: null });
  });

  it('when the owner\'s choice is missing, not in the policy, or the version is no longer live, then nothing is recorded and the reason is given', async () => {
    const { library, store, book } = setUp();
    const { version } = (await book.review())!;
    const before = store.all().length;
    expect(await book.decide(version, 'offensive', { action: 'change' }, 'aad-owner')).toEqual({ done: false, reason: 'no choice' });
    expect(await book.decide(version, 'offensive', { action: 'change', pasted: 'Staff may post whatever they like whenever they like.' }, 'aad-owner')).toEqual({ done: false, reason: 'not found' });
    library.replace(policy('Staff must never share a photograph of pupils without the consent list being checked.'));
    expect(await book.decide(version, 'offensive', { action: 'remove' }, 'aad-owner')).toEqual({ done: false, reason: 'not live' });
    // A version never read (an altered card) is told apart from one that was live once.
    expect(await book.decide({ ...version, contentHash: 'never-read' }, 'offensive', { action: 'remove' }, 'aad-owner')).toEqual({ done: false, reason: 'unknown version' });
    expect(await book.versionStatus(version)).toBe('not live');
    expect(await book.versionStatus({ ...version, contentHash: 'never-read' })).toBe('unknown version');
    expect(store.all()).toHaveLength(before);
    // The version now live (reading it proposes its rules, after the checks above).
    expect(await book.versionStatus((await book.review())!.version)).toBe('live');
  });

  it('when a new version is published, then its rules are proposed from it, and the last version\'s decisions stay with that version', async () => {
    const { library, store, book } = setUp();
    const first = (await book.review())!;
    await book.decide(first.version, 'pupil-images', { action: 'confirm' }, 'aad-owner');
    library.replace(policy('Staff must never share a photograph of pupils without the consent list being checked.'));
    const second = (await book.review())!;
    expect(second.version.contentHash).not.toBe(first.version.contentHash);
    expect(second.concerns.find((c) => c.id === 'pupil-images')).toMatchObject({ status: 'proposed', rule: { quote: 'Staff must never share a photograph of pupils without the consent list being checked.' } });
    expect(currentRules(await store.steps(first.version.policyId, first.version.contentHash)).get('pupil-images')).toMatchObject({ status: 'confirmed', rule: { quote: PHOTO } });
  });

  it('when a new version keeps the sentence an owner chose, then it is proposed again for that concern, for the owner to confirm', async () => {
    const { library, store, book } = setUp();
    const first = (await book.review())!;
    const disrepute = library.index.passages.find((p) => p.text === DISREPUTE)!;
    await book.decide(first.version, 'offensive', { action: 'change', passageId: disrepute.id }, 'aad-owner');
    await book.decide(first.version, 'contact', { action: 'remove' }, 'aad-owner');
    library.replace(policy('Staff must never share a photograph of pupils without the consent list being checked.'));
    const second = (await book.review())!;
    expect(second.concerns.find((c) => c.id === 'offensive')).toMatchObject({ status: 'proposed', kept: true, rule: { quote: DISREPUTE } });
    // A removal is not carried: the new version's own reading proposes again.
    expect(second.concerns.find((c) => c.id === 'contact')).toMatchObject({ status: 'proposed', rule: { quote: 'Staff must not accept a friend request from a current pupil or a parent.' } });
    expect((await store.steps(second.version.policyId, second.version.contentHash)).find((s) => s.concern === 'offensive')).toMatchObject({ reason: 'kept from the last version' });
  });

  it('when another instance proposes again after an owner decided, then the decision stands', () => {
    const base = { policyId: 'p', contentHash: 'h', by: 'bot', at: '2027-01-10T09:00:00Z' };
    const steps: RuleStep[] = [
      { ...base, concern: 'criticism', action: 'proposed', rule: null },
      { ...base, concern: 'criticism', action: 'removed', rule: null, by: 'aad-owner' },
      { ...base, concern: 'criticism', action: 'proposed', rule: { quote: 'q', citation: 'c', documentTitle: 't', section: 1 } },
    ];
    expect(currentRules(steps).get('criticism')).toMatchObject({ status: 'removed', rule: null, by: 'aad-owner' });
  });

  it('when the store cannot be read, then drafts are judged by the proposals', async () => {
    const library = createPolicyLibrary([policy()]);
    const failing = { append: async () => { throw new Error('down'); }, steps: async () => { throw new Error('down'); } };
    const book = createSchoolRuleBook({ library, reader: { encoder: encoder(), heads: heads() }, store: failing });
    expect((await book.ruleFor('pupil-images'))?.quote).toBe(PHOTO);
  });
});
