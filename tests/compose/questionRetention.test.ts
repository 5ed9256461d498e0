import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startQuestionRetention } from '../../src/compose/questionRetention';
import { startApp } from '../../src/compose/startApp';
import { openStores } from '../../src/compose/stores';
import { loadConfig } from '../../src/config';
import { createInMemoryQuestionLog } from '../../src/features/policy/teaching/questionLog';
import { AppLogger } from '../../src/shared/logger';
import { REPO_ROOT } from '../support/repoRoot';
import { waitFor } from '../support/waitFor';

/** A logger that keeps what it is told, for reading the retention lines. */
function recordingLogger(): { logger: AppLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } }) as unknown as AppLogger;
  return { logger, lines };
}

describe('questions are kept only for the school\'s retention period', () => {
  it('when the schedule runs, then questions older than the period go, newer ones stay, and the run is logged without text', async () => {
    const questions = createInMemoryQuestionLog();
    const old = await questions.recordQuestion({ question: 'a question from last spring', answered: false, citedSection: null, askedAt: '2026-08-01T09:00:00.000Z' });
    const recent = await questions.recordQuestion({ question: 'a question from last week', answered: true, citedSection: 'p#1', askedAt: '2026-11-18T09:00:00.000Z' });
    const { logger, lines } = recordingLogger();

    const retention = startQuestionRetention({ questions, days: 90, logger, now: () => new Date('2026-11-25T02:00:00.000Z'), everyMs: 60_000 });
    try {
      expect(await retention.runOnce()).toBe(1); // joins the run made at start
      expect(await retention.runOnce()).toBe(0); // nothing more is due
      expect(await questions.getQuestion(old)).toBeNull();
      expect(await questions.getQuestion(recent)).not.toBeNull();
      const logged = lines.filter((l) => l.event === 'questions.retention');
      expect(logged).toHaveLength(2);
      expect(logged[0]).toMatchObject({ deleted: 1, cutoff: '2026-08-27T02:00:00.000Z', days: 90 });
      expect(JSON.stringify(lines)).not.toContain('last spring');
    } finally {
      retention.stop();
    }
  });

  it('when QUESTION_RETENTION_DAYS is not a whole number of days in range, then start-up lists it', () => {
    expect(() => loadConfig({ APP_MODE: 'local', QUESTION_RETENTION_DAYS: '0' })).toThrow(/QUESTION_RETENTION_DAYS must be a whole number from 1 to 3650/);
    expect(loadConfig({ APP_MODE: 'local' }).questionRetentionDays).toBe(90);
  });

  it('when the bot starts on a file holding questions past the period, then it deletes them by itself', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-app-'));
    const env = {
      APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', SQLITE_PATH: path.join(dir, 'bot.sqlite'),
      POLICY_FILES: path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), QUESTION_RETENTION_DAYS: '30',
    };
    const stores = await openStores(loadConfig(env));
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
    const old = await stores.questions.recordQuestion({ question: 'asked forty days ago', answered: false, citedSection: null, askedAt: longAgo });
    const kept = await stores.questions.recordQuestion({ question: 'asked today', answered: false, citedSection: null, askedAt: new Date().toISOString() });
    stores.db?.close();

    const app = await startApp(loadConfig(env), pino({ level: 'silent' }) as unknown as AppLogger);
    try {
      // The run at start is not awaited by startApp: its record in the retention log says it has finished.
      const runs = () => (app.db.prepare('SELECT count(*) AS n FROM policy_question_retention').get() as { n: number }).n;
      await waitFor(() => runs() > 0, { what: 'the retention run at start to be recorded', seen: runs });
      const ids = (app.db.prepare('SELECT id FROM policy_questions').all() as { id: string }[]).map((r) => r.id);
      expect(ids).toEqual([kept]);
      expect(ids).not.toContain(old);
      expect(app.db.prepare('SELECT asked, declined FROM policy_question_days').all()).toEqual([{ asked: 1, declined: 1 }]);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
