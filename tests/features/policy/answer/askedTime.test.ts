import { askedTime, statesTime, timeNotStatedNote } from '../../../../src/features/policy/answer/askedTime';

describe('questions that ask for a time, and text that states one', () => {
  it('when staff ask how soon, how long or how often, in their own words, then the kind of time is named', () => {
    expect(askedTime('how soon do i have to tell the dsl??')).toBe('how soon');
    expect(askedTime('How quickly should we reply to comments on the school page?')).toBe('how soon');
    expect(askedTime('by when do I need to sign it')).toBe('how soon');
    expect(askedTime('how long do we keep the screenshots for')).toBe('how long');
    expect(askedTime('how many days have I got to take the post down')).toBe('how long');
    expect(askedTime('how often should i check my privacy settings')).toBe('how often');
  });

  it('when a question asks no time, then none is named', () => {
    expect(askedTime('can I add a parent on facebook?')).toBeNull();
    expect(askedTime('what should I do when a pupil messages me?')).toBeNull();
    expect(askedTime('can I tell a parent the coursework deadline on WhatsApp?')).toBeNull();
  });

  it('when text states a period, a moment or a frequency, then it states a time; a rule without one does not', () => {
    for (const text of [
      'Screenshots are kept for six months.',
      'Report it within 24 hours.',
      'Tell the DSL immediately.',
      'Comments are checked each working day.',
      'Photographs are removed from tablets at the end of each half term.',
      'The policy is reviewed annually by governors.',
      'Check your settings regularly.',
      'Images are deleted once they are no longer needed.',
    ]) expect([text, statesTime(text)]).toEqual([text, true]);
    for (const text of [
      'Staff must report anything they see online to the Designated Safeguarding Lead.',
      'Personal accounts must not be used to contact parents.',
    ]) expect([text, statesTime(text)]).toEqual([text, false]);
  });

  it('when a time question is answered from a section that states no time, then the answer says so; when the section states one, it does not', () => {
    expect(timeNotStatedNote('how soon do i have to report it', 'Staff must report anything they see online to the DSL.'))
      .toBe("The policy doesn't say how soon here. The nearest it says is:");
    expect(timeNotStatedNote('how soon do i have to report it', 'Staff must report anything they see online to the DSL. They do so the same day.')).toBeNull();
    expect(timeNotStatedNote('who do i report it to', 'Staff must report anything they see online to the DSL.')).toBeNull();
  });
});
