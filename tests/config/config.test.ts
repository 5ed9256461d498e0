import fs from 'node:fs';
import path from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '../../src/config';
import { productionEnv } from '../support/productionEnv';
import { REPO_ROOT } from '../support/repoRoot';

const REPO = REPO_ROOT;


/** The ConfigError loadConfig throws for this environment (fails the test if it does not throw one). */
function configErrorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('Expected loadConfig to refuse this environment');
}

describe('loadConfig', () => {
  it('when production starts with nothing set, then one error names BOT_ID, BOT_PASSWORD and CONCERN_ENCRYPTION_KEY together', () => {
    const error = configErrorFor({});

    expect(error.code).toBe('CONFIG_INVALID');
    for (const name of ['BOT_ID', 'BOT_PASSWORD', 'CONCERN_ENCRYPTION_KEY']) {
      expect(error.problems.some((p) => p.startsWith(name))).toBe(true);
      expect(error.message).toContain(name);
    }
  });

  it('when APP_MODE is unset, then the app runs as production and refuses to start without credentials', () => {
    const error = configErrorFor({ POLICY_FILES: 'policies/our-school.docx' });
    expect(error.problems.some((p) => p.startsWith('BOT_ID'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('POLICY_FILES'))).toBe(false);
  });

  it('when production has no POLICY_FILES, then it is valid and loads no file: the school\'s policy comes from an owner in chat', () => {
    const config = loadConfig(productionEnv({ POLICY_FILES: undefined }));
    expect(config.mode).toBe('production');
    expect(config.policyFiles).toEqual([]);
    expect(loadConfig(productionEnv({ POLICY_FILES: '' })).policyFiles).toEqual([]);
  });

  it('when local mode names the bundled sample, then it runs on it as before', () => {
    const sample = path.join('samples', 'policies', 'liverpool-model.txt');
    expect(loadConfig({ APP_MODE: 'local', POLICY_FILES: sample }).policyFiles).toEqual([sample]);
  });

  it('when production has every required setting, then it loads with the bot identity and the listed policies', () => {
    const config = loadConfig(productionEnv({ POLICY_FILES: 'a.txt, b.docx' }));

    expect(config.mode).toBe('production');
    expect(config.bot.id).toBe('11111111-1111-1111-1111-111111111111');
    expect(config.policyFiles).toEqual(['a.txt', 'b.docx']);
    expect(config.host).toBe('0.0.0.0');
  });

  it('when local mode has nothing else set, then it uses the bundled sample policy on the loopback host', () => {
    const config = loadConfig({ APP_MODE: 'local' });

    expect(config.mode).toBe('local');
    expect(config.host).toBe('127.0.0.1');
    expect(config.policyFiles).toHaveLength(1);
    expect(config.policyFiles[0].replace(/\\/g, '/')).toMatch(/samples\/policies\/liverpool-model\.txt$/);
    expect(fs.existsSync(path.resolve(REPO, config.policyFiles[0]))).toBe(true);
    expect(config.bot.id).toBeUndefined();
  });

  it('when SCHOOL_TIME_ZONE is unset, then times are the school\'s in Europe/London; when it is not a zone, then it is named as a problem', () => {
    expect(loadConfig({ APP_MODE: 'local' }).timeZone).toBe('Europe/London');
    expect(loadConfig({ APP_MODE: 'local', SCHOOL_TIME_ZONE: 'Europe/Dublin' }).timeZone).toBe('Europe/Dublin');
    const error = configErrorFor({ APP_MODE: 'local', SCHOOL_TIME_ZONE: 'London time' });
    expect(error.problems.some((p) => p.includes('SCHOOL_TIME_ZONE') && p.includes('London time'))).toBe(true);
  });

  it('when PUBLIC_URL is set, then links use it; on App Service WEBSITE_HOSTNAME is used; a path or plain http in production is refused', () => {
    expect(loadConfig({ ...productionEnv(), PUBLIC_URL: 'https://policybot.example.org/' }).publicUrl).toBe('https://policybot.example.org');
    expect(loadConfig({ ...productionEnv(), WEBSITE_HOSTNAME: 'policybot.azurewebsites.net' }).publicUrl).toBe('https://policybot.azurewebsites.net');
    expect(loadConfig({ APP_MODE: 'local' }).publicUrl).toBeUndefined();
    for (const bad of ['http://policybot.example.org', 'https://policybot.example.org/api', 'https://user:pw@policybot.example.org']) {
      expect(configErrorFor({ ...productionEnv(), PUBLIC_URL: bad }).problems.some((p) => p.includes('PUBLIC_URL'))).toBe(true);
    }
  });

  it('when local mode is given HOST=0.0.0.0 without a BOT_ID, then it refuses to start too', () => {
    const error = configErrorFor({ APP_MODE: 'local', HOST: '0.0.0.0' });
    expect(error.problems.some((p) => p.includes('loopback') && p.includes('0.0.0.0'))).toBe(true);
  });

  it('when local mode is given a BOT_ID and HOST=0.0.0.0, then it refuses to start', () => {
    const error = configErrorFor({ APP_MODE: 'local', BOT_ID: '11111111-1111-1111-1111-111111111111', HOST: '0.0.0.0' });

    expect(error.problems.some((p) => p.includes('HOST') && p.includes('0.0.0.0'))).toBe(true);
  });

  it('when local mode has a BOT_ID but stays on loopback, then it starts', () => {
    expect(loadConfig({ APP_MODE: 'local', BOT_ID: '11111111-1111-1111-1111-111111111111', HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  it('when Azure OpenAI is only partly configured, then the error names the missing variables', () => {
    const error = configErrorFor({ APP_MODE: 'local', AZURE_OPENAI_ENDPOINT: 'https://school.openai.azure.com' });

    const problem = error.problems.find((p) => p.includes('Azure OpenAI'));
    expect(problem).toBeDefined();
    expect(problem).toContain('AZURE_OPENAI_API_KEY');
    expect(problem).toContain('AZURE_OPENAI_DEPLOYMENT');
    expect(problem).not.toContain('AZURE_OPENAI_ENDPOINT');
  });

  it('when Azure OpenAI is fully configured, then the planner settings are present', () => {
    const config = loadConfig({
      APP_MODE: 'local', AZURE_OPENAI_ENDPOINT: 'https://school.openai.azure.com', AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_DEPLOYMENT: 'gpt',
    });
    expect(config.openAI).toMatchObject({ endpoint: 'https://school.openai.azure.com', deployment: 'gpt' });
  });

  it('when a setting is bad as well as missing, then every problem is listed in the same error', () => {
    const error = configErrorFor({ PORT: 'eighty', STORAGE: 'floppy' });

    expect(error.problems.some((p) => p.startsWith('PORT'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('STORAGE'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('BOT_ID'))).toBe(true);
  });

  it('when configuration fails, then the error never repeats a secret it was given', () => {
    const secrets = {
      BOT_PASSWORD: 'bot-password-value-1',
      CONCERN_ENCRYPTION_KEY: 'not-base64-concern-key-value',
      GRAPH_CLIENT_SECRET: 'graph-secret-value-1',
      AZURE_OPENAI_API_KEY: 'openai-key-value-1',
      ACK_EXPORT_SECRET: 'short-secret',
    };
    const error = configErrorFor(productionEnv({ ...secrets, BOT_ID: undefined }));

    expect(error.problems.length).toBeGreaterThanOrEqual(3);
    for (const value of Object.values(secrets)) expect(error.message).not.toContain(value);
  });

  it('when something tries to change the loaded configuration, then it stays as loaded', () => {
    'use strict';
    const config = loadConfig({ APP_MODE: 'local', PORT: '4000' });
    const mutable = config as unknown as { port: number; storage: { sqlitePath: string }; policyFiles: string[]; bot: { id?: string } };

    expect(Object.isFrozen(config)).toBe(true);
    expect(() => { mutable.port = 1; }).toThrow(TypeError);
    expect(() => { mutable.storage.sqlitePath = '/tmp/elsewhere.sqlite'; }).toThrow(TypeError);
    expect(() => { mutable.bot.id = 'intruder'; }).toThrow(TypeError);
    expect(() => { mutable.policyFiles.push('other.txt'); }).toThrow(TypeError);
    const after: AppConfig = config;
    expect(after.port).toBe(4000);
    expect(after.policyFiles).toHaveLength(1);
    expect(after.bot.id).toBeUndefined();
  });
});
