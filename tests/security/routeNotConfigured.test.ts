import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/shared/logger';
import { Verbs } from '../../src/teams/verbs';
import { REPORT_CONCERN_COMMAND_ID } from '../../src/features/concerns';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';
import { FakeConnector, startFakeConnector } from '../support/fakeConnector';
import { ProductionBot, startProductionBot } from '../support/productionBot';
import { captureLines, concernForm, PEOPLE, Person, readableText } from './securityHarness';

/**
 * Issue 44: the deployment guide fills in the safeguarding route at step 6, after provisioning and deploying, so
 * production must start without it: questions answered, nothing refused silently, "not configured" said loudly (the
 * startup log, /healthz?detail=1, the owners' help, every report form), and a report made meanwhile stored, encrypted,
 * and kept waiting, with the reporter sent to the DSL in person. A restart with the route set delivers it. The whole bot
 * over HTTP in production mode (real Bot Framework token checks) against the fake connector.
 */
const TENANT = 'tenant-1';
const CHANNEL = '19:safeguarding-general@thread.tacv2';
const KEY = crypto.randomBytes(32).toString('base64');
const WHAT_HAPPENED = 'ZEBRA-44 told me an adult messaged her on a game asking to meet';

/** The settings as App Service has them after steps 3 to 5: SAFEGUARDING_DESTINATION as env/.env.dev ships it, nothing else. */
const ROUTE_NOT_SET = {
  SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: undefined, CONCERN_DSL_CHANNEL_ID: undefined, SAFEGUARDING_TEAM: undefined,
  CONCERN_DEPUTY_DSL: undefined, CONCERN_SENIOR_MANAGER: undefined, CONCERN_HEADTEACHER: undefined, CONCERN_CHAIR_OF_GOVERNORS: undefined,
};
/** Step 6 done: the safeguarding team's channel, the team and the people of the routes. */
const ROUTE_SET = {
  SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: CHANNEL, CONCERN_DSL_CHANNEL_ID: undefined,
  SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name},${PEOPLE.deputy.aadObjectId}=${PEOPLE.deputy.name}`,
  CONCERN_DEPUTY_DSL: PEOPLE.deputy.aadObjectId, CONCERN_SENIOR_MANAGER: PEOPLE.deputy.aadObjectId,
  CONCERN_HEADTEACHER: PEOPLE.head.aadObjectId, CONCERN_CHAIR_OF_GOVERNORS: 'aad-chair-44',
};
const MISSING = 'SAFEGUARDING_TEAM, SAFEGUARDING_CHANNEL_ID, CONCERN_DEPUTY_DSL, CONCERN_SENIOR_MANAGER, CONCERN_HEADTEACHER, CONCERN_CHAIR_OF_GOVERNORS';
const WARNING = 'Reports cannot be sent to the safeguarding team yet';

const personal = (p: Person) => ({ id: `a:${p.aadObjectId}`, conversationType: 'personal', tenantId: TENANT });
const channelData = { tenant: { id: TENANT } };

/** Waits for something the bot does in the background; fails with what it saw. */
async function eventually<T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: ${JSON.stringify(read()).slice(0, 1500)}`);
}

