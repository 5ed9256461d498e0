import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFieldCipher } from '../../../src/shared/fieldEncryption';
import { createQuestionSealing } from '../../../src/adapters/questionSealing';
import { migrate, openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteQuestionLog } from '../../../src/adapters/sqlite/sqliteQuestionLog';
import { UNSENT } from '../../../src/features/policy/teaching/questionLog';

/** The question log's text is sealed at rest like concern text (issue 40, hole 5). */
describe('SQLite question log: sealed at rest', () => {
  const key = crypto.randomBytes(32).toString('base64');
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'question-sealing-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The database file and its write-ahead log, as bytes read as text. */
  const fileText = (file: string): string => [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');

  it('when a question and its phrasing are recorded, then the file holds neither in the clear, and both read back with the key', async () => {
    const file = path.join(dir, 'bot.sqlite');
    const db = openSqliteDatabase(file);
    const log = createSqliteQuestionLog(db, createQuestionSealing(key));
    const id = await log.recordQuestion({
      question: 'Can I share the quibbleton fete photos?', answered: true, citedSection: 'policy#4', askedAt: '2026-11-21T09:00:00.000Z',
      phrasing: { text: 'Only on the marrowfax school account.', section: 'policy#4' },
    });

    expect(fileText(file)).not.toMatch(/quibbleton|marrowfax/);
    expect(await log.getQuestion(id)).toMatchObject({ question: 'Can I share the quibbleton fete photos?', phrasing: { text: 'Only on the marrowfax school account.' } });
    db.close();
    expect(fileText(file)).not.toMatch(/quibbleton|marrowfax/);
  });

  it('when a question is kept without its text and later sent, then reopening leaves the empty text as it is, and the text sent is sealed', async () => {
    const file = path.join(dir, 'bot.sqlite');
    let db = openSqliteDatabase(file);
    const id = await createSqliteQuestionLog(db, createQuestionSealing(key)).recordQuestion({ question: UNSENT, answered: false, citedSection: null, askedAt: '2026-11-21T09:00:00.000Z' });
    db.close();
    db = openSqliteDatabase(file);
    const log = createSqliteQuestionLog(db, createQuestionSealing(key));
    expect(db.prepare('SELECT question FROM policy_questions WHERE id = ?').get(id)).toEqual({ question: '' });

    expect(await log.shareQuestion(id, 'Can I share the quibbleton fete photos?', '2026-11-21T09:05:00.000Z')).toBe(true);

    expect(String((db.prepare('SELECT question FROM policy_questions WHERE id = ?').get(id) as { question: string }).question)).toMatch(/^gcm1\./);
    expect((await log.getQuestion(id))?.question).toBe('Can I share the quibbleton fete photos?');
    db.close();
    expect(fileText(file)).not.toMatch(/quibbleton/);
  });

  it('when a person chooses a section on a "not sure" reply, then the file holds the choice sealed, and it reads back with the key', async () => {
    const file = path.join(dir, 'bot.sqlite');
    const db = openSqliteDatabase(file);
    const log = createSqliteQuestionLog(db, createQuestionSealing(key));
    const id = await log.recordQuestion({ question: 'Can I share my sister\'s gofundme?', answered: true, citedSection: 'policy#4', askedAt: '2026-11-21T09:00:00.000Z', sure: false });
    await log.recordChoice(id, 'quibbleton-policy#12', '2026-11-21T09:01:00.000Z');

    expect(fileText(file)).not.toMatch(/quibbleton|gofundme/);
    expect((await log.listSuggested(10))[0]).toMatchObject({ id, sure: false, choice: { section: 'quibbleton-policy#12', review: 'open' } });
    db.close();
    expect(fileText(file)).not.toMatch(/quibbleton|gofundme/);
  });

  it('when a database from before sealing is opened with the key, then its plain questions still read and are sealed in place', async () => {
    const file = path.join(dir, 'old.sqlite');
    let db = openSqliteDatabase(file);
    // The schema as the release before sealing left it, with a plain row.
    migrate(db, 'policy-questions', [
      { version: 1, sql: `CREATE TABLE policy_questions (id TEXT PRIMARY KEY, question TEXT NOT NULL, answered INTEGER NOT NULL, cited_section TEXT, asked_at TEXT NOT NULL);
        CREATE TABLE policy_feedback (question_id TEXT NOT NULL REFERENCES policy_questions(id), helpful INTEGER NOT NULL, at TEXT NOT NULL);
        CREATE INDEX policy_questions_asked ON policy_questions(asked_at);` },
      { version: 2, sql: 'ALTER TABLE policy_questions ADD COLUMN phrased_text TEXT; ALTER TABLE policy_questions ADD COLUMN phrased_section TEXT;' },
    ]);
    db.prepare('INSERT INTO policy_questions VALUES (?, ?, ?, ?, ?, ?, ?)').run('old-1', 'Can I tag the wembleworth twins?', 1, 'policy#5', '2026-01-01T00:00:00.000Z', 'Not by name.', 'policy#5');
    db.close();
    db = openSqliteDatabase(file);
    expect(fileText(file)).toMatch(/wembleworth/);

    const log = createSqliteQuestionLog(db, createQuestionSealing(key));

    // Overwritten in the file itself while the bot keeps it open, not only superseded in the write-ahead log.
    expect(fileText(file)).not.toMatch(/wembleworth|Not by name/);

    expect(await log.getQuestion('old-1')).toMatchObject({ question: 'Can I tag the wembleworth twins?', phrasing: { text: 'Not by name.', section: 'policy#5' } });
    const raw = db.prepare('SELECT question, phrased_text FROM policy_questions WHERE id = ?').get('old-1') as { question: string; phrased_text: string };
    expect(raw.question).not.toContain('wembleworth');
    expect(raw.phrased_text).not.toContain('Not by name');
    expect(await log.recordFeedback('old-1', false, '2026-11-21T09:00:00.000Z')).toBe(true);
    expect((await log.listFailed(10)).map((q) => q.question)).toEqual(['Can I tag the wembleworth twins?']);
    db.close();
    expect(fileText(file)).not.toMatch(/wembleworth|Not by name/);
  });

  it('when the log is opened with another key, then reading a question fails with a named error and shows none of it', async () => {
    const db = openSqliteDatabase(':memory:');
    const id = await createSqliteQuestionLog(db, createQuestionSealing(key)).recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-11-21T09:00:00.000Z' });

    const other = createSqliteQuestionLog(db, createQuestionSealing(crypto.randomBytes(32)));

    await expect(other.getQuestion(id)).rejects.toMatchObject({ code: 'FIELD_DECRYPT_FAILED' });
    await expect(other.listFailed(10)).rejects.toMatchObject({ code: 'FIELD_DECRYPT_FAILED' });
  });

  it('when a file holding sealed and plain questions is opened with another key, then it refuses, and leaves the plain ones for the right key', async () => {
    const db = openSqliteDatabase(':memory:');
    await createSqliteQuestionLog(db, createQuestionSealing(key)).recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-11-21T09:00:00.000Z' });
    db.prepare('INSERT INTO policy_questions (id, question, answered, cited_section, asked_at) VALUES (?, ?, ?, ?, ?)').run('old-1', 'Can I tag pupils?', 0, null, '2026-01-01T00:00:00.000Z');

    expect(() => createSqliteQuestionLog(db, createQuestionSealing(crypto.randomBytes(32)))).toThrow(expect.objectContaining({ code: 'FIELD_DECRYPT_FAILED' }));

    expect(db.prepare('SELECT question FROM policy_questions WHERE id = ?').get('old-1')).toEqual({ question: 'Can I tag pupils?' });
    expect(await createSqliteQuestionLog(db, createQuestionSealing(key)).getQuestion('old-1')).toMatchObject({ question: 'Can I tag pupils?' });
  });

  it('when the only sealed value is a choice on a question kept without text, then opening with another key still refuses before sealing the plain ones', async () => {
    const db = openSqliteDatabase(':memory:');
    const log = createSqliteQuestionLog(db, createQuestionSealing(key));
    const id = await log.recordQuestion({ question: UNSENT, answered: true, citedSection: 'policy#2', askedAt: '2026-11-21T09:00:00.000Z', sure: false });
    await log.recordChoice(id, 'policy#4', '2026-11-21T09:01:00.000Z');
    db.prepare('INSERT INTO policy_questions (id, question, answered, cited_section, asked_at) VALUES (?, ?, ?, ?, ?)').run('old-1', 'Can I tag pupils?', 0, null, '2026-01-01T00:00:00.000Z');

    expect(() => createSqliteQuestionLog(db, createQuestionSealing(crypto.randomBytes(32)))).toThrow(expect.objectContaining({ code: 'FIELD_DECRYPT_FAILED' }));

    expect(db.prepare('SELECT question FROM policy_questions WHERE id = ?').get('old-1')).toEqual({ question: 'Can I tag pupils?' });
  });

  it('when the log is opened without a key, then it records nothing and will not show a sealed question', async () => {
    const db = openSqliteDatabase(':memory:');
    const id = await createSqliteQuestionLog(db, createQuestionSealing(key)).recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-11-21T09:00:00.000Z' });

    const keyless = createSqliteQuestionLog(db);

    await expect(keyless.recordQuestion({ question: 'in the clear?', answered: false, citedSection: null, askedAt: '2026-11-21T09:01:00.000Z' }))
      .rejects.toMatchObject({ code: 'QUESTION_LOG_KEY_MISSING' });
    await expect(keyless.getQuestion(id)).rejects.toMatchObject({ code: 'QUESTION_LOG_KEY_MISSING' });
    expect((db.prepare('SELECT COUNT(*) AS n FROM policy_questions').get() as { n: number }).n).toBe(1);
  });

  it('when a question is sealed, then the concern key itself does not open it: the question log has a key of its own derived from it', async () => {
    const db = openSqliteDatabase(':memory:');
    const id = await createSqliteQuestionLog(db, createQuestionSealing(key)).recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-11-21T09:00:00.000Z' });
    const { question } = db.prepare('SELECT question FROM policy_questions WHERE id = ?').get(id) as { question: string };

    expect(() => createFieldCipher(key).decrypt(question, `question:${id}:question`)).toThrow(/could not be decrypted/);
  });

  it('when a disclosure-like question is noted, then only the day is kept: no text, no person, no time of day', async () => {
    const db = openSqliteDatabase(':memory:');
    const log = createSqliteQuestionLog(db, createQuestionSealing(key));

    await log.recordDisclosureLike('2026-11-21T09:14:03.000Z');

    expect(db.prepare('SELECT * FROM policy_disclosure_like').all()).toEqual([{ asked_on: '2026-11-21', reading: 'offered' }]);
    expect(await log.listFailed(10)).toEqual([]);
  });
});
