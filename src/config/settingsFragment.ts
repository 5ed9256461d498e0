/**
 * Each part of the product parses its own settings from the environment through a fragment, so that
 * `loadConfig` can report every missing or bad variable at once. Only `src/config` reads variables;
 * `src/main.ts` hands it `process.env`.
 */
export type AppMode = 'local' | 'production';

/** The raw environment a fragment reads from. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The result of parsing one fragment: a value, or the problems found (each names its variable). */
export interface FragmentResult<T> {
  value: T;
  errors: string[];
}

/** Reads a trimmed variable; empty strings count as unset. */
export function readVar(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Reads a comma-separated list variable. */
export function readList(env: Env, name: string): string[] {
  const raw = readVar(env, name);
  return raw ? raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
}

/** Reads a positive number variable, recording an error when it is not one. */
export function readPositiveNumber(env: Env, name: string, fallback: number, errors: string[]): number {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    errors.push(`${name} must be a positive number (got "${raw}")`);
    return fallback;
  }
  return n;
}

/** Reads a whole-number variable between 1 and `max`, recording an error when it is not one. */
export function readPositiveInteger(env: Env, name: string, fallback: number, max: number, errors: string[]): number {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    errors.push(`${name} must be a whole number from 1 to ${max} (got "${raw}")`);
    return fallback;
  }
  return n;
}

/** Reads an integer port variable, recording an error when it is not one. */
export function readPort(env: Env, name: string, fallback: number, errors: string[]): number {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    errors.push(`${name} must be a port number 0-65535 (got "${raw}")`);
    return fallback;
  }
  return n;
}
