import { splitPassages } from '../../../../src/features/policy/answer/passages';

describe('splitting a section into quotable passages', () => {
  it('when a short lead-in introduces bullets, then each bullet carries it and it is not a passage of its own', () => {
    const passages = splitPassages('Staff must not:\n- accept friend requests from pupils\n- share their personal number with pupils');
    expect(passages).toEqual([
      { text: 'accept friend requests from pupils', leadIn: 'Staff must not:' },
      { text: 'share their personal number with pupils', leadIn: 'Staff must not:' },
    ]);
  });

  it('when a lead-in is a full sentence, then it is still a passage, and it introduces its bullets', () => {
    const passages = splitPassages('Individuals should not upload any content on to social media sites that:\n- amounts to bullying');
    expect(passages).toEqual([
      { text: 'Individuals should not upload any content on to social media sites that:', leadIn: null },
      { text: 'amounts to bullying', leadIn: 'Individuals should not upload any content on to social media sites that:' },
    ]);
  });

  it('when a short line ending in a colon is followed by prose, not bullets, then it stays a passage', () => {
    expect(splitPassages('The DSL is:\n\nMrs J Smith (Deputy Head)').map((p) => p.text)).toEqual(['The DSL is:', 'Mrs J Smith (Deputy Head)']);
  });

  it('when a lead-in ends in ":-", then it introduces its bullets as one ending in a colon does', () => {
    expect(splitPassages('Managers are responsible for:-\n- answering questions about this policy')).toEqual([
      { text: 'answering questions about this policy', leadIn: 'Managers are responsible for:-' },
    ]);
  });

  it('when a lead-in ends in a semicolon, then it introduces its bullets, so a "must not" item is never read as permission', () => {
    const passages = splitPassages('If using social media in your private life, you must not;\n- use the school badge in your profile\n- name pupils');
    expect(passages).toEqual([
      { text: 'If using social media in your private life, you must not;', leadIn: null },
      { text: 'use the school badge in your profile', leadIn: 'If using social media in your private life, you must not;' },
      { text: 'name pupils', leadIn: 'If using social media in your private life, you must not;' },
    ]);
  });

  it('when a line ending in a semicolon is followed by prose, then it introduces nothing', () => {
    expect(splitPassages('Posts are checked weekly;\n\nComplaints go to the head.')).toEqual([
      { text: 'Posts are checked weekly;', leadIn: null },
      { text: 'Complaints go to the head.', leadIn: null },
    ]);
  });

  it('when a short line does not end in a colon, then it is a passage', () => {
    expect(splitPassages('Be kind online.').map((p) => p.text)).toEqual(['Be kind online.']);
  });

  it('when a long quotation ends without a full stop and the policy goes on in its own words, then its next sentence is a passage of its own', () => {
    const text = 'The Code of Conduct states "All staff are expected to maintain high standards of conduct both in and outside school" These principles apply to messaging groups such as WhatsApp.';
    expect(splitPassages(text).map((p) => p.text)).toEqual([
      'The Code of Conduct states "All staff are expected to maintain high standards of conduct both in and outside school"',
      'These principles apply to messaging groups such as WhatsApp.',
    ]);
  });

  it('when a short quoted name sits inside a sentence, then the sentence is not split there', () => {
    expect(splitPassages('Staff follow the "Prevent" Duty in school. They report concerns to the DSL.').map((p) => p.text))
      .toEqual(['Staff follow the "Prevent" Duty in school.', 'They report concerns to the DSL.']);
  });
});

