/** Thrown for bad command lines: printed with the usage and exit code 2. */
export class UsageError extends Error {}

/** A command line read: its words, its valued flags (each may repeat) and its switches. */
export interface Parsed { positional: string[]; flags: Map<string, string[]>; bools: Set<string> }

/** Reads a command line: `valued` names the flags that take a value. */
export function parseArgs(argv: string[], valued: string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Map(), bools: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (valued.includes(name)) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        out.flags.set(name, [...(out.flags.get(name) ?? []), v]);
      } else out.bools.add(name);
    } else out.positional.push(a);
  }
  return out;
}
