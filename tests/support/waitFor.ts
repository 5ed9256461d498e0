/**
 * Waiting for something the product does on its own (a card sent, a row deleted, a version live on another instance),
 * instead of sleeping a fixed time and hoping it was long enough (issue 68). The condition is looked at every few
 * milliseconds, so a wait lasts as long as the work does; the deadline is generous, so a busy machine makes a test slower,
 * not red; and a wait that runs out fails by naming what never happened and what was last seen.
 */

/** How a wait is bounded and what it is for. */
export interface WaitForOptions {
  /** What the test is waiting for, as the failure reads: "timed out waiting for <what>". */
  what: string;
  /** The longest it waits (10 s unless told). */
  timeoutMs?: number;
  /** Between looks (20 ms unless told). */
  intervalMs?: number;
  /** What was seen, added to the failure (the condition's own last value when left out). */
  seen?: () => unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INTERVAL_MS = 20;

/** Resolves with the condition's first truthy value; rejects naming `what` once the deadline passes without one. */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    // Looked at once more after the deadline, so a slow last look still counts.
    if (Date.now() >= deadline) {
      const seen = options.seen ? options.seen() : value;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what} (last seen: ${printable(seen)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function printable(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 2000);
  } catch {
    return String(value);
  }
}
