import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeBankIndex, keptBankIndex } from '../../../../src/features/policy/answer/bankIndexCache';
import { DEFAULT_MODEL_DIR } from '../../../../src/features/policy/answer/learnedModel';
import { buildBankIndex, createQuestionBank, QuestionBankFile } from '../../../../src/features/policy/answer/questionBank';

/**
 * Issue 68: the question bank's lookup index is kept on disk between starts, so a start reads it back in milliseconds
 * instead of building it from 11,000 questions. What is read back must be exactly what would be built, and a kept file
 * that is damaged, cut short or altered is never used.
 */
const shipped = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'bank.json'), 'utf8')) as QuestionBankFile;
const bank: QuestionBankFile = {
  ...shipped,
  k: 3,
  questions: [['can i accept a friend request from a mum', 0], ['is it ok to friend a parent on fb', 0], ['can i post pics from the trip', 1], ['where do i park', -2], ['is my insta private', -1]],
  answers: ['contact with parents staff do not accept friend requests from parents', 'photographs images of pupils are not posted on personal accounts'],
};
const sha = crypto.createHash('sha256').update(JSON.stringify(bank)).digest('hex');
const policy = [['Images of pupils are never posted on personal accounts.'], ['Staff do not accept friend requests from parents or pupils.']];
const QUESTIONS = ['can I add a parent as a friend on facebook?', 'pics of the trip on my page?', 'parking', 'zzz'];

const matchesOf = (b: ReturnType<typeof createQuestionBank>) => {
  const p = b.forPolicy(policy);
  return QUESTIONS.map((q) => {
    const m = p.match(q);
    return { sections: [...m.sections], passages: [...m.passages], uncovered: m.uncovered, otherUncovered: m.otherUncovered };
  });
};

describe('the question bank\'s index kept between starts (issue 68)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bank-index-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const keptFile = (): string => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(files).toHaveLength(1);
    return path.join(dir, files[0]);
  };

  it('when the index is built, kept and read back, then it is the index built, and the bank answers exactly as one built fresh', () => {
    const built = buildBankIndex(bank);
    expect(keptBankIndex(bank, sha, dir)).toEqual(built);
    const again = keptBankIndex(bank, sha, dir);
    expect(again).toEqual(built);
    expect(matchesOf(createQuestionBank(bank, again))).toEqual(matchesOf(createQuestionBank(bank)));
    expect(matchesOf(createQuestionBank(bank))[0].sections[1]).toBeGreaterThan(0);
  });

  it('when the shipped bank\'s index is kept and read back, then every array and term is the same', () => {
    // Built once (nothing kept yet), then read back from the file it wrote.
    const built = keptBankIndex(shipped, 'shipped', dir);
    const read = decodeBankIndex(fs.readFileSync(keptFile()))!;
    expect(read.words).toEqual(built.words);
    expect(read.chars).toEqual(built.chars);
    expect(read.answerTerms).toEqual(built.answerTerms);
    for (const [a, b] of [[read.wordIdf, built.wordIdf], [read.charIdf, built.charIdf], [read.textIdf, built.textIdf],
      [read.postings.start, built.postings.start], [read.postings.row, built.postings.row], [read.postings.value, built.postings.value],
      [read.answers.start, built.answers.start], [read.answers.row, built.answers.row], [read.answers.value, built.answers.value]] as const) {
      expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
    }
  });

  it('when the kept file is altered, cut short or not one at all, then it is not read, and the index is built and kept again', () => {
    keptBankIndex(bank, sha, dir);
    const file = keptFile();
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)] ^= 1;
    for (const bad of [flipped, good.subarray(0, good.length - 1), good.subarray(0, 20), Buffer.from('not an index'), Buffer.alloc(0)]) {
      expect(decodeBankIndex(bad)).toBeUndefined();
      fs.writeFileSync(file, bad);
      expect(keptBankIndex(bank, sha, dir)).toEqual(buildBankIndex(bank));
      expect(fs.readFileSync(file).equals(good)).toBe(true);
    }
  });

  it('when another bank is indexed, then its index is kept apart and never read for the first', () => {
    keptBankIndex(bank, sha, dir);
    const other: QuestionBankFile = { ...bank, questions: [['who wrote this policy', 0]], answers: ['the policy was written by the governors'] };
    const otherIndex = keptBankIndex(other, `${sha}-other`, dir);
    expect(otherIndex.words).toEqual(['who', 'wrote', 'this', 'policy']);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    expect(keptBankIndex(bank, sha, dir)).toEqual(buildBankIndex(bank));
  });

  it('when the folder cannot be written, then the index is built all the same', () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    expect(keptBankIndex(bank, sha, path.join(blocked, 'inside'))).toEqual(buildBankIndex(bank));
  });
});
