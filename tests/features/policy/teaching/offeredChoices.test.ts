import crypto from 'node:crypto';
import { createOfferedChoices, offeredChoicesKey } from '../../../../src/features/policy/teaching/offeredChoices';

/** Issue 69, item 6: a "not sure" reply's choices count only as offered, to the person they were offered to. */
describe('the tokens a "not sure" reply\'s choices carry', () => {
  const concernKey = crypto.randomBytes(32).toString('base64');
  const choices = createOfferedChoices(offeredChoicesKey(concernKey));
  const token = choices.token('q-1', 'aad-staff', 'policy#5');

  it('when the person it was offered to presses that choice, then it is offered', () => {
    expect(choices.offered('q-1', 'aad-staff', 'policy#5', token)).toBe(true);
  });

  it.each([
    ['another person', 'q-1', 'aad-other', 'policy#5', token],
    ['another section', 'q-1', 'aad-staff', 'policy#10', token],
    ['another question', 'q-2', 'aad-staff', 'policy#5', token],
    ['no token (a card sent before choices were signed)', 'q-1', 'aad-staff', 'policy#5', undefined],
    ['an empty token', 'q-1', 'aad-staff', 'policy#5', ''],
    ['a token of the wrong form', 'q-1', 'aad-staff', 'policy#5', `${token}00`],
    ['a token that is not text', 'q-1', 'aad-staff', 'policy#5', { toString: () => token }],
    ['nobody (a press the channel signed with no id)', 'q-1', '', 'policy#5', choices.token('q-1', '', 'policy#5')],
  ])('when a press comes from %s, then it is not offered', (_who, questionId, person, section, given) => {
    expect(choices.offered(questionId, person, section, given)).toBe(false);
  });

  it('when parts run into each other ("q-1" and "aad" against "q-1a" and "ad"), then they are not the same choice', () => {
    expect(choices.offered('q-1a', 'ad-staff', 'policy#5', choices.token('q-1', 'aad-staff', 'policy#5'))).toBe(false);
  });

  it('when another instance derives its key from the same concern key, then it accepts the same tokens; from another key, none', () => {
    expect(createOfferedChoices(offeredChoicesKey(concernKey)).offered('q-1', 'aad-staff', 'policy#5', token)).toBe(true);
    expect(createOfferedChoices(offeredChoicesKey(crypto.randomBytes(32))).offered('q-1', 'aad-staff', 'policy#5', token)).toBe(false);
    // The key is the concern key's own derivation, never the concern key itself.
    expect(offeredChoicesKey(concernKey).equals(Buffer.from(concernKey, 'base64'))).toBe(false);
  });
});
