import { captureLines, concernForm, DSL_CHANNEL, PEOPLE, Person } from './securityHarness';
import { Verbs } from '../../src/teams/verbs';
import { createLogger } from '../../src/shared/logger';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';
import { ProductionBot, startProductionBot } from '../support/productionBot';
import { ORDINARY } from '../support/modelItems';
import { createSqliteAcknowledgementStoreOn } from '../../src/adapters/sqlite/sqliteAcknowledgementStore';

/**
 * Issue 40, hole 3: the Azure Bot is registered multi-tenant, so the Bot Connector delivers activities from any
 * tenant whose people install the app, each with a genuinely valid token. Only the school's own tenants
 * (ALLOWED_TENANT_IDS) may reach a feature; everything else is refused before anything is stored or sent.
 */
const SCHOOL = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const ELSEWHERE = '9e8d7c6b-5a49-4838-a726-150f4e3d2c1b';

/** A conversation and channel data naming the tenants given (undefined leaves a field out). */
function tenancy(conversationTenant: string | undefined, channelDataTenant: string | undefined, conversation: Record<string, unknown>): Record<string, unknown> {
  return {
    conversation: { ...conversation, ...(conversationTenant === undefined ? {} : { tenantId: conversationTenant }) },
    channelData: channelDataTenant === undefined ? {} : { tenant: { id: channelDataTenant } },
  };
}

const personal = (person: Person): Record<string, unknown> => ({ id: `a:${person.aadObjectId}`, conversationType: 'personal' });

/** The three things the outside tester did: asked, filed an urgent report, acknowledged the policy. */
function probes(bot: ProductionBot, person: Person): Record<string, (t: [string | undefined, string | undefined]) => Record<string, unknown>> {
  const policy = bot.app.library.primary!;
  return {
    'a question': ([c, d]) => ({ type: 'message', text: ORDINARY.friendRequests, textFormat: 'plain', from: person, ...tenancy(c, d, personal(person)) }),
    'an urgent report': ([c, d]) => ({
      type: 'invoke', name: 'adaptiveCard/action', from: person, replyToId: 'card-1', ...tenancy(c, d, personal(person)),
      value: { action: { type: 'Action.Execute', verb: Verbs.concernSubmit, data: concernForm({ immediateDanger: 'true' }) }, trigger: 'manual' },
    }),
    'an acknowledgement': ([c, d]) => ({
      type: 'invoke', name: 'adaptiveCard/action', from: person, replyToId: 'card-2', ...tenancy(c, d, personal(person)),
      value: { action: { type: 'Action.Execute', verb: Verbs.acknowledge, data: { policyId: policy.id, versionHash: policy.metadata.contentHash } }, trigger: 'manual' },
    }),
  };
}

describe('tenant gate in production (valid Bot Framework tokens from any tenant)', () => {
  quietExpectedLibraryErrors();
  const captured = captureLines();
  let bot: ProductionBot;

  beforeAll(async () => {
    bot = await startProductionBot({
      ALLOWED_TENANT_IDS: SCHOOL,
      SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name}`,
      CONCERN_DSL_CHANNEL_ID: DSL_CHANNEL,
    }, createLogger('info', captured.destination));
    // The staff list as the Graph sync would have left it (the production bot's Graph is unreachable): the school's
    // people are on it, so their acknowledgement counts (issue 49: only current staff's do).
    await createSqliteAcknowledgementStoreOn(bot.app.db).upsertStaff([PEOPLE.reporter, PEOPLE.head].map((p) => ({
      userId: p.aadObjectId, userPrincipalName: `${p.aadObjectId}@school.example`, displayName: p.name, active: true, source: 'graph' as const,
      updatedAt: new Date().toISOString(),
    })));
  });

  afterAll(async () => {
    await bot?.close();
  });

  /** Posts each probe with the tenants given; returns the statuses and what changed in the database and at the connector. */
  async function attempt(person: Person, tenants: [string | undefined, string | undefined]) {
    const rowsBefore = bot.rowCounts();
    const callsBefore = bot.connector.calls.length;
    const statuses: Record<string, number> = {};
    for (const [what, build] of Object.entries(probes(bot, person))) statuses[what] = (await bot.post(build(tenants))).status;
    const rowsAfter = bot.rowCounts();
    const changed = Object.keys(rowsAfter).filter((t) => rowsAfter[t] !== rowsBefore[t]);
    return { statuses, changed, connectorCalls: bot.connector.calls.slice(callsBefore) };
  }

  it('when a person of the school\'s tenant asks, reports and acknowledges, then all three go through (the gate is not shut for everyone)', async () => {
    const result = await attempt(PEOPLE.reporter, [SCHOOL, SCHOOL]);
    expect(Object.values(result.statuses).every((s) => s === 200)).toBe(true);
    expect(result.changed).toEqual(expect.arrayContaining(['policy_questions', 'concerns', 'ack_acknowledgements']));
    expect(result.connectorCalls.some((c) => c.conversationId.startsWith(DSL_CHANNEL))).toBe(true);
  });

  it('when the tenant ids differ only in letter case, then the person is still let in (GUIDs are case-insensitive)', async () => {
    const res = await bot.post(probes(bot, PEOPLE.head)['a question']([SCHOOL.toUpperCase(), SCHOOL]));
    expect(res.status).toBe(200);
  });

  it('when a person of another tenant asks, files an urgent report and acknowledges, then each is refused with 403: nothing stored, nothing sent', async () => {
    const result = await attempt(PEOPLE.outsider, [ELSEWHERE, ELSEWHERE]);
    expect(result.statuses).toEqual({ 'a question': 403, 'an urgent report': 403, 'an acknowledgement': 403 });
    expect(result.changed).toEqual([]);
    expect(result.connectorCalls).toEqual([]);
  });

  it.each([
    ['the conversation names the school but the channel data another tenant', SCHOOL, ELSEWHERE],
    ['the channel data names the school but the conversation another tenant', ELSEWHERE, SCHOOL],
    ['the conversation has no tenant', undefined, SCHOOL],
    ['the channel data has no tenant', SCHOOL, undefined],
    ['neither says which tenant', undefined, undefined],
  ])('when %s, then every probe is refused with 403 and nothing is stored or sent', async (_what, conversationTenant, channelDataTenant) => {
    const result = await attempt(PEOPLE.outsider, [conversationTenant, channelDataTenant]);
    expect(result.statuses).toEqual({ 'a question': 403, 'an urgent report': 403, 'an acknowledgement': 403 });
    expect(result.changed).toEqual([]);
    expect(result.connectorCalls).toEqual([]);
  });

  it('when an activity is refused, then a warning says why, with no name, user id or text', async () => {
    const before = captured.lines.length;
    await bot.post(probes(bot, PEOPLE.outsider)['a question']([ELSEWHERE, ELSEWHERE]));
    const lines = captured.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const refusal = lines.find((l) => l.event === 'tenant.refused');
    expect(refusal).toEqual(expect.objectContaining({ level: 40, reason: 'notAllowed' }));
    const text = JSON.stringify(lines);
    for (const personal of [PEOPLE.outsider.name, PEOPLE.outsider.aadObjectId, PEOPLE.outsider.id, 'friend request']) expect(text).not.toContain(personal);
  });
});
