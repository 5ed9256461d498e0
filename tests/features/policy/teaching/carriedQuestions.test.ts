import crypto from 'node:crypto';
import { createCarriedQuestions } from '../../../../src/features/policy/teaching/carriedQuestions';

/** A question is not kept unless its asker sends it (issue 69): its reply's buttons carry it, sealed, bound to its id. */
describe('questions carried by their reply', () => {
  const key = crypto.randomBytes(32);
  const carried = createCarriedQuestions(key);
  const QUESTION = 'can I post the zorbleflax fair photos on my own page?';

  it('when a question is sealed for its card, then the card never holds its text, and it opens under its own id with the same key on any instance', () => {
    const sealed = carried.seal(QUESTION, 'q-1');
    expect(sealed).not.toContain('zorbleflax');
    expect(carried.open(sealed, 'q-1')).toBe(QUESTION);
    expect(createCarriedQuestions(key).open(sealed, 'q-1')).toBe(QUESTION);
  });

  it('when the sealed value is moved to another question, damaged, forged, oversized or not text, then it does not open', () => {
    const sealed = carried.seal(QUESTION, 'q-1');
    // The body's first character changed: the first byte of the ciphertext differs, so its tag does not verify.
    const [form, iv, tag, body] = sealed.split('.');
    const flipped = [form, iv, tag, `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`].join('.');
    for (const value of [undefined, null, 42, {}, '', 'gcm1.AAAA.BBBB.CCCC', flipped, 'x'.repeat(10_000)]) expect(carried.open(value, 'q-1')).toBeNull();
    expect(carried.open(sealed, 'q-2')).toBeNull();
    expect(createCarriedQuestions(crypto.randomBytes(32)).open(sealed, 'q-1')).toBeNull();
  });

  it('when a send carries its token, then only the person who asked, for that question, may send', () => {
    const token = carried.sendToken('q-1', 'aad-asker');
    expect(carried.maySend('q-1', 'aad-asker', token)).toBe(true);
    expect(carried.maySend('q-1', 'aad-someone-else', token)).toBe(false);
    expect(carried.maySend('q-2', 'aad-asker', token)).toBe(false);
    expect(carried.maySend('q-1', '', carried.sendToken('q-1', ''))).toBe(false);
    for (const forged of [undefined, '', 'f'.repeat(32), token.toUpperCase(), `${token}0`]) expect(carried.maySend('q-1', 'aad-asker', forged)).toBe(false);
  });
});
