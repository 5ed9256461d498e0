import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { PNG } from 'pngjs';
import {
  PackageError, buildAppPackage, loadEnvironment, parseEnvFile, substitutePlaceholders, validateManifest,
} from '../../scripts/packageApp';
import { ROOT, readEnv } from './projectFiles';

const PROVISIONED = {
  TEAMS_APP_ID: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  BOT_ID: '11111111-2222-4333-8444-555555555555',
  BOT_DOMAIN: 'policybotdev.azurewebsites.net',
};

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A throwaway project root with the real appPackage/ and the given env files. */
function projectWith(envFiles: Record<string, string>): string {
  const root = path.join(tmp, 'project');
  fs.cpSync(path.join(ROOT, 'appPackage'), path.join(root, 'appPackage'), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build`),
  });
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  fs.mkdirSync(path.join(root, 'env'));
  for (const [name, text] of Object.entries(envFiles)) fs.writeFileSync(path.join(root, 'env', name), text);
  return root;
}

const envText = (vars: Record<string, string>): string => Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n');

describe('scripts/packageApp', () => {
  it('when the dev environment is provisioned, then the zip holds the rendered manifest and both icons', async () => {
    const vars = { ...readEnv('env/.env.dev'), ...PROVISIONED };
    const root = projectWith({ '.env.dev': envText(vars) });
    const built = await buildAppPackage({ env: 'dev', root });

    expect(built.zipPath).toBe(path.join(root, 'appPackage', 'build', 'appPackage.dev.zip'));
    const zip = new AdmZip(built.zipPath);
    expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(zip.readAsText('manifest.json')) as { id: string; bots: { botId: string }[]; validDomains: string[] };
    expect(manifest.id).toBe(PROVISIONED.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(PROVISIONED.BOT_ID);
    expect(manifest.validDomains).toEqual([PROVISIONED.BOT_DOMAIN]);
    expect(zip.readAsText('manifest.json')).not.toContain('${{');
    expect(validateManifest(manifest as unknown as Record<string, unknown>)).toEqual([]);
    expect(PNG.sync.read(zip.readFile('color.png')!).width).toBe(192);
    expect(PNG.sync.read(zip.readFile('outline.png')!).width).toBe(32);
    expect(JSON.parse(fs.readFileSync(built.manifestPath, 'utf8'))).toEqual(manifest);
    // Written as any other file is, under the umask: adm-zip's own writer made it 0666, writable by anyone on the machine.
    if (process.platform !== 'win32') expect((fs.statSync(built.zipPath).mode & 0o022).toString(8)).toBe('0');
  });

  it('when secrets or ids live in the .user file, then they override the committed env file', async () => {
    const root = projectWith({
      '.env.dev': envText({ ...readEnv('env/.env.dev'), ...PROVISIONED, BOT_ID: '' }),
      '.env.dev.user': 'BOT_ID=99999999-2222-4333-8444-555555555555\n',
    });
    const built = await buildAppPackage({ env: 'dev', root });
    expect((built.manifest.bots as { botId: string }[])[0].botId).toBe('99999999-2222-4333-8444-555555555555');
  });

  it('when placeholders have no value, then it refuses and names every one, and writes no zip', async () => {
    const root = projectWith({ '.env.dev': envText({ ...readEnv('env/.env.dev'), BOT_DOMAIN: '' }) });
    const attempt = buildAppPackage({ env: 'dev', root });
    await expect(attempt).rejects.toBeInstanceOf(PackageError);
    const err = (await attempt.catch((e: unknown) => e)) as PackageError;
    expect(err.code).toBe('PACKAGE_PLACEHOLDER_MISSING');
    expect(err.problems.map((p: string) => p.split(' ')[0]).sort()).toEqual(['BOT_DOMAIN', 'BOT_ID', 'TEAMS_APP_ID']);
    // What the IT lead reads first is what is wrong and what to do, not the code (issue 52: before provisioning).
    expect(err.message.split('\n')[0]).toBe('the manifest needs values that are still empty:');
    expect(err.message).toContain('BOT_ID is empty: provision writes it, so run the Toolkit\'s provision first');
    expect(fs.existsSync(path.join(root, 'appPackage', 'build', 'appPackage.dev.zip'))).toBe(false);
  });

  it('when a value breaks the schema, then it refuses with the schema failures', async () => {
    const root = projectWith({ '.env.dev': envText({ ...readEnv('env/.env.dev'), ...PROVISIONED, BOT_ID: 'bot' }) });
    const err = await buildAppPackage({ env: 'dev', root }).catch((e: PackageError) => e);
    expect(err).toBeInstanceOf(PackageError);
    expect((err as PackageError).code).toBe('PACKAGE_MANIFEST_INVALID');
    expect((err as PackageError).problems.join('\n')).toContain('/bots/0/botId');
  });

  it('when an icon is the wrong size, then it refuses', async () => {
    const root = projectWith({ '.env.dev': envText({ ...readEnv('env/.env.dev'), ...PROVISIONED }) });
    fs.copyFileSync(path.join(root, 'appPackage', 'outline.png'), path.join(root, 'appPackage', 'color.png'));
    const err = await buildAppPackage({ env: 'dev', root }).catch((e: PackageError) => e);
    expect((err as PackageError).code).toBe('PACKAGE_ICON_INVALID');
  });

  it('when the environment name could escape env/, then it refuses before reading anything', async () => {
    const root = projectWith({});
    const err = await buildAppPackage({ env: '../secrets', root }).catch((e: PackageError) => e);
    expect((err as PackageError).code).toBe('PACKAGE_ENV_INVALID');
    expect(() => loadEnvironment(root, 'prod')).toThrow(/does not exist/);
  });

  it('escapes values for JSON, so a quote in a name cannot break or extend the manifest', () => {
    const text = substitutePlaceholders('{"name":"${{APP_SHORT_NAME}}"}', { APP_SHORT_NAME: 'St Mary\'s "Policy" Bot' });
    expect(JSON.parse(text)).toEqual({ name: 'St Mary\'s "Policy" Bot' });
  });

  it('parses env files as the Toolkit writes them: comments, blanks, quotes, = inside values', () => {
    expect(parseEnvFile('# c\n\nA=1\nB="two words"\nC=x=y\nD=\n  E = spaced \n')).toEqual({
      A: '1', B: 'two words', C: 'x=y', D: '', E: 'spaced',
    });
  });
});
