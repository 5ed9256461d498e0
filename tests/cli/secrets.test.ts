import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/policyBot';
import { loadConfig } from '../../src/config';

/** The deployment's secrets come from the project's own CLI, on any operating system, with no openssl. */
describe('policy-bot secrets', () => {
  let dir: string;
  let output: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    output = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when run without a file, then it prints two new secrets that production accepts, different each time', async () => {
    expect(await main(['secrets'])).toBe(0);
    const first = Object.fromEntries(output.filter((l) => !l.startsWith('#')).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(Object.keys(first)).toEqual(['SECRET_CONCERN_ENCRYPTION_KEY', 'SECRET_ACK_EXPORT_SECRET']);
    expect(Buffer.from(first.SECRET_CONCERN_ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    // The concern key is one the app's configuration takes as it is.
    expect(() => loadConfig({ APP_MODE: 'local', CONCERN_ENCRYPTION_KEY: first.SECRET_CONCERN_ENCRYPTION_KEY })).not.toThrow();
    // The key is useless unless kept where the guide says: a line the IT lead can paste with the rest.
    expect(output).toContainEqual(expect.stringMatching(/^# .*SECRET_CONCERN_ENCRYPTION_KEY.*password manager/));
    output = [];
    await main(['secrets']);
    expect(output[0]).not.toBe(`SECRET_CONCERN_ENCRYPTION_KEY=${first.SECRET_CONCERN_ENCRYPTION_KEY}`);
  });

  it('when given the user env file, then it fills the empty secrets, keeps a concern key already set, and leaves the rest of the file as it was', async () => {
    const file = path.join(dir, '.env.dev.user');
    fs.copyFileSync(path.join(__dirname, '..', '..', 'env', '.env.dev.user.sample'), file);
    const sample = fs.readFileSync(file, 'utf8');

    expect(await main(['secrets', '--file', file])).toBe(0);
    const filled = fs.readFileSync(file, 'utf8');
    const key = /^SECRET_CONCERN_ENCRYPTION_KEY=(.+)$/m.exec(filled)?.[1];
    expect(key && Buffer.from(key, 'base64')).toHaveLength(32);
    expect(/^SECRET_ACK_EXPORT_SECRET=(.{16,})$/m.test(filled)).toBe(true);
    expect(filled).toContain('SECRET_AZURE_OPENAI_API_KEY=\n');
    expect(filled.split('\n').filter((l) => l.startsWith('#'))).toEqual(sample.split('\n').filter((l) => l.startsWith('#')));
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    output = [];
    expect(await main(['secrets', '--file', file])).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(filled);
    // Each secret kept for its own reason, and the reminder to keep the concern key in the password manager.
    const kept = (name: string): string => output.find((l) => l.startsWith(`${name}: already set`)) ?? '';
    expect(kept('SECRET_CONCERN_ENCRYPTION_KEY')).toMatch(/kept: replacing it would make every sealed concern record unreadable/);
    expect(kept('SECRET_ACK_EXPORT_SECRET')).toMatch(/kept: .*exports .* could no longer be verified/);
    expect(kept('SECRET_ACK_EXPORT_SECRET')).not.toMatch(/concern/);
    expect(output).toContainEqual(expect.stringMatching(/SECRET_CONCERN_ENCRYPTION_KEY.*password manager/));
  });
});
