import { createSafeguardingRouteCheck } from '../../../../src/features/concerns/domain/safeguardingRouteCheck';
import { DestinationRole } from '../../../../src/features/concerns/domain/concernTypes';
import { capturedLogger, DSL_CHANNEL, PEOPLE } from './concernFakes';
import { concernHarness } from './concernHarness';

/**
 * Issue 44: until the route is set, the owners' help (statusLines) and /healthz?detail=1 (healthDetail) say "not
 * configured" and what is missing: variable names, never a person's name or id.
 */
function routeCheck(options: { place?: boolean; missing: string[]; waiting: DestinationRole[] }) {
  const h = concernHarness();
  const told: string[] = [];
  const check = createSafeguardingRouteCheck({
    destination: options.place ? 'team-channel' : undefined,
    place: options.place ? { kind: 'channel', conversationId: DSL_CHANNEL } : undefined,
    team: options.missing.includes('SAFEGUARDING_TEAM') ? [] : [{ aadObjectId: PEOPLE.dsl, name: 'Dana DSL' }],
    owners: ['aad-owner'],
    reader: { read: async () => ({ ok: false, status: 500, code: 'HTTP_500' }) },
    messenger: { tell: async (_id, text) => { told.push(text); }, post: async (_a, text) => { told.push(text); } },
    store: h.store, log: capturedLogger().logger, now: h.clock.now, missing: options.missing, waiting: options.waiting,
  });
  return { check, told };
}

const nobody = (text: string) => {
  for (const id of [...Object.values(PEOPLE), 'Dana DSL', 'aad-owner', DSL_CHANNEL]) expect(text).not.toContain(id);
};

describe('the route\'s status while it is not configured (issue 44)', () => {
  test('when nothing of the route is set, then help says NOT CONFIGURED with what is missing and what happens to reports meanwhile', () => {
    const { check } = routeCheck({ missing: ['SAFEGUARDING_TEAM', 'SAFEGUARDING_CHANNEL_ID'], waiting: ['dslChannel'] });
    const lines = check.statusLines();
    expect(lines[0]).toBe('Safeguarding route: NOT CONFIGURED. Missing: SAFEGUARDING_TEAM, SAFEGUARDING_CHANNEL_ID.');
    expect(lines.join('\n')).toContain('Reports to the safeguarding team cannot be sent yet: each is kept safely and waits');
    expect(lines.join('\n')).toContain('restart the app');
    nobody(lines.join('\n'));
  });

  test('when nothing of the route is set, then the health detail says unconfigured and lists what is missing, naming nobody', () => {
    const { check } = routeCheck({ missing: ['SAFEGUARDING_TEAM', 'SAFEGUARDING_CHANNEL_ID'], waiting: ['dslChannel'] });
    const detail = check.healthDetail();
    expect(detail).toMatchObject({
      state: 'unconfigured', configured: false, missing: ['SAFEGUARDING_TEAM', 'SAFEGUARDING_CHANNEL_ID'], reportsGoTo: 'nowhere yet: reports wait',
      summary: 'safeguarding route not configured: missing SAFEGUARDING_TEAM, SAFEGUARDING_CHANNEL_ID; reports wait',
    });
    nobody(JSON.stringify(detail));
  });

  test('when the place is set but a person of the routes is not, then help says that first and still says where alerts go; health keeps the check\'s state and lists what is missing', () => {
    const { check } = routeCheck({ place: true, missing: ['CONCERN_SENIOR_MANAGER'], waiting: ['seniorManager'] });
    const lines = check.statusLines();
    expect(lines[0]).toBe('Safeguarding route: NOT CONFIGURED. Missing: CONCERN_SENIOR_MANAGER.');
    expect(lines.join('\n')).toContain('Reports to a senior manager cannot be sent yet');
    expect(lines.join('\n')).toContain('Safeguarding alerts go to a channel of the safeguarding team\'s own team.');
    expect(check.healthDetail()).toMatchObject({ state: 'unchecked', configured: false, missing: ['CONCERN_SENIOR_MANAGER'], reportsGoTo: 'team channel' });
    expect(String(check.healthDetail().summary)).toContain('not configured: missing CONCERN_SENIOR_MANAGER');
  });

  test('when only the fallback (the deputy DSL) is missing, then help says NOT CONFIGURED and that reports still go, without naming a route that waits', () => {
    const { check } = routeCheck({ place: true, missing: ['CONCERN_DEPUTY_DSL'], waiting: [] });
    const lines = check.statusLines().join('\n');
    expect(lines).toContain('Safeguarding route: NOT CONFIGURED. Missing: CONCERN_DEPUTY_DSL.');
    expect(lines).toContain('Reports are still sent where their route is set up');
    expect(lines).not.toMatch(/Reports to\s+cannot/);
  });

  test('when everything is set, then help and health carry no "not configured"', () => {
    const { check } = routeCheck({ place: true, missing: [], waiting: [] });
    expect(check.statusLines().join('\n')).not.toMatch(/NOT CONFIGURED/i);
    expect(check.healthDetail()).toMatchObject({ configured: true, missing: [] });
  });

  test('when a deputy DSL types "test alert" before the route is set, then they are told there is nowhere to send it and what is missing', async () => {
    const { check } = routeCheck({ missing: ['SAFEGUARDING_CHANNEL_ID'], waiting: ['dslChannel'] });
    const result = await check.sendTestAlert({ aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' });
    expect(result.ok).toBe(false);
    expect(result.text).toContain('Missing: SAFEGUARDING_CHANNEL_ID');
  });
});
