import crypto from 'node:crypto';
import { AskedQuestion, draftCounts, QuestionLog } from '../../features/policy/teaching/questionLog';
import { choiceFrom, choiceStateFor } from '../questionChoiceState';
import { isSealedQuestionValue, NO_QUESTION_SEALING, QuestionSealing } from '../questionSealing';
import { migrate, SqliteDatabase, withSecureDelete } from './sqliteDatabase';

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
  {
    // A question that read as a disclosure about a child: only the day it was asked, never its text or who asked.
    version: 3,
    sql: 'CREATE TABLE policy_disclosure_like (asked_on TEXT NOT NULL);',
  },
  {
    // Retention: questions past the school's period are deleted; what they counted stays, by day, without text; each
    // deletion is appended to a record no one edits.
    version: 4,
    sql: `CREATE TABLE policy_question_days (
      day TEXT PRIMARY KEY, asked INTEGER NOT NULL, declined INTEGER NOT NULL, unhelpful INTEGER NOT NULL);
    CREATE TABLE policy_question_retention (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, cutoff TEXT NOT NULL, deleted INTEGER NOT NULL);
    CREATE TRIGGER policy_question_retention_no_update BEFORE UPDATE ON policy_question_retention
      BEGIN SELECT RAISE(ABORT, 'QUESTION_RETENTION_APPEND_ONLY: the record is never changed'); END;
    CREATE TRIGGER policy_question_retention_no_delete BEFORE DELETE ON policy_question_retention
      BEGIN SELECT RAISE(ABORT, 'QUESTION_RETENTION_APPEND_ONLY: the record is never deleted'); END;
    CREATE INDEX policy_feedback_question ON policy_feedback(question_id);`,
  },
  {
    // Issue 48: a question that may be about a particular child is held back (the report line on its answer, nothing
    // kept) and counted by day apart from those offered Report a concern first.
    version: 5,
    sql: `ALTER TABLE policy_disclosure_like ADD COLUMN reading TEXT NOT NULL DEFAULT 'offered';`,
  },
  {
    // Issue 53: a draft post checked, by day, with the concerns it raised (their ids): never the draft, never who.
    version: 6,
    sql: 'CREATE TABLE policy_draft_checks (checked_on TEXT NOT NULL, concerns TEXT NOT NULL);',
  },
  {
    // Issue 50: whether the reply was sure or offered choices, and the choice a person pressed, its section's key sealed
    // like the question and deleted with it. choice_state: 'none' (None of these), 'suggested' (a section, shown to the
    // owners), 'accepted' or 'dismissed' (an owner settled it); null while nothing was pressed.
    version: 7,
    sql: `ALTER TABLE policy_questions ADD COLUMN sure INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE policy_questions ADD COLUMN chosen_section TEXT;
    ALTER TABLE policy_questions ADD COLUMN chosen_at TEXT;
    ALTER TABLE policy_questions ADD COLUMN choice_state TEXT;`,
  },
];

interface Row {
  id: string; question: string; answered: number; cited_section: string | null; asked_at: string; helpful: number | null;
  phrased_text: string | null; phrased_section: string | null; sure: number; chosen_section: string | null; chosen_at: string | null;
  choice_state: string | null;
}

/**
 * The question log in the embedded SQLite database; feedback rows are appended, the latest counts. The question and
 * its phrasing are sealed with the question log's key (adapters/questionSealing.ts). Opened with the key, questions a
 * release before sealing kept in the clear are sealed in place; without the key the log only migrates its schema:
 * it records nothing and shows nothing sealed (QUESTION_LOG_KEY_MISSING).
 */
