/**
 * docs/settings.md is the guide's list of every setting: a name the code reads that it does not list is a setting an IT
 * lead cannot find, and a name it lists that the code no longer reads is a setting they fill in for nothing.
 */
import { configReads, readEnv, readText } from './projectFiles';

const reads = new Set([...configReads(readEnv('env/.env.dev'), 'production'), ...configReads(readEnv('env/.env.local'), 'local')]);
/** The names in the first column of the reference's tables (a cell may name several, comma-separated). */
const listed = new Set(readText('docs/settings.md').split('\n')
  .filter((line) => line.startsWith('| `'))
  .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1])));

describe('the settings reference (docs/settings.md)', () => {
  it('reads a non-trivial set of settings on both sides (the readers work)', () => {
    expect(reads.size).toBeGreaterThan(50);
    expect(listed.size).toBeGreaterThan(50);
  });

  it('lists every setting src/config reads, in production or in local mode', () => {
    expect([...reads].filter((name) => !listed.has(name)).sort()).toEqual([]);
  });

  it('lists no setting that src/config does not read', () => {
    expect([...listed].filter((name) => !reads.has(name)).sort()).toEqual([]);
  });
});
