/**
 * Builds the Teams app package for one environment, as the Toolkit's teamsApp/zipAppPackage does, but
 * offline and strictly: `node dist/scripts/packageApp.js --env dev` reads env/.env.dev and then
 * env/.env.dev.user (the second wins), replaces every ${{VAR}} in appPackage/manifest.json, refuses when any
 * placeholder has no value, validates the result against the official schema shipped in
 * @microsoft/app-manifest, checks the icons, and writes appPackage/build/appPackage.dev.zip and
 * appPackage/build/manifest.dev.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { PNG } from 'pngjs';
import AjvDraft04 from 'ajv-draft-04';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { COLOR_ICON_SIZE, OUTLINE_ICON_SIZE, findRepoRoot } from './makeIcons';

/** Variables read from env files, by name. */
export type EnvVars = Record<string, string>;

type PackageErrorCode = 'PACKAGE_ENV_INVALID' | 'PACKAGE_PLACEHOLDER_MISSING' | 'PACKAGE_MANIFEST_INVALID' | 'PACKAGE_ICON_INVALID';

/** What each refusal means, in the words an IT lead reads first (the code comes last, for searching). */
const WHAT_WENT_WRONG: Record<PackageErrorCode, string> = {
  PACKAGE_ENV_INVALID: 'an env file cannot be read',
  PACKAGE_PLACEHOLDER_MISSING: 'the manifest needs values that are still empty',
  PACKAGE_MANIFEST_INVALID: 'the manifest does not pass the official Teams schema',
  PACKAGE_ICON_INVALID: 'an icon is not one Teams accepts',
};

/** Raised when the package cannot be built; `code` is stable, `problems` lists every reason at once. */
export class PackageError extends Error {
  constructor(readonly code: PackageErrorCode, readonly problems: string[]) {
    super(`${WHAT_WENT_WRONG[code]}:\n  - ${problems.join('\n  - ')}\n(${code})`);
    this.name = 'PackageError';
  }
}

/** The manifest's ids that the Toolkit's provision writes (docs/deployment.md, step 3): empty until it has run. */
const WRITTEN_BY_PROVISION = new Set(['TEAMS_APP_ID', 'TEAMS_APP_TENANT_ID', 'BOT_ID', 'BOT_TENANT_ID', 'BOT_DOMAIN']);

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ENV_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Parses a Toolkit env file: KEY=VALUE lines, # comments, optional surrounding quotes. */
export function parseEnvFile(text: string): EnvVars {
  const vars: EnvVars = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
      value = value.slice(1, -1);
    }
    vars[name] = value;
  }
  return vars;
}

/** Reads env/.env.<env> and, when present, env/.env.<env>.user (which overrides it). */
export function loadEnvironment(root: string, env: string): EnvVars {
  if (!ENV_NAME.test(env)) {
    throw new PackageError('PACKAGE_ENV_INVALID', [`environment name "${env}" must be lower-case letters, digits and dashes`]);
  }
  const base = path.join(root, 'env', `.env.${env}`);
  if (!fs.existsSync(base)) throw new PackageError('PACKAGE_ENV_INVALID', [`${path.relative(root, base)} does not exist`]);
  const vars: EnvVars = { ...parseEnvFile(fs.readFileSync(base, 'utf8')), TEAMSFX_ENV: env };
  const user = `${base}.user`;
  if (fs.existsSync(user)) Object.assign(vars, parseEnvFile(fs.readFileSync(user, 'utf8')));
  return vars;
}

/** The names of every ${{VAR}} placeholder in a text, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Replaces ${{VAR}} placeholders in JSON text with JSON-escaped values; throws PackageError naming every
 * placeholder that is unset or empty rather than packaging a manifest with a hole in it.
 */
