import { createDisclosureDetector, DisclosureHead, DisclosureHeadError, parseDisclosureHead } from '../../../../src/features/policy/disclosure/disclosureDetector';
import { SentenceEncoder } from '../../../../src/shared/sentenceEncoder';

/**
 * The detector's decisions over a fake encoder (the port): the thresholds, the word-list defence, the rule that a
 * message naming a pupil or a year group and something that happened is held back whatever it scores, and what a
 * failing encoder does. The shipped model's figures are in disclosureModel.model.test.ts.
 */
const DIMS = 4;

/** An encoder whose vector's first value is the score a test gives the text; the head reads that value alone. */
function fakeEncoder(scores: Record<string, number>, fail = false): SentenceEncoder {
  return {
    dimensions: DIMS,
    model: { name: 'fake', sha256: '0' },
    async encode(texts) {
      if (fail) throw new Error('the graph failed');
      return texts.map((t) => Float32Array.from([scores[t] ?? -10, 0, 0, 0]));
    },
  };
}

const head = (over: Partial<DisclosureHead> = {}): DisclosureHead => ({
  weights: Float32Array.from([1, 0, 0, 0]), bias: 0, thresholds: { offer: 2, holdBack: -3 }, wordList: false, ...over,
});

describe('the disclosure detector', () => {
  it('when a message scores at or above the offer threshold, then Report a concern comes first and it is held back', async () => {
    const d = createDisclosureDetector(fakeEncoder({ x: 2 }), head());
    expect(await d.read('x')).toEqual({ offer: true, holdBack: true, reportLine: true, score: 1 / (1 + Math.exp(-2)) });
  });

  it('when the head has a bar for questions that name someone, then a reading says whether the logit reaches it, below the hold-back bar (issue 69)', async () => {
    const d = createDisclosureDetector(fakeEncoder({ 'at the bar': -5, 'under the bar': -5.5 }), head({ thresholds: { offer: 2, holdBack: -3, named: -5 } }));
    expect(await d.read('at the bar')).toMatchObject({ holdBack: false, nearHoldBack: true });
    expect(await d.read('under the bar')).toMatchObject({ holdBack: false, nearHoldBack: false });
    // Without the bar, readings say nothing of it.
    expect(await createDisclosureDetector(fakeEncoder({ x: -5 }), head()).read('x')).not.toHaveProperty('nearHoldBack');
    const parse = (named: unknown) => parseDisclosureHead({ disclosure: { weights: [1, 0, 0, 0], bias: 0, thresholds: { offer: 2, holdBack: -3, named } } }, 4);
    expect(parse(-4).thresholds.named).toBe(-4);
    expect(() => parse(-2)).toThrow(DisclosureHeadError);
    expect(() => parse('low')).toThrow(DisclosureHeadError);
    expect(() => parse(Number.NaN)).toThrow(DisclosureHeadError);
  });

  it('when a message scores between the thresholds, then it is held back without the offer', async () => {
    const d = createDisclosureDetector(fakeEncoder({ 'can i post it': -1 }), head());
    expect(await d.read('can i post it')).toMatchObject({ offer: false, holdBack: true });
  });

  it('when the head has a report-line threshold, then a message under it is held back without the line and one over it gets the line (issue 70)', async () => {
    const d = createDisclosureDetector(fakeEncoder({ 'can i post it': -2, 'can i share it': 0 }), head({ thresholds: { offer: 2, holdBack: -3, reportLine: -1 } }));
    expect(await d.read('can i post it')).toMatchObject({ offer: false, holdBack: true, reportLine: false });
    expect(await d.read('can i share it')).toMatchObject({ offer: false, holdBack: true, reportLine: true });
    expect(await d.read('a year 8 girl followed me on tiktok last night, should i block her')).toMatchObject({ holdBack: true, reportLine: true });
    expect(() => parseDisclosureHead({ disclosure: { weights: [1, 0, 0, 0], bias: 0, thresholds: { offer: 2, holdBack: -3, reportLine: 3 } } }, 4)).toThrow(DisclosureHeadError);
  });

  it('when a message scores below both, then it is neither', async () => {
    const d = createDisclosureDetector(fakeEncoder({ 'can i post it': -5 }), head());
    expect(await d.read('can i post it')).toMatchObject({ offer: false, holdBack: false });
  });

  it('when a low-scoring message names a year group and something that happened, then it is held back whatever it scores', async () => {
    const d = createDisclosureDetector(fakeEncoder({}), head());
    expect(await d.read('a year 8 girl followed me on tiktok last night, should i block her')).toMatchObject({ offer: false, holdBack: true });
    expect(await d.read('can i put the summer fair post on my own page')).toMatchObject({ offer: false, holdBack: false });
  });

  it('when the head adds the word list, then a message it reads as a disclosure is offered the report whatever it scores', async () => {
    const text = 'Finn in 3C showed me cigarette burns on his arm this morning';
    expect(await createDisclosureDetector(fakeEncoder({}), head()).read(text)).toMatchObject({ offer: false, holdBack: true });
    expect(await createDisclosureDetector(fakeEncoder({}), head({ wordList: true })).read(text)).toMatchObject({ offer: true, holdBack: true });
  });

  it('when many messages are read at once, then each gets its own reading, in order', async () => {
    const d = createDisclosureDetector(fakeEncoder({ a: 5, b: -1, c: -9 }), head());
    expect((await d.readAll(['a', 'b', 'c'])).map((r) => [r.offer, r.holdBack])).toEqual([[true, true], [false, true], [false, false]]);
    expect(await d.readAll([])).toEqual([]);
  });

  it('when the encoder fails, then every message is held back (nothing kept, nothing shown to the owner), the word list still offers the report, and the failure is reported', async () => {
    const errors: Error[] = [];
    const d = createDisclosureDetector(fakeEncoder({}, true), head(), (e) => errors.push(e));
    const [ordinary, disclosure] = await d.readAll(['can i post it', 'Finn in 3C showed me cigarette burns on his arm this morning']);
    expect(ordinary).toMatchObject({ offer: false, holdBack: true });
    expect(disclosure).toMatchObject({ offer: true, holdBack: true });
    expect(errors.map((e) => e.message)).toEqual(['the graph failed']);
  });
});

describe('the disclosure head file', () => {
  const good = { disclosure: { weights: [0.1, 0.2, 0.3, 0.4], bias: -1, thresholds: { offer: 1.5, holdBack: -4 } } };

  it('when it fits the encoder, then it is read with its thresholds', () => {
    expect(parseDisclosureHead(good, DIMS)).toEqual({ weights: Float32Array.from([0.1, 0.2, 0.3, 0.4]), bias: -1, thresholds: { offer: 1.5, holdBack: -4 }, wordList: false });
  });

  it.each([
    ['weights of another length', { disclosure: { ...good.disclosure, weights: [1, 2, 3] } }],
    ['a weight that is not a number', { disclosure: { ...good.disclosure, weights: [1, 2, 3, 'x'] } }],
    ['no thresholds', { disclosure: { weights: good.disclosure.weights, bias: 0 } }],
    ['a hold-back threshold above the offer threshold', { disclosure: { ...good.disclosure, thresholds: { offer: 0, holdBack: 1 } } }],
    ['no disclosure head', {}],
  ])('when it has %s, then it is refused with the reason', (_what, json) => {
    expect(() => parseDisclosureHead(json, DIMS)).toThrow(DisclosureHeadError);
  });
});
