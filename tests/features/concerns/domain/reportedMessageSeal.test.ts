import { createReportedMessageSeal, reportedMessageKey } from '../../../../src/features/concerns/domain/reportedMessageSeal';

describe('the seal on a reported message', () => {
  const key = reportedMessageKey(Buffer.alloc(32, 7));

  it('when the message and the reporter are the ones sealed, then it holds, on any instance with the same concern key', () => {
    const token = createReportedMessageSeal(key).seal('aad-reporter', 'From Mr Example:\nsee you later');
    expect(createReportedMessageSeal(reportedMessageKey(Buffer.alloc(32, 7).toString('base64'))).holds('aad-reporter', 'From Mr Example:\nsee you later', token)).toBe(true);
  });

  it('when the message, the reporter or the key differs, or the seal is not one, then it does not hold', () => {
    const seal = createReportedMessageSeal(key);
    const token = seal.seal('aad-reporter', 'From Mr Example:\nsee you later');
    expect(seal.holds('aad-reporter', 'From Mr Example:\nsee you later!', token)).toBe(false);
    expect(seal.holds('aad-someone-else', 'From Mr Example:\nsee you later', token)).toBe(false);
    expect(createReportedMessageSeal(reportedMessageKey(Buffer.alloc(32, 8))).holds('aad-reporter', 'From Mr Example:\nsee you later', token)).toBe(false);
    for (const bad of [undefined, '', 42, token.toUpperCase(), `${token}0`, 'z'.repeat(32)]) expect(seal.holds('aad-reporter', 'From Mr Example:\nsee you later', bad)).toBe(false);
    expect(seal.holds('', 'From Mr Example:\nsee you later', seal.seal('', 'From Mr Example:\nsee you later'))).toBe(false);
  });

  it('when the parts would join the same way, then the seals still differ', () => {
    const seal = createReportedMessageSeal(key);
    expect(seal.seal('a|b', 'c')).not.toBe(seal.seal('a', 'b|c'));
  });
});
