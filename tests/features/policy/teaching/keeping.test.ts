import { keepingReader, mayKeepQuestion, mayKeepReading } from '../../../../src/features/policy/teaching/keeping';
import { DisclosureDetector } from '../../../../src/features/policy/disclosure/disclosureDetector';

/** What may be kept for the policy owners (issue 69): nothing that says something happened to someone, however they are named. */
describe('which questions may be kept for the policy owners', () => {
  it.each([
    'can i tell the dinner staff on the staff whatsapp that daisy came in hungry again with no coat',
    'the boy in my tutor group lost his dad at the weekend, can staff follow the memorial page?',
    'mum says sunny has an ehcp now, can i message her on fb about it',
    'my tutee has been self-harming, can I look at her insta to check?',
    'faith has been staying with her nan since her parents separated, can i add nan on fb?',
    'can i post about the twins passing away on the class dojo',
  ])('when a question says something happened to someone (%s), then it is never kept', (question) => {
    expect(mayKeepQuestion(question)).toBe(false);
  });

  it.each([
    'Can I accept a friend request from a parent?',
    'can i post photos of sports day on my own instagram?',
    'will the police get involved if someone threatens me online?',
    'what support do I get after online abuse?',
    'can I send the newsletter link in the parents whatsapp?',
    'ex pupil now at high school added me on snap',
    'can Rose Hill from the PTA share the quiz night poster?',
  ])('when an ordinary question names no harm (%s), then it may be kept', (question) => {
    expect(mayKeepQuestion(question)).toBe(true);
  });

  describe('a question that names or places someone, read close to the hold-back bar (design PH)', () => {
    const near = { offer: false, holdBack: false, nearHoldBack: true, score: 0.22 };
    const far = { offer: false, holdBack: false, nearHoldBack: false, score: 0.1 };
    it.each([
      'Can Priya in 4 Oak bring her tablet to the school disco photos?',
      'one of my pupils keeps messaging me on instagram late at night, what do I do?',
      'Can I message Jayden\'s mum on Facebook about Y9 options?',
      'Is it ok to post about 14 Elm Road\'s fundraiser on the staff page?',
    ])('when it names or places someone (%s) and reaches the bar, then it is never kept; under the bar it may be', (question) => {
      expect(mayKeepReading(question, near)).toBe(false);
      expect(mayKeepReading(question, far)).toBe(true);
    });

    it.each([
      'Can I accept a friend request from a parent?',
      'can i post photos of sports day on my own instagram?',
      'what do I do if someone sends me abuse online?',
    ])('when it names and places no one (%s), then reaching the bar alone does not stop it being kept', (question) => {
      expect(mayKeepReading(question, near)).toBe(true);
    });

    it('when the detector holds a question back or it says something happened to someone, then it is never kept whatever the bar', () => {
      expect(mayKeepReading('Can I accept a friend request from a parent?', { ...far, holdBack: true })).toBe(false);
      expect(mayKeepReading('jasmine is in hospital, can I reply to her mum on fb?', far)).toBe(false);
    });

    it('when the owners\' views read a question kept by an earlier release that names someone near the bar, then it reads as held back', async () => {
      const detector: DisclosureDetector = {
        read: async () => near,
        readAll: async (texts) => texts.map(() => near),
      };
      const keeping = keepingReader(detector);
      expect((await keeping.read('Can I message Jayden\'s mum on Facebook about Y9 options?')).holdBack).toBe(true);
      expect((await keeping.read('Can I accept a friend request from a parent?')).holdBack).toBe(false);
    });
  });

  it('when the owners\' views read a kept question again, then one that may not be kept reads as held back, and the rest as the detector read them', async () => {
    const detector: DisclosureDetector = {
      read: async () => ({ offer: false, holdBack: false, score: 0.1 }),
      readAll: async (texts) => texts.map(() => ({ offer: false, holdBack: false, score: 0.1 })),
    };
    const keeping = keepingReader(detector);
    expect((await keeping.read('jasmine is in hospital, can I reply to her mum on fb?')).holdBack).toBe(true);
    expect((await keeping.read('Can I accept a friend request from a parent?')).holdBack).toBe(false);
    expect((await keeping.readAll(['daisy has nits again, can i post a general reminder?', 'can I share the fair poster?'])).map((r) => r.holdBack)).toEqual([true, false]);
  });
});
