/**
 * The same variable names run through five files: env/.env.<env> (what the school sets), teamsapp*.yml
 * (what the Toolkit writes and reads), infra/azure.parameters.json and azure.bicep (what reaches App
 * Service), and src/config (what the app reads). A name that drifts in one of them is a deployment that
 * silently runs without a setting; these tests make the drift a red build instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { placeholdersIn } from '../../scripts/packageApp';
import {
  ROOT, YmlStep, configProblems, configReads, placeholdersInValue, readBicep, readBicepParameters, readEnv, readText,
  readToolkitFile,
} from './projectFiles';

const devEnv = readEnv('env/.env.dev');
const devSecrets = readEnv('env/.env.dev.user.sample');
const localEnv = readEnv('env/.env.local');
const localSecrets = readEnv('env/.env.local.user.sample');
const bicep = readBicep();
const parameters = readBicepParameters();
const dev = readToolkitFile('teamsapp.yml');
const local = readToolkitFile('teamsapp.local.yml');
const manifestText = readText('appPackage/manifest.json');
const deploymentGuide = readText('docs/deployment.md');
const productionReads = configReads(devEnv, 'production');

/** Settings of the platform and SDKs rather than of src/config. */
const PLATFORM_SETTINGS: Record<string, string> = {
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'App Service installs the dependencies on Linux so better-sqlite3 and onnxruntime-node match the server',
  CUSTOM_BUILD_COMMAND: 'the command that build runs on the uploaded package: npm ci --omit=dev',
  ONNXRUNTIME_NODE_INSTALL: 'read by onnxruntime-node\'s install script during that build: skip its CUDA libraries',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'read by the Application Insights agent',
  ApplicationInsightsAgent_EXTENSION_VERSION: 'turns on the Application Insights agent',
  AZURE_CLIENT_ID: 'read by @azure/identity to choose the user-assigned identity',
};

/** Variables src/config reads that the Azure deployment deliberately does not set, and why. */
const NOT_SET_IN_AZURE: Record<string, string> = {
  PORT: 'App Service gives the container its port',
  BOT_PASSWORD: 'the bot is the managed identity (BOT_TYPE=UserAssignedMSI): there is no password',
  GRAPH_CLIENT_SECRET: 'Graph is called as the managed identity (GRAPH_USE_MANAGED_IDENTITY=true)',
  AZURE_STORAGE_CONNECTION_STRING: 'the storage account refuses shared keys; the managed identity is used',
  ROSTER_FILE: 'a roster CSV would replace the Graph staff list; production reads staff from Graph',
  WORKER_ID: "must differ per instance and stay the same across its restarts; App Service's WEBSITE_INSTANCE_ID does",
  WEBSITE_INSTANCE_ID: 'App Service sets it for each instance; the app only reads it',
  WEBSITE_HOSTNAME: 'App Service sets it to the app\'s own host name; the download links use it',
  PUBLIC_URL: 'on App Service the download links use WEBSITE_HOSTNAME; PUBLIC_URL is for a custom domain or another host',
  BOT_OPENID_METADATA_URL: "the public cloud's Bot Connector signing keys are the default; a local stand-in is for tests only",
};

/** Toolkit built-ins a project may reference without defining. */
const TOOLKIT_BUILTINS = new Set(['TEAMSFX_ENV']);

/** Outputs of each step kind, as the Toolkit names them in writeToEnvironmentFile. */
function producedBy(step: YmlStep): string[] {
  const written = Object.values(step.writeToEnvironmentFile ?? {});
  return step.uses === 'arm/deploy' ? [...written, ...bicep.outputs] : written;
}

/** Built-ins the Toolkit asks for when empty (subscription, resource group) rather than failing. */
const TOOLKIT_PROMPTED = new Set(['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME']);

/**
 * Checks every ${{VAR}} a Toolkit file uses has a source at the point it is used: a value in the env file,
 * a SECRET_* in the .user sample, or an earlier step (or bicep output) that writes it. An empty variable the
 * deployment guide tells people to fill in counts as a source for the bicep parameters (school settings);
 * `documentedStepInputs` extends that to step inputs (the local tunnel URL). Returns the problems.
 */
/**
 * Optional settings a step passes on as they are, empty included: POLICY_FILES goes to the server package (its files,
 * when it names any, are packaged) and is empty when the policy is sent in chat, as the guide says.
 */
const MAY_BE_EMPTY = new Set(['POLICY_FILES']);

