import { startBotInPlayground, BotInPlayground, cardText, PLAYGROUND_USERS, PLAYGROUND_SAFEGUARDING_CHANNEL_ID, PLAYGROUND_TEAM_ID } from '../../../support/playground';
import { Verbs } from '../../../../src/teams/verbs';
import { playgroundConcernDefaults } from '../../../../scripts/playground';
import { capturedLogger, formFor, SECRET_TEXT } from '../domain/concernFakes';

/**
 * Issue 42 in the Microsoft 365 Agents Playground, with the whole app (the policy feature's welcome card included):
 * the bot added to the team, the check, the test alert, and a report for the channel and for the one-to-one place.
 */

const [alex, megan] = PLAYGROUND_USERS;
const TEAM_ENV = {
  SAFEGUARDING_TEAM: `${alex.aadObjectId}=${alex.name},${megan.aadObjectId}=${megan.name}`,
  SAFEGUARDING_DESTINATION: 'team-channel',
  SAFEGUARDING_CHANNEL_ID: PLAYGROUND_SAFEGUARDING_CHANNEL_ID,
  CONCERN_DEPUTY_DSL: megan.aadObjectId,
  POLICY_OWNERS: alex.aadObjectId,
};

const PERSONAL = 'personal-chat-id';

describe('the safeguarding route in the Agents Playground (issue 42)', () => {
  let running: BotInPlayground | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const install = async (conversationId: string) => {
    const res = await fetch(`http://127.0.0.1:${running!.pg.playground.port}/_debug/conversation/${conversationId}/installation`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    expect(res.status).toBe(200);
  };

  test('when the bot is added to the team, then no welcome card is posted in the team or the Safeguarding channel, the DSL is told the four people not on the team break the route, and "test alert" comes to the DSL 1:1, not to the channel', async () => {
    running = await startBotInPlayground(TEAM_ENV);
    const { pg } = running;
    await install(PLAYGROUND_TEAM_ID);
    await install(PLAYGROUND_SAFEGUARDING_CHANNEL_ID);
    const told = await pg.waitFor((m) => m.conversationId === PERSONAL && (m.text ?? '').includes('Safeguarding route check'));
    // The Playground's channel holds all six of its people: four are not on the team (Megan, the deputy, is).
    expect(told.text).toContain('4 people in the channel are not on the bot\'s list of the safeguarding team, so safeguarding alerts are not posted there');
    await new Promise((r) => setTimeout(r, 500));
    const inTeam = pg.messages.filter((m) => m.conversationId.startsWith(PLAYGROUND_TEAM_ID) || m.conversationId.startsWith(PLAYGROUND_SAFEGUARDING_CHANNEL_ID));
    expect(inTeam).toEqual([]);

    const mark = pg.messages.length;
    await pg.say('test alert');
    await pg.waitFor((m) => m.conversationId === PERSONAL && (m.text ?? '').startsWith('Test alert from School Policy Bot, sent by Alex Wilber'), { from: mark });
    const reply = await pg.waitFor((m) => m.conversationId === PERSONAL && (m.text ?? '').startsWith('Test alert not posted in the channel'), { from: mark });
    expect(reply.text).toContain('No case was created');
    expect(pg.messages.filter((m) => m.conversationId.startsWith(PLAYGROUND_SAFEGUARDING_CHANNEL_ID))).toEqual([]);
    const health = await (await fetch(`http://127.0.0.1:${running.bot.port}/healthz?detail=1`)).json() as { safeguardingRoute: Record<string, unknown> };
    expect(health.safeguardingRoute).toMatchObject({ destination: 'team-channel', state: 'broken', channelType: 'standard', membersOutsideTeam: 4, reportsGoTo: 'each member 1:1' });
  });

  test('when everyone in the channel is on SAFEGUARDING_TEAM, then "test alert" posts in the channel', async () => {
    running = await startBotInPlayground({ ...TEAM_ENV, SAFEGUARDING_TEAM: PLAYGROUND_USERS.map((u) => `${u.aadObjectId}=${u.name}`).join(',') });
    const { pg } = running;
    await install(PLAYGROUND_TEAM_ID);
    const mark = pg.messages.length;
    await pg.say('test alert');
    await pg.waitFor((m) => m.conversationId.startsWith(PLAYGROUND_SAFEGUARDING_CHANNEL_ID) && (m.text ?? '').includes('Test alert from School Policy Bot, sent by Alex Wilber'), { from: mark });
    const reply = await pg.waitFor((m) => m.conversationId === PERSONAL && (m.text ?? '').startsWith('Test alert posted'), { from: mark });
    expect(reply.text).toContain('6 people in it, all on the safeguarding team');
    const health = await (await fetch(`http://127.0.0.1:${running.bot.port}/healthz?detail=1`)).json() as { safeguardingRoute: Record<string, unknown> };
    expect(health.safeguardingRoute).toMatchObject({ destination: 'team-channel', state: 'ok', membersOutsideTeam: 0, reportsGoTo: 'team channel' });
  });

  test('when the destination is one-to-one, then a report reaches the DSL\'s own chat as the alert, and opening it there shows the case', async () => {
    running = await startBotInPlayground({ ...TEAM_ENV, SAFEGUARDING_CHANNEL_ID: '', SAFEGUARDING_DESTINATION: 'one-to-one', SAFEGUARDING_TEAM: `${alex.aadObjectId}=${alex.name}`, CONCERN_DEPUTY_DSL: alex.aadObjectId });
    const { pg } = running;
    await pg.say('report a concern');
    const form = await pg.waitFor((m) => m.conversationId === PERSONAL && cardText(m).includes('Report a concern'));
    const submitted = await pg.execute(Verbs.concernSubmit, formFor('childSafety', { howSoon: 'today' }), { replyToId: form.messageId });
    expect(JSON.stringify(submitted.body)).toContain('It has reached the Designated Safeguarding Lead team');
    const alert = await pg.waitFor((m) => m.conversationId === PERSONAL && cardText(m).includes('Needs looking at today'));
    expect(cardText(alert)).not.toContain(SECRET_TEXT.whatHappened);
    const reference = /SG-\d{4}-[0-9A-Z]{6}/.exec(cardText(alert))![0];
    const opened = await pg.execute(Verbs.concernOpen, { reference }, { replyToId: alert.messageId });
    expect(JSON.stringify(opened.body)).toContain(SECRET_TEXT.whatHappened);
    const acked = await pg.execute(Verbs.concernAcknowledge, { reference }, { replyToId: alert.messageId });
    expect(JSON.stringify(acked.body)).toContain('Alex Wilber (acknowledged it; not assigned yet)');
  });

  test('when local mode\'s defaults are used, then every kind of report lands where the Playground shows it, and none waits for a chat it cannot show', async () => {
    running = await startBotInPlayground({ ...playgroundConcernDefaults(), POLICY_OWNERS: alex.aadObjectId });
    const { pg } = running;
    await pg.say('report a concern');
    const form = await pg.waitFor((m) => m.conversationId === PERSONAL && cardText(m).includes('Report a concern'));
    const cases: [string, Record<string, string>, 'channel' | 'personal'][] = [
      ['childSafety', {}, 'channel'], ['onlineAbuse', {}, 'personal'], ['colleagueConduct', {}, 'channel'],
      ['allegation', {}, 'channel'], ['other', {}, 'channel'], ['allegation', { aboutHeadteacher: 'true' }, 'personal'],
    ];
    for (const [kind, extra, place] of cases) {
      const mark = pg.messages.length;
      const sent = await pg.execute(Verbs.concernSubmit, formFor(kind, extra), { replyToId: form.messageId });
      const text = JSON.stringify(sent.body);
      const reference = /SG-\d{4}-[0-9A-Z]{6}/.exec(text)?.[0];
      expect({ kind, extra, reached: text.includes('It has reached') }).toEqual({ kind, extra, reached: true });
      const where = place === 'channel' ? PLAYGROUND_SAFEGUARDING_CHANNEL_ID : PERSONAL;
      await pg.waitFor((m) => m.conversationId.startsWith(where) && cardText(m).includes(reference!), { from: mark });
    }
  });

  test('when a newcomer starts local mode on its defaults, then the sample is a clean route: the check finds no one outside the team, their first help opens with no route warning, and nothing is logged at warn (npm run local\'s level, printed as JSON)', async () => {
    const log = capturedLogger();
    running = await startBotInPlayground({ ...playgroundConcernDefaults(), POLICY_OWNERS: alex.aadObjectId }, { logger: log.logger });
    const { pg } = running;
    await install(PLAYGROUND_TEAM_ID);
    const health = async () => ((await (await fetch(`http://127.0.0.1:${running!.bot.port}/healthz?detail=1`)).json()) as { safeguardingRoute: Record<string, unknown> }).safeguardingRoute;
    for (const deadline = Date.now() + 15_000; (await health()).state !== 'ok' && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 200));
    expect(await health()).toMatchObject({ destination: 'team-channel', state: 'ok', membersOutsideTeam: 0, problems: [], reportsGoTo: 'team channel' });
    const mark = pg.messages.length;
    await pg.say('help');
    const help = await pg.waitFor((m) => m.conversationId === PERSONAL && /help|ask/i.test(cardText(m) + (m.text ?? '')), { from: mark });
    const shown = cardText(help) + (help.text ?? '');
    expect(shown).toMatch(/it works, 6 people in it, all on the safeguarding team/);
    expect(shown).not.toMatch(/not on SAFEGUARDING_TEAM|not on the bot's list|broken|until the problem/i);
    expect(pg.messages.slice(mark).filter((m) => /Safeguarding route check/.test(m.text ?? ''))).toEqual([]);
    const warned = log.lines().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 40);
    expect(warned.map((l) => l.msg)).toEqual([]);
  });
});
