/**
 * Readers for the deployment files the appPackage tests cross-check: env files, teamsapp*.yml, the bicep
 * template and its parameters, and the set of variables src/config reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { EnvVars, parseEnvFile, placeholdersIn } from '../../scripts/packageApp';
import { REPO_ROOT } from '../support/repoRoot';

export const ROOT = REPO_ROOT;

export const readText = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** An env file's variables (empty values kept as ''). */
export const readEnv = (rel: string): EnvVars => parseEnvFile(readText(rel));

/** One step of a teamsapp.yml stage. */
export interface YmlStep {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

/** A Toolkit project file: its stages and the text (for placeholder scans). */
export interface ToolkitFile {
  text: string;
  version: string;
  stages: Record<'provision' | 'deploy' | 'publish', YmlStep[]>;
}

export function readToolkitFile(rel: string): ToolkitFile {
  const text = readText(rel);
  const doc = YAML.parse(text) as { version: string } & Partial<Record<'provision' | 'deploy' | 'publish', YmlStep[]>>;
  return {
    text,
    version: doc.version,
    stages: { provision: doc.provision ?? [], deploy: doc.deploy ?? [], publish: doc.publish ?? [] },
  };
}

/** Every ${{VAR}} inside a value (string, array or object). */
export function placeholdersInValue(value: unknown): string[] {
  return placeholdersIn(JSON.stringify(value ?? null));
}

/** What the bicep template declares. */
export interface BicepTemplate {
  text: string;
  /** Parameter name -> has a default value, is @secure(). */
  params: Map<string, { hasDefault: boolean; secure: boolean }>;
  outputs: string[];
  /** App setting name -> the bicep expression of its value. */
  appSettings: Map<string, string>;
}

export function readBicep(rel = 'infra/azure.bicep'): BicepTemplate {
  const text = readText(rel);
  const lines = text.split('\n');
  const params = new Map<string, { hasDefault: boolean; secure: boolean }>();
  lines.forEach((line, i) => {
    const m = /^param\s+(\w+)\s+\w+(\s*=.*)?$/.exec(line.trim());
    if (!m) return;
    let secure = false;
    for (let j = i - 1; j >= 0 && lines[j].trim().startsWith('@'); j--) {
      if (lines[j].trim().startsWith('@secure()')) secure = true;
    }
    params.set(m[1], { hasDefault: m[2] !== undefined, secure });
  });
  const outputs = [...text.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]);
  const appSettings = new Map<string, string>();
  const block = /appSettings:\s*\[([\s\S]*?)\n\s*\]/.exec(text);
  if (block) {
    for (const m of block[1].matchAll(/\{\s*name:\s*'([^']+)',\s*value:\s*(.+?)\s*\}\s*$/gm)) appSettings.set(m[1], m[2]);
  }
  return { text, params, outputs, appSettings };
}

/** azure.parameters.json: parameter name -> its value text. */
export function readBicepParameters(rel = 'infra/azure.parameters.json'): Map<string, string> {
  const json = JSON.parse(readText(rel)) as { parameters: Record<string, { value: unknown }> };
  return new Map(Object.entries(json.parameters).map(([k, v]) => [k, String(v.value)]));
}

const VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The variables src/config reads, found two ways and merged: by running every `parse*Settings` fragment
 * and `loadConfig` over an environment that records each name asked for (catches names built in code),
 * and by scanning the sources for `(env, 'NAME'` reads (catches reads behind a branch the run did not take).
 */
export function configReads(values: EnvVars, mode: 'production' | 'local'): Set<string> {
  const read = new Set<string>();
  const env = new Proxy({ ...values, APP_MODE: mode }, {
    get(target, prop) {
      if (typeof prop === 'string' && VAR_NAME.test(prop)) read.add(prop);
      return typeof prop === 'string' ? (target as Record<string, string>)[prop] : undefined;
    },
  });
  const configDir = path.join(ROOT, 'src', 'config');
  for (const file of fs.readdirSync(configDir).filter((f) => f.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(configDir, file), 'utf8');
    for (const m of source.matchAll(/\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'/g)) read.add(m[1]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(configDir, file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== 'function') continue;
      if (!/^parse\w*Settings$/.test(name) && name !== 'loadConfig') continue;
      try {
        (fn as (env: unknown, mode: string) => unknown)(env, mode);
      } catch {
        // loadConfig throws ConfigError for an incomplete environment; the names it read are recorded.
      }
    }
  }
  return read;
}

/** Runs every settings fragment and loadConfig in production over an environment; returns their errors. */
export function configProblems(values: EnvVars): string[] {
  const problems: string[] = [];
  const configDir = path.join(ROOT, 'src', 'config');
  for (const file of fs.readdirSync(configDir).filter((f) => f.endsWith('.ts'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(configDir, file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== 'function') continue;
      if (/^parse\w*Settings$/.test(name)) {
        const result = (fn as (env: EnvVars, mode: string) => { errors?: string[] })(values, 'production');
        for (const e of result?.errors ?? []) problems.push(`${name}: ${e}`);
      } else if (name === 'loadConfig') {
        try {
          (fn as (env: EnvVars) => unknown)(values);
        } catch (err) {
          problems.push(`loadConfig: ${(err as Error).message}`);
        }
      }
    }
  }
  return [...new Set(problems)];
}