function unresolvedPlaceholders(
  file: ReturnType<typeof readToolkitFile>, env: Record<string, string>, secrets: Record<string, string>,
  documentedStepInputs: boolean,
): string[] {
  const problems: string[] = [];
  const produced = new Set<string>();
  const documented = (name: string): boolean => name in env && deploymentGuide.includes(name);
  const hasSource = (name: string, fromParameters: boolean): boolean =>
    TOOLKIT_BUILTINS.has(name) || produced.has(name) || (env[name] ?? '') !== '' || name in secrets ||
    (MAY_BE_EMPTY.has(name) && name in env) ||
    ((fromParameters || documentedStepInputs) && documented(name));
  for (const stage of ['provision', 'deploy', 'publish'] as const) {
    for (const step of file.stages[stage]) {
      const used = placeholdersInValue(step.with).filter((n) => !(step.uses === 'arm/deploy' && TOOLKIT_PROMPTED.has(n)));
      if (/^teamsApp\/(validateManifest|zipAppPackage)$/.test(step.uses)) used.push(...placeholdersIn(manifestText));
      for (const name of used) {
        if (!hasSource(name, false)) problems.push(`${stage} ${step.uses}: ${name} has no value and no earlier step writes it`);
      }
      if (step.uses === 'arm/deploy') {
        for (const name of placeholdersIn(readText('infra/azure.parameters.json'))) {
          if (!hasSource(name, true)) problems.push(`${stage} ${step.uses} parameters: ${name} has no value, no step writes it, and the guide does not say to fill it`);
        }
      }
      for (const name of producedBy(step)) produced.add(name);
    }
  }
  return problems;
}

