import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT as repoRoot } from '../support/repoRoot';

/**
 * `npx policy-bot` is how the deployment guide has an IT lead make the secrets (step 2): after `npm run build` (which
 * `npm test` runs first) the CLI the package names as its bin must be executable, or npx stops with "Permission denied".
 */
describe('the policy-bot command after a build', () => {
  const bin = path.join(repoRoot, JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).bin['policy-bot'] as string);

  it('when npm run build has run, then the bin is executable and prints new secrets run as a command', () => {
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
    const run = spawnSync(bin, ['secrets'], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^SECRET_CONCERN_ENCRYPTION_KEY=[A-Za-z0-9+/]{43}=$/m);
  });
});
