import { ALTERNATIVE_WEIGHT, expandQuestion, indexTerms, PHRASE_JOINER } from '../../../../src/features/policy/answer/lexicon';
import { wordRoles } from '../../../../src/features/policy/answer/questionAnalysis';
import { stemToken } from '../../../../src/features/policy/answer/textAnalysis';

const termsOf = (q: string) => new Map(expandQuestion(q).map((t) => [t.term, t]));

describe('expandQuestion', () => {
  it('when a question uses a multi-word form, then the phrase is matched before its single words', () => {
    const terms = termsOf('can a pupil add me on facebook?');
    const addMe = terms.get(`add${PHRASE_JOINER}me`);
    expect(addMe?.weight).toBe(1);
    // "add" is not searched on its own: the phrase means befriending, not arithmetic.
    expect(terms.has('add')).toBe(false);
    // The phrase brings in the rest of its idea, as alternatives of the same concept.
    expect(terms.get('friend')?.concept).toBe(addMe?.concept);
    expect(terms.get('friend')?.weight).toBe(ALTERNATIVE_WEIGHT);
  });

  it('when a question uses one form of an idea, then the other forms are searched at a lower weight', () => {
    const terms = termsOf('can I put a pic of my class online');
    const pic = terms.get('pic');
    const photograph = terms.get('photograph');
    expect(pic?.weight).toBe(1);
    expect(photograph?.concept).toBe(pic?.concept);
    expect(photograph!.weight).toBeLessThan(pic!.weight);
  });

  it('when a word is in no lexicon group, then it stays an idea of its own', () => {
    const terms = expandQuestion('who do I speak to about my pension?').filter((t) => t.term === 'pension');
    expect(terms).toHaveLength(1);
    expect(terms[0].weight).toBe(1);
    const others = expandQuestion('who do I speak to about my pension?').filter((t) => t.concept === terms[0].concept);
    expect(others).toHaveLength(1);
  });

  it('when a question is only filler, then it has no search terms', () => {
    expect(expandQuestion('is it ok?? just wondering lol')).toHaveLength(0);
    expect(expandQuestion('can I?')).toHaveLength(0);
  });
});

describe('indexTerms', () => {
  it('when a passage contains a lexicon phrase, then it is indexed as one term besides its words', () => {
    const terms = indexTerms('That they should not access these sites for personal use during working hours;');
    expect(terms).toContain(`work${PHRASE_JOINER}hour`);
    expect(terms).toContain('hour');
  });
});

describe('wordRoles', () => {
  const roleOf = (q: string, word: string) => wordRoles(q).get(stemToken(word));

  it('when a question names an unknown thing, then it is read as a noun (the likely topic)', () => {
    expect(roleOf('who do I speak to about my teachers\' pension?', 'pension')).toBe('noun');
    expect(roleOf('where can I park my car?', 'car')).toBe('noun');
    // The tagger reads "contract" alone as a verb; after "my" it heads a noun phrase.
    expect(roleOf('is this policy part of my employment contract?', 'contract')).toBe('noun');
  });

  it('when a word says how the question is put, then it is read as a verb or adverb', () => {
    expect(roleOf('am I banned from having facebook altogether?', 'altogether')).toBe('adverb');
    expect(roleOf('when does this policy get looked at again?', 'looked')).toBe('verb');
  });

  it('when a noun only says where or when, then it is read as the setting', () => {
    expect(roleOf('can I put pics from sports day on my own facebook?', 'day')).toBe('setting');
    expect(roleOf('can I put pics from sports day on my own facebook?', 'pics')).toBe('noun');
  });
});
