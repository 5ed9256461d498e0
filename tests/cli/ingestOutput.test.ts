import path from 'node:path';
import { main } from '../../src/cli/policyBot';
import { REPO_ROOT } from '../support/repoRoot';

describe('policy-bot ingest output', () => {
  it('when the sample policy is read, then its version reads as the bot shows it: "2 (February 2023)", not "2 (02 2023)"', async () => {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { printed.push(args.join(' ')); });
    try {
      expect(await main(['ingest', path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt')])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const line = printed.find((l) => l.startsWith('version '));
    expect(line).toMatch(/^version 2 \(February 2023\) · /);
  });
});
