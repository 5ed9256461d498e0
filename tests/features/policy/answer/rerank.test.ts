import { answerQuestionReranked } from '../../../../src/features/policy/answer/answerQuestion';
import { LearnedRanking } from '../../../../src/features/policy/answer/learnedRanking';
import { createPolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { createReranker, parseRerankSettings, RerankSettings, RerankSettingsError } from '../../../../src/features/policy/answer/rerank';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { PairEncoder } from '../../../../src/shared/sentenceEncoder';

// Made up: three sections whose passages a fake cross-encoder scores by the words they hold.
const doc = parsePolicyText([
  'Staff Social Media Policy',
  '',
  '1. Images and video',
  '',
  'This section sets out how the school thinks about images.',
  'Staff must never post photographs of pupils on their personal social media accounts.',
  '',
  '2. Contact with parents',
  '',
  'Staff do not accept friend requests from parents on personal accounts.',
  'All communication with parents via social media should be through the school\'s social media accounts.',
  '',
  '3. Fundraising',
  '',
  'Staff must not promote personal fundraising to families through their own accounts.',
].join('\n'), 'small-policy.txt');
const index = createPolicyIndex([doc]);

/** A fake cross-encoder: a pair's vector is [the logit its passage is given, 1]; what it read is recorded. */
function fakeEncoder(logitOf: (passage: string) => number): PairEncoder & { read: [string, string][] } {
  const read: [string, string][] = [];
  return {
    dimensions: 2,
    model: { name: 'fake', sha256: '0'.repeat(64) },
    read,
    async encodePairs(pairs) {
      read.push(...pairs.map(([a, b]) => [a, b] as [string, string]));
      return pairs.map(([, p]) => Float32Array.from([logitOf(p), 1]));
    },
  };
}

const settings = (over: Partial<RerankSettings> = {}): RerankSettings => ({
  weights: Float32Array.from([1, 0]), bias: 0, sections: 3, passages: 4, order: 'crossEncoder', declineBelow: null,
  sure: { weights: [0, 1], bias: -2, threshold: 0.5 }, ...over,
});

function rankingFor(question: string): LearnedRanking {
  const ranking = index.rank(question);
  if (!ranking) throw new Error('the shipped answering model is missing');
  return { ...ranking, answered: true };
}

describe('the cross-encoder re-ranker', () => {
  const question = 'can I join the class parents whatsapp group';

  it('when the cross-encoder reads one passage best, then its section comes first and that passage is the quote', async () => {
    const encoder = fakeEncoder((p) => (p.includes('All communication with parents') ? 5 : p.includes('friend requests') ? 2 : -3));
    const reranked = await createReranker(encoder, settings()).rerank(question, rankingFor(question));
    expect(reranked.ranked[0].section.title).toBe('Contact with parents');
    expect(reranked.ranked[0].passages[0].passage.text).toContain('All communication with parents');
    const answer = await answerQuestionReranked(index, question, createReranker(encoder, settings()));
    expect(answer.answered && answer.best.quote).toContain('All communication with parents via social media');
  });

  it('when it reads a passage, then the pair is the question and the passage under its section\'s heading', async () => {
    const encoder = fakeEncoder(() => 0);
    await createReranker(encoder, settings()).rerank(question, rankingFor(question));
    expect(encoder.read).toContainEqual([question, 'Contact with parents : Staff do not accept friend requests from parents on personal accounts.']);
  });

  it('when the settings allow fewer sections and passages, then it reads no more than they allow', async () => {
    const encoder = fakeEncoder(() => 0);
    await createReranker(encoder, settings({ sections: 2, passages: 1 })).rerank(question, rankingFor(question));
    expect(encoder.read).toHaveLength(2);
  });

  it('when its best section stands well above the next, then it is sure; when two are close, it is not', async () => {
    const clear = await createReranker(fakeEncoder((p) => (p.includes('All communication') ? 6 : 0)), settings()).rerank(question, rankingFor(question));
    expect(clear.sure).toBe(true);
    const close = await createReranker(fakeEncoder((p) => (p.includes('All communication') ? 1 : p.includes('fundraising') ? 0.9 : -4)), settings())
      .rerank(question, rankingFor(question));
    expect(close.sure).toBe(false);
  });

  it('when no passage reads as an answer, then it declines; without a decline threshold the stack\'s decision stands', async () => {
    const encoder = fakeEncoder(() => -6);
    expect((await createReranker(encoder, settings({ declineBelow: -2 })).rerank(question, rankingFor(question))).answered).toBe(false);
    expect((await createReranker(encoder, settings()).rerank(question, rankingFor(question))).answered).toBe(true);
  });

  it('when the stack has declined, then the ranking comes back as it was and nothing is read', async () => {
    const encoder = fakeEncoder(() => 9);
    const declined = { ...rankingFor(question), answered: false };
    expect(await createReranker(encoder, settings()).rerank(question, declined)).toBe(declined);
    expect(encoder.read).toHaveLength(0);
  });

  it('when ordered by fusion, then a section first in both orders stays first and the scores fall in the order shown', async () => {
    const ranking = rankingFor(question);
    const stackFirst = ranking.ranked[0].section.title;
    const encoder = fakeEncoder((p) => (p.includes(ranking.ranked[0].passages[0].passage.text.slice(0, 30)) ? 3 : 0));
    const fused = await createReranker(encoder, settings({ order: 'fused' })).rerank(question, ranking);
    expect(fused.ranked[0].section.title).toBe(stackFirst);
    const scores = fused.ranked.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('the re-ranker\'s settings in heads.json', () => {
  const good = { rerank: { weights: [0.5, -0.5], bias: 0.1, sections: 4, passages: 4, order: 'fused', declineBelow: -1.5, sure: { weights: [0.3, 0.8], bias: -1, threshold: 0.6 } } };

  it('when they are whole, then they are read as written', () => {
    const s = parseRerankSettings(good, 2);
    expect([s.sections, s.passages, s.order, s.declineBelow, s.sure.threshold]).toEqual([4, 4, 'fused', -1.5, 0.6]);
  });

  it.each([
    ['weights of the wrong length', { ...good.rerank, weights: [1] }],
    ['no sure model', { ...good.rerank, sure: undefined }],
    ['an unknown order', { ...good.rerank, order: 'random' }],
    ['no sections', { ...good.rerank, sections: 0 }],
  ])('when they have %s, then they are refused with the reason', (_what, rerank) => {
    expect(() => parseRerankSettings({ rerank }, 2)).toThrow(RerankSettingsError);
  });
});
