import { drawKeyPoints, registerPolicyVersion, wordingHash } from '../../../../src/features/acknowledgement/domain/policyVersions';
import { PolicyDocument, PolicySection } from '../../../../src/features/policy/policyDocument';
import { versionPhrase } from '../../../../src/features/acknowledgement/domain/versionNames';
import { memoryStore } from './ackTestKit';

const section = (ordinal: number, title: string, text: string, parent: number | null = null): PolicySection => ({
  ordinal, number: String(ordinal), title, level: parent ? 2 : 1, parent, text,
});

const doc = (hash: string, sections: PolicySection[], nextReview = 'September 2027'): PolicyDocument => ({
  id: 'social-media', source: 'social-media.txt', title: 'Social Media Policy',
  metadata: { title: 'Social Media Policy', version: '3', nextReview, contentHash: hash }, sections, frontPage: [], warnings: [],
});

const SECTIONS = [
  section(1, 'Introduction', 'This policy applies to all staff. It sets out what is expected of staff when using social media.'),
  section(2, 'Contact with pupils', 'Staff must not accept pupils as friends on personal social media accounts. Staff may use school accounts.'),
  section(3, 'Personal use', 'Personal use during working hours is not permitted.\n- Do not post images of pupils on personal accounts.'),
  section(4, 'Reporting', 'Any concern about a child must be reported to the DSL immediately. See section 7 for details.', null),
  section(5, 'Cyberbullying', '(i) Staff should never respond to abusive posts about themselves or colleagues online.', 4),
];

describe('policy versions', () => {
  it('when key points are drawn, then the rules staff most need come first (befriending, posting, reporting), in document order, the policy\'s statements about itself left out', () => {
    const points = drawKeyPoints(doc('h', SECTIONS));
    expect(points).toEqual([
      'Staff must not accept pupils as friends on personal social media accounts.',
      'Personal use during working hours is not permitted.',
      'Do not post images of pupils on personal accounts.',
      'Any concern about a child must be reported to the DSL immediately.',
      'Staff should never respond to abusive posts about themselves or colleagues online.',
    ]);
  });

  it('when only dates or numbering change, then the wording hash stays the same; a changed rule changes it', () => {
    const base = wordingHash(doc('a', SECTIONS));
    const dated = (when: string) => SECTIONS.map((s) => (s.ordinal === 1 ? { ...s, text: `${s.text} Reviewed ${when}.` } : s));
    expect(wordingHash(doc('b', dated('1 March 2026')))).toBe(wordingHash(doc('b2', dated('14 October 2027'), 'October 2028')));
    const renumbered = SECTIONS.map((s) => ({ ...s, text: s.text.replace('section 7', 'section 9') }));
    expect(wordingHash(doc('c', renumbered))).toBe(base);
    const changed = SECTIONS.map((s) => (s.ordinal === 2 ? { ...s, text: s.text.replace('must not', 'may') } : s));
    expect(wordingHash(doc('d', changed))).not.toBe(base);
  });

  it('when versions are registered, then the first is material, a date-only change is not, and a new rule is', async () => {
    const store = memoryStore();
    const now = new Date('2026-09-01T08:00:00.000Z');
    const first = await registerPolicyVersion(store, doc('h1', SECTIONS), { now });
    expect(first).toMatchObject({ isNew: true, version: { versionHash: 'h1', material: true, versionLabel: '3', reviewDate: 'September 2027' } });
    expect((await registerPolicyVersion(store, doc('h1', SECTIONS), { now })).isNew).toBe(false);
    const later = new Date('2026-10-01T08:00:00.000Z');
    const redated = await registerPolicyVersion(store, doc('h2', SECTIONS.map((s) => ({ ...s, text: s.text.replace('section 7', 'section 8') }))), { now: later });
    expect(redated).toMatchObject({ isNew: true, version: { material: false }, previous: { versionHash: 'h1' } });
    const changed = SECTIONS.map((s) => (s.ordinal === 3 ? { ...s, text: `${s.text}\n- Never share your password.` } : s));
    const material = await registerPolicyVersion(store, doc('h3', changed), { now: new Date('2026-11-01T08:00:00.000Z'), readUrl: 'https://x/p.pdf' });
    expect(material).toMatchObject({ version: { material: true, readUrl: 'https://x/p.pdf' }, previous: { versionHash: 'h2' } });
    expect((await store.getLatestPolicyVersion('social-media'))?.versionHash).toBe('h3');
  });

  it('when two versions without a label of their own are published the same day, then the second is named by the time too, so staff and owners can tell them apart', async () => {
    const store = memoryStore();
    const unlabelled = (hash: string, text: string) => ({ ...doc(hash, SECTIONS.map((x) => (x.ordinal === 2 ? { ...x, text } : x))), metadata: { title: 'Social Media Policy', contentHash: hash } });
    const morning = (await registerPolicyVersion(store, unlabelled('m', 'Staff must not befriend pupils.'), { now: new Date('2026-11-28T09:15:00.000Z') })).version;
    const afternoon = (await registerPolicyVersion(store, unlabelled('a', 'Staff must never befriend pupils.'), { now: new Date('2026-11-28T14:05:00.000Z') })).version;
    const nextDay = (await registerPolicyVersion(store, unlabelled('n', 'Staff must not ever befriend pupils.'), { now: new Date('2026-11-29T08:00:00.000Z') })).version;
    expect(versionPhrase(morning)).toBe('the version published 28 November 2026');
    expect(versionPhrase(afternoon)).toBe('the version published 28 November 2026 at 14:05 GMT');
    expect(versionPhrase(nextDay)).toBe('the version published 29 November 2026');
  });
});
