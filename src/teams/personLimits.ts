/**
 * Per-person budgets of reports and of questions: one token bucket of each per person, holding a full hour's
 * allowance and refilling evenly over the hour. A person's first urgent report in an hour is never refused, whatever
 * their budget says. Memory stays bounded however many people write: a person idle for an hour is back to a full
 * budget, so their entry is dropped, and past `maxPeople` the least recently seen go first.
 */

/** The two budgets. */
export type LimitedKind = 'report' | 'question';

/** Reports and questions one person may send per hour. */
export interface PersonBudgets {
  reportsPerHour: number;
  questionsPerHour: number;
}

/** What the limits decided about one report or question. */
export type LimitDecision =
  | { allowed: true; /** Let through over budget as the person's first urgent report in the hour. */ urgentException: boolean }
  | {
    allowed: false;
    /** When the person may send one again (ms since the epoch). */
    retryAt: number;
    /** True the first time the person is refused since they were last let through, or since the last refusal's retry time. */
    firstRefusal: boolean;
  };

/** The per-person limits of one bot instance. */
export interface PersonLimits {
  /** Takes one report or question from the person's budget, or says when they may try again. */
  take(person: string, kind: LimitedKind, options?: { urgent?: boolean }): LimitDecision;
  /** People currently tracked (for tests of the bound). */
  readonly size: number;
}

/** People tracked at most by default: twice the staff of a large local authority. */
export const DEFAULT_MAX_PEOPLE = 100_000;
const HOUR_MS = 3_600_000;

interface Entry {
  /** Tokens left in each bucket at `at`. */
  report: number;
  question: number;
  at: number;
  lastUrgentAt?: number;
  /** Until when a refusal has already been told (per budget). */
  reportToldUntil: number;
  questionToldUntil: number;
}

/** Creates the limits; `now` is the clock (tests pass their own). */
export function createPersonLimits(budgets: PersonBudgets, options: { now?: () => number; maxPeople?: number } = {}): PersonLimits {
  const now = options.now ?? Date.now;
  const maxPeople = options.maxPeople ?? DEFAULT_MAX_PEOPLE;
  const capacity: Record<LimitedKind, number> = { report: budgets.reportsPerHour, question: budgets.questionsPerHour };
  // Map order is least recently seen first: every take moves the person to the end.
  const people = new Map<string, Entry>();

  /** Drops people idle for an hour (a fresh entry would be the same) and, past the bound, the least recently seen. */
  function sweep(t: number): void {
    for (const [key, entry] of people) {
      if (people.size <= maxPeople && t - entry.at < HOUR_MS) break;
      people.delete(key);
    }
  }

  function entryFor(person: string, t: number): Entry {
    const found = people.get(person);
    if (found) people.delete(person);
    const entry = found ?? { report: capacity.report, question: capacity.question, at: t, reportToldUntil: 0, questionToldUntil: 0 };
    // Refill both buckets for the time since the person was last seen (never past a full hour's allowance).
    const elapsed = Math.max(0, t - entry.at);
    entry.report = Math.min(capacity.report, entry.report + (elapsed * capacity.report) / HOUR_MS);
    entry.question = Math.min(capacity.question, entry.question + (elapsed * capacity.question) / HOUR_MS);
    entry.at = Math.max(entry.at, t);
    people.set(person, entry);
    return entry;
  }

  return {
    take(person, kind, takeOptions = {}) {
      const t = now();
      sweep(t);
      const entry = entryFor(person, t);
      const urgent = kind === 'report' && takeOptions.urgent === true;
      const firstUrgentThisHour = urgent && (entry.lastUrgentAt === undefined || t - entry.lastUrgentAt >= HOUR_MS);
      if (entry[kind] >= 1 || firstUrgentThisHour) {
        const overBudget = entry[kind] < 1;
        entry[kind] = Math.max(0, entry[kind] - 1);
        if (urgent) entry.lastUrgentAt = t;
        if (kind === 'report') entry.reportToldUntil = 0;
        else entry.questionToldUntil = 0;
        sweep(t);
        return { allowed: true, urgentException: overBudget };
      }
      const retryAt = t + Math.ceil(((1 - entry[kind]) * HOUR_MS) / capacity[kind]);
      const toldUntil = kind === 'report' ? entry.reportToldUntil : entry.questionToldUntil;
      const firstRefusal = t >= toldUntil;
      if (kind === 'report') entry.reportToldUntil = retryAt;
      else entry.questionToldUntil = retryAt;
      return { allowed: false, retryAt, firstRefusal };
    },
    get size() {
      return people.size;
    },
  };
}
