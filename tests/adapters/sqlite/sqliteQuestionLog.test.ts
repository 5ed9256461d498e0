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

    expect(await log.getQuestion('old-1')).toMatchObject({ question: 'Can I tag pupils?', phrasing: null });
    expect(await log.recordFeedback('old-1', false, '2026-11-21T09:00:00.000Z')).toBe(true);
    expect((await log.listFailed(10)).map((q) => q.id)).toEqual(['old-1']);
    db.close();
  });
});

describeQuestionLogContract('SQLite', () => createSqliteQuestionLog(openSqliteDatabase(':memory:'), sealing));
describeQuestionLogContract('in memory', () => createInMemoryQuestionLog());
