import { FakeConnector, startFakeConnector, TEAMS_REFUSALS } from '../../../support/fakeConnector';
import { Verbs } from '../../../../src/teams/verbs';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { cardProblems } from '../../../support/cardAssertions';
import { formFor, SECRET_TEXT } from '../domain/concernFakes';
import { CHANNEL, cardOf, cardsIn, ENV, PEOPLE, Person, referenceIn, startBot } from './concernBotDriver';
import { connectorViews, eventually, member } from './routeTestKit';

/**
 * Issue 42: the safeguarding route is checked, not assumed. Over real HTTP against the fake connector, which answers
 * the member list and refuses a conversation with the status and body Teams uses (TEAMS_REFUSALS).
 */

const TEAM = '19:sg-team-general@thread.tacv2';

describe('the safeguarding route, checked and used (issue 42)', () => {
  let connector: FakeConnector;
  let db: SqliteDatabase;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);

  const start = async (env: Record<string, string> = ENV, undeliveredAlertMs?: number) => {
    bot = await startBot(connector.url, db, env, 60_000, now, {
      owners: [PEOPLE.owner.aadObjectId], teamsOrigin: { channelId: 'msteams', serviceUrl: connector.url, tenantId: 'tenant-1' }, undeliveredAlertMs,
    });
  };

  beforeEach(async () => {
    offset = 0;
    connector = await startFakeConnector({ ratePerSecond: 0 });
    db = openSqliteDatabase(':memory:');
  });
  afterEach(async () => {
    await bot?.close();
    await connector.close();
    db.close();
  });

  const saidTo = (p: Person) => connectorViews(connector).saidTo(p);
  const postsIn = (conversation: string) => connectorViews(connector).postsIn(conversation);
  const exportOf = async (ref: string) => {
    const before = saidTo(PEOPLE.dsl).length;
    await bot.message(PEOPLE.dsl, `concern export ${ref}`);
    return saidTo(PEOPLE.dsl).slice(before).join('');
  };

  test('when someone outside SAFEGUARDING_TEAM is in the channel, then the start-up check tells the DSL team and the owners in their 1:1 chat, and /healthz says the route is broken without names', async () => {
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy), member(PEOPLE.outsider, 'guest')]);
    await start();
    const stop = bot.feature.startRouteChecks();
    try {
      const told = await eventually(() => saidTo(PEOPLE.dsl), (t) => t.length > 0, 'the DSL was not told');
      expect(told[0]).toContain('1 person in the channel is not on the bot\'s list of the safeguarding team');
      for (const p of [PEOPLE.deputy, PEOPLE.owner]) {
        expect((await eventually(() => saidTo(p), (t) => t.length > 0, 'not told')).join('')).toContain('1 person in the channel is not on the bot\'s list of the safeguarding team');
      }
      // Who it is stays out of every message and of the health detail.
      for (const text of [...told, JSON.stringify(bot.feature.routeHealthDetail())]) {
        for (const secret of [PEOPLE.outsider.name, PEOPLE.outsider.aadObjectId, PEOPLE.outsider.id]) expect(text).not.toContain(secret);
      }
      const health = bot.feature.routeHealthDetail();
      // A place with someone outside the team is a broken route (issue 49): alerts go 1:1 until it is clean.
      expect(health).toMatchObject({ destination: 'team-channel', state: 'broken', membersOutsideTeam: 1, problems: ['outsiders'], reportsGoTo: 'each member 1:1' });
      expect(JSON.stringify(health)).not.toContain(CHANNEL);
      expect(bot.feature.routeStatusLines().join('\n')).toContain('1 person in the channel is not on the bot\'s list of the safeguarding team');
    } finally {
      stop();
    }
  });

  test('when the bot is added to a team whose safeguarding channel is private, then the DSL is told, and reports go to each member 1:1 without trying the channel', async () => {
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
    connector.setTeamChannels(TEAM, [{ id: TEAM, name: 'General', type: 'standard' }, { id: CHANNEL, name: 'Safeguarding', type: 'private' }]);
    await start();
    const added = await bot.send({
      type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }], from: PEOPLE.dsl,
      conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' }, eventType: 'teamMemberAdded', team: { id: TEAM, name: 'Safeguarding team' } },
    });
    expect(added.status).toBe(200);
    expect(saidTo(PEOPLE.dsl).join('')).toContain('The channel is a private channel. Teams may refuse bot posts there');
    // Nothing was posted in the team (no welcome card there, nothing about the check).
    expect(postsIn(TEAM)).toEqual([]);
    expect(bot.feature.routeHealthDetail()).toMatchObject({ state: 'broken', channelType: 'private', reportsGoTo: 'each member 1:1' });

    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    expect(postsIn(CHANNEL)).toEqual([]);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy]) expect(saidTo(p).join('')).toContain(`Safeguarding concern ${ref}`);
    expect(await exportOf(ref)).toContain('Delivered to each member of the safeguarding team 1:1 (2 of 2 reached): the shared place was refused earlier');
  });

  test('when the bot is removed from the channel, then the check finds it is not a member and the DSL team and owners are told plainly', async () => {
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
    await start();
    connector.refusing.set(CHANNEL, TEAMS_REFUSALS.notInRoster);
    await bot.send({
      type: 'conversationUpdate', membersRemoved: [{ id: '28:bot' }], from: PEOPLE.dsl,
      conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' }, eventType: 'teamMemberRemoved', team: { id: TEAM } },
    });
    for (const p of [PEOPLE.dsl, PEOPLE.deputy, PEOPLE.owner]) {
      expect(saidTo(p).join('')).toContain('The bot is not a member of the channel (Teams: BotNotInConversationRoster)');
    }
    expect(bot.feature.routeHealthDetail()).toMatchObject({ state: 'broken', problems: ['botNotInPlace'] });
  });

  test('when Teams refuses the post in the channel, then the report goes at once to each member 1:1 with the same alert, the case records it, the DSL is told once, and later reports skip the channel until a test alert finds it fixed', async () => {
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
    connector.refusing.set(CHANNEL, TEAMS_REFUSALS.notInRoster);
    await start();
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    expect(JSON.stringify(cardOf(sent.body))).toContain('It has reached the Designated Safeguarding Lead team');
    // One try at the channel (a refusal is not retried), then each member 1:1 with the alert: reference, no details.
    // (botbuilder's connector client repeats a refused post once by itself; before this the bot tried three times,
    // each repeated, with back-off between them, before any other route.)
    const refusedPosts = postsIn(CHANNEL).length;
    expect(postsIn(CHANNEL).map((c) => c.status)).toEqual(Array(refusedPosts).fill(403));
    expect(refusedPosts).toBeLessThanOrEqual(2);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy]) {
      const alert = connector.deliveries.find((d) => d.conversationId === `a:${p.aadObjectId}` && d.activity.attachments && JSON.stringify(d.activity).includes(ref))!;
      expect(cardProblems(cardsIn({ body: alert.activity } as never)[0])).toEqual([]);
      expect(JSON.stringify(alert.activity)).not.toContain(SECRET_TEXT.whatHappened);
    }
    const broken = (p: Person) => saidTo(p).filter((t) => t.includes('Safeguarding route broken'));
    expect(broken(PEOPLE.dsl)).toEqual([expect.stringContaining(`Teams refused the bot's post of report ${ref} in the channel (403 BotNotInConversationRoster)`)]);
    expect(broken(PEOPLE.owner)).toHaveLength(1);
    const record = await exportOf(ref);
    expect(record).toContain('Delivery to the Designated Safeguarding Lead team failed (HTTP_403 BotNotInConversationRoster): Teams refused it, so it was not tried again straight away');
    expect(record).toContain('Delivered to each member of the safeguarding team 1:1 (2 of 2 reached): the shared place refused the post');

    // A second report does not try the channel again, and nobody is told again.
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('other'));
    const second = referenceIn(db);
    expect(postsIn(CHANNEL)).toHaveLength(refusedPosts);
    expect(saidTo(PEOPLE.dsl).join('')).toContain(`Safeguarding concern ${second}`);
    expect(broken(PEOPLE.dsl)).toHaveLength(1);

    // Fixed (the bot added back): the DSL's test alert finds it works, and the next report goes to the channel again.
    connector.refusing.clear();
    await bot.message(PEOPLE.dsl, 'test alert');
    expect(saidTo(PEOPLE.dsl).at(-1)).toContain('Test alert posted');
    expect(postsIn(CHANNEL).at(-1)).toMatchObject({ status: 201 });
    expect(String(postsIn(CHANNEL).at(-1)!.body.text)).toContain('Test alert from School Policy Bot, sent by Dana DSL');
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    expect(JSON.stringify(postsIn(CHANNEL).at(-1)!.body)).toContain(referenceIn(db));
  });

  test('when a DSL sends a test alert, then it arrives in the place, no case is created, and the audit says who sent it and when; anyone else is refused; neither reply names a setting', async () => {
    connector.setMembers(CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
    await start();
    await bot.message(PEOPLE.outsider, 'send a test alert');
    expect(saidTo(PEOPLE.outsider)).toEqual(['Only the safeguarding team and the deputy DSL can send a test alert. If you are on the safeguarding team, ask IT to add you to the bot\'s list of the team.']);
    await bot.message(PEOPLE.dsl, 'send a test alert');
    const reply = saidTo(PEOPLE.dsl).at(-1)!;
    expect(reply).toContain('Test alert posted');
    expect(reply).toContain('No case was created');
    expect(reply).toContain('2 people in it, all on the safeguarding team');
    // What a DSL reads is in their words: the settings' names are IT's (docs/settings.md, the logs, /healthz).
    for (const said of [reply, ...saidTo(PEOPLE.outsider)]) expect(said).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    expect(postsIn(CHANNEL)).toHaveLength(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n).toBe(0);
    const audit = db.prepare("SELECT concern_id, type FROM concern_events WHERE type = 'testAlertSent'").all();
    expect(audit).toEqual([{ concern_id: null, type: 'testAlertSent' }]);
  });

  test('when a report reaches no one within the time allowed, then the reporter is told plainly to go to the DSL in person, the owners are told it is waiting without its details, and the reporter is told when it arrives', async () => {
    // The channel refuses the bot, and the tenant admin has turned the app off for both members of the team.
    connector.refusing.set(CHANNEL, TEAMS_REFUSALS.notInRoster);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy]) connector.refusing.set(`a:${p.aadObjectId}`, TEAMS_REFUSALS.disabledByAdmin);
    await start(ENV, 200);
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    expect(JSON.stringify(cardOf(sent.body))).toContain('If it has not arrived within two minutes, I will tell you here');
    // The time allowed (200 ms here) passes on the bot's clock, which the test moves: the delivery watch is due.
    offset += 300;
    await bot.feature.processOutbox();

    const toReporter = saidTo(PEOPLE.reporter).join('\n');
    expect(toReporter).toContain(`Your report ${ref} has NOT reached anyone yet`);
    expect(toReporter).toContain(`Please go to the DSL or a deputy in person now and give them the reference ${ref}`);
    // The receipt no longer says "being delivered".
    const receipt = connector.updates.find((u) => u.conversationId === 'a:personal-29:reporter' && u.activityId === 'card-1');
    expect(JSON.stringify(receipt?.activity)).toContain('It has NOT arrived: it has reached no one yet.');
    const toOwner = saidTo(PEOPLE.owner).join('\n');
    expect(toOwner).toContain(`Safeguarding report ${ref} is waiting: it has reached no one for 1 minute`);
    for (const secret of [...Object.values(SECRET_TEXT), PEOPLE.reporter.name]) expect(toOwner).not.toContain(secret);

    // The route comes back: the next run delivers it, and the reporter is told it has arrived.
    connector.refusing.clear();
    offset = 61_000;
    await bot.feature.processOutbox();
    expect(saidTo(PEOPLE.reporter).join('\n')).toContain(`Your report ${ref} has now arrived: it has reached the Designated Safeguarding Lead team`);
    const updated = connector.updates.filter((u) => u.activityId === 'card-1').at(-1);
    expect(JSON.stringify(updated?.activity)).toContain('It has now arrived');
    expect(await exportOf(ref)).toContain('Had reached no one after 1 minute: the reporter was told to go to the DSL or a deputy in person');
  });

  test('when the destination is a group chat, then the alert goes there and the team triages it there as in a channel', async () => {
    const CHAT = '19:sg-chat@thread.v2';
    const env = { ...ENV, CONCERN_DSL_CHANNEL_ID: '', SAFEGUARDING_DESTINATION: 'group-chat', SAFEGUARDING_CHAT_ID: CHAT };
    await start(env);
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    const [alert] = postsIn(CHAT);
    expect(JSON.stringify(alert.body)).toContain(ref);
    expect(JSON.stringify(alert.body)).not.toContain(SECRET_TEXT.whatHappened);
    const chat = { id: CHAT, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' };
    const opened = await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref }, chat, 'chat-alert');
    expect(JSON.stringify(cardOf(opened.body))).toContain(SECRET_TEXT.whatHappened);
    const acked = await bot.execute(PEOPLE.dsl, Verbs.concernAcknowledge, { reference: ref }, chat, 'chat-alert');
    expect(JSON.stringify(cardOf(acked.body))).toContain('Dana DSL: Acknowledged');
    const put = connector.updates.filter((u) => u.conversationId.startsWith(CHAT));
    expect(JSON.stringify(put.at(-1)!.activity)).toContain('Acknowledged, being dealt with');
    expect(JSON.stringify(put)).not.toContain(SECRET_TEXT.whatHappened);
  });

  test('when the destination is one-to-one, then each member gets the alert, a member triages it in their own chat (Assign there too), and the other member\'s alert shows it acknowledged', async () => {
    const env = { ...ENV, CONCERN_DSL_CHANNEL_ID: '', SAFEGUARDING_DESTINATION: 'one-to-one' };
    await start(env);
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    expect(JSON.stringify(cardOf(sent.body))).toContain('It has reached the Designated Safeguarding Lead team');
    const alerts = connector.deliveries.filter((d) => JSON.stringify(d.activity).includes(`Safeguarding concern ${ref}`));
    expect(alerts.map((d) => d.conversationId).sort()).toEqual([`a:${PEOPLE.deputy.aadObjectId}`, `a:${PEOPLE.dsl.aadObjectId}`]);
    const dslChat = { id: `a:${PEOPLE.dsl.aadObjectId}`, conversationType: 'personal', tenantId: 'tenant-1' };
    const dslAlert = alerts.find((d) => d.conversationId === dslChat.id)!;
    const opened = cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref }, dslChat, dslAlert.activityId)).body);
    expect(JSON.stringify(opened)).toContain(SECRET_TEXT.whatHappened);
    expect(JSON.stringify(opened)).toContain('"title":"Assign"');
    await bot.execute(PEOPLE.dsl, Verbs.concernAcknowledge, { reference: ref }, dslChat, dslAlert.activityId);
    const deputyAlert = alerts.find((d) => d.conversationId === `a:${PEOPLE.deputy.aadObjectId}`)!;
    const update = connector.updates.find((u) => u.conversationId === deputyAlert.conversationId && u.activityId === deputyAlert.activityId);
    expect(JSON.stringify(update?.activity)).toContain('Acknowledged, being dealt with');
    expect(JSON.stringify(update?.activity)).not.toContain(SECRET_TEXT.whatHappened);
  });

  test('when Teams fails the alert\'s post, then nothing is posted in its place ("Sorry, something went wrong") and the report is not taken as delivered until the alert itself is posted', async () => {
    await start();
    connector.failNext(1, 413);
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    expect(JSON.stringify(cardOf(sent.body))).toContain('It has reached the Designated Safeguarding Lead team');
    const inChannel = postsIn(CHANNEL).filter((c) => c.status === 201);
    expect(inChannel.map((c) => JSON.stringify(c.body).includes(`Safeguarding concern ${ref}`))).toEqual([true]);
    expect(JSON.stringify(connector.calls.map((c) => c.body))).not.toContain('Sorry, something went wrong');
    expect(await exportOf(ref)).toContain('Delivered to the Designated Safeguarding Lead team');
    expect(bot.logLines()).not.toContain('turn failed');
  });
});
