import fs from 'node:fs';
import path from 'node:path';
import { expandQuestion } from '../../../../src/features/policy/answer/lexicon';
import { answerQuestion } from '../../../../src/features/policy/answer/answerQuestion';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { relatedWords, wordNetAlternatives, WORDNET_RELATION_WEIGHT } from '../../../../src/features/policy/answer/wordnetSynonyms';
import { baseForms, lemmaFrequency, warmWordNet, wordNetLoadStats } from '../../../../src/features/policy/answer/wordnetDictionary';
import { REPO_ROOT } from '../../../support/repoRoot';

const repoRoot = REPO_ROOT;
// The lexical index on its own (model: null): these tests are about what WordNet adds to lexical search, which
// the learned model reads as features; the model's own answers are measured in answerQuality.model.test.ts.
const policy = (name: string) => createPolicyIndex([parsePolicyText(fs.readFileSync(path.join(repoRoot, 'samples', 'policies', name), 'utf8'), name)], { model: null });

describe('WordNet lookups', () => {
  it('when WordNet is loaded, then it is available and its load time is measured', () => {
    expect(warmWordNet()).toBe(true);
    const stats = wordNetLoadStats();
    expect(stats).toMatchObject({ loaded: true, available: true });
    expect(stats.loadMs).toBeGreaterThan(0);
  });

  it('when a word is inflected, then detachment finds the base forms WordNet lists', () => {
    expect(baseForms('reviewed', 'verb')).toContain('review');
    expect(baseForms('churches', 'noun')).toContain('church');
    expect(baseForms('posts', 'noun')).toContain('post');
    // Nothing is invented: a base form must be in WordNet's index.
    expect(baseForms('reshared', 'verb')).toEqual([]);
  });

  it('when a word has synonyms, derived forms and antonyms, then each comes with its relation and sense', () => {
    const options = { maxSenses: 1, relations: ['synonym', 'derived', 'antonym'] as const };
    const cooperate = relatedWords('cooperate', options);
    expect(cooperate).toContainEqual({ lemma: 'collaborate', relation: 'synonym', sense: 0 });
    expect(cooperate).toContainEqual({ lemma: 'cooperation', relation: 'derived', sense: 0 });
    expect(relatedWords('true', options)).toContainEqual({ lemma: 'false', relation: 'antonym', sense: 0 });
    // Relations not asked for are not followed.
    expect(relatedWords('true', { maxSenses: 1, relations: ['synonym'] }).some((r) => r.lemma === 'false')).toBe(false);
    // The word itself is never its own alternative.
    expect(cooperate.some((r) => r.lemma === 'cooperate')).toBe(false);
  });

  it('when only the first sense is read, then a rarer sense brings nothing in', () => {
    // "contract" as a bid in contract bridge is its second noun sense.
    expect(relatedWords('contract', { maxSenses: 1, relations: ['synonym'] }).some((r) => r.lemma === 'declaration')).toBe(false);
    expect(relatedWords('contract', { maxSenses: 2, relations: ['synonym'] }).some((r) => r.lemma === 'declaration')).toBe(true);
  });
});

describe('wordNetAlternatives', () => {
  const vocabulary = new Set(['fals', 'defamatori', 'collabor']);

  it('when a word follows a negation, then its antonyms the policy uses join its idea at a low weight', () => {
    const q = "can I post stuff that isn't true about someone?";
    const alternatives = wordNetAlternatives(q, expandQuestion(q), vocabulary);
    expect(alternatives).toEqual([{ term: 'fals', concept: 'w:true', weight: WORDNET_RELATION_WEIGHT.antonym }]);
  });

  it('when the word is not negated, then its antonyms are not searched', () => {
    const q = 'is it true that I can post anything?';
    expect(wordNetAlternatives(q, expandQuestion(q), vocabulary)).toEqual([]);
  });

  it('when a related word is not in the policy vocabulary, then it is left out', () => {
    // "cooperate" also relates to "join forces", "cooperative" and "cooperation", which this policy never uses.
    const q = "what if the website won't cooperate?";
    const alternatives = wordNetAlternatives(q, expandQuestion(q), vocabulary);
    expect(alternatives.map((t) => t.term)).toEqual(['collabor']);
    expect(alternatives[0].weight).toBeLessThan(0.75);
  });
});

describe('WordNet in answers', () => {
  it('when staff say "isn\'t true" and the policy says "knowingly false", then the rule is found', () => {
    const answer = answerQuestion(policy('liverpool-model.txt'), "can I post stuff that isn't true about someone?");
    expect(answer.answered).toBe(true);
    if (answer.answered) expect(answer.best.quote.toLowerCase()).toContain('knowingly false');
  });

  it('when a question is about something the policy does not cover, then a loose synonym does not let it through', () => {
    // WordNet relates "park" to "set", "place" and "position", "discount" to "dismiss", "contract" to "undertake".
    expect(answerQuestion(policy('lancashire-model.txt'), 'where do I park when the staff car park is full?').answered).toBe(false);
    expect(answerQuestion(policy('north-star-trust.txt'), 'how much staff discount do we get in the canteen?').answered).toBe(false);
    expect(answerQuestion(policy('lowerhouse-junior.txt'), 'is this social media policy part of my employment contract?').answered).toBe(false);
  });
});

describe('lemmaFrequency', () => {
  it('when a word is common in general English, then it counts far more than a specialist word', () => {
    expect(lemmaFrequency('family')).toBeGreaterThan(100);
    expect(lemmaFrequency('families')).toBe(lemmaFrequency('family'));
    expect(lemmaFrequency('pension')).toBeLessThan(10);
    expect(lemmaFrequency('pension')).toBeGreaterThan(0);
  });

  it('when a word is not in WordNet, then its frequency is 0', () => {
    expect(lemmaFrequency('chatgpt')).toBe(0);
  });
});
