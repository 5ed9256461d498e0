import { Verbs } from '../../src/teams/verbs';
import { REPORT_CONCERN_COMMAND_ID } from '../../src/features/concerns';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';
import { FakeConnector, startFakeConnector, TEAMS_REFUSALS } from '../support/fakeConnector';
import { ProductionBot, ProductionPost, startProductionBot } from '../support/productionBot';
import { captureLines, concernForm, PEOPLE, Person, readableText } from './securityHarness';
import { createLogger } from '../../src/shared/logger';
import { waitFor } from '../support/waitFor';

/**
 * Issue 49, item 1: one member of staff pressing "Read the full section" thousands of times held up every urgent alert
 * (20 s) and /healthz. Card presses were not counted against the person's limits, every press posted a message drawing
 * on the app's one budget with Teams, and waiting senders were not served in order. Here, over HTTP in production mode
 * (real token checks) against the fake connector, with Teams' budget set low so that the flooder's messages queue: the
 * presses past the person's budget are answered "slow down" and send nothing, and the colleague's urgent report reaches
 * the safeguarding team (the channel, or each of them 1:1 when Teams refuses the channel) ahead of the queued messages.
 * Timings are measured by bench/pressFlood.ts, not here.
 */
const TENANT = 'tenant-1';
const CHANNEL = '19:safeguarding-flood@thread.tacv2';
const PRESSES_PER_HOUR = 8;
const SEND_RATE = 2;
const FLOOD = 40;
const REPORT_TEXT = 'FLOOD-49 a pupil showed me messages from an adult asking to meet';
const FLOODER: Person = { id: '29:flood-staff', aadObjectId: 'aad-flood-staff', name: 'Fenella Floodgate' };
const COLLEAGUE = PEOPLE.reporter;
const SLOW_DOWN = /pressed a lot of buttons in a short time, so I am pausing: nothing was done for this one\. You can press it again at \d{2}:\d{2}/;

const personal = (p: Person) => ({ id: `a:${p.aadObjectId}`, conversationType: 'personal', tenantId: TENANT });
const press = (person: Person, verb: string, data: unknown) => ({
  type: 'invoke', name: 'adaptiveCard/action', from: person, conversation: personal(person), channelData: { tenant: { id: TENANT } },
  replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
});
/** What the client shows for an Action.Execute answered with a message. */
const shown = (r: ProductionPost): string => String((r.body as { value?: unknown } | undefined)?.value ?? '');

/** Waits for what the bot sends on its own, at Teams' pace (two a second here): up to 20 s, failing with what was seen. */
async function eventually<T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
  const found = await waitFor(() => {
    const v = read();
    return ok(v) ? { v } : undefined;
  }, { what, seen: read, timeoutMs: 20_000, intervalMs: 25 });
  return found.v;
}

