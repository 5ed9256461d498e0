import { formatVersionLabel } from '../../src/shared/versionLabel';
import { formatVersion } from '../../src/features/policy/policyDocument';
import { readableLabel } from '../../src/features/acknowledgement/domain/versionNames';

describe('a policy version label as people read it', () => {
  test('when a version-history row gives a month and year in brackets, then it reads as the month\'s name, whatever separates them', () => {
    expect(formatVersionLabel('2 (02 2023)')).toBe('2 (February 2023)');
    expect(formatVersionLabel('3.1 (9/2024)')).toBe('3.1 (September 2024)');
    expect(formatVersionLabel('4 (12.2025)')).toBe('4 (December 2025)');
  });

  test('when the brackets hold no month, or something else, then the label reads as written', () => {
    for (const label of ['2 (13 2023)', '2 (00 2023)', 'Version 5', '2 (February 2023)', '2 (02 2023) draft', '(02 2023', '2 (02 23)']) {
      expect(formatVersionLabel(label)).toBe(label);
    }
  });

  test('when the policy\'s contents and the acknowledgement\'s cards name a version, then they name it the same way', () => {
    for (const label of ['2 (02 2023)', '2 (13 2023)', 'v7', '1 (1 2020)']) expect(readableLabel(label)).toBe(formatVersion(label));
  });
});
