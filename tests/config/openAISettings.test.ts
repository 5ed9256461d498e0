import { ConfigError, loadConfig } from '../../src/config';

const OPENAI = { AZURE_OPENAI_ENDPOINT: 'https://school.openai.azure.com', AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_DEPLOYMENT: 'gpt' };

function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig({ APP_MODE: 'local', ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('Azure OpenAI settings', () => {
  it('when no timeout is given, then the phrasing waits 4 seconds', () => {
    expect(loadConfig({ APP_MODE: 'local', ...OPENAI }).openAI?.timeoutMs).toBe(4000);
  });

  it('when the timeout is not a positive number, then startup names AZURE_OPENAI_TIMEOUT_MS', () => {
    expect(problemsFor({ ...OPENAI, AZURE_OPENAI_TIMEOUT_MS: 'soon' }).some((p) => p.startsWith('AZURE_OPENAI_TIMEOUT_MS'))).toBe(true);
    expect(problemsFor({ ...OPENAI, AZURE_OPENAI_TIMEOUT_MS: '0' }).some((p) => p.startsWith('AZURE_OPENAI_TIMEOUT_MS'))).toBe(true);
  });

  it('when the timeout is longer than a minute (or than a Node timer can hold), then startup names it', () => {
    expect(problemsFor({ ...OPENAI, AZURE_OPENAI_TIMEOUT_MS: '3000000000' }).some((p) => p.startsWith('AZURE_OPENAI_TIMEOUT_MS must be at most 60000'))).toBe(true);
    expect(loadConfig({ APP_MODE: 'local', ...OPENAI, AZURE_OPENAI_TIMEOUT_MS: '60000' }).openAI?.timeoutMs).toBe(60000);
  });

  it('when the endpoint is not https, then startup says so instead of failing later in teams-ai', () => {
    expect(problemsFor({ ...OPENAI, AZURE_OPENAI_ENDPOINT: 'http://school.openai.azure.com' }).some((p) => p.startsWith('AZURE_OPENAI_ENDPOINT must be an https URL'))).toBe(true);
  });
});
