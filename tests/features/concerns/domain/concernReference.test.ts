import {
  CONCERN_REFERENCE_ALPHABET, CONCERN_REFERENCE_CODE_LENGTH, concernNotFoundMessage, createConcernReference, normaliseConcernReference,
} from '../../../../src/features/concerns/domain/concernReference';

describe('concern references', () => {
  test('when a reference is drawn, then it is the prefix, the year and six Crockford base32 characters (30 bits)', () => {
    expect(CONCERN_REFERENCE_ALPHABET).toHaveLength(32);
    expect(CONCERN_REFERENCE_ALPHABET).not.toMatch(/[ILOU]/);
    expect(CONCERN_REFERENCE_CODE_LENGTH * Math.log2(CONCERN_REFERENCE_ALPHABET.length)).toBeGreaterThanOrEqual(30);
    const drawn = Array.from({ length: 200 }, () => createConcernReference('SG', 2026));
    for (const ref of drawn) expect(ref).toMatch(/^SG-2026-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    // 200 draws from a billion codes: a repeat here would mean the draw is not random.
    expect(new Set(drawn).size).toBe(200);
  });

  test('when the draw is given, then each character comes from it (the default is crypto.randomInt)', () => {
    const picks = [0, 31, 10, 17, 1, 9];
    expect(createConcernReference('AL', 2027, (max) => { expect(max).toBe(32); return picks.shift()!; })).toBe('AL-2027-0ZAH19');
  });

  test.each([
    ['sg-2026-7kq4mx', 'SG-2026-7KQ4MX'],
    ['  SG-2026-7KQ4MX\t', 'SG-2026-7KQ4MX'],
    ['sg-2026-lOiO1o', 'SG-2026-101010'],
    ['SG-2026-0007', 'SG-2026-0007'],
    ['Sol-2026-0007', 'SOL-2026-0007'],
  ])('when "%s" is typed, then it is looked up as %s', (typed, stored) => {
    expect(normaliseConcernReference(typed)).toBe(stored);
  });

  test.each([42, undefined, '', 'SG 2026 7KQ4MX', 'SG-26-7KQ4MX', 'SG-2026-7KQ4MX; DROP', `SG-2026-${'A'.repeat(13)}`, 'SG-2026-7KQ4M/', 'x'.repeat(100_000)])(
    'when %p is given, then it is not a reference', (typed) => {
      expect(normaliseConcernReference(typed)).toBeUndefined();
    },
  );

  test('when nothing can be shown, then the answer names only what was typed, and is otherwise the same words', () => {
    const a = concernNotFoundMessage('SG-2026-7KQ4MX').replace('SG-2026-7KQ4MX', 'REF');
    const b = concernNotFoundMessage('SG-2026-0007').replace('SG-2026-0007', 'REF');
    expect(a).toBe(b);
    expect(a).toMatch(/^No concern was found with the reference REF\./);
    expect(concernNotFoundMessage(undefined)).toMatch(/^No concern was found with that reference\./);
  });
});
