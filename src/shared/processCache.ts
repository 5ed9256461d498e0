/** Where the process's caches hang: a registered symbol, the same in every context of the process. */
export const PROCESS_CACHES = Symbol.for('school-policy-bot.processCaches');

/**
 * A cache kept once per process, for what is read-only and costly to load (the models). It hangs on globalThis rather
 * than in a module's own variable because a host may load the modules more than once in one process: Jest loads them
 * afresh for every test file, in a context of its own, and tests/support/jestEnvironment.js lends every file of a
 * worker the same caches, so a model is read once per worker rather than once per test file. Elsewhere it is the
 * process's own, as a module variable would be.
 */
export function processCache<V>(name: string): Map<string, V> {
  const holder = globalThis as { [PROCESS_CACHES]?: Record<string, Map<string, unknown>> };
  const caches = (holder[PROCESS_CACHES] ??= {});
  return (caches[name] ??= new Map<string, V>()) as Map<string, V>;
}
