import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createQuestionSealing } from '../../src/adapters/questionSealing';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteQuestionLog } from '../../src/adapters/sqlite/sqliteQuestionLog';
import { createSqliteTeachingLinkStore } from '../../src/adapters/sqlite/sqliteTeachingLinkStore';
import { answerJson, main } from '../../src/cli/policyBot';
import { LOCAL_DEVELOPMENT_CONCERN_KEY } from '../../src/config/concernSettings';
import { answerQuestion, shownMatches } from '../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex, PolicyIndex } from '../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { REPO_ROOT } from '../support/repoRoot';

/**
 * Issue 50 in the owner's CLI: `policy-bot unanswered` lists what staff chose on a "not sure" reply as suggestions, with
 * ids for --accept and --dismiss; `policy-bot ask --json` says whether the reply was sure and which sections it shows.
 */
const POLICY = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');
const ENV = { APP_MODE: 'local', POLICY_FILES: POLICY };
const liverpool = parsePolicyText(fs.readFileSync(POLICY, 'utf8'), 'liverpool-model.txt');
/** A section's key as answers carry it, by the number the policy gives it. */
const keyOf = (number: string): string => `liverpool-model#${liverpool.sections.find((s) => s.number === number)!.ordinal}`;

describe('policy-bot unanswered: staff\'s suggestions', () => {
  let dir: string;
  let file: string;
  let output: string[];
  let ids: { chose: string; other: string; none: string };
  const sealing = createQuestionSealing(LOCAL_DEVELOPMENT_CONCERN_KEY);
  const links = () => {
    const db = openSqliteDatabase(file);
    try {
      return createSqliteTeachingLinkStore(db, sealing).list();
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-suggestions-'));
    file = path.join(dir, 'bot.sqlite');
    const db = openSqliteDatabase(file);
    const log = createSqliteQuestionLog(db, sealing);
    const ask = (question: string, askedAt: string) => log.recordQuestion({ question, answered: true, citedSection: 'liverpool-model#7', askedAt, sure: false });
    ids = {
      chose: await ask('can Mrs Featherstonehaugh share her sister\'s gofundme with parents?', '2026-03-02T09:00:00.000Z'),
      other: await ask('a meme of me is going round, what now?', '2026-03-02T10:00:00.000Z'),
      none: await ask('staff christmas do pics on facebook?', '2026-03-02T11:00:00.000Z'),
    };
    await log.recordChoice(ids.chose, keyOf('5'), '2026-03-02T09:01:00.000Z');
    await log.recordChoice(ids.other, keyOf('7'), '2026-03-02T10:01:00.000Z');
    await log.recordChoice(ids.none, 'none', '2026-03-02T11:01:00.000Z');
    db.close();
  }, 30_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    output = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
  });
  afterEach(() => jest.restoreAllMocks());

  it('when staff chose sections on "not sure" replies, then each is listed with its id and the section named, names taken out, after the failures', async () => {
    expect(await main(['unanswered', '--db', file], ENV)).toBe(0);
    expect(output).toEqual([
      '2026-03-02T11:00:00.000Z\tnone of these\tstaff christmas do pics on facebook?',
      `2026-03-02T10:00:00.000Z\tsuggestion ${ids.other}\tStaff chose section 7 (Reporting, responding to and recording cyberbullying incidents) for: a meme of me is going round, what now?`,
      `2026-03-02T09:00:00.000Z\tsuggestion ${ids.chose}\tStaff chose section 5 (Acceptable use) for: can Mrs [name] share her sister's gofundme with parents?`,
      'Accept a suggestion (link the question to that section) with --accept ID, or drop it with --dismiss ID.',
    ]);
  });

  it('when the owner accepts one, then its teaching link is made once, and the suggestion leaves the list', async () => {
    expect(await main(['unanswered', '--db', file, '--accept', ids.chose, '--by', 'head'], ENV)).toBe(0);
    expect(output).toEqual(['Linked: that question and close rewordings of it now get section 5 (Acceptable use).']);
    expect((await links()).map((l) => [l.question, l.section, l.taughtBy])).toEqual([['can Mrs [name] share her sister\'s gofundme with parents?', keyOf('5'), 'cli:head']]);

    output = [];
    expect(await main(['unanswered', '--db', file, '--accept', ids.chose], ENV)).toBe(1);
    expect(output).toEqual(['That suggestion had already been accepted or dismissed.']);
    expect(await links()).toHaveLength(1);
  });

  it('when the owner dismisses one, then it goes, nothing is taught, and the question is still kept', async () => {
    expect(await main(['unanswered', '--db', file, '--dismiss', ids.other], ENV)).toBe(0);
    expect(output).toEqual(['Dismissed: that suggestion is gone; the question is kept as usual.']);
    expect(await links()).toHaveLength(1);

    output = [];
    expect(await main(['unanswered', '--db', file], ENV)).toBe(0);
    expect(output).toEqual(['2026-03-02T11:00:00.000Z\tnone of these\tstaff christmas do pics on facebook?']);
    const db = openSqliteDatabase(file);
    expect(await createSqliteQuestionLog(db, sealing).getQuestion(ids.other)).toMatchObject({ question: 'a meme of me is going round, what now?', choice: { review: 'dismissed' } });
    db.close();
  });

  it('when the id is not a suggestion, or both flags are given, then it says so and changes nothing', async () => {
    for (const id of ['no-such-id', ids.none]) {
      output = [];
      expect(await main(['unanswered', '--db', file, '--accept', id], ENV)).toBe(1);
      expect(output).toEqual([`No suggestion ${id}: run policy-bot unanswered to see their ids.`]);
    }
    const errors: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });
    expect(await main(['unanswered', '--db', file, '--accept', ids.chose, '--dismiss', ids.chose], ENV)).toBe(2);
    expect(errors.join('')).toContain('--accept or --dismiss, not both');
    expect(await links()).toHaveLength(1);
  });
});

