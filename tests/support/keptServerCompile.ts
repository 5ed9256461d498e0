/**
 * The server package's compile, made incremental for tests. scripts/packageServer.ts compiles the app with
 * tsconfig.server.json into a fresh folder each time (about 13 s of CPU in tsc); a test that assembles the package runs
 * that tsc call here instead into a folder kept between runs (node_modules/.cache/server-package-build), with a
 * .tsbuildinfo beside it, and copies the result to where the script asked for it. When nothing changed, tsc checks the
 * program and writes nothing (about 4.5 s); what it emits is byte for byte what a fresh compile emits.
 *
 * tsc never deletes what it emitted for a file that has left the program, so the kept folder records the program's
 * files (tsc's --listFiles, printed by the same run) and is emptied and compiled afresh when they differ: the files in
 * it are then always those a fresh compile would write. A failed compile empties it too, and its errors reach the script
 * as tsc printed them.
 */
import childProcess, { SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Runs `work` (which assembles the server package) with its tsc call compiled incrementally into the kept folder. */
export function withKeptServerCompile<T>(root: string, work: () => T): T {
  const real = childProcess.spawnSync;
  const spy = jest.spyOn(childProcess, 'spawnSync').mockImplementation(((command: string, args: readonly string[] = [], options: SpawnSyncOptions = {}) => {
    const project = args.indexOf('-p');
    const outDir = args.indexOf('--outDir');
    if (!/typescript[\\/]bin[\\/]tsc$/.test(args[0] ?? '') || project < 0 || outDir < 0) return real(command, args, options);
    const settings = [...args.slice(0, outDir), ...args.slice(outDir + 2)];
    return compileKept(real, root, command, settings, args[outDir + 1], options);
  }) as unknown as typeof childProcess.spawnSync);
  try {
    return work();
  } finally {
    spy.mockRestore();
  }
}

function compileKept(
  spawnSync: typeof childProcess.spawnSync, root: string, node: string, settings: string[], outDir: string, options: SpawnSyncOptions,
): SpawnSyncReturns<string> {
  const configs = [path.join(root, 'tsconfig.json'), settings[settings.indexOf('-p') + 1]].map((f) => fs.readFileSync(f, 'utf8'));
  const typescript = fs.readFileSync(require.resolve('typescript/package.json', { paths: [root] }), 'utf8');
  const key = crypto.createHash('sha256').update(JSON.stringify([settings, configs, typescript])).digest('hex').slice(0, 16);
  const kept = path.join(root, 'node_modules', '.cache', 'server-package-build', key);
  const dist = path.join(kept, 'dist');
  const programFiles = path.join(kept, 'program-files.json');
  const compile = (): { run: SpawnSyncReturns<string>; files: string } => {
    const run = spawnSync(node, [...settings, '--outDir', dist, '--incremental', '--tsBuildInfoFile', path.join(kept, 'build.tsbuildinfo'), '--listFiles'],
      { ...options, encoding: 'utf8' });
    const lines = (run.stdout ?? '').split('\n');
    const listed = (line: string): boolean => path.isAbsolute(line.trim());
    return { run: { ...run, stdout: lines.filter((l) => !listed(l)).join('\n') }, files: JSON.stringify(lines.filter(listed).sort()) };
  };
  return withLock(`${kept}.lock`, () => {
    if (!fs.existsSync(programFiles)) fs.rmSync(kept, { recursive: true, force: true });
    let { run, files } = compile();
    if (run.status === 0 && fs.existsSync(programFiles) && fs.readFileSync(programFiles, 'utf8') !== files) {
      fs.rmSync(kept, { recursive: true, force: true });
      ({ run, files } = compile());
    }
    if (run.status !== 0) {
      fs.rmSync(kept, { recursive: true, force: true });
      return run;
    }
    fs.writeFileSync(programFiles, files);
    fs.cpSync(dist, outDir, { recursive: true });
    return run;
  });
}

/** Runs `work` holding a lock file (another run of the same test may share the kept folder), taking over a dead holder's. */
function withLock<T>(lock: string, work: () => T): T {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!isAlive(Number(readOr(lock, '0')))) fs.rmSync(lock, { force: true });
    else if (Date.now() > deadline) throw new Error(`${lock} is still held by process ${readOr(lock, '?')}`);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function readOr(file: string, otherwise: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return otherwise;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
