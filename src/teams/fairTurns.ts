/**
 * Takes the bot's work on incoming activities in turns between the people who sent them, a few milliseconds at a time.
 * Ten thousand presses from one person arrive faster than the bot can answer them, even to refuse them; run in the order
 * they came, a colleague's urgent report arriving among them waited for all of them, and so did /healthz, because the
 * event loop answered nothing else until the whole burst was done. Here each person has a line of their own: the next
 * piece of work is the head of the next person's line, round the people waiting, so a report waits for at most one piece
 * of work from each other person; and after `sliceMs` of starting work the bot yields to the event loop, so /healthz and
 * newly arrived requests are read in between. Work is started in order within a person's line, never dropped, and never
 * waits when nothing else does (beyond one turn of the event loop).
 */

import { FifoLine } from '../shared/fifoLine';

/** The turns of one bot. */
export interface FairTurns {
  /** Runs `work` when `person`'s turn comes, after the work they asked for before; settles as it settles. */
  run<T>(person: string, work: () => Promise<T>): Promise<T>;
  /** Pieces of work waiting for their turn (for tests). */
  readonly waiting: number;
}

/** Options: how long one stretch of starting work may hold the event loop, and the clock and yield (tests). */
export interface FairTurnsOptions {
  sliceMs?: number;
  now?: () => number;
  later?: (run: () => void) => void;
}

/** Creates the turns. */
export function createFairTurns(options: FairTurnsOptions = {}): FairTurns {
  const sliceMs = options.sliceMs ?? 5;
  const now = options.now ?? (() => performance.now());
  const later = options.later ?? ((run: () => void) => { setImmediate(run); });
  const lines = new Map<string, FifoLine<() => void>>();
  // The people with work waiting, in the order their turns come; each appears once.
  const people = new FifoLine<string>();
  let waiting = 0;
  let scheduled = false;

  function drain(): void {
    scheduled = false;
    const until = now() + sliceMs;
    while (people.length > 0) {
      const person = people.shift()!;
      const line = lines.get(person)!;
      const start = line.shift()!;
      waiting -= 1;
      if (line.length > 0) people.push(person);
      else lines.delete(person);
      start();
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
    run(person, work) {
      return new Promise((resolve, reject) => {
        const start = () => {
          try {
            work().then(resolve, reject);
          } catch (err) {
            reject(err);
          }
        };
        const line = lines.get(person);
        if (line) line.push(start);
        else {
          const fresh = new FifoLine<() => void>();
          fresh.push(start);
          lines.set(person, fresh);
          people.push(person);
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
