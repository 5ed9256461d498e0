import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createQuestionSealing } from '../../../src/adapters/questionSealing';
import { createSqliteQuestionLog } from '../../../src/adapters/sqlite/sqliteQuestionLog';
import { migrate, openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { createInMemoryQuestionLog } from '../../../src/features/policy/teaching/questionLog';
import { describeQuestionLogContract } from '../../support/contracts/questionLogContract';

/** The question log is sealed with a key derived from the concern key; sqliteQuestionLogSealing.test.ts tests the sealing. */
const sealing = createQuestionSealing(crypto.randomBytes(32));

describe('SQLite question log', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'question-log-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when an answer was phrased by AI, then its phrasing and cited section survive a restart', async () => {
    const file = path.join(dir, 'bot.sqlite');
    let db = openSqliteDatabase(file);
    const id = await createSqliteQuestionLog(db, sealing).recordQuestion({
      question: 'Can I accept a friend request from a parent?', answered: true, citedSection: 'liverpool-model#7',
      askedAt: '2026-11-21T09:00:00.000Z', phrasing: { text: 'No, keep to the school accounts.', section: 'liverpool-model#7' },
    });
    const plainId = await createSqliteQuestionLog(db, sealing).recordQuestion({ question: 'Pension?', answered: false, citedSection: null, askedAt: '2026-11-21T09:01:00.000Z' });
    db.close();

    db = openSqliteDatabase(file);
    const log = createSqliteQuestionLog(db, sealing);
    expect(await log.getQuestion(id)).toMatchObject({ answered: true, phrasing: { text: 'No, keep to the school accounts.', section: 'liverpool-model#7' } });
    expect(await log.getQuestion(plainId)).toMatchObject({ answered: false, phrasing: null, helpful: null });
    db.close();
  });

  it('when a database from before phrasing was kept is opened, then its questions are still there, unphrased', async () => {
    const file = path.join(dir, 'old.sqlite');
    const db = openSqliteDatabase(file);
    // The first version of the schema, as an earlier release left it.
    migrate(db, 'policy-questions', [{
      version: 1,
      sql: `CREATE TABLE policy_questions (id TEXT PRIMARY KEY, question TEXT NOT NULL, answered INTEGER NOT NULL, cited_section TEXT, asked_at TEXT NOT NULL);
        CREATE TABLE policy_feedback (question_id TEXT NOT NULL REFERENCES policy_questions(id), helpful INTEGER NOT NULL, at TEXT NOT NULL);
        CREATE INDEX policy_questions_asked ON policy_questions(asked_at);`,
    }]);
    db.prepare('INSERT INTO policy_questions VALUES (?, ?, ?, ?, ?)').run('old-1', 'Can I tag pupils?', 1, 'cardinal-heenan#5', '2026-01-01T00:00:00.000Z');

    const log = createSqliteQuestionLog(db, sealing);

    expect(await log.getQuestion('old-1')).toMatchObject({ question: 'Can I tag pupils?', phrasing: null, sure: true, choice: null });
    expect(await log.recordFeedback('old-1', false, '2026-11-21T09:00:00.000Z')).toBe(true);
    expect((await log.listFailed(10)).map((q) => q.id)).toEqual(['old-1']);
    db.close();
  });

  it('when old questions are deleted, then nothing of them is left in the file, and the record of deletions cannot be edited', async () => {
    const file = path.join(dir, 'retention.sqlite');
    const db = openSqliteDatabase(file);
    const log = createSqliteQuestionLog(db, sealing);
    const id = await log.recordQuestion({ question: 'Can I post the sports day video?', answered: true, citedSection: 'policy#2', askedAt: '2026-01-10T09:00:00.000Z', sure: false });
    await log.recordChoice(id, 'policy#5', '2026-01-10T09:01:00.000Z');
    const stored = db.prepare('SELECT question, chosen_section FROM policy_questions WHERE id = ?').get(id) as { question: string; chosen_section: string };
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const value of [stored.question, stored.chosen_section]) expect(fs.readFileSync(file).includes(Buffer.from(value))).toBe(true);

    expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-06-30T02:00:00.000Z')).toBe(1);

    // secure_delete zeroes the freed space and the checkpoint empties the write-ahead log: the choice goes with the question.
    for (const f of [file, `${file}-wal`]) {
      if (!fs.existsSync(f)) continue;
      for (const value of [stored.question, stored.chosen_section]) expect(fs.readFileSync(f).includes(Buffer.from(value))).toBe(false);
    }
    expect(db.prepare('SELECT at, cutoff, deleted FROM policy_question_retention').all()).toEqual([{ at: '2026-06-30T02:00:00.000Z', cutoff: '2026-04-01T00:00:00.000Z', deleted: 1 }]);
    expect(() => db.prepare('UPDATE policy_question_retention SET deleted = 0').run()).toThrow(/APPEND_ONLY/);
    expect(() => db.prepare('DELETE FROM policy_question_retention').run()).toThrow(/APPEND_ONLY/);
    db.close();
  });
});

describeQuestionLogContract('SQLite', () => createSqliteQuestionLog(openSqliteDatabase(':memory:'), sealing));
describeQuestionLogContract('in memory', () => createInMemoryQuestionLog());
