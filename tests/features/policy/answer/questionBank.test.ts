import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL_DIR } from '../../../../src/features/policy/answer/learnedModel';
import { createQuestionBank, QuestionBankFile } from '../../../../src/features/policy/answer/questionBank';

const shipped = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'bank.json'), 'utf8')) as QuestionBankFile;
const record = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'training-record.json'), 'utf8')) as {
  bank_probes: { policy: string[][]; probes: { text: string; sections: number[]; passages: number[]; uncovered: number; other: number }[] };
};

/** A bank of a few questions, written for these tests, with the settings training uses. */
function smallBank(questions: [string, number][], answers: string[]): QuestionBankFile {
  return { ...shipped, answers, questions, k: 3 };
}

describe('the question bank', () => {
  it('when the probe questions are matched here, then the section scores are the ones training computed', () => {
    const bank = createQuestionBank(shipped);
    const policy = bank.forPolicy(record.bank_probes.policy);
    expect(record.bank_probes.probes.length).toBeGreaterThanOrEqual(3);
    for (const probe of record.bank_probes.probes) {
      const got = policy.match(probe.text);
      expect(got.sections.length).toBe(probe.sections.length);
      probe.sections.forEach((s, i) => expect(got.sections[i]).toBeCloseTo(s, 5));
      expect(got.passages.length).toBe(probe.passages.length);
      probe.passages.forEach((p, i) => expect(got.passages[i]).toBeCloseTo(p, 5));
      expect(got.uncovered).toBeCloseTo(probe.uncovered, 5);
      expect(got.otherUncovered).toBeCloseTo(probe.other, 5);
    }
  });

  it('when a question is worded like a bank question, then the section matching that question\'s answer scores highest', () => {
    const bank = createQuestionBank(smallBank(
      [['can i accept a friend request from a mum', 0], ['is it ok to friend a parent on fb', 0], ['can i post pics from the trip', 1], ['where do i park', -1]],
      ['contact with parents staff do not accept friend requests from parents', 'photographs images of pupils are not posted on personal accounts'],
    ));
    const policy = bank.forPolicy([
      ['Images of pupils are never posted on personal accounts.'],
      ['Staff do not accept friend requests from parents or pupils.'],
    ]);
    const got = policy.match('a mum sent me a friend request on facebook');
    expect(got.sections[1]).toBeGreaterThan(got.sections[0]);
    expect(got.passages[1]).toBeGreaterThan(got.passages[0]);
    expect(got.sections[1]).toBeGreaterThan(0.3);
    expect(got.uncovered).toBe(0);
  });

  it('when the nearest bank questions were not covered by their policies, then their share shows as uncovered', () => {
    const bank = createQuestionBank(smallBank(
      [['where do i park my car', -2], ['is there parking on inset day', -1], ['can i post pics from the trip', 0]],
      ['photographs images of pupils are not posted on personal accounts'],
    ));
    const got = bank.forPolicy([['Images of pupils are never posted on personal accounts.']]).match('can i park my car at school on inset day');
    expect(got.uncovered).toBeGreaterThan(0.8);
    // Only the first was no social media matter at all.
    expect(got.otherUncovered).toBeGreaterThan(0);
    expect(got.otherUncovered).toBeLessThan(got.uncovered);
    expect(got.sections[0]).toBeLessThan(0.2);
  });

  it('when a question shares nothing with the bank, then no section scores and it counts as uncovered', () => {
    const bank = createQuestionBank(smallBank([['can i post pics from the trip', 0]], ['photographs of pupils']));
    const got = bank.forPolicy([['Photographs of pupils.']]).match('zzqx');
    expect([...got.sections]).toEqual([0]);
    expect(got.uncovered).toBe(1);
  });
});
