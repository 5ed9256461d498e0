import { createHmac, randomBytes } from 'node:crypto';
import { ConcernDraft } from './concernTypes';

/**
 * Urgent reports are never refused by the report budget, so the only thing that keeps one from being filed twice is
 * recognising it: the same person sending the same urgent report again (pressing Send twice, or again after a slow
 * answer) within an hour gets the first one's reference, and nothing is recorded or alerted again. Any other report is
 * recognised the same way when it is the same form sent again (concernReporting.ts passes the form's id with it). What is kept, in this
 * process's memory only and for an hour at most, is a keyed hash of the person and what they typed (the key is drawn
 * at start and never leaves the process, so the hashes cannot be checked against a guess) and the filing it led to.
 * Another instance of the app does not see them: a repeat that reaches another instance is filed as a second report.
 */
export interface UrgentRepeats {
  /** The filing an identical urgent report from this person led to in the last hour, if any. */
  earlier<T>(reporterId: string, draft: ConcernDraft): Promise<T> | undefined;
  /** Remembers the filing (still under way) of this person's urgent report, for an hour. */
  remember<T>(reporterId: string, draft: ConcernDraft, filing: Promise<T>): void;
}

/** How long an urgent report sent again unchanged is recognised: the report budget's own hour. */
export const URGENT_REPEAT_WINDOW_MS = 60 * 60_000;
/** Filings remembered at most: far more urgent reports than a school files in an hour. */
const MAX_REMEMBERED = 1_000;

/** Creates the memory of recent urgent reports; `now` is the clock (ms since the epoch). */
export function createUrgentRepeats(now: () => number = Date.now): UrgentRepeats {
  const key = randomBytes(32);
  // Oldest first: a Map keeps the order entries were set in.
  const filings = new Map<string, { at: number; filing: Promise<unknown> }>();

  const fingerprint = (reporterId: string, draft: ConcernDraft) => createHmac('sha256', key).update(reporterId).update('\n').update(JSON.stringify(draft)).digest('base64');

  function forget(t: number): void {
    for (const [k, e] of filings) {
      if (filings.size <= MAX_REMEMBERED && t - e.at < URGENT_REPEAT_WINDOW_MS) break;
      filings.delete(k);
    }
  }

  return {
    earlier<T>(reporterId: string, draft: ConcernDraft) {
      forget(now());
      return filings.get(fingerprint(reporterId, draft))?.filing as Promise<T> | undefined;
    },
    remember(reporterId, draft, filing) {
      const k = fingerprint(reporterId, draft);
      filings.delete(k);
      filings.set(k, { at: now(), filing });
      // A filing that failed is no earlier report: the next one is filed afresh.
      filing.catch(() => { if (filings.get(k)?.filing === filing) filings.delete(k); });
      forget(now());
    },
  };
}
