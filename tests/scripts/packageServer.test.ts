import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {
  SERVER_INSTALL_COMMAND, SERVER_PACKAGE_DIR, ServerPackage, ServerPackageError, buildServerPackage, checkServerPackage,
  copyModelFolders, copyOwnPolicies, listFiles, policyFilesToCarry,
} from '../../scripts/packageServer';
import { withKeptServerCompile } from '../support/keptServerCompile';
import { REPO_ROOT } from '../support/repoRoot';

/**
 * What App Service receives is the folder scripts/packageServer.ts assembles: the server's code, models and package
 * files, and none of the repository's tests, model work, benchmarks or settings. These tests assemble it for real (the
 * app compiled with tsconfig.server.json) and read what is in it. The compile is tsc's, made incremental into a folder
 * kept between runs (keptServerCompile.ts): about 13 s of CPU from a fresh clone, 4.5 s when src/ is as it was.
 */
const read = (rel: string): string => fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let tmp: string;
let built: ServerPackage;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'server-package-'));
  built = withKeptServerCompile(REPO_ROOT, () => buildServerPackage(REPO_ROOT, path.join(tmp, 'appservice'), ''));
}, 180_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('scripts/packageServer: the folder App Service receives', () => {
  it('when assembled, then it holds no tests, research, corpus, evaluation, training, benchmark, env or local data files', () => {
    const forbidden = /(^|\/)(tests?|e2e|research|corpus|eval|training|bench|env|data|coverage|node_modules|docs|infra|appPackage)\//;
    expect(built.files.filter((f) => forbidden.test(f))).toEqual([]);
    expect(built.files.filter((f) => /(^|\/)\.env|\.localConfigs$|\.sqlite|\.test\.|\.ts$|\.map$|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  it('when assembled, then its compiled code is the app alone: each file comes from src/ or is the export IT runs on the server', () => {
    const notFromTheApp = built.files.filter((f) => f.startsWith('dist/')).filter((f) => {
      const source = f.slice('dist/'.length).replace(/\.js$/, '.ts');
      if (source === 'scripts/exportAcknowledgements.ts') return false;
      return !source.startsWith('src/') || !fs.existsSync(path.join(REPO_ROOT, source));
    });
    expect(notFromTheApp).toEqual([]);
  });

  it('when assembled, then it holds what the server loads: the entry point, the CLI (executable), the prompt, the sample policies', () => {
    for (const file of ['dist/src/main.js', 'dist/src/features/policy/teams/prompts/phraseAnswer/skprompt.txt', 'dist/src/features/policy/teams/prompts/phraseAnswer/config.json']) {
      expect(built.files).toContain(file);
    }
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin['policy-bot'];
    expect(fs.statSync(path.join(built.dir, bin)).mode & 0o111).not.toBe(0);
    const samples = fs.readdirSync(path.join(REPO_ROOT, 'samples', 'policies')).map((f) => `samples/policies/${f}`);
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((f) => !built.files.includes(f))).toEqual([]);
  });

  it('when assembled, then each model folder holds the files its SHA256SUMS lists, byte for byte', () => {
    const folders = fs.readdirSync(path.join(REPO_ROOT, 'models')).filter((d) => fs.statSync(path.join(REPO_ROOT, 'models', d)).isDirectory());
    expect(folders).toEqual(expect.arrayContaining(['encoder', 'drafts', 'policy-model']));
    for (const folder of folders) {
      const listed = read(`models/${folder}/SHA256SUMS`).trim().split('\n').map((line) => line.trim().split(/\s+\*?/));
      for (const [hash, file] of listed) {
        expect({ file: `models/${folder}/${file}`, sha256: sha256(path.join(built.dir, 'models', folder, file)) }).toEqual({ file: `models/${folder}/${file}`, sha256: hash });
      }
    }
  });

  it('when a message tells IT to run a tool on the server, then that tool is in the package', () => {
    const named = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith('.ts')) for (const m of fs.readFileSync(full, 'utf8').matchAll(/node (dist\/[\w/]+\.js)/g)) named.add(m[1]);
      }
    };
    walk(path.join(REPO_ROOT, 'src'));
    expect([...named]).toContain('dist/scripts/exportAcknowledgements.js');
    expect([...named].filter((f) => !built.files.includes(f))).toEqual([]);
  });

  it('when assembled, then its package.json installs exactly the app\'s dependencies and has nothing to build', () => {
    const repo = JSON.parse(read('package.json')) as Record<string, unknown> & { scripts: Record<string, string> };
    const pkg = JSON.parse(fs.readFileSync(path.join(built.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    // App Service's build runs `npm run build` when there is a build script, and npm ci checks the lock against these.
    expect(pkg.scripts).toEqual({ start: repo.scripts.start });
    expect(pkg.devDependencies).toBeUndefined();
    for (const key of ['name', 'main', 'bin', 'engines', 'dependencies', 'overrides']) expect({ key, value: pkg[key] }).toEqual({ key, value: repo[key] });
    expect(fs.readFileSync(path.join(built.dir, 'package-lock.json'), 'utf8')).toBe(read('package-lock.json'));
    // yes=true: botbuilder-dialogs runs `npx rimraf` in its postinstall; the override's folder is installed from.
    expect(fs.readFileSync(path.join(built.dir, '.npmrc'), 'utf8')).toBe(read('.npmrc'));
    expect(built.files).toContain('vendor/http-deceiver/package.json');
  });

  it('is what teamsapp.yml uploads, after `npm run package:server`, and App Service installs it with npm ci --omit=dev', () => {
    const deploy = (YAML.parse(read('teamsapp.yml')) as { deploy: { uses: string; with: Record<string, string> }[] }).deploy;
    const upload = deploy.findIndex((s) => s.uses === 'azureAppService/zipDeploy');
    expect(path.normalize(deploy[upload].with.artifactFolder)).toBe(SERVER_PACKAGE_DIR);
    // The environment's POLICY_FILES goes with it, so the school's own files named there are packaged.
    expect(deploy.slice(0, upload).map((s) => s.with?.args)).toContain('run package:server -- --policy-files "${{POLICY_FILES}}"');
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['package:server']).toMatch(/node dist\/scripts\/packageServer\.js$/);
    const bicep = read('infra/azure.bicep');
    expect(bicep).toContain(`{ name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }`);
    expect(bicep).toContain(`{ name: 'CUSTOM_BUILD_COMMAND', value: '${SERVER_INSTALL_COMMAND}' }`);
  });
});

describe('scripts/packageServer: what it refuses', () => {
  it('when a package holds a test, a research file or an env file, or lacks the entry point, then the check names each', () => {
    const dir = path.join(tmp, 'bad');
    for (const file of ['package.json', 'tests/a.test.js', 'research/corpus/x.json', '.env', 'dist/src/x.js.map']) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), file === 'package.json' ? '{}' : 'x');
    }
    const problems = checkServerPackage(dir, listFiles(dir));
    expect(problems).toEqual(expect.arrayContaining([
      'dist/src/main.js is missing', 'tests/a.test.js is under a tests/ folder', 'research/corpus/x.json is under a research/ folder',
      '.env is not something the server runs', 'dist/src/x.js.map is not something the server runs',
    ]));
  });

  it('when a model file differs from its SHA256SUMS, then it is not packaged and the refusal names it', () => {
    const models = path.join(tmp, 'models-src');
    fs.mkdirSync(path.join(models, 'encoder'), { recursive: true });
    fs.writeFileSync(path.join(models, 'encoder', 'model.onnx'), 'retrained');
    fs.writeFileSync(path.join(models, 'encoder', 'SHA256SUMS'), `${'0'.repeat(64)}  model.onnx\n`);
    let error: unknown;
    try {
      copyModelFolders(models, path.join(tmp, 'models-out'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ServerPackageError);
    expect((error as ServerPackageError).code).toBe('SERVER_PACKAGE_MODEL_MISMATCH');
    expect((error as ServerPackageError).problems[0]).toMatch(/^models\/encoder\/model\.onnx has SHA-256 /);
    expect(fs.existsSync(path.join(tmp, 'models-out', 'encoder', 'model.onnx'))).toBe(false);
  });

  it('when the output folder holds something else, then nothing is deleted', () => {
    const out = path.join(tmp, 'someone-elses');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'keep me');
    expect(() => buildServerPackage(REPO_ROOT, out, '')).toThrow(/SERVER_PACKAGE_OUT_IN_USE/);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});

describe('scripts/packageServer: the school\'s own policy files (POLICY_FILES)', () => {
  const root = (): string => {
    const dir = fs.mkdtempSync(path.join(tmp, 'root-'));
    for (const file of ['policies/Our Policy.docx', 'policies/annex.md', 'docs/policy.pdf', 'samples/policies/liverpool-model.txt']) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), `contents of ${file}`);
    }
    return dir;
  };
  const refusal = (dir: string, setting: string): string[] => {
    try {
      policyFilesToCarry(dir, setting);
    } catch (err) {
      expect((err as ServerPackageError).code).toBe('SERVER_PACKAGE_POLICY_FILE');
      return (err as ServerPackageError).problems;
    }
    throw new Error('not refused');
  };

  it('when POLICY_FILES names files in the app folder, then each is carried to the same path, byte for byte', () => {
    const dir = root();
    const rels = policyFilesToCarry(dir, ' policies/Our Policy.docx , ./policies/annex.md,');
    expect(rels).toEqual(['policies/Our Policy.docx', 'policies/annex.md']);
    const out = path.join(dir, 'out');
    copyOwnPolicies(dir, out, rels);
    for (const rel of rels) expect(fs.readFileSync(path.join(out, rel), 'utf8')).toBe(`contents of ${rel}`);
  });

  it('when POLICY_FILES is empty or names a file on the server (a full path), then nothing is carried', () => {
    const dir = root();
    expect(policyFilesToCarry(dir, '')).toEqual([]);
    expect(policyFilesToCarry(dir, undefined)).toEqual([]);
    expect(policyFilesToCarry(dir, '/home/data/policy.docx')).toEqual([]);
  });

  it('when a named file is missing, outside the app, a sample or in a folder never uploaded, then every one is named with where to put it', () => {
    const dir = root();
    const problems = refusal(dir, 'policies/missing.docx,../elsewhere.docx,samples/policies/liverpool-model.txt,docs/policy.pdf,policies/annex.md');
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^policies\/missing\.docx is not a file in .*: put it in policies\/ and set POLICY_FILES=policies\/missing\.docx$/);
    expect(problems[1]).toMatch(/^\.\.\/elsewhere\.docx is outside the app folder/);
    expect(problems[2]).toMatch(/is a bundled sample, which production refuses/);
    expect(problems[3]).toBe('docs/policy.pdf is under a docs/ folder, which is never uploaded: put it in policies/ and set POLICY_FILES=policies/policy.pdf');
  });

  it('when a named file is missing, then the build stops before anything is compiled or an earlier package removed', () => {
    const out = path.join(tmp, 'kept-package');
    fs.mkdirSync(path.join(out, 'dist', 'src'), { recursive: true });
    fs.writeFileSync(path.join(out, 'package.json'), '{}');
    fs.writeFileSync(path.join(out, 'dist', 'src', 'main.js'), 'earlier');
    expect(() => buildServerPackage(REPO_ROOT, out, 'policies/not-there-at-all.docx')).toThrow(/SERVER_PACKAGE_POLICY_FILE/);
    expect(fs.readFileSync(path.join(out, 'dist', 'src', 'main.js'), 'utf8')).toBe('earlier');
  });
});