describe.each([
  ['the team channel', false],
  ['each of the team 1:1, Teams refusing the channel', true],
])('one person floods card presses while a colleague reports an urgent concern: the alert goes to %s', (_where, channelRefused) => {
  quietExpectedLibraryErrors();
  const captured = captureLines();
  let connector: FakeConnector;
  let bot: ProductionBot;

  beforeAll(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    const member = (p: Person) => ({ ...p, userRole: 'user' as const, tenantId: TENANT });
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
    if (channelRefused) connector.refusing.set(CHANNEL, TEAMS_REFUSALS.notInRoster);
    bot = await startProductionBot({
      SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: CHANNEL, CONCERN_DSL_CHANNEL_ID: undefined,
      SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name},${PEOPLE.deputy.aadObjectId}=${PEOPLE.deputy.name}`,
      CONCERN_DEPUTY_DSL: PEOPLE.deputy.aadObjectId, ALLOWED_TENANT_IDS: TENANT,
      // Teams' budget low enough that the flooder's section messages wait in line while the report is made: the last of
      // them goes 3.5 s after the first, where the report reaches the budget within half a second on a loaded machine.
      SEND_RATE_PER_SECOND: String(SEND_RATE), PRESSES_PER_PERSON_PER_HOUR: String(PRESSES_PER_HOUR),
    }, createLogger('info', captured.destination), { connector });
  });

  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });

  it('when the presses pass the person\'s budget, then the rest are answered "slow down" with nothing sent, and the alert goes before the queued messages', async () => {
    const sections = () => connector.deliveries.filter((d) => d.conversationId === personal(FLOODER).id);
    const toTeam = (d: { conversationId: string }) => d.conversationId.startsWith(CHANNEL) || d.conversationId === `a:${PEOPLE.dsl.aadObjectId}` || d.conversationId === `a:${PEOPLE.deputy.aadObjectId}`;
    const flood = Array.from({ length: FLOOD }, () => bot.post(press(FLOODER, Verbs.readSection, { section: '5' })));
    // The first section messages reach Teams; the rest of the allowed ones wait for the budget.
    await eventually(() => sections().length, (n) => n >= 1, 'no section message reached Teams');
    const health = await fetch(`${bot.base}/healthz`);
    expect(health.status).toBe(200);

    const sectionsBeforeReport = sections().length;
    expect(sectionsBeforeReport).toBeLessThan(PRESSES_PER_HOUR);
    const receipt = await bot.post(press(COLLEAGUE, Verbs.concernSubmit, concernForm({ immediateDanger: 'true', whatHappened: REPORT_TEXT })));
    expect(receipt.status).toBe(200);
    const reference = /SG-\d{4}-[0-9A-Z]{6}/.exec(readableText(receipt.body))?.[0];
    expect(reference).toBeDefined();
    const answers = await Promise.all(flood);

    // Only the budget's presses were acted on: each sent its section; every other one was told to slow down, on its card.
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => /^Section 5\..* is below\.$/.test(shown(a)))).toHaveLength(PRESSES_PER_HOUR);
    const slowed = answers.filter((a) => SLOW_DOWN.test(shown(a)));
    expect(slowed).toHaveLength(FLOOD - PRESSES_PER_HOUR);
    expect((slowed[0].body as { type?: string }).type).toBe('application/vnd.microsoft.activity.message');
    await eventually(() => sections().length, (n) => n === PRESSES_PER_HOUR, 'the allowed sections did not all arrive');
    expect(sections()).toHaveLength(PRESSES_PER_HOUR);

    // The alert (or, with the channel refused, its 1:1 fallbacks) went ahead of the section messages still waiting: in
    // the order Teams got them, sections queued before the report came after the alert. (How soon after the report it
    // went is a time, measured by bench/pressFlood.ts: under load, sections that were already due can go first.)
    const alerts = await eventually(() => connector.deliveries.filter((d) => toTeam(d) && JSON.stringify(d.activity).includes(reference!)),
      (found) => found.length >= (channelRefused ? 2 : 1), 'the alert did not reach the team');
    const firstAlert = connector.deliveries.indexOf(alerts[0]);
    const sectionsAfterAlert = connector.deliveries.slice(firstAlert + 1).filter((d) => d.conversationId === personal(FLOODER).id).length;
    expect(sectionsAfterAlert).toBeGreaterThanOrEqual(1);
    if (channelRefused) expect([...new Set(alerts.map((a) => a.conversationId))].sort()).toEqual([`a:${PEOPLE.deputy.aadObjectId}`, `a:${PEOPLE.dsl.aadObjectId}`]);
    else expect(alerts[0].conversationId.startsWith(CHANNEL)).toBe(true);
    // The colleague's receipt says where it went.
    expect(readableText(receipt.body)).toContain(reference!);
  });

  it('when the flooder presses another button or opens the report dialog, then each is answered "slow down" in the way its client shows, with nothing sent', async () => {
    const before = connector.deliveries.length;
    const other = await bot.post(press(FLOODER, Verbs.showContents, {}));
    expect(shown(other)).toMatch(SLOW_DOWN);
    const dialog = await bot.post({
      type: 'invoke', name: 'composeExtension/fetchTask', from: FLOODER, conversation: personal(FLOODER), channelData: { tenant: { id: TENANT } },
      value: { commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', messagePayload: { body: { content: 'x' } } },
    });
    expect(dialog.body).toMatchObject({ task: { type: 'message' } });
    expect(readableText(dialog.body)).toMatch(SLOW_DOWN);
    expect(connector.deliveries.length).toBe(before);
  });

  it('when a person\'s Action.Submit presses (messages carrying card data) pass the budget, then the rest do nothing and one notice says when to press again', async () => {
    const person = PEOPLE.outsider;
    const submit = () => bot.post({ type: 'message', from: person, conversation: personal(person), channelData: { tenant: { id: TENANT } }, value: { verb: 'x.unknown' } });
    for (let i = 0; i < PRESSES_PER_HOUR; i++) expect((await submit()).status).toBe(200);
    const before = connector.deliveries.length;
    for (let i = 0; i < 3; i++) expect((await submit()).status).toBe(200);
    const sent = connector.deliveries.slice(before);
    expect(sent.map((d) => d.conversationId)).toEqual([personal(person).id]);
    expect(readableText(sent[0].activity)).toMatch(SLOW_DOWN);
  });

  it('when the limit is met, then the log says so (the kind, and how many more were refused) without the person, their text or the report', () => {
    const lines = captured.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const reached = lines.filter((l) => l.event === 'limit.reached');
    expect(reached.length).toBeGreaterThanOrEqual(1);
    expect(reached[0]).toMatchObject({ kind: 'press', urgent: false, alsoRefused: 0 });
    // One line when the person is first slowed, not one per refused press.
    expect(reached.length).toBeLessThan(FLOOD - PRESSES_PER_HOUR);
    const all = captured.lines.join('\n');
    for (const secret of [FLOODER.aadObjectId, FLOODER.name, FLOODER.id, COLLEAGUE.aadObjectId, COLLEAGUE.name, REPORT_TEXT, PEOPLE.outsider.aadObjectId]) {
      expect(all).not.toContain(secret);
    }
  });
});
