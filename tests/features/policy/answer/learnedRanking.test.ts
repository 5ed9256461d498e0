import { answerQuestion } from '../../../../src/features/policy/answer/answerQuestion';
import { quoteFeatures } from '../../../../src/features/policy/answer/learnedRanking';
import { createPolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';

describe('the quote scorer\'s features', () => {
  const asked = { heads: [['photo', 2], ['pupil', 1], ['insta', 1]] as [string, number][], total: 4 };

  it('when a passage shares the first letters of some of the question\'s words, then prefix_overlap is their idf share', () => {
    // "photographs" meets "photos", "pupils" meets "pupil"; nothing meets "insta".
    const f = quoteFeatures(0.4, 0.5, 0.25, 0, 9, new Set(['staff', 'photo', 'pupil']), asked);
    expect(f).toEqual([0.4, 0.5, 0.25, 1, Math.log1p(9), 0.75]);
  });

  it('when a passage is not the section\'s first and names none of the question\'s words, then first and prefix_overlap are 0', () => {
    const f = quoteFeatures(0.1, 0, 0, 2, 4, new Set(['parki']), asked);
    expect(f[3]).toBe(0);
    expect(f[5]).toBe(0);
  });

  it('when the question has only stop words, then prefix_overlap is 0 rather than a division by nothing', () => {
    expect(quoteFeatures(0, 0, 0, 1, 1, new Set(['photo']), { heads: [], total: 0 })[5]).toBe(0);
  });
});

describe('the quote of a learned answer', () => {
  const doc = parsePolicyText([
    'Staff Social Media Policy',
    '',
    '1. Images and video',
    '',
    'This section sets out how the school thinks about images.',
    'The school newsletter is printed each half term.',
    'Staff must never post photographs of pupils on their personal social media accounts.',
    '',
    '2. Contact with parents',
    '',
    'Staff do not accept friend requests from parents on personal accounts.',
  ].join('\n'), 'small-policy.txt');
  const index = createPolicyIndex([doc]);

  it('when a question asks about what one sentence of the section rules on, then that sentence is quoted, not the section\'s opening', () => {
    const answer = answerQuestion(index, 'can i put pics of the kids from sports day on my own insta');
    expect(answer.answered).toBe(true);
    if (!answer.answered) return;
    expect(answer.best.section.title).toBe('Images and video');
    expect(answer.best.quote).toBe('Staff must never post photographs of pupils on their personal social media accounts.');
  });
});
