/**
 * Takes the bot's work on incoming activities in turns between the people who sent them, a few milliseconds at a time.
 * Ten thousand presses from one person arrive faster than the bot can answer them, even to refuse them; run in the order
 * they came, a colleague's urgent report arriving among them waited for all of them, and so did /healthz, because the
 * event loop answered nothing else until the whole burst was done. Here each person has a line of their own: the next
 * piece of work is the head of the next person's line, round the people waiting, so a report waits for at most one piece
 * of work from each other person; and after `sliceMs` of starting work the bot yields to the event loop, so /healthz and
 * newly arrived requests are read in between. Work is started in order within a person's line, never dropped, and never
 * waits when nothing else does (beyond one turn of the event loop).
 *
 * A person has one piece of work under way at a time: the next of theirs starts when the last has finished, or has run
 * `holdMs` (so one that hangs holds up no one for long). Work that finishes before it returns (a press refused from what
 * the bot already knows) frees its person at once, and its time is counted in the slice. Without this, a slice started a
 * flood's three hundred allowed presses together, and their turns then ran back to back outside any slice (0.75 s in which
 * nothing else, /healthz included, was answered).
 */

import { FifoLine } from '../shared/fifoLine';

/** The turns of one bot. */
export interface FairTurns {
  /**
   * Runs `work` when `person`'s turn comes, after the work they asked for before has finished (or run `holdMs`); settles as
   * it settles. Work that is done when it returns gives a value, not a promise.
   */
  run<T>(person: string, work: () => T | Promise<T>): Promise<T>;
  /** Pieces of work waiting for their turn (for tests). */
  readonly waiting: number;
}

/** Options: the slice of the event loop work may hold, how long one person's work holds their next, and the clock and yield (tests). */
export interface FairTurnsOptions {
  sliceMs?: number;
  holdMs?: number;
  now?: () => number;
  later?: (run: () => void) => void;
}

/** How long a person's unfinished work holds up their next by default: longer than any answer should take, short of Teams' patience. */
export const DEFAULT_HOLD_MS = 2_000;

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

/** Creates the turns. */
export function createFairTurns(options: FairTurnsOptions = {}): FairTurns {
  const sliceMs = options.sliceMs ?? 5;
  const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
  const now = options.now ?? (() => performance.now());
  const later = options.later ?? ((run: () => void) => { setImmediate(run); });
  // Each piece of work, started: true when it finished before returning.
  const lines = new Map<string, FifoLine<() => boolean>>();
  // The people whose next piece may start, in the order their turns come; each appears once.
  const people = new FifoLine<string>();
  // People with a piece under way (not yet finished, nor held for holdMs).
  const busy = new Set<string>();
  let waiting = 0;
  let scheduled = false;

  /** The person may start their next piece: back in the round, if they have one. */
  function free(person: string): void {
    busy.delete(person);
    if (lines.has(person)) {
      people.push(person);
      schedule();
    }
  }

  function drain(): void {
    scheduled = false;
    const until = now() + sliceMs;
    while (people.length > 0) {
      const person = people.shift()!;
      const line = lines.get(person)!;
      const start = line.shift()!;
      waiting -= 1;
      if (line.length === 0) lines.delete(person);
      // Busy while it starts, too: work that asks for more of this person's work is not started twice over.
      busy.add(person);
      if (start()) {
        busy.delete(person);
        if (lines.has(person)) people.push(person);
      }
      if (now() >= until) break;
    }
    if (people.length > 0) schedule();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    later(drain);
  }

  return {
    run<T>(person: string, work: () => T | Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        const start = (): boolean => {
          let result: T | Promise<T>;
          try {
            result = work();
          } catch (err) {
            reject(err);
            return true;
          }
          if (!isPromise(result)) {
            resolve(result);
            return true;
          }
          let held = false;
          const release = () => {
            if (held) return;
            held = true;
            clearTimeout(timer);
            free(person);
          };
          const timer = setTimeout(release, holdMs);
          timer.unref?.();
          result.then((value) => { release(); resolve(value); }, (err: unknown) => { release(); reject(err); });
          return false;
        };
        const line = lines.get(person);
        if (line) line.push(start);
        else {
          const fresh = new FifoLine<() => boolean>();
          fresh.push(start);
          lines.set(person, fresh);
          if (!busy.has(person)) people.push(person);
        }
        waiting += 1;
        schedule();
      });
    },
    get waiting() {
      return waiting;
    },
  };
}