describe('production before the safeguarding route is configured (issue 44)', () => {
  quietExpectedLibraryErrors();
  const captured = captureLines();
  let dir: string;
  let connector: FakeConnector;
  let bot: ProductionBot;
  let reference = '';

  const env = (route: Record<string, string | undefined>) => ({
    ...route, CONCERN_ENCRYPTION_KEY: KEY, SQLITE_PATH: path.join(dir, 'bot.sqlite'), POLICY_OWNERS: PEOPLE.owner.aadObjectId,
  });
  const saidTo = (p: Person) => connector.deliveries.filter((d) => [`a:${p.aadObjectId}`, `a:${p.id}`].includes(d.conversationId));
  const textTo = (p: Person) => saidTo(p).map((d) => readableText(d.activity)).join('\n');
  const message = (p: Person, text: string) => bot.post({ type: 'message', text, textFormat: 'plain', from: p, conversation: personal(p), channelData });
  const execute = (p: Person, verb: string, data: unknown, replyToId = 'receipt-44') => bot.post({
    type: 'invoke', name: 'adaptiveCard/action', from: p, conversation: personal(p), channelData, replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  const invoke = (p: Person, name: string, value: unknown) => bot.post({ type: 'invoke', name, from: p, conversation: personal(p), channelData, value });
  const logLines = () => captured.lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-not-configured-'));
    connector = await startFakeConnector({ ratePerSecond: 0 });
    bot = await startProductionBot(env(ROUTE_NOT_SET), createLogger('info', captured.destination), { connector });
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when production starts without the route, then it starts, and says once, as an error, "safeguarding route not configured" with everything missing', () => {
    const said = logLines().filter((l) => l.event === 'safeguardingRoute.notConfigured');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 50 });
    expect(String(said[0].msg)).toContain(`safeguarding route not configured: missing ${MISSING}`);
  });

  it('when a member of staff asks a question, then it is answered', async () => {
    const before = saidTo(PEOPLE.reporter).length;
    expect((await message(PEOPLE.reporter, 'Can I accept a friend request from a parent?')).status).toBe(200);
    const reply = readableText(saidTo(PEOPLE.reporter).slice(before).map((d) => d.activity));
    expect(reply).toMatch(/friend/i);
    expect(reply).not.toMatch(/something went wrong/i);
  });

  it('when "report a concern" is asked for, then both steps of the form and the message-action dialog carry the warning at the top', async () => {
    const before = saidTo(PEOPLE.reporter).length;
    await message(PEOPLE.reporter, 'report a concern');
    const stepOne = readableText(saidTo(PEOPLE.reporter).slice(before).map((d) => d.activity));
    expect(stepOne.indexOf(WARNING)).toBeGreaterThanOrEqual(0);
    expect(stepOne.indexOf(WARNING)).toBeLessThan(stepOne.indexOf('Step 1 of 2'));
    expect(stepOne).toContain('Tell IT');

    const stepTwo = readableText((await execute(PEOPLE.reporter, Verbs.concernChooseKind, { kind: 'childSafety' })).body);
    expect(stepTwo.indexOf(WARNING)).toBeGreaterThanOrEqual(0);
    expect(stepTwo.indexOf(WARNING)).toBeLessThan(stepTwo.indexOf('Step 2 of 2'));

    const dialog = readableText((await invoke(PEOPLE.reporter, 'composeExtension/fetchTask', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', messagePayload: { body: { contentType: 'text', content: 'meet me later' } },
    })).body);
    expect(dialog.indexOf(WARNING)).toBeGreaterThanOrEqual(0);
    expect(dialog.indexOf(WARNING)).toBeLessThan(dialog.indexOf('Step 1 of 2'));
  });

  it('when a report is submitted, then it is stored encrypted and waits, and the receipt says it has NOT been sent and to go to the DSL in person with the reference', async () => {
    const res = await execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ whatHappened: WHAT_HAPPENED }));
    expect(res.status).toBe(200);
    const receipt = readableText(res.body);
    reference = /SG-\d{4}-[0-9A-Z]{6}/.exec(receipt)?.[0] ?? '';
    expect(reference).not.toBe('');
    expect(receipt).toContain('It has NOT been sent yet');
    expect(receipt).toContain(`Go to the DSL or a deputy in person now and give them the reference ${reference}`);
    expect(receipt).not.toMatch(/being delivered|It has reached/);

    expect(bot.rowCounts().concerns).toBe(1);
    const outbox = bot.app.db.prepare("SELECT state FROM concern_outbox WHERE task LIKE '%\"route\"%'").all();
    expect(outbox).toEqual([{ state: 'pending' }]);
    const file = ['bot.sqlite', 'bot.sqlite-wal'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
    expect(file).not.toContain('ZEBRA-44');
    // Nowhere to post it: nothing went to any channel or chat but the reporter's and the owner's.
    expect(connector.calls.filter((c) => c.conversationId.startsWith('19:'))).toEqual([]);
  });

  it('when a report waits, then the policy owner is told its reference and why, and nothing of it; the reporter is not told a second, different story', async () => {
    const told = await eventually(() => textTo(PEOPLE.owner), (t) => t.includes(`Safeguarding report ${reference} is waiting`), 'owner told');
    expect(told).toContain(`missing ${MISSING}`);
    expect(told).not.toContain('ZEBRA-44');
    expect(textTo(PEOPLE.reporter)).not.toMatch(/Teams would not deliver|has NOT reached anyone/);
  });

  it('when a report is filed from a message\'s menu, then the dialog closes saying it has NOT been sent and to go to the DSL in person', async () => {
    const res = await invoke(PEOPLE.reporter, 'composeExtension/submitAction', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', data: concernForm({ whatHappened: 'ZEBRA-44 again, from a message' }),
    });
    const text = readableText(res.body);
    expect(text).toMatch(/Your reference is SG-\d{4}-[0-9A-Z]{6}\. Your report SG-\d{4}-[0-9A-Z]{6} has NOT been sent yet/);
    expect(text).toContain('Go to the DSL or a deputy in person now');
  });

  it('when IT reads /healthz?detail=1, then it says not configured, the destination chosen (team-channel, not "none") and what is missing, naming no one', async () => {
    const text = await (await fetch(`${bot.base}/healthz?detail=1`)).text();
    const route = (JSON.parse(text) as { safeguardingRoute: Record<string, unknown> }).safeguardingRoute;
    expect(route).toMatchObject({ destination: 'team-channel', state: 'unconfigured', configured: false, missing: MISSING.split(', '), reportsGoTo: 'nowhere yet: reports wait' });
    expect(String(route.summary)).toContain(`safeguarding route not configured: missing ${MISSING}`);
    for (const p of Object.values(PEOPLE)) for (const secret of [p.name, p.aadObjectId, p.id]) expect(text).not.toContain(secret);
  });

  it('when an owner types help, then it says NOT CONFIGURED with what is missing; a member of staff does not see it', async () => {
    const ownerBefore = saidTo(PEOPLE.owner).length;
    await message(PEOPLE.owner, 'help');
    const owner = readableText(saidTo(PEOPLE.owner).slice(ownerBefore).map((d) => d.activity));
    expect(owner).toContain(`Safeguarding route: NOT CONFIGURED. Missing: ${MISSING}.`);
    const staffBefore = saidTo(PEOPLE.reporter).length;
    await message(PEOPLE.reporter, 'help');
    expect(readableText(saidTo(PEOPLE.reporter).slice(staffBefore).map((d) => d.activity))).not.toContain('NOT CONFIGURED');
  });

  it('when the bot restarts with the route configured, then the waiting reports go out through the outbox at start and the reporter is told each has arrived', async () => {
    await bot.close();
    const member = (p: Person) => ({ id: p.id, aadObjectId: p.aadObjectId, name: p.name, userRole: 'user' as const, tenantId: TENANT });
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
    const reporterBefore = saidTo(PEOPLE.reporter).length;
    bot = await startProductionBot(env(ROUTE_SET), createLogger('info', captured.destination), { connector });

    const alerts = connector.deliveries.filter((d) => d.conversationId.startsWith(CHANNEL)).map((d) => readableText(d.activity));
    expect(alerts.filter((a) => a.includes(reference))).toHaveLength(1);
    expect(alerts).toHaveLength(2);
    expect(alerts.join('\n')).not.toContain('ZEBRA-44');
    const toReporter = readableText(saidTo(PEOPLE.reporter).slice(reporterBefore).map((d) => d.activity));
    expect(toReporter).toContain(`Your report ${reference} has now arrived: it has reached the Designated Safeguarding Lead team`);
    expect(connector.updates.some((u) => u.activityId === 'receipt-44' && readableText(u.activity).includes('It has now arrived'))).toBe(true);

    const db = openSqliteDatabase(path.join(dir, 'bot.sqlite'));
    try {
      expect(db.prepare("SELECT state FROM concern_outbox WHERE task LIKE '%\"route\"%'").all()).toEqual([{ state: 'done' }, { state: 'done' }]);
    } finally {
      db.close();
    }
    expect(logLines().filter((l) => l.event === 'safeguardingRoute.notConfigured')).toHaveLength(1);
  });
});