export function substitutePlaceholders(jsonText: string, vars: EnvVars): string {
  const missing = placeholdersIn(jsonText).filter((name) => (vars[name] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new PackageError(
      'PACKAGE_PLACEHOLDER_MISSING',
      missing.map((name) => (WRITTEN_BY_PROVISION.has(name)
        ? `${name} is empty: provision writes it, so run the Toolkit's provision first (atk provision --env <env>, docs/deployment.md step 3)`
        : `${name} is empty: set it in env/.env.<env> (or env/.env.<env>.user for a secret)`)),
    );
  }
  return jsonText.replace(PLACEHOLDER, (_m, name: string) => JSON.stringify(vars[name].trim()).slice(1, -1));
}

/** The official schema for a manifest version, from the copy @microsoft/app-manifest ships (no network). */
export function loadManifestSchema(manifestVersion: string): object {
  if (!/^(\d+\.\d+|devPreview)$/.test(manifestVersion)) {
    throw new PackageError('PACKAGE_MANIFEST_INVALID', [`manifestVersion "${manifestVersion}" is not a version`]);
  }
  const pkgDir = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = path.join(pkgDir, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(file)) {
    throw new PackageError('PACKAGE_MANIFEST_INVALID', [`@microsoft/app-manifest ships no schema for manifestVersion ${manifestVersion}`]);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as object;
}

/**
 * Validates a manifest object against its version's official JSON schema; returns the failures. Uses ajv
 * configured as @microsoft/app-manifest's AppManifestUtils.validateAgainstSchema does (draft-04 or 2020-12,
 * all errors, uri/email/regex formats); that package itself cannot be loaded under jest (an ESM-only dependency).
 */
export function validateManifest(manifest: Record<string, unknown>): string[] {
  const schema = loadManifestSchema(String(manifest.manifestVersion)) as { $schema?: string };
  const options = { allErrors: true, strictTypes: false, strict: false } as const;
  const ajv = schema.$schema?.includes('2020-12') ? new Ajv2020(options) : new AjvDraft04(options);
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  if (validate(JSON.parse(JSON.stringify(manifest)))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}. Details: ${JSON.stringify(e.params)}`);
}

/** Every file the manifest refers to that must travel inside the zip (icons, activity icons). */
export function referencedFiles(manifest: Record<string, unknown>): string[] {
  const files = new Set<string>();
  const icons = manifest.icons as Record<string, string> | undefined;
  for (const f of Object.values(icons ?? {})) files.add(f);
  const activities = manifest.activities as { activityIcons?: { iconFile: string }[] } | undefined;
  for (const icon of activities?.activityIcons ?? []) files.add(icon.iconFile);
  return [...files];
}

/** Checks an icon's size and, for the outline, that it is white on transparency; returns problems. */
export function checkIcon(name: string, data: Buffer, kind: 'color' | 'outline'): string[] {
  let png: PNG;
  try {
    png = PNG.sync.read(data);
  } catch {
    return [`${name} is not a readable PNG`];
  }
  const size = kind === 'color' ? COLOR_ICON_SIZE : OUTLINE_ICON_SIZE;
  const problems: string[] = [];
  if (png.width !== size || png.height !== size) problems.push(`${name} is ${png.width}x${png.height}; Teams needs ${size}x${size}`);
  if (kind === 'outline') {
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i + 3] === 0) continue;
      opaque++;
      if (png.data[i] !== 255 || png.data[i + 1] !== 255 || png.data[i + 2] !== 255) {
        problems.push(`${name} has a non-white visible pixel; the outline icon must be white on transparent`);
        break;
      }
    }
    if (opaque === 0) problems.push(`${name} is fully transparent`);
    if (opaque === png.width * png.height) problems.push(`${name} has no transparent background`);
  }
  return problems;
}

/** What a build produced. */
export interface BuiltPackage {
  zipPath: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
}

/** Options for buildAppPackage; `vars` replaces reading env files (tests). */
export interface BuildOptions {
  env: string;
  root?: string;
  outDir?: string;
  vars?: EnvVars;
}

/** Builds appPackage/build/appPackage.<env>.zip; throws PackageError listing every problem found. */
export async function buildAppPackage(options: BuildOptions): Promise<BuiltPackage> {
  const root = options.root ?? findRepoRoot();
  const appDir = path.join(root, 'appPackage');
  const outDir = options.outDir ?? path.join(appDir, 'build');
  if (!ENV_NAME.test(options.env)) {
    throw new PackageError('PACKAGE_ENV_INVALID', [`environment name "${options.env}" must be lower-case letters, digits and dashes`]);
  }
  const vars = options.vars ?? loadEnvironment(root, options.env);

  const template = fs.readFileSync(path.join(appDir, 'manifest.json'), 'utf8');
  const manifestText = substitutePlaceholders(template, vars);
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;
  const failures = validateManifest(manifest);
  if (failures.length > 0) throw new PackageError('PACKAGE_MANIFEST_INVALID', failures);

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifestText, 'utf8'));
  const iconProblems: string[] = [];
  const icons = manifest.icons as { color: string; outline: string };
  for (const rel of referencedFiles(manifest)) {
    const file = path.resolve(appDir, rel);
    if (path.relative(appDir, file).startsWith('..') || !fs.existsSync(file)) {
      iconProblems.push(`${rel} is named in the manifest but is not a file in appPackage/`);
      continue;
    }
    const data = fs.readFileSync(file);
    if (rel === icons.color) iconProblems.push(...checkIcon(rel, data, 'color'));
    else iconProblems.push(...checkIcon(rel, data, 'outline'));
    zip.addFile(rel.split(path.sep).join('/'), data);
  }
  if (iconProblems.length > 0) throw new PackageError('PACKAGE_ICON_INVALID', iconProblems);

  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${options.env}.zip`);
  const manifestPath = path.join(outDir, `manifest.${options.env}.json`);
  // Not zip.writeZip: adm-zip chmods what it writes to 0666, past the umask, so anyone on the machine could swap the app.
  fs.writeFileSync(zipPath, zip.toBuffer());
  fs.writeFileSync(manifestPath, manifestText);
  return { zipPath, manifestPath, manifest };
}

function argValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  if (i >= 0) return argv[i + 1];
  const prefixed = argv.find((a) => a.startsWith(`${flag}=`));
  return prefixed?.slice(flag.length + 1);
}

async function main(argv: string[]): Promise<number> {
  const env = argValue(argv, '--env') ?? process.env.TEAMSFX_ENV ?? 'dev';
  try {
    const built = await buildAppPackage({ env });
    console.log(`Built ${path.relative(process.cwd(), built.zipPath)} (manifest ${String(built.manifest.manifestVersion)}, app ${String(built.manifest.id)})`);
    return 0;
  } catch (err) {
    if (err instanceof PackageError) {
      console.error(`Cannot build the app package for "${env}": ${err.message}`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
