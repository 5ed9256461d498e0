import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { answerQuestionReranked } from '../../../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import {
  createPassageReranker, documentPassageTexts, mixOrder, parsePassageMixSettings, PassageMixSettings, PassageMixSettingsError, passageMixFeatures,
} from '../../../../src/features/policy/answer/passageRerank';
import { createPassageVectorCache } from '../../../../src/features/policy/answer/passageVectorCache';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { SentenceEncoder } from '../../../../src/shared/sentenceEncoder';

// Made up: three sections; a fake encoder puts each text on the axis of the topic word it holds.
const doc = parsePolicyText([
  'Staff Social Media Policy',
  '',
  '1. Images and video',
  '',
  'Staff must never post photographs of pupils on their personal social media accounts.',
  '',
  '2. Contact with parents',
  '',
  'Staff do not accept friend requests from parents on personal accounts.',
  '',
  '3. Fundraising',
  '',
  'Staff must not promote personal fundraising to families through their own accounts.',
].join('\n'), 'small-policy.txt');
const index = createPolicyIndex([doc]);
const TOPICS = ['photo', 'parent', 'fundrais'];

function fakeEncoder(): SentenceEncoder & { texts: string[] } {
  const texts: string[] = [];
  return {
    dimensions: 4,
    model: { name: 'fake', sha256: 'f'.repeat(64) },
    texts,
    async encode(list) {
      texts.push(...list);
      return list.map((t) => {
        const v = new Float32Array(4);
        const k = TOPICS.findIndex((w) => t.toLowerCase().includes(w));
        v[k < 0 ? 3 : k] = 1;
        return v;
      });
    },
  };
}

/** All weight on the cosine: the encoder decides the order; sure when the first has nearly all the share. */
const BY_COSINE: PassageMixSettings = { sections: 8, order: 'mix', weights: [0, 0, 20, 0, 0], bias: 0, sureShare: 0.9 };

describe('the larger encoder read beside the stack (issue 70)', () => {
  it('when heads.json has no usable mix, then it is refused with the reason', () => {
    expect(() => parsePassageMixSettings({ mix: { sections: 8, order: 'mix', weights: [1, 2], bias: 0, sureShare: 0.5 } })).toThrow(PassageMixSettingsError);
    expect(parsePassageMixSettings({ mix: BY_COSINE })).toEqual(BY_COSINE);
  });

  it('when the columns are computed, then they are the stack margin and rank and the cosine, its margin and rank', () => {
    const rows = passageMixFeatures([3, 2, 1], [0.2, 0.9, 0.5], 2);
    expect(rows).toEqual([[0, 1, 0.2, 0.2 - 0.9, 1 / 3], [-1, 0.5, 0.9, 0, 1]]);
    const fused = mixOrder({ ...BY_COSINE, order: 'fused' }, passageMixFeatures([3, 2, 1], [0.1, 0.9, 0.5], 3));
    expect(fused.order[0]).toBe(1);
  });

  it('when the policy\'s passages are not encoded yet, then the stack answers alone; once they are, the encoder reorders and is sure', async () => {
    const encoder = fakeEncoder();
    const reranker = createPassageReranker(encoder, BY_COSINE);
    const question = 'what about fundraising for my charity through the parents group';
    const stackAlone = await answerQuestionReranked(index, question, undefined);
    const before = await answerQuestionReranked(index, question, reranker);
    expect(before.answered && before.best.section.title).toBe(stackAlone.answered && stackAlone.best.section.title);
    await reranker.prepare([doc]);
    expect(encoder.texts.filter((t) => t.includes(' : '))).toEqual(expect.arrayContaining(documentPassageTexts(doc)));
    const after = await answerQuestionReranked(index, 'fundraising?', reranker);
    expect(after.answered && after.best.section.title).toBe('Fundraising');
    expect(after.answered && after.sure).toBe(true);
  });

  it('when the vectors were kept on disk, then a new start reads them instead of encoding the passages again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-vectors-'));
    try {
      const first = fakeEncoder();
      await createPassageReranker(first, BY_COSINE, createPassageVectorCache(dir)).prepare([doc]);
      const second = fakeEncoder();
      await createPassageReranker(second, BY_COSINE, createPassageVectorCache(dir)).prepare([doc]);
      expect(first.texts.length).toBe(documentPassageTexts(doc).length);
      expect(second.texts).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
