import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/policyBot';
import { manyPagesPdf } from '../support/hostileDocuments';
import { REPO_ROOT } from '../support/repoRoot';

/**
 * Issue 40, hole 1, from the server: `policy-bot ingest` (and diff, publish, ask) read a document the way the bot does,
 * so IT checking a file is told which limit refused it instead of the command running for minutes or dying.
 */
describe('policy-bot ingest and the document limits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-ingest-'));
  let errors: string[];
  let output: string[];

  beforeEach(() => {
    errors = [];
    output = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { output.push(String(chunk)); return true; });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when the file is a 120,000-page PDF, then ingest exits 1 naming the limit and what to do', async () => {
    const file = path.join(dir, 'policy.pdf');
    fs.writeFileSync(file, manyPagesPdf(120_000));
    expect(await main(['ingest', file])).toBe(1);
    expect(errors.join('')).toMatch(/^policy-bot: \[POLICY_TOO_LARGE\] policy\.pdf was refused: it has 120,000 pages, more than the 1,000 a policy needs\. Check that it is the policy document/);
  });

  it('when the file is the sample policy, then ingest --json prints what the parser made of it', async () => {
    expect(await main(['ingest', path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), '--json'])).toBe(0);
    expect(JSON.parse(output.join('')).sections.length).toBe(14);
  });
});
