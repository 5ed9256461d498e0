import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The test environment (jestEnvironment.js) ends a Jest worker as soon as its event loop is empty, rather than after
 * Node has freed its heap (the figures are in the module's comment; no test times it). Ending early must lose nothing:
 * the exit code Jest set and the 'exit' handlers stand, and anything still pending (a timer, a socket a test left
 * open) keeps the process alive, so a real leak still shows.
 */
describe('a process that has loaded the test environment', () => {
  const run = (script: string, env: Record<string, string | undefined> = {}) => spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(__dirname, 'jestEnvironment.js'))}); ${script}`], {
    encoding: 'utf8', env: { ...process.env, ORT_DISABLE_TELEMETRY: undefined, ...env },
  });

  it('when its loop empties, then it ends with the exit code set, after its exit handlers and whatever was still pending', () => {
    const child = run("process.exitCode = 3; setTimeout(() => require('fs').writeSync(1, 'timer;'), 200); process.on('exit', (code) => require('fs').writeSync(1, `exit ${code}`));");
    expect({ status: child.status, stdout: child.stdout }).toEqual({ status: 3, stdout: 'timer;exit 3' });
  });

  it('turns ONNX Runtime\'s usage telemetry off for the worker, unless it is set already', () => {
    const show = "require('fs').writeSync(1, String(process.env.ORT_DISABLE_TELEMETRY))";
    expect(run(show).stdout).toBe('1');
    expect(run(show, { ORT_DISABLE_TELEMETRY: '0' }).stdout).toBe('0');
  });
});
