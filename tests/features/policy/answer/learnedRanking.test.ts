import { answerQuestion } from '../../../../src/features/policy/answer/answerQuestion';
import { headingKey, quoteFeatures } from '../../../../src/features/policy/answer/learnedRanking';
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

describe('a question in a section heading\'s very words', () => {
  // Made up: broad headings whose words their own passages never use, beside sections whose passages do use them
  // ("it is not acceptable to use...", "the guidance of their professional body and take advice"). Without the
  // heading rule the model ranks "Acceptable use" under "The law" and "Guidance and advice" under "Recommendations".
  const doc = parsePolicyText([
    'Staff Online Conduct Policy',
    '',
    '1. The law',
    '',
    'It is not acceptable to use social media to harass, threaten or defame anyone, and such use may be a criminal offence.',
    'Staff who use social media unlawfully may be reported to the police.',
    '',
    '2. Guidance and advice',
    '',
    'Think before you post: a comment made in a moment of anger can stay online for years.',
    'Ask the headteacher before joining a group where parents of your class are members.',
    '',
    '3. Recommendations',
    '',
    'We recommend that staff follow the guidance of their professional body and take advice from their union when unsure.',
    'Staff are advised to review their privacy settings every term.',
    '',
    '4. Acceptable use',
    '',
    'School laptops are for school work, and staff must not install games or streaming software on them.',
    'Passwords must never be shared, and a laptop must be locked when it is left unattended.',
  ].join('\n'), 'heading-policy.txt');
  const index = createPolicyIndex([doc]);

  it.each([
    ['Acceptable use', 'Acceptable use'],
    ['acceptable use?', 'Acceptable use'],
    ['4. Acceptable use', 'Acceptable use'],
    ['GUIDANCE AND ADVICE', 'Guidance and advice'],
    ['Recommendations', 'Recommendations'],
  ])('when the question is "%s", then section "%s" ranks first and is answered', (q, title) => {
    const ranking = index.rank(q)!;
    expect(ranking.ranked[0].section.title).toBe(title);
    expect(ranking.answered).toBe(true);
    expect(ranking.ranked[0].score).toBeGreaterThan(ranking.ranked[1].score);
    const answer = answerQuestion(index, q);
    expect(answer.answered && answer.best.section.title).toBe(title);
  });
});

describe('headingKey', () => {
  it.each([
    ['4.1 Personal use', 'personal use'],
    ['4. Personal use', 'personal use'],
    ['Section 3: Staff use of social media', 'staff use of social media'],
    ['Appendix A - Contacts', 'contacts'],
    ['b) Photos', 'photos'],
    ['a guide to photos', 'a guide to photos'],
    ['Photos of pupils?', 'photos of pupils'],
    ['  ', ''],
  ])('when the text is "%s", then the words compared are "%s"', (text, key) => {
    expect(headingKey(text)).toBe(key);
  });
});

describe('the word cosines a policy keeps between questions', () => {
  const text = [
    'Staff Social Media Policy', '',
    '1. Images and video', '', 'Staff must never post photographs of pupils on their personal social media accounts.', '',
    '2. Contact with parents', '', 'Staff do not accept friend requests from parents on personal accounts.', '',
    '3. Parking', '', 'Staff park in the rear car park and leave the front for visitors.',
  ].join('\n');
  const questions = ['can i add a mum on facebook', 'where do i leave my car', 'can i put pics of the kids on my insta', 'is it ok to friend a parent'];
  // The ranker's figures for each question (the probability an answer is there, each section's score), not just its choice.
  const answers = (index: ReturnType<typeof createPolicyIndex>, asked: string[]) => asked.map((q) => {
    const ranking = index.rank(q);
    return JSON.stringify({ answered: answerQuestion(index, q).answered, p: ranking?.answerProbability, ranked: ranking?.ranked.map((r) => [r.section.title, r.score]) });
  });

  it('when questions sharing words are asked one after another, then each is answered exactly as on a policy asked nothing before', () => {
    const warm = createPolicyIndex([parsePolicyText(text, 'kept.txt')]);
    const twice = answers(warm, [...questions, ...[...questions].reverse()]);
    const fresh = questions.map((q) => answers(createPolicyIndex([parsePolicyText(text, 'kept.txt')]), [q])[0]);
    expect(twice).toEqual([...fresh, ...[...fresh].reverse()]);
    // The questions were answered from the policy, so the comparison is not of two empty answers.
    expect(twice.filter((a) => a.includes('"answered":true')).length).toBeGreaterThanOrEqual(2);
    expect(twice.every((a) => a.includes('"ranked":[['))).toBe(true);
  });
});
