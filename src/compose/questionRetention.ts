import { QuestionLog } from '../features/policy/teaching/questionLog';
import { AppLogger } from '../shared/logger';

/** What the retention schedule needs: the log, the school's period, and a clock for tests. */
export interface QuestionRetentionDeps {
  questions: QuestionLog;
  /** Days a question is kept (QUESTION_RETENTION_DAYS). */
  days: number;
  logger: AppLogger;
  now?: () => Date;
  /** Between runs; a day by default. */
  everyMs?: number;
}

/** The running schedule: `runOnce` deletes what is due now; `stop` ends the timer. */
export interface QuestionRetention {
  runOnce(): Promise<number>;
  stop(): void;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes, once at start and then daily, the questions staff asked more than `days` ago: their text goes, their counts
 * by day stay for the owners, and each run is appended to the log's retention record. A failed run is logged and tried
 * again at the next one; nothing waits on it.
 */
export function startQuestionRetention(deps: QuestionRetentionDeps): QuestionRetention {
  const now = deps.now ?? (() => new Date());
  let running: Promise<number> | undefined;
  async function runOnce(): Promise<number> {
    if (running) return running;
    const at = now();
    const cutoff = new Date(at.getTime() - deps.days * DAY_MS).toISOString();
    running = deps.questions.deleteAskedBefore(cutoff, at.toISOString()).then((deleted) => {
      deps.logger.info({ event: 'questions.retention', deleted, cutoff, days: deps.days }, 'questions past the retention period deleted');
      return deleted;
    }).finally(() => { running = undefined; });
    return running;
  }
  const safely = () => runOnce().catch((err: Error & { code?: string }) => {
    deps.logger.error({ event: 'questions.retention.failed', code: err.code ?? err.name }, 'deleting old questions failed; the next run tries again');
    return 0;
  });
  void safely();
  const timer = setInterval(() => void safely(), deps.everyMs ?? DAY_MS);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
