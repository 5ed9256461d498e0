/**
 * Per-person budgets of reports, of questions and of card presses: one token bucket of each per person, holding a full
 * hour's allowance and refilling evenly over the hour. An urgent report ("Someone is in immediate danger") is never
 * refused, whatever the budget says: a head or DSL writing up an incident involving several children files several at
 * once. It still takes a token when there is one, so ordinary reports after it wait as before. Memory stays bounded
 * however many people write: a person idle for an hour is back to a full budget, so their entry is dropped, and past
 * `maxPeople` the least recently seen go first.
 */

/** The three budgets: a report filed, a message sent, a card button pressed (or any other invoke). */
export type LimitedKind = 'report' | 'question' | 'press';

/** Reports, questions and presses one person may send per hour. */
export interface PersonBudgets {
  reportsPerHour: number;
  questionsPerHour: number;
  pressesPerHour: number;
}

const KINDS: readonly LimitedKind[] = ['report', 'question', 'press'];

/** What the limits decided about one report or question. */
export type LimitDecision =
  | { allowed: true; /** An urgent report let through over the budget. */ urgentException: boolean }
  | {
    allowed: false;
    /** When the person may send one again (ms since the epoch). */
    retryAt: number;
    /** True the first time the person is refused since they were last let through, or since the last refusal's retry time. */
    firstRefusal: boolean;
  };

/** The per-person limits of one bot instance. */
export interface PersonLimits {
  /** Takes one report, question or press from the person's budget, or says when they may try again. */
  take(person: string, kind: LimitedKind, options?: { urgent?: boolean }): LimitDecision;
  /** People currently tracked (for tests of the bound). */
  readonly size: number;
}

/** People tracked at most by default: twice the staff of a large local authority. */
export const DEFAULT_MAX_PEOPLE = 100_000;
/** Budgets are per hour. */
export const HOUR_MS = 3_600_000;

/** One person's budgets as kept between their activities (in this process, or in the shared records). */
export interface PersonEntry {
  /** Tokens left in each bucket at `at`. */
  tokens: Record<LimitedKind, number>;
  at: number;
  /** Until when a refusal has already been told (per budget). */
  toldUntil: Record<LimitedKind, number>;
}

/** Each budget's allowance for an hour. */
export function capacityOf(budgets: PersonBudgets): Record<LimitedKind, number> {
  return { report: budgets.reportsPerHour, question: budgets.questionsPerHour, press: budgets.pressesPerHour };
}

/**
 * One report, question or press taken from a person's budgets at `t`: the entry afterwards (refilled for the time since
 * it was last written, and the token taken, or the refusal marked as told) and what was decided. A fresh person (no
 * entry) has a full hour's allowance of each. `alreadyLet` tokens of this budget were let through before, by an instance
 * that had not yet written them: they are taken first, whatever is left (they were let through already).
 */
export function takeFromEntry(
  found: PersonEntry | undefined, kind: LimitedKind, capacity: Record<LimitedKind, number>, t: number, urgentReport: boolean,
  alreadyLet = 0,
): { entry: PersonEntry; decision: LimitDecision } {
  // Written afresh, not copied: an entry written by an earlier release may hold fields this one no longer keeps.
  const entry: PersonEntry = found
    ? { tokens: { ...found.tokens }, at: found.at, toldUntil: { ...found.toldUntil } }
    : { tokens: { ...capacity }, at: t, toldUntil: { report: 0, question: 0, press: 0 } };
  // Refill every bucket for the time since the person was last seen (never past a full hour's allowance).
  const elapsed = Math.max(0, t - entry.at);
  for (const k of KINDS) entry.tokens[k] = Math.min(capacity[k], entry.tokens[k] + (elapsed * capacity[k]) / HOUR_MS);
  entry.at = Math.max(entry.at, t);
  if (alreadyLet > 0) entry.tokens[kind] = Math.max(0, entry.tokens[kind] - alreadyLet);
  const urgent = kind === 'report' && urgentReport;
  if (entry.tokens[kind] >= 1 || urgent) {
    const overBudget = entry.tokens[kind] < 1;
    entry.tokens[kind] = Math.max(0, entry.tokens[kind] - 1);
    entry.toldUntil[kind] = 0;
    return { entry, decision: { allowed: true, urgentException: overBudget } };
  }
  const retryAt = t + Math.ceil(((1 - entry.tokens[kind]) * HOUR_MS) / capacity[kind]);
  const firstRefusal = t >= entry.toldUntil[kind];
  entry.toldUntil[kind] = retryAt;
  return { entry, decision: { allowed: false, retryAt, firstRefusal } };
}

/** Creates the limits; `now` is the clock (tests pass their own). */
export function createPersonLimits(budgets: PersonBudgets, options: { now?: () => number; maxPeople?: number } = {}): PersonLimits {
  const now = options.now ?? Date.now;
  const maxPeople = options.maxPeople ?? DEFAULT_MAX_PEOPLE;
  const capacity = capacityOf(budgets);
  // Map order is least recently seen first: every take moves the person to the end.
  const people = new Map<string, PersonEntry>();

  /** Drops people idle for an hour (a fresh entry would be the same) and, past the bound, the least recently seen. */
  function sweep(t: number): void {
    for (const [key, entry] of people) {
      if (people.size <= maxPeople && t - entry.at < HOUR_MS) break;
      people.delete(key);
    }
  }

  return {
    take(person, kind, takeOptions = {}) {
      const t = now();
      sweep(t);
      const found = people.get(person);
      people.delete(person);
      const { entry, decision } = takeFromEntry(found, kind, capacity, t, takeOptions.urgent === true);
      people.set(person, entry);
      sweep(t);
      return decision;
    },
    get size() {
      return people.size;
    },
  };
}
