import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_PERSON_LIMITS, PLAYGROUND_TENANT_ID } from '../../src/config/coreSettings';
import { PLAYGROUND_TENANT } from '../../scripts/playground';
import { productionEnv } from '../support/productionEnv';

const SCHOOL = '3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B';

function problemsFor(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('Expected loadConfig to refuse this environment');
}

describe('ALLOWED_TENANT_IDS', () => {
  it('when a multi-tenant bot starts in production without it, then start-up fails naming it, with the other problems', () => {
    const problems = problemsFor(productionEnv({ ALLOWED_TENANT_IDS: undefined, BOT_PASSWORD: undefined }));
    const problem = problems.find((p) => p.startsWith('ALLOWED_TENANT_IDS'));
    expect(problem).toMatch(/required in production/);
    expect(problem).toMatch(/BOT_TENANT_ID/);
    expect(problems.some((p) => p.startsWith('BOT_PASSWORD'))).toBe(true);
  });

  it('when it lists tenant ids, then they are kept lower-case, once each', () => {
    const config = loadConfig(productionEnv({ ALLOWED_TENANT_IDS: `${SCHOOL}, b7c1d2e3-0000-4a4a-8b8b-123456789abc,${SCHOOL.toLowerCase()}` }));
    expect(config.allowedTenantIds).toEqual([SCHOOL.toLowerCase(), 'b7c1d2e3-0000-4a4a-8b8b-123456789abc']);
  });

  it('when a single-tenant bot (BOT_TYPE=UserAssignedMSI or SingleTenant) has no list, then its own BOT_TENANT_ID is the one allowed', () => {
    for (const type of ['UserAssignedMSI', 'SingleTenant']) {
      const config = loadConfig(productionEnv({ ALLOWED_TENANT_IDS: undefined, BOT_TYPE: type, BOT_TENANT_ID: SCHOOL }));
      expect(config.allowedTenantIds).toEqual([SCHOOL.toLowerCase()]);
    }
    expect(loadConfig(productionEnv({ BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: SCHOOL, ALLOWED_TENANT_IDS: 'b7c1d2e3-0000-4a4a-8b8b-123456789abc' })).allowedTenantIds)
      .toEqual(['b7c1d2e3-0000-4a4a-8b8b-123456789abc']);
  });

  it.each(['school.onmicrosoft.com', '*', 'admin@school.example', 'tenant id'])('when it holds %s, then start-up fails saying a tenant id is a GUID', (bad) => {
    const problem = problemsFor(productionEnv({ ALLOWED_TENANT_IDS: `${SCHOOL},${bad}` })).find((p) => p.startsWith('ALLOWED_TENANT_IDS'));
    expect(problem).toContain(`"${bad}"`);
    expect(problem).toMatch(/GUID/);
  });

  it('when local mode has no list, then the tenant is not checked; with one, the Agents Playground\'s tenant is allowed too', () => {
    expect(loadConfig({ APP_MODE: 'local' }).allowedTenantIds).toBeUndefined();
    expect(loadConfig({ APP_MODE: 'local', ALLOWED_TENANT_IDS: SCHOOL }).allowedTenantIds).toEqual([SCHOOL.toLowerCase(), PLAYGROUND_TENANT_ID]);
  });

  it('when the Playground\'s tenant is named in config, then it is the one the Playground is started with', () => {
    expect(PLAYGROUND_TENANT_ID).toBe(PLAYGROUND_TENANT);
  });
});

describe('per-person limits', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    expect(loadConfig({ APP_MODE: 'local' }).personLimits).toEqual({ reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 });
    expect(DEFAULT_PERSON_LIMITS).toEqual({ reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 });
  });

  it('when they are set, then they are used', () => {
    const config = loadConfig({ APP_MODE: 'local', REPORTS_PER_PERSON_PER_HOUR: '3', QUESTIONS_PER_PERSON_PER_HOUR: '200', PRESSES_PER_PERSON_PER_HOUR: '40' });
    expect(config.personLimits).toEqual({ reportsPerHour: 3, questionsPerHour: 200, pressesPerHour: 40 });
  });

  it.each(['0', '-1', '2.5', 'lots', '1000000'])('when a limit is %s, then start-up fails naming every bad setting', (bad) => {
    const problems = problemsFor({ APP_MODE: 'local', REPORTS_PER_PERSON_PER_HOUR: bad, QUESTIONS_PER_PERSON_PER_HOUR: bad, PRESSES_PER_PERSON_PER_HOUR: bad });
    expect(problems.filter((p) => /^(REPORTS|QUESTIONS|PRESSES)_PER_PERSON_PER_HOUR must be a whole number/.test(p))).toHaveLength(3);
  });
});
