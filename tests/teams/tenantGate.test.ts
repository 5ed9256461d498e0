import { createTenantGate, loggableTenant, tenantsOf } from '../../src/teams/tenantGate';

const SCHOOL = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const TRUST = 'b7c1d2e3-0000-4a4a-8b8b-123456789abc';
const activity = (conversationTenant: unknown, channelDataTenant: unknown): Record<string, unknown> => ({
  type: 'message', conversation: { id: 'a:x', tenantId: conversationTenant }, channelData: { tenant: { id: channelDataTenant } },
});

describe('tenant gate', () => {
  const gate = createTenantGate([SCHOOL, TRUST.toUpperCase()]);

  it('when both places name an allowed tenant (any letter case), then the activity may go on', () => {
    expect(gate.refusal(activity(SCHOOL, SCHOOL))).toBeNull();
    expect(gate.refusal(activity(TRUST, TRUST.toUpperCase()))).toBeNull();
  });

  it.each([
    ['another tenant', activity('9e8d7c6b-5a49-4838-a726-150f4e3d2c1b', '9e8d7c6b-5a49-4838-a726-150f4e3d2c1b'), 'notAllowed'],
    ['two allowed tenants that disagree', activity(SCHOOL, TRUST), 'mismatch'],
    ['an allowed and a foreign tenant', activity(SCHOOL, 'elsewhere'), 'mismatch'],
    ['no conversation tenant', activity(undefined, SCHOOL), 'missing'],
    ['no channel data tenant', activity(SCHOOL, undefined), 'missing'],
    ['an empty tenant', activity('', SCHOOL), 'missing'],
    ['a tenant that is not a string', activity({ id: SCHOOL }, SCHOOL), 'missing'],
    ['channel data that is not an object', { conversation: { id: 'a:x', tenantId: SCHOOL }, channelData: 'tenant' }, 'missing'],
    ['no body at all', undefined, 'missing'],
  ])('when the activity has %s, then it is refused as %s', (_what, body, reason) => {
    expect(gate.refusal(body)).toBe(reason);
  });

  it('when the tenants are read for a log line, then a tenant id is kept and anything else is masked', () => {
    expect(tenantsOf(activity(` ${SCHOOL} `, SCHOOL))).toEqual({ conversationTenant: SCHOOL, channelDataTenant: SCHOOL });
    expect(loggableTenant(SCHOOL)).toBe(SCHOOL);
    expect(loggableTenant('Rosalind Quillfeather <r@school.example>')).toBe('[not a tenant id]');
    expect(loggableTenant(undefined)).toBeUndefined();
  });
});