export function createSqliteQuestionLog(db: SqliteDatabase, sealing?: QuestionSealing): QuestionLog {
  migrate(db, 'policy-questions', MIGRATIONS);
  const seal = sealing ?? NO_QUESTION_SEALING;
  if (sealing) sealPlainRows(db, sealing);
  const insert = db.prepare(`INSERT INTO policy_questions (id, question, answered, cited_section, asked_at, phrased_text, phrased_section, sure)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const latestHelpful = `(SELECT helpful FROM policy_feedback f WHERE f.question_id = q.id ORDER BY f.rowid DESC LIMIT 1)`;
  const get = db.prepare(`SELECT q.*, ${latestHelpful} AS helpful FROM policy_questions q WHERE q.id = ?`);
  const exists = db.prepare('SELECT 1 FROM policy_questions WHERE id = ?');
  const feedback = db.prepare('INSERT INTO policy_feedback (question_id, helpful, at) VALUES (?, ?, ?)');
  const failed = db.prepare(`SELECT * FROM (SELECT q.*, ${latestHelpful} AS helpful FROM policy_questions q)
    WHERE question <> '' AND (answered = 0 OR helpful = 0 OR choice_state = 'none') ORDER BY asked_at DESC LIMIT ?`);
  const suggested = db.prepare(`SELECT q.*, ${latestHelpful} AS helpful FROM policy_questions q
    WHERE question <> '' AND choice_state = 'suggested' ORDER BY asked_at DESC LIMIT ?`);
  // Only a question nobody has sent yet takes the text its asker sent: the first send is kept.
  const share = db.prepare(`UPDATE policy_questions SET question = ? WHERE id = ? AND question = ''`);
  // Only the first press is kept: a question with a choice already is left as it is.
  const choose = db.prepare('UPDATE policy_questions SET chosen_section = ?, chosen_at = ?, choice_state = ? WHERE id = ? AND choice_state IS NULL');
  const settle = db.prepare(`UPDATE policy_questions SET choice_state = ? WHERE id = ? AND choice_state = 'suggested'`);
  const disclosureLike = db.prepare('INSERT INTO policy_disclosure_like (asked_on, reading) VALUES (?, ?)');
  const askedAt = db.prepare('SELECT asked_at FROM policy_questions WHERE id = ?');
  const forgetFeedback = db.prepare('DELETE FROM policy_feedback WHERE question_id = ?');
  const forget = db.prepare('DELETE FROM policy_questions WHERE id = ?');
  const draftCheck = db.prepare('INSERT INTO policy_draft_checks (checked_on, concerns) VALUES (?, ?)');
  const retention = createSqliteQuestionRetention(db, latestHelpful);
  const toQuestion = (r: Row): AskedQuestion => ({
    id: r.id, question: seal.open(r.question, r.id, 'question'), answered: r.answered === 1, citedSection: r.cited_section, askedAt: r.asked_at,
    helpful: r.helpful === null ? null : r.helpful === 1,
    phrasing: r.phrased_text !== null && r.phrased_section !== null
      ? { text: seal.open(r.phrased_text, r.id, 'phrasedText'), section: r.phrased_section }
      : null,
    sure: r.sure !== 0,
    choice: choiceFrom(r.choice_state, r.chosen_section === null ? null : seal.open(r.chosen_section, r.id, 'chosenSection'), r.chosen_at),
  });
  return {
    async recordQuestion(entry) {
      const id = crypto.randomUUID();
      const phrased = entry.phrasing ? seal.seal(entry.phrasing.text, id, 'phrasedText') : null;
      // A question nobody has sent to the owners is kept without its text ('').
      insert.run(id, entry.question === '' ? '' : seal.seal(entry.question, id, 'question'), entry.answered ? 1 : 0, entry.citedSection, entry.askedAt, phrased, entry.phrasing?.section ?? null,
        entry.sure === false ? 0 : 1);
      return id;
    },
    async getQuestion(id) {
      const row = get.get(id) as Row | undefined;
      return row ? toQuestion(row) : null;
    },
    async recordFeedback(id, helpful, at) {
      if (!exists.get(id)) return false;
      feedback.run(id, helpful ? 1 : 0, at);
      return true;
    },
    listFailed: async (limit) => (failed.all(limit) as Row[]).map(toQuestion),
    async recordChoice(id, section, at) {
      if (!exists.get(id)) return null;
      choose.run(seal.seal(section, id, 'chosenSection'), at, choiceStateFor(section), id);
      const row = get.get(id) as Row | undefined;
      return row ? toQuestion(row).choice : null;
    },
    listSuggested: async (limit) => (suggested.all(limit) as Row[]).map(toQuestion),
    shareQuestion: async (id, question, _at) => question !== '' && share.run(seal.seal(question, id, 'question'), id).changes === 1,
    settleSuggestion: async (id, review) => settle.run(review, id).changes === 1,
    async recordDisclosureLike(at, reading = 'offered') {
      disclosureLike.run(at.slice(0, 10), reading);
    },
    async recordDraftCheck(at, concerns) {
      draftCheck.run(at.slice(0, 10), concerns.join(','));
    },
    async forgetQuestion(id) {
      const row = askedAt.get(id) as { asked_at: string } | undefined;
      if (!row) return false;
      // Overwritten on disk, not only unlinked, as retention does; the day stays as a held-back count.
      withSecureDelete(db, () => db.transaction(() => {
        forgetFeedback.run(id);
        forget.run(id);
        disclosureLike.run(row.asked_at.slice(0, 10), 'heldBack');
      })());
      db.pragma('wal_checkpoint(TRUNCATE)');
      return true;
    },
    deleteAskedBefore: async (cutoff, at) => retention.deleteAskedBefore(cutoff, at),
    countsSince: async (fromDay) => retention.countsSince(fromDay),
  };
}

/**
 * Retention of the question log: questions asked before a cutoff are added to their day's counts and deleted with
 * their replies in one transaction, with the deletion appended to `policy_question_retention`. Their text is
 * overwritten on disk (secure_delete), and a checkpoint moves the pages out of the write-ahead log.
 */
function createSqliteQuestionRetention(db: SqliteDatabase, latestHelpful: string) {
  const outcomes = `SELECT q.asked_at, q.answered, ${latestHelpful} AS helpful FROM policy_questions q`;
  // An answer nobody marked has no reply (helpful is NULL), and sum() over nothing but NULLs is NULL: coalesce, or a day
  // of answers no one pressed "Was this helpful?" on could not be counted, and stopped the deletion.
  const byDay = db.prepare(`SELECT substr(asked_at, 1, 10) AS day, count(*) AS asked, coalesce(sum(answered = 0), 0) AS declined,
    coalesce(sum(answered = 1 AND helpful = 0), 0) AS unhelpful FROM (${outcomes} WHERE q.asked_at < @cutoff) GROUP BY day`);
  const addDay = db.prepare(`INSERT INTO policy_question_days (day, asked, declined, unhelpful) VALUES (@day, @asked, @declined, @unhelpful)
    ON CONFLICT(day) DO UPDATE SET asked = asked + excluded.asked, declined = declined + excluded.declined, unhelpful = unhelpful + excluded.unhelpful`);
  const deleteFeedback = db.prepare('DELETE FROM policy_feedback WHERE question_id IN (SELECT id FROM policy_questions WHERE asked_at < ?)');
  const deleteQuestions = db.prepare('DELETE FROM policy_questions WHERE asked_at < ?');
  const record = db.prepare('INSERT INTO policy_question_retention (at, cutoff, deleted) VALUES (?, ?, ?)');
  const keptCounts = db.prepare(`SELECT coalesce(sum(asked), 0) AS asked, coalesce(sum(declined), 0) AS declined, coalesce(sum(unhelpful), 0) AS unhelpful
    FROM policy_question_days WHERE day >= ?`);
  const live = db.prepare(`SELECT count(*) AS asked, coalesce(sum(answered = 0), 0) AS declined,
    coalesce(sum(answered = 1 AND helpful = 0), 0) AS unhelpful FROM (${outcomes} WHERE q.asked_at >= ?)`);
  const disclosures = db.prepare(`SELECT coalesce(sum(reading = 'offered'), 0) AS offered, coalesce(sum(reading = 'heldBack'), 0) AS held
    FROM policy_disclosure_like WHERE asked_on >= ?`);
  const drafts = db.prepare('SELECT concerns FROM policy_draft_checks WHERE checked_on >= ?');
  type Counts = { asked: number; declined: number; unhelpful: number };
  return {
    deleteAskedBefore(cutoff: string, at: string): number {
      let deleted = 0;
      withSecureDelete(db, () => db.transaction(() => {
        for (const day of byDay.all({ cutoff }) as ({ day: string } & Counts)[]) addDay.run(day);
        deleteFeedback.run(cutoff);
        deleted = deleteQuestions.run(cutoff).changes;
        record.run(at, cutoff, deleted);
      })());
      if (deleted > 0) db.pragma('wal_checkpoint(TRUNCATE)');
      return deleted;
    },
    countsSince(fromDay: string) {
      const kept = keptCounts.get(fromDay) as Counts;
      const now = live.get(fromDay) as Counts;
      const noted = disclosures.get(fromDay) as { offered: number; held: number };
      return {
        asked: kept.asked + now.asked, declined: kept.declined + now.declined, unhelpful: kept.unhelpful + now.unhelpful,
        disclosureLike: noted.offered, heldBack: noted.held,
        ...draftCounts((drafts.all(fromDay) as { concerns: string }[]).map((r) => (r.concerns === '' ? [] : r.concerns.split(',')))),
      };
    },
  };
}

/**
 * Seals, in place, the questions and phrasings a release before sealing stored in the clear. The clear text is
 * overwritten, not only superseded: secure_delete zeroes the space the old values held, and a checkpoint moves the
 * rewritten pages out of the write-ahead log into the file.
 */
function sealPlainRows(db: SqliteDatabase, sealing: QuestionSealing): void {
  // Runs at every open: only rows that may be plain are read (a sealed value starts "gcm1."), not every ciphertext.
  const candidates = db.prepare(`SELECT id, question, phrased_text FROM policy_questions
    WHERE (question <> '' AND question NOT GLOB 'gcm1.*') OR (phrased_text IS NOT NULL AND phrased_text NOT GLOB 'gcm1.*')`).all() as Pick<Row, 'id' | 'question' | 'phrased_text'>[];
  const rows = candidates.filter((r) => (r.question !== '' && !isSealedQuestionValue(r.question)) || (r.phrased_text !== null && !isSealedQuestionValue(r.phrased_text)));
  if (rows.length === 0) return;
  // Never seal with a key the sealed questions do not open under (a wrong CONCERN_ENCRYPTION_KEY would make these
  // unreadable with the right one): this throws FieldDecryptionError first.
  // Most questions are kept without text now (issue 69): a sealed phrasing or choice proves the key where no question does.
  const sealed = db.prepare(`SELECT id, question, phrased_text, chosen_section FROM policy_questions
    WHERE question GLOB 'gcm1.*' OR phrased_text GLOB 'gcm1.*' OR chosen_section GLOB 'gcm1.*' LIMIT 1`).get() as
    Pick<Row, 'id' | 'question' | 'phrased_text' | 'chosen_section'> | undefined;
  if (sealed && isSealedQuestionValue(sealed.question)) sealing.open(sealed.question, sealed.id, 'question');
  else if (sealed?.phrased_text && isSealedQuestionValue(sealed.phrased_text)) sealing.open(sealed.phrased_text, sealed.id, 'phrasedText');
  else if (sealed?.chosen_section && isSealedQuestionValue(sealed.chosen_section)) sealing.open(sealed.chosen_section, sealed.id, 'chosenSection');
  const update = db.prepare('UPDATE policy_questions SET question = ?, phrased_text = ? WHERE id = ?');
  withSecureDelete(db, () => db.transaction(() => {
    for (const r of rows) {
      const question = r.question === '' || isSealedQuestionValue(r.question) ? r.question : sealing.seal(r.question, r.id, 'question');
      const phrased = r.phrased_text === null || isSealedQuestionValue(r.phrased_text) ? r.phrased_text : sealing.seal(r.phrased_text, r.id, 'phrasedText');
      update.run(question, phrased, r.id);
    }
  })());
  db.pragma('wal_checkpoint(TRUNCATE)');
}