describe('policy-bot ask --json: sure, and the sections shown', () => {
  const index = createPolicyIndex([liverpool]);
  const QUESTION = 'Can I accept a friend request from a parent?';

  it('when the answer is sure, then the line says so and shows its one section', async () => {
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; });
    try {
      expect(await main(['ask', '--policy', POLICY, '--json', QUESTION])).toBe(0);
    } finally {
      jest.restoreAllMocks();
    }
    const line = JSON.parse(written.join(''));
    expect(line).toMatchObject({ answered: true, sure: true, shown: [{ document: 'liverpool-model', ordinal: Number(keyOf('5').split('#')[1]), number: '5', heading: 'Acceptable use' }] });
    expect(line.answer).toMatch(/^".+" \(Section 5\. Acceptable use, /);
  });

  it('when the ranker is not sure, then the line says so and shows the choices in order', () => {
    const unsure: PolicyIndex = { ...index, rank: (q) => { const r = index.rank(q); return r && { ...r, sure: false }; } };
    const answer = answerQuestion(unsure, QUESTION);
    if (!answer.answered) throw new Error('expected an answer');
    const line = answerJson(answer);
    const choices = shownMatches(answer);
    expect(choices).toHaveLength(3);
    expect(line.sure).toBe(false);
    expect(line.shown).toEqual(choices.map((m) => ({ document: 'liverpool-model', ordinal: m.section.ordinal, number: m.section.number, heading: m.section.title })));
    expect(line.answer).toMatch(/^I'm not sure which part of the policy answers this\. Which of these is closest\? 1\. ".+" \(Section .+\) 2\. ".+" \(Section .+\) 3\. ".+" \(Section .+\)$/);
    expect(line.answer).toContain(`1. "${choices[0].quote}"`);
  });

  it('when the policy does not cover the question, then nothing is shown', () => {
    expect(answerJson({ answered: false, question: 'parking?', reason: 'NOT_COVERED', matches: [] })).toMatchObject({ answered: false, sure: true, shown: [] });
  });
});
