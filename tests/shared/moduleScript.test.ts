import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { moduleScript } from '../../src/shared/moduleScript';

/**
 * A thread or child process started from the TypeScript sources (the sending thread, the policy reader) transpiles
 * what it loads; the output is kept by the hash of the file's text, so the next one reads it instead of loading the
 * compiler, and an edited file is transpiled again.
 */
describe('moduleScript from the TypeScript sources', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'module-script-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const probe = (value: number): void => fs.writeFileSync(path.join(dir, 'probe.ts'), [
    `const value: number = ${value};`,
    '/** What ran, and whether the TypeScript compiler was loaded to run it. */',
    'export function print(): void {',
    '  const compilerLoaded = Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(file));',
    // The child's answer goes to its standard output (descriptor 1), where the test reads it.
    "  require('fs').writeSync(1, JSON.stringify({ value, compilerLoaded }));",
    '}',
  ].join('\n'));
  const run = (): unknown => {
    const child = spawnSync(process.execPath, ['-e', moduleScript(path.join(dir, 'caller.ts'), 'probe', '.print()')], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout);
  };

  it('when a module is loaded a second time, then its kept output runs without the compiler; once edited, it is transpiled again', () => {
    probe(1);
    expect(run()).toEqual({ value: 1, compilerLoaded: true });
    expect(run()).toEqual({ value: 1, compilerLoaded: false });
    probe(2);
    expect(run()).toEqual({ value: 2, compilerLoaded: true });
    expect(run()).toEqual({ value: 2, compilerLoaded: false });
  });

  it('from dist/, it requires the compiled module and nothing else', () => {
    expect(moduleScript('/app/dist/src/x/caller.js', 'probe', '.print()')).toBe('require("/app/dist/src/x/probe.js").print();');
  });
});
