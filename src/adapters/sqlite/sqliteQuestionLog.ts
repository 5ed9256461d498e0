import crypto from 'node:crypto';
import { AskedQuestion, QuestionLog } from '../../features/policy/teaching/questionLog';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    version: 1,
    sql: `CREATE TABLE policy_questions (
      id TEXT PRIMARY KEY, question TEXT NOT NULL, answered INTEGER NOT NULL, cited_section TEXT,
      asked_at TEXT NOT NULL);
    CREATE TABLE policy_feedback (
      question_id TEXT NOT NULL REFERENCES policy_questions(id), helpful INTEGER NOT NULL, at TEXT NOT NULL);
    CREATE INDEX policy_questions_asked ON policy_questions(asked_at);`,
  },
  {
    // The AI phrasing an answer card showed, so pressing "Was this helpful?" redraws the same card.
    version: 2,
    sql: `ALTER TABLE policy_questions ADD COLUMN phrased_text TEXT;
    ALTER TABLE policy_questions ADD COLUMN phrased_section TEXT;`,
  },
];

interface Row {
  id: string; question: string; answered: number; cited_section: string | null; asked_at: string; helpful: number | null;
  phrased_text: string | null; phrased_section: string | null;
}

/** The question log in the embedded SQLite database; feedback rows are appended, the latest counts. */
export function createSqliteQuestionLog(db: SqliteDatabase): QuestionLog {
  migrate(db, 'policy-questions', MIGRATIONS);
  const insert = db.prepare(`INSERT INTO policy_questions (id, question, answered, cited_section, asked_at, phrased_text, phrased_section)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const latestHelpful = `(SELECT helpful FROM policy_feedback f WHERE f.question_id = q.id ORDER BY f.rowid DESC LIMIT 1)`;
  const get = db.prepare(`SELECT q.*, ${latestHelpful} AS helpful FROM policy_questions q WHERE q.id = ?`);
  const feedback = db.prepare('INSERT INTO policy_feedback (question_id, helpful, at) VALUES (?, ?, ?)');
  const failed = db.prepare(`SELECT * FROM (SELECT q.*, ${latestHelpful} AS helpful FROM policy_questions q)
    WHERE answered = 0 OR helpful = 0 ORDER BY asked_at DESC LIMIT ?`);
  const toQuestion = (r: Row): AskedQuestion => ({
    id: r.id, question: r.question, answered: r.answered === 1, citedSection: r.cited_section, askedAt: r.asked_at,
    helpful: r.helpful === null ? null : r.helpful === 1,
    phrasing: r.phrased_text !== null && r.phrased_section !== null ? { text: r.phrased_text, section: r.phrased_section } : null,
  });
  return {
    async recordQuestion(entry) {
      const id = crypto.randomUUID();
      insert.run(id, entry.question, entry.answered ? 1 : 0, entry.citedSection, entry.askedAt, entry.phrasing?.text ?? null, entry.phrasing?.section ?? null);
      return id;
    },
    async getQuestion(id) {
      const row = get.get(id) as Row | undefined;
      return row ? toQuestion(row) : null;
    },
    async recordFeedback(id, helpful, at) {
      if (!get.get(id)) return false;
      feedback.run(id, helpful ? 1 : 0, at);
      return true;
    },
    listFailed: async (limit) => (failed.all(limit) as Row[]).map(toQuestion),
  };
}
