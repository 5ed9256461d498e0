/**
 * Keys seen lately, each for `windowMs` after it was marked, at most `max` at once (the oldest forgotten first): a
 * bounded memory of one instance, for "was this just seen" (a message id Teams sends again, a person just shown a form).
 */
export interface RecentKeys {
  /** Marks the key as seen now (again, if it was: its time starts over). */
  mark(key: string): void;
  /** Whether the key was marked within the window. */
  isRecent(key: string): boolean;
  forget(key: string): void;
}

export function createRecentKeys(options: { windowMs: number; max: number; now: () => number }): RecentKeys {
  const marked = new Map<string, number>();
  return {
    mark(key) {
      marked.delete(key);
      marked.set(key, options.now());
      if (marked.size > options.max) marked.delete(marked.keys().next().value as string);
    },
    isRecent(key) {
      const at = marked.get(key);
      return at !== undefined && options.now() - at <= options.windowMs;
    },
    forget(key) {
      marked.delete(key);
    },
  };
}
