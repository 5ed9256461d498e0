/**
 * One piece of heavy work per person at a time (issue 69): each person's work runs after their previous piece has
 * ended, whatever it came to, while other people's runs beside it. Ten drafts pasted at once by one person are read
 * one after another, so they cannot fill the encoder's queue ahead of everyone else's.
 */
export interface PersonQueue {
  /** Runs `work` once every earlier piece of `person`'s has ended; resolves or rejects as it does. */
  run<T>(person: string, work: () => Promise<T>): Promise<T>;
  /** How many people have work running or waiting (for tests and /healthz detail). */
  readonly people: number;
}

export function createPersonQueue(): PersonQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    run(person, work) {
      const previous = tails.get(person) ?? Promise.resolve();
      const result = previous.then(work);
      const tail = result.then(() => undefined, () => undefined);
      tails.set(person, tail);
      // The person is forgotten once their last piece has ended, so the map holds only people with work in hand.
      void tail.then(() => { if (tails.get(person) === tail) tails.delete(person); });
      return result;
    },
    get people() { return tails.size; },
  };
}