describe('names agree: src/config, env/, teamsapp.yml, infra/', () => {
  it('reads a non-trivial set of variables from src/config (the recorder works)', () => {
    expect(productionReads).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    for (const name of ['APP_MODE', 'BOT_ID', 'POLICY_FILES', 'CONCERN_ENCRYPTION_KEY', 'GRAPH_USE_MANAGED_IDENTITY', 'CONCERN_HEADTEACHER']) {
      expect(productionReads.has(name) ? name : `${name} not recorded`).toBe(name);
    }
  });

  it('parses every app setting line of azure.bicep (the reader misses none)', () => {
    const block = /appSettings:\s*\[([\s\S]*?)\n\s*\]/.exec(bicep.text)![1];
    expect(bicep.appSettings.size).toBe((block.match(/\{\s*name:/g) ?? []).length);
    expect(bicep.appSettings.size).toBeGreaterThan(20);
  });

  it('every variable src/config reads in production is an App Service setting in azure.bicep, or knowingly not set', () => {
    const missing = [...productionReads].filter((name) => !bicep.appSettings.has(name) && !(name in NOT_SET_IN_AZURE));
    expect(missing).toEqual([]);
  });

  it('every knowingly-unset variable is still read by src/config and really is absent from the app settings', () => {
    for (const name of Object.keys(NOT_SET_IN_AZURE)) {
      expect({ name, read: productionReads.has(name), set: bicep.appSettings.has(name) }).toEqual({ name, read: true, set: false });
    }
  });

  it('every App Service setting in azure.bicep is read by src/config or is a platform setting', () => {
    const unknown = [...bicep.appSettings.keys()].filter((name) => !productionReads.has(name) && !(name in PLATFORM_SETTINGS));
    expect(unknown).toEqual([]);
  });

  it('every variable in env/.env.dev is used: read by the app, or by teamsapp.yml, the manifest or the bicep parameters', () => {
    const writtenByToolkit = new Set(Object.values(dev.stages).flat().flatMap(producedBy));
    const usedByFiles = new Set([
      ...placeholdersIn(dev.text), ...placeholdersIn(manifestText), ...placeholdersIn(readText('infra/azure.parameters.json')),
    ]);
    const unused = Object.keys(devEnv).filter((name) =>
      !productionReads.has(name) && !usedByFiles.has(name) && !writtenByToolkit.has(name) && !TOOLKIT_BUILTINS.has(name));
    expect(unused).toEqual([]);
  });

  it('every app variable in env/.env.dev reaches App Service under the same name, through azure.parameters.json or a bicep output', () => {
    const paramOf = new Map([...parameters].map(([param, value]) => [value, param]));
    const problems: string[] = [];
    for (const name of Object.keys(devEnv).filter((n) => productionReads.has(n))) {
      if (bicep.outputs.includes(name)) {
        if (!bicep.appSettings.has(name)) problems.push(`${name} is a bicep output but no app setting`);
        continue;
      }
      const param = paramOf.get(`\${{${name}}}`);
      if (!param) problems.push(`${name} is not passed in azure.parameters.json as "\${{${name}}}"`);
      // ALLOWED_TENANT_IDS falls back to the tenant the template is deployed into when the parameter is empty.
      else if (bicep.appSettings.get(name) !== param && bicep.appSettings.get(name) !== `empty(${param}) ? tenant().tenantId : ${param}`) {
        problems.push(`app setting ${name} is "${bicep.appSettings.get(name)}", not the parameter ${param} that carries ${name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every SECRET_* reaches App Service only as a Key Vault reference, from a @secure() parameter', () => {
    const problems: string[] = [];
    for (const [param, value] of parameters) {
      const m = /^\$\{\{SECRET_(\w+)\}\}$/.exec(value);
      if (!m) continue;
      const setting = m[1];
      if (!(`SECRET_${setting}` in devSecrets)) problems.push(`SECRET_${setting} is missing from env/.env.dev.user.sample`);
      if (!bicep.params.get(param)?.secure) problems.push(`parameter ${param} is not @secure()`);
      if (!productionReads.has(setting)) problems.push(`${setting} is not read by src/config`);
      if (!/keyVaultRefPrefix/.test(bicep.appSettings.get(setting) ?? '')) problems.push(`app setting ${setting} is not a Key Vault reference`);
      if (!new RegExp(`value:\\s*${param}\\b`).test(bicep.text)) problems.push(`parameter ${param} is not stored as a Key Vault secret`);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(devSecrets).every((name) => name.startsWith('SECRET_'))).toBe(true);
    expect(Object.values(devSecrets).every((value) => value === '')).toBe(true);
  });

  it('azure.parameters.json sets only parameters azure.bicep declares, and every required one', () => {
    const declared = [...bicep.params.keys()];
    expect([...parameters.keys()].filter((p) => !declared.includes(p))).toEqual([]);
    expect(declared.filter((p) => !bicep.params.get(p)!.hasDefault && !parameters.has(p))).toEqual([]);
  });

  it('every bicep output the Toolkit writes back is a variable declared in env/.env.dev', () => {
    expect(bicep.outputs.length).toBeGreaterThan(0);
    expect(bicep.outputs.filter((o) => !(o in devEnv))).toEqual([]);
    for (const name of ['BOT_AZURE_APP_SERVICE_RESOURCE_ID', 'BOT_ID', 'BOT_DOMAIN']) expect(bicep.outputs).toContain(name);
  });

  it('every ${{VAR}} in teamsapp.yml, the manifest and the bicep parameters has a value or is written by an earlier step', () => {
    expect(unresolvedPlaceholders(dev, devEnv, devSecrets, false)).toEqual([]);
  });

  it('every ${{VAR}} in teamsapp.local.yml and the manifest has a value or is written by an earlier step', () => {
    expect(unresolvedPlaceholders(local, localEnv, localSecrets, true)).toEqual([]);
  });

  it('every empty variable in env/.env.dev is written by provision, or the deployment guide says how to fill it', () => {
    const written = new Set(Object.values(dev.stages).flat().flatMap(producedBy));
    const orphans = Object.entries(devEnv)
      .filter(([name, value]) => value === '' && !written.has(name) && !deploymentGuide.includes(name))
      .map(([name]) => name);
    expect(orphans).toEqual([]);
  });

  it('the teamsapp.yml stages use the actions the deployment relies on, in order', () => {
    const uses = (steps: YmlStep[]) => steps.map((s) => s.uses);
    expect(uses(dev.stages.provision)).toEqual([
      'teamsApp/create', 'arm/deploy', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/validateAppPackage', 'teamsApp/update',
    ]);
    expect(uses(dev.stages.deploy)).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    expect(uses(dev.stages.publish)).toContain('teamsApp/publishAppPackage');
    const arm = dev.stages.provision[1].with as { templates: { path: string; parameters: string }[] };
    for (const t of arm.templates) {
      expect(fs.existsSync(path.join(ROOT, t.path))).toBe(true);
      expect(fs.existsSync(path.join(ROOT, t.parameters))).toBe(true);
    }
    // What is uploaded is the folder `npm run package:server` assembles (tests/scripts/packageServer.test.ts).
    const zipDeploy = dev.stages.deploy[2].with as { artifactFolder: string; ignoreFile?: string };
    expect(zipDeploy.artifactFolder).toBe('./dist/appservice');
    if (zipDeploy.ignoreFile) expect(fs.existsSync(path.join(ROOT, zipDeploy.ignoreFile))).toBe(true);
  });

  it('the App Service settings, with an example school\'s values, make a configuration the app accepts in production', () => {
    // What a school fills in (env/.env.dev and its .user file) and what provision writes.
    const filled: Record<string, string> = {
      ...devEnv,
      TEAMS_APP_ID: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      POLICY_OWNERS: '00000000-0000-4000-8000-00000000000a',
      SAFEGUARDING_TEAM: '00000000-0000-4000-8000-00000000000b=Dee Esel',
      CONCERN_DSL_CHANNEL_ID: '19:dsl@thread.tacv2',
      CONCERN_DEPUTY_DSL: '00000000-0000-4000-8000-00000000000c',
      CONCERN_SENIOR_MANAGER: '00000000-0000-4000-8000-00000000000d',
      CONCERN_HEADTEACHER: '00000000-0000-4000-8000-00000000000e',
      CONCERN_CHAIR_OF_GOVERNORS: '00000000-0000-4000-8000-00000000000f',
      SECRET_CONCERN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      SECRET_ACK_EXPORT_SECRET: 'an-export-hmac-key-of-32-characters',
      SECRET_AZURE_OPENAI_API_KEY: '',
    };
    // Values of resources the template creates, as Azure fills them in.
    const created: Record<string, string> = {
      BOT_ID: '11111111-2222-4333-8444-555555555555',
      BOT_TENANT_ID: '66666666-2222-4333-8444-555555555555',
      ALLOWED_TENANT_IDS: '66666666-2222-4333-8444-555555555555', // tenant().tenantId when left empty
      GRAPH_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
      GRAPH_TENANT_ID: '66666666-2222-4333-8444-555555555555',
      AZURE_STORAGE_ACCOUNT_URL: 'https://policybotdevabc.table.core.windows.net/',
      CONCERN_ENCRYPTION_KEY: filled.SECRET_CONCERN_ENCRYPTION_KEY,
      ACK_EXPORT_SECRET: filled.SECRET_ACK_EXPORT_SECRET,
      AZURE_OPENAI_API_KEY: filled.SECRET_AZURE_OPENAI_API_KEY,
    };
    const defaults = new Map([...bicep.text.matchAll(/^param\s+(\w+)\s+string\s*=\s*'([^']*)'/gm)].map((m) => [m[1], m[2]]));
    const paramValue = (param: string): string | undefined => {
      const raw = parameters.get(param);
      if (raw === undefined) return defaults.get(param);
      return raw.replace(/\$\{\{(\w+)\}\}/g, (_m, name: string) => filled[name] ?? '');
    };
    const env: Record<string, string> = {};
    const unknown: string[] = [];
    for (const [name, expr] of bicep.appSettings) {
      if (name in PLATFORM_SETTINGS) continue;
      const literal = /^'([^'$]*)'$/.exec(expr);
      const value = literal ? literal[1] : bicep.params.has(expr) ? paramValue(expr) : created[name];
      if (value === undefined) unknown.push(`${name} = ${expr}`);
      else env[name] = value;
    }
    expect(unknown).toEqual([]);
    expect(configProblems(env)).toEqual([]);
  });

  it('the local runtime settings written to .localConfigs are all read by src/config and make a configuration it accepts', () => {
    const step = local.stages.deploy.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')!;
    const envs = (step.with as { target: string; envs: Record<string, string | number> });
    expect(envs.target).toBe('./.localConfigs');
    expect(Object.keys(envs.envs).filter((name) => !productionReads.has(name))).toEqual([]);
    const filled: Record<string, string> = {
      // Each id the developer fills in is a different person or resource (the deputy DSL is not the headteacher).
      ...Object.fromEntries(Object.entries(localEnv).map(([k, v], i) => [k, v || `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`])),
      SECRET_BOT_PASSWORD: 'client-secret-from-aadApp-create',
      SECRET_CONCERN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      SECRET_ACK_EXPORT_SECRET: '',
      // env/.env.local sends alerts one-to-one, so no channel or chat is named.
      CONCERN_DSL_CHANNEL_ID: '', SAFEGUARDING_CHANNEL_ID: '', SAFEGUARDING_CHAT_ID: '',
      ACK_POLICY_URL: 'https://intranet.example.sch.uk/policies/social-media',
    };
    const env = Object.fromEntries(Object.entries(envs.envs).map(([name, value]) => [
      name, String(value).replace(/\$\{\{(\w+)\}\}/g, (_m, v: string) => filled[v] ?? ''),
    ]));
    expect(configProblems(env)).toEqual([]);
  });
});
