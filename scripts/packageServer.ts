/**
 * Assembles the folder App Service receives, holding what the server runs and nothing else. `npm run package:server`
 * (teamsapp.yml's deploy runs it, then uploads the folder) builds dist/appservice/ with:
 *   dist/               the app compiled alone (tsconfig.server.json: src/, and scripts/exportAcknowledgements.ts, the
 *                       export IT runs on the server), with the prompts folder the answer phraser reads;
 *   models/             each model folder the bot loads: the files its SHA256SUMS lists (each checked against it), the
 *                       list itself, and the folder's licence and model card;
 *   samples/policies/   the bundled sample policies: production refuses to publish one by comparing with these, and
 *                       local mode answers from one;
 *   vendor/             the local packages package.json's overrides point at (http-deceiver), which npm ci installs;
 *   the school's own policy files, where POLICY_FILES names them relative to the app folder (`policies/our-policy.docx`):
 *                       each copied to the same path, so the server finds what the setting names (a file missing stops
 *                       the package, not the server's start);
 *   package.json        with `start` as its only script and no devDependencies; package-lock.json; .npmrc (yes=true:
 *                       botbuilder-dialogs runs npx in its postinstall).
 * node_modules is never uploaded: App Service installs the production dependencies on Linux (CUSTOM_BUILD_COMMAND in
 * infra/azure.bicep), so the native modules (better-sqlite3, onnxruntime-node) are built for the server's Node.
 *
 *   node dist/scripts/packageServer.js [--out DIR] [--policy-files LIST]
 *
 * `--policy-files` is POLICY_FILES as the environment's file sets it (teamsapp.yml passes it); without it, the variable.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where the package is assembled, relative to the repository root; teamsapp.yml uploads this folder. */
export const SERVER_PACKAGE_DIR = path.join('dist', 'appservice');

/** The command App Service's build (Oryx) runs on the uploaded folder instead of its own `npm install`. */
export const SERVER_INSTALL_COMMAND = 'npm ci --omit=dev';

type ServerPackageErrorCode = 'SERVER_PACKAGE_COMPILE_FAILED' | 'SERVER_PACKAGE_MODEL_MISMATCH' | 'SERVER_PACKAGE_INCOMPLETE' | 'SERVER_PACKAGE_OUT_IN_USE'
  | 'SERVER_PACKAGE_POLICY_FILE';

/** What each refusal means to whoever runs the deploy (the code comes last, for searching). */
const WHAT_WENT_WRONG: Record<ServerPackageErrorCode, string> = {
  SERVER_PACKAGE_COMPILE_FAILED: 'the app does not compile on its own (tsconfig.server.json)',
  SERVER_PACKAGE_MODEL_MISMATCH: 'a model folder does not match its SHA256SUMS, so it is not the model that was trained and recorded',
  SERVER_PACKAGE_INCOMPLETE: 'the package lacks a file the server loads, or holds one it must not',
  SERVER_PACKAGE_OUT_IN_USE: 'the output folder holds something other than an earlier server package',
  SERVER_PACKAGE_POLICY_FILE: 'POLICY_FILES names a file the package cannot carry, so the server would not start',
};

/** Raised when the package cannot be assembled; `code` is stable, `problems` lists every reason at once. */
export class ServerPackageError extends Error {
  constructor(readonly code: ServerPackageErrorCode, readonly problems: string[]) {
    super(`${WHAT_WENT_WRONG[code]}:\n  - ${problems.join('\n  - ')}\n(${code})`);
    this.name = 'ServerPackageError';
  }
}

/**
 * Files the server reads at run time, relative to the package root: the entry point, the tools IT runs on the server,
 * the answer phraser's prompt, the files each model folder is loaded from, and the sample the production check reads.
 */
