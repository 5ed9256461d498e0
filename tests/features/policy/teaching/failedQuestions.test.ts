import { heldBackSentence } from '../../../../src/features/policy/teaching/failedQuestions';

/** The owners' `unanswered` card counts the questions held back as possibly about a child, in a sentence of its own. */
describe('the held-back count on the owners\' card', () => {
  it('when one question was held back, then the sentence is whole and singular', () => {
    expect(heldBackSentence(1)).toBe('A question was held back once (not kept, never shown) because it may be about a particular child or what happened to someone.');
  });

  it('when two were held back, then the sentence is whole and plural, not "2 questions ... because it may be"', () => {
    expect(heldBackSentence(2)).toBe('Questions were held back 2 times (not kept, never shown; an edited question sent again counts again) because they may be about a particular child or what happened to someone.');
  });
});
