/** Lets other work (people's messages and clicks) run before a long pass goes on: the pass resumes after pending I/O. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Items handled between two yields to the event loop: an embedded store answers at once, so without them a long pass never lets a message in. */
const YIELD_EVERY = 256;

/** Runs `fn` over the items, `limit` at once, yielding to the event loop between slices. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += YIELD_EVERY) {
    // Every worker stops at the end of a slice, so the yield below really lets the loop run.
    if (start > 0) await yieldToEventLoop();
    const slice = items.slice(start, start + YIELD_EVERY);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(limit, slice.length) }, async () => {
      while (next < slice.length) await fn(slice[next++]);
    }));
  }
}