export const SERVER_RUNTIME_FILES = [
  'package.json', 'package-lock.json', '.npmrc',
  'dist/src/main.js',
  'dist/src/cli/policyBot.js',
  'dist/scripts/exportAcknowledgements.js',
  'dist/src/features/policy/teams/prompts/phraseAnswer/config.json',
  'dist/src/features/policy/teams/prompts/phraseAnswer/skprompt.txt',
  ...['encoder', 'drafts'].flatMap((m) => ['manifest.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'heads.json'].map((f) => `models/${m}/${f}`)),
  ...['manifest.json', 'model.onnx.part1', 'model.onnx.part2', 'tokenizer.json', 'tokenizer_config.json', 'heads.json'].map((f) => `models/drafts-larger/${f}`),
  ...['model.json', 'vectors.bin', 'bank.json', 'sure.json'].map((f) => `models/policy-model/${f}`),
  'samples/policies/liverpool-model.txt',
];

/**
 * What never belongs on the server: folder names anywhere in a path (tests, the model work, benchmarks, environment
 * and local data), and file names (TypeScript sources, source maps, tests, env files, databases, logs).
 */
const FORBIDDEN_FOLDERS = new Set([
  'tests', 'test', '__tests__', 'e2e', 'research', 'corpus', 'eval', 'training', 'bench', 'env', 'data', 'coverage',
  'node_modules', '.git', '.node', 'devTools', 'test-artifacts', 'appPackage', 'infra', 'docs',
]);
const FORBIDDEN_FILES = /(\.ts|\.map|\.test\.js|\.tsbuildinfo|\.sqlite(-wal|-shm)?|\.log)$|^\.env|^\.localConfigs$|^__azurite/;

/** Problems with an assembled package: a runtime file missing, or a file that must not be uploaded. */
export function checkServerPackage(dir: string, files = listFiles(dir)): string[] {
  const problems: string[] = [];
  const present = new Set(files);
  for (const file of SERVER_RUNTIME_FILES) if (!present.has(file)) problems.push(`${file} is missing`);
  const pkg = present.has('package.json') ? JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson : undefined;
  for (const bin of Object.values(pkg?.bin ?? {})) {
    const file = path.join(dir, bin);
    if (!fs.existsSync(file) || (fs.statSync(file).mode & 0o111) === 0) problems.push(`the bin ${bin} is missing or not executable (npx policy-bot would stop)`);
  }
  for (const file of files) {
    const why = notForTheServer(file);
    if (why) problems.push(`${file} ${why}`);
  }
  return problems;
}

/** Why a file (relative, with /) must not be uploaded, or undefined when it may be. */
function notForTheServer(file: string): string | undefined {
  const parts = file.split('/');
  const folder = parts.slice(0, -1).find((p) => FORBIDDEN_FOLDERS.has(p));
  if (folder) return `is under a ${folder}/ folder`;
  return FORBIDDEN_FILES.test(parts[parts.length - 1]) ? 'is not something the server runs' : undefined;
}

/** What was assembled: every file (relative, with /), and their total size in bytes. */
export interface ServerPackage { dir: string; files: string[]; bytes: number }

interface PackageJson {
  name: string; version: string; description?: string; license?: string; private?: boolean; main?: string;
  bin?: Record<string, string>; engines?: Record<string, string>; scripts?: Record<string, string>;
  dependencies?: Record<string, string>; devDependencies?: Record<string, string>; allowScripts?: Record<string, boolean>;
  overrides?: Record<string, unknown>;
}

/** Where the school's own policy files go in the repository, to be named in POLICY_FILES as `policies/<file>`. */
export const OWN_POLICY_FOLDER = 'policies';

/**
 * The files POLICY_FILES names relative to the app folder, each checked: it must be a file inside the repository (an
 * absolute path names a file on the server itself, such as one uploaded to /home, and is left to the server). Every
 * problem is named at once, with where to put the file instead.
 */
export function policyFilesToCarry(root: string, setting: string | undefined): string[] {
  const problems: string[] = [];
  const carried: string[] = [];
  for (const named of (setting ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '')) {
    if (path.isAbsolute(named)) continue;
    const source = path.resolve(root, named);
    const rel = path.relative(root, source).split(path.sep).join('/');
    const where = `put it in ${OWN_POLICY_FOLDER}/ and set POLICY_FILES=${OWN_POLICY_FOLDER}/${path.basename(named)}`;
    const excluded = notForTheServer(rel);
    if (rel.startsWith('../') || rel === '..') problems.push(`${named} is outside the app folder: ${where}, or give the full path of a file on the server`);
    else if (!fs.existsSync(source) || !fs.statSync(source).isFile()) problems.push(`${named} is not a file in ${root}: ${where}`);
    else if (rel.startsWith('samples/')) problems.push(`${named} is a bundled sample, which production refuses: ${where} with the school's own policy`);
    else if (excluded) problems.push(`${named} ${excluded}, which is never uploaded: ${where}`);
    else carried.push(rel);
  }
  if (problems.length > 0) throw new ServerPackageError('SERVER_PACKAGE_POLICY_FILE', problems);
  return carried;
}

/** Copies each of the school's policy files (relative paths policyFilesToCarry returned) to the same path in the package. */
export function copyOwnPolicies(root: string, out: string, rels: readonly string[]): void {
  for (const rel of rels) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.copyFileSync(path.join(root, rel), path.join(out, rel));
  }
}

/** Compiles the app, copies what it reads, writes the package files, and checks the result; replaces `out`. */
export function buildServerPackage(root: string, out = path.join(root, SERVER_PACKAGE_DIR), policyFiles = process.env.POLICY_FILES): ServerPackage {
  // Checked first: a policy file the server could not find is named before anything is compiled or removed.
  const ownPolicies = policyFilesToCarry(root, policyFiles);
  clearOutput(out);
  compileApp(root, path.join(out, 'dist'));
  const prompts = path.join('src', 'features', 'policy', 'teams', 'prompts');
  fs.cpSync(path.join(root, prompts), path.join(out, 'dist', prompts), { recursive: true });
  copyModelFolders(path.join(root, 'models'), path.join(out, 'models'));
  fs.cpSync(path.join(root, 'samples', 'policies'), path.join(out, 'samples', 'policies'), { recursive: true });
  copyOwnPolicies(root, out, ownPolicies);

  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  for (const folder of localOverrides(pkg.overrides)) fs.cpSync(path.join(root, folder), path.join(out, folder), { recursive: true });
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(serverPackageJson(pkg), null, 2)}\n`);
  for (const file of ['package-lock.json', '.npmrc']) fs.copyFileSync(path.join(root, file), path.join(out, file));
  for (const bin of Object.values(pkg.bin ?? {})) fs.chmodSync(path.join(out, bin), 0o755);

  const files = listFiles(out);
  const problems = checkServerPackage(out, files);
  if (problems.length > 0) throw new ServerPackageError('SERVER_PACKAGE_INCOMPLETE', problems);
  return { dir: out, files, bytes: files.reduce((sum, f) => sum + fs.statSync(path.join(out, f)).size, 0) };
}

/**
 * The package.json the server gets: the same dependencies, overrides and engines as the repository's (so the lock
 * still installs them exactly), `start` as the only script (App Service's build runs `npm run build` when there is one,
 * and there is nothing to build), and no devDependencies, so no install on the server can fetch the test tools.
 */
export function serverPackageJson(pkg: PackageJson): PackageJson {
  const start = pkg.scripts?.start;
  if (!start) throw new ServerPackageError('SERVER_PACKAGE_INCOMPLETE', ['package.json has no start script; App Service runs `npm start`']);
  return {
    name: pkg.name, version: pkg.version, description: pkg.description, license: pkg.license, private: pkg.private,
    main: pkg.main, bin: pkg.bin, engines: pkg.engines, scripts: { start },
    dependencies: pkg.dependencies, allowScripts: pkg.allowScripts, overrides: pkg.overrides,
  };
}

/** The folders `file:` overrides point at: npm ci installs those packages from the folder. */
function localOverrides(overrides: unknown): string[] {
  if (typeof overrides === 'string') return overrides.startsWith('file:') ? [path.normalize(overrides.slice('file:'.length))] : [];
  if (overrides && typeof overrides === 'object') return Object.values(overrides).flatMap(localOverrides);
  return [];
}

function clearOutput(out: string): void {
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    // Only an earlier package is removed: a mistyped --out must never empty someone's folder.
    const earlier = fs.existsSync(path.join(out, 'package.json')) && fs.existsSync(path.join(out, 'dist', 'src', 'main.js')) && !fs.existsSync(path.join(out, '.git'));
    if (!earlier) throw new ServerPackageError('SERVER_PACKAGE_OUT_IN_USE', [`${out} is not empty and is not an earlier server package`]);
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
}

function compileApp(root: string, outDir: string): void {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.server.json'), '--outDir', outDir], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    const lines = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').filter(Boolean);
    throw new ServerPackageError('SERVER_PACKAGE_COMPILE_FAILED', lines.length > 0 ? lines : [`tsc exited with ${run.status ?? run.signal}`]);
  }
}

/** Copies each model folder's listed files, checking each against its SHA256SUMS, with the list, licence and card. */
export function copyModelFolders(from: string, to: string): void {
  const problems: string[] = [];
  for (const name of fs.readdirSync(from).sort()) {
    const dir = path.join(from, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const sums = path.join(dir, 'SHA256SUMS');
    if (!fs.existsSync(sums)) {
      problems.push(`models/${name} has no SHA256SUMS, so nothing says which of its files are the model`);
      continue;
    }
    const listed = fs.readFileSync(sums, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line) => {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
      return m ? { sha256: m[1], file: m[2] } : { sha256: '', file: line.trim() };
    });
    fs.mkdirSync(path.join(to, name), { recursive: true });
    for (const { sha256, file } of listed) {
      const source = path.join(dir, file);
      if (!sha256 || file.includes('/') || !fs.existsSync(source)) {
        problems.push(`models/${name}/SHA256SUMS lists "${file}", which is not a file of the folder`);
        continue;
      }
      const actual = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex');
      if (actual !== sha256) problems.push(`models/${name}/${file} has SHA-256 ${actual.slice(0, 12)}…, SHA256SUMS says ${sha256.slice(0, 12)}…`);
      else fs.copyFileSync(source, path.join(to, name, file));
    }
    for (const file of ['SHA256SUMS', 'LICENSE', 'README.md']) {
      if (fs.existsSync(path.join(dir, file))) fs.copyFileSync(path.join(dir, file), path.join(to, name, file));
    }
  }
  if (problems.length > 0) throw new ServerPackageError('SERVER_PACKAGE_MODEL_MISMATCH', problems);
}

/** Every file under `dir`, relative, with / as the separator, sorted. */
export function listFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, rel ? `${rel}/${e.name}` : e.name) : [rel ? `${rel}/${e.name}` : e.name]))
    .sort();
}

/** Sizes by part of the package (dist, each model folder, the rest), for the deploy log and docs/deployment.md. */
export function summarise(built: ServerPackage): string {
  const parts = new Map<string, number>();
  for (const file of built.files) {
    const segments = file.split('/');
    const part = segments.length === 1 ? '(package files)' : segments[0] === 'models' || segments[0] === 'samples' ? segments.slice(0, 2).join('/') : segments[0];
    parts.set(part, (parts.get(part) ?? 0) + fs.statSync(path.join(built.dir, file)).size);
  }
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return [
    `${built.files.length} files, ${mib(built.bytes)}:`,
    ...[...parts].sort((a, b) => b[1] - a[1]).map(([part, bytes]) => `  ${part.padEnd(24)} ${mib(bytes)}`),
  ].join('\n');
}

/** The repository root: the folder above this script (in scripts/ or dist/scripts/) holding tsconfig.server.json. */
function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tsconfig.server.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No tsconfig.server.json above ${from}`);
  }
}

function main(argv: string[]): number {
  const root = repoRoot();
  const i = argv.indexOf('--out');
  const out = i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : path.join(root, SERVER_PACKAGE_DIR);
  const p = argv.indexOf('--policy-files');
  const policyFiles = p >= 0 ? argv[p + 1] ?? '' : process.env.POLICY_FILES;
  try {
    const built = buildServerPackage(root, out, policyFiles);
    console.log(`Assembled ${path.relative(process.cwd(), out) || '.'} for App Service: ${summarise(built)}`);
    console.log(`App Service installs its dependencies on Linux with \`${SERVER_INSTALL_COMMAND}\` (CUSTOM_BUILD_COMMAND).`);
    return 0;
  } catch (err) {
    if (err instanceof ServerPackageError) {
      console.error(`Cannot assemble the server package: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
