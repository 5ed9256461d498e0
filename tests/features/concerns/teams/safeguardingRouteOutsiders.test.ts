import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { Verbs } from '../../../../src/teams/verbs';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { cardProblems } from '../../../support/cardAssertions';
import { formFor, SECRET_TEXT } from '../domain/concernFakes';
import { CHANNEL, cardsIn, ENV, PEOPLE, referenceIn, startBot } from './concernBotDriver';
import { connectorViews, eventually, member } from './routeTestKit';

/**
 * Issue 49, item 3: a safeguarding place (the group chat, or the channel's team) that holds someone not on
 * SAFEGUARDING_TEAM is a broken route. Alerts go to each member of the team and the deputy DSL 1:1 until a later check
 * finds only the team there; the DSL team and the owners are told why (counts, never names); the case record says where
 * each report went and why. Over real HTTP against the fake connector's member lists.
 */

const TEAM = '19:sg-team-general@thread.tacv2';
const CHAT = '19:sg-chat@thread.v2';
/** The DSL alone on SAFEGUARDING_TEAM, the deputy DSL named apart: the deputy may be in the place, and is alerted 1:1. */
const BASE = { ...ENV, SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=Dana DSL` };
const PLACES = {
  'group-chat': { id: CHAT, words: 'group chat', env: { ...BASE, CONCERN_DSL_CHANNEL_ID: '', SAFEGUARDING_DESTINATION: 'group-chat', SAFEGUARDING_CHAT_ID: CHAT } },
  'team-channel': { id: CHANNEL, words: 'channel', env: { ...BASE, CONCERN_DSL_CHANNEL_ID: '', SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: CHANNEL } },
} as const;
type Destination = keyof typeof PLACES;

describe('a safeguarding place holding someone not on SAFEGUARDING_TEAM (issue 49, item 3)', () => {
  let connector: FakeConnector;
  let db: SqliteDatabase;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let stopChecks: (() => void) | undefined;
  let seen: ReturnType<typeof connectorViews>;

  const start = async (env: Record<string, string>) => {
    bot = await startBot(connector.url, db, env, 60_000, undefined, {
      owners: [PEOPLE.owner.aadObjectId], teamsOrigin: { channelId: 'msteams', serviceUrl: connector.url, tenantId: 'tenant-1' },
    });
  };

  beforeEach(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    db = openSqliteDatabase(':memory:');
    seen = connectorViews(connector);
    connector.setTeamChannels(TEAM, [{ id: TEAM, name: 'General', type: 'standard' }, { id: CHANNEL, name: 'Safeguarding', type: 'standard' }]);
  });
  afterEach(async () => {
    stopChecks?.();
    stopChecks = undefined;
    await bot?.close();
    await connector.close();
    db.close();
  });

  const exportOf = async (ref: string) => {
    const before = seen.saidTo(PEOPLE.dsl).length;
    await bot.message(PEOPLE.dsl, `concern export ${ref}`);
    return seen.saidTo(PEOPLE.dsl).slice(before).join('');
  };
  /** Files an urgent child-safety report; returns its reference. */
  let reportsFiled = 0;
  // Each one told apart (its time): the same urgent report sent again is recognised, not filed twice (issue 69).
  const fileUrgentReport = async () => {
    reportsFiled += 1;
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety', { immediateDanger: 'true', whenHappened: `Just now (report ${reportsFiled})` }));
    expect(sent.status).toBe(200);
    return referenceIn(db);
  };
  const postedIn = (place: string, ref: string) => seen.postsIn(place).filter((c) => JSON.stringify(c.body).includes(ref));
  /** Starts the bot with the place holding the DSL, the deputy and one outsider, and waits for the start-up check. */
  const startWithOutsider = async (destination: Destination, dailyEveryMs?: number) => {
    const place = PLACES[destination];
    connector.setMembers(place.id, [member(PEOPLE.dsl), member(PEOPLE.deputy), member(PEOPLE.outsider)]);
    await start(place.env);
    stopChecks = bot.feature.startRouteChecks(dailyEveryMs);
    await eventually(() => bot.feature.routeHealthDetail(), (h) => h.checkedAt !== null, 'the start-up check did not run');
    return place;
  };
  /** The bot added back to the place (the chat, or the team the channel belongs to), as Teams says it. */
  const botAddedBack = (destination: Destination) => bot.send({
    type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }], from: PEOPLE.dsl,
    ...(destination === 'group-chat'
      ? { conversation: { id: CHAT, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' } }
      : { conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
        channelData: { tenant: { id: 'tenant-1' }, eventType: 'teamMemberAdded', team: { id: TEAM, name: 'Safeguarding team' } } }),
  });
  /** A person added to or removed from the place, as Teams tells a bot that is in it. */
  const membersChanged = (destination: Destination, change: 'membersAdded' | 'membersRemoved') => bot.send({
    type: 'conversationUpdate', [change]: [{ id: PEOPLE.outsider.id, aadObjectId: PEOPLE.outsider.aadObjectId }], from: PEOPLE.dsl,
    ...(destination === 'group-chat'
      ? { conversation: { id: CHAT, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' } }
      : { conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
        channelData: { tenant: { id: 'tenant-1' }, eventType: change === 'membersAdded' ? 'teamMemberAdded' : 'teamMemberRemoved', team: { id: TEAM } } }),
  });

  describe.each(Object.keys(PLACES) as Destination[])('with SAFEGUARDING_DESTINATION=%s', (destination) => {
    test('when the place holds an outsider, then the DSL team and the owners are told (counts only) that alerts go 1:1, an urgent report reaches each member and the deputy 1:1 and nothing reaches the place, and the case record says why', async () => {
      const place = await startWithOutsider(destination);
      const told = (p: typeof PEOPLE.dsl) => seen.saidTo(p).filter((t) => t.includes('Safeguarding route check'));
      for (const p of [PEOPLE.dsl, PEOPLE.deputy, PEOPLE.owner]) {
        const text = (await eventually(() => told(p), (t) => t.length > 0, 'not told')).join('\n');
        expect(text).toContain(`1 person in the ${place.words} is not on the bot's list of the safeguarding team`);
        expect(text).toContain('alerts are not posted there: they go to each member of the safeguarding team and the deputy DSL 1:1');
      }
      expect(bot.feature.routeHealthDetail()).toMatchObject({ state: 'broken', membersOutsideTeam: 1, problems: ['outsiders'], reportsGoTo: 'each member 1:1' });
      // The owners' help and the DSL's test alert say where alerts go now, not only where they are set to go.
      expect(bot.feature.routeStatusLines()[0]).toContain('until the problem below is fixed they go to each member of the safeguarding team and the deputy DSL 1:1');

      const ref = await fileUrgentReport();
      // Nothing of the report reaches the place: not its reference, kind, urgency or time.
      expect(postedIn(place.id, ref)).toEqual([]);
      expect(seen.postsIn(place.id)).toEqual([]);
      for (const p of [PEOPLE.dsl, PEOPLE.deputy]) {
        const [alert] = seen.alertsTo(p, ref);
        expect(alert).toBeDefined();
        expect(cardProblems(cardsIn({ body: alert.activity } as never)[0])).toEqual([]);
        expect(JSON.stringify(alert.activity)).not.toContain(SECRET_TEXT.whatHappened);
      }
      expect(seen.alertsTo(PEOPLE.outsider, ref)).toEqual([]);
      const record = await exportOf(ref);
      expect(record).toContain(`Delivered to each member of the safeguarding team 1:1 (2 of 2 reached): not posted in the ${place.words}, `
        + 'where the route check of ');
      expect(record).toContain('found 1 person not on the bot\'s list of the safeguarding team');
      // Who the outsider is stays out of every message, the record and the health detail.
      const everything = [...EVERY_TOLD(), record, JSON.stringify(bot.feature.routeHealthDetail())].join('\n');
      for (const secret of [PEOPLE.outsider.name, PEOPLE.outsider.aadObjectId, PEOPLE.outsider.id]) expect(everything).not.toContain(secret);
    });

    test('when a DSL sends "test alert" while the place holds an outsider, then it is not posted there: it goes to each member 1:1, as reports do, and the DSL is told why', async () => {
      const place = await startWithOutsider(destination);
      await bot.message(PEOPLE.dsl, 'test alert');
      const reply = seen.saidTo(PEOPLE.dsl).at(-1)!;
      expect(reply).toContain(`Test alert not posted in the ${place.words}: 1 person in it is not on the bot's list of the safeguarding team.`);
      expect(reply).toContain('It went to each member of the safeguarding team and the deputy DSL 1:1 instead (2 of 2 reached)');
      expect(seen.postsIn(place.id)).toEqual([]);
      for (const p of [PEOPLE.dsl, PEOPLE.deputy]) {
        expect(seen.saidTo(p).some((t) => t.startsWith('Test alert from School Policy Bot, sent by Dana DSL'))).toBe(true);
      }
      expect(seen.saidTo(PEOPLE.outsider)).toEqual([]);
    });

    test.each(['test alert', 'the daily check', 'the bot added back', 'the outsider removed'] as const)(
      'when the outsider has gone and %s finds the place clean, then the DSL team is told it works again and the next report goes to the place',
      async (recovery) => {
        const place = await startWithOutsider(destination, recovery === 'the daily check' ? 150 : undefined);
        const first = await fileUrgentReport();
        expect(postedIn(place.id, first)).toEqual([]);

        connector.setMembers(place.id, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
        if (recovery === 'test alert') {
          await bot.message(PEOPLE.dsl, 'test alert');
          expect(seen.saidTo(PEOPLE.dsl).at(-1)).toContain('Test alert posted');
        } else if (recovery === 'the bot added back') {
          expect((await botAddedBack(destination)).status).toBe(200);
        } else if (recovery === 'the outsider removed') {
          expect((await membersChanged(destination, 'membersRemoved')).status).toBe(200);
        }
        await eventually(() => bot.feature.routeHealthDetail(), (h) => h.state === 'ok', 'the route did not recover');
        expect(bot.feature.routeHealthDetail()).toMatchObject({ reportsGoTo: destination === 'group-chat' ? 'group chat' : 'team channel', problems: [] });
        for (const p of [PEOPLE.dsl, PEOPLE.deputy, PEOPLE.owner]) {
          await eventually(() => seen.saidTo(p).join('\n'), (t) => t.includes('it works again'), 'not told it works again');
        }

        const second = await fileUrgentReport();
        expect(postedIn(place.id, second).map((c) => c.status)).toEqual([201]);
        expect(seen.alertsTo(PEOPLE.dsl, second)).toEqual([]);
        const record = await exportOf(second);
        expect(record).toContain('Delivered to the Designated Safeguarding Lead team');
        // '1:1' as the record writes a delivery to each member, never the digits of a time (a report filed at 11:12 reads T11:12).
        expect(record).not.toMatch(/(?<!\d)1:1(?!\d)/);
      },
    );

    test('when someone outside the team is added to a place that was clean, then the bot checks at once and the next report goes 1:1, without waiting for the daily check', async () => {
      const place = PLACES[destination];
      connector.setMembers(place.id, [member(PEOPLE.dsl), member(PEOPLE.deputy)]);
      await start(place.env);
      stopChecks = bot.feature.startRouteChecks();
      await eventually(() => bot.feature.routeHealthDetail(), (h) => h.state === 'ok', 'the start-up check did not find it clean');

      connector.setMembers(place.id, [member(PEOPLE.dsl), member(PEOPLE.deputy), member(PEOPLE.outsider, 'guest')]);
      expect((await membersChanged(destination, 'membersAdded')).status).toBe(200);
      expect(bot.feature.routeHealthDetail()).toMatchObject({ state: 'broken', problems: ['outsiders'], reportsGoTo: 'each member 1:1' });
      expect(seen.saidTo(PEOPLE.dsl).join('\n')).toContain(`1 person in the ${place.words} is not on the bot's list of the safeguarding team`);

      const ref = await fileUrgentReport();
      expect(postedIn(place.id, ref)).toEqual([]);
      expect(seen.alertsTo(PEOPLE.dsl, ref)).toHaveLength(1);
      expect(seen.alertsTo(PEOPLE.deputy, ref)).toHaveLength(1);
    });
  });

  test('when nobody can be alerted 1:1 (local mode without SAFEGUARDING_TEAM or a deputy DSL) and the place holds people, then the report is still not posted there: it falls back, and the record says why', async () => {
    const env = { ...PLACES['group-chat'].env, SAFEGUARDING_TEAM: '', CONCERN_DEPUTY_DSL: '', CONCERN_FALLBACK_ROUTE: 'seniorManager' };
    connector.setMembers(CHAT, [member(PEOPLE.dsl), member(PEOPLE.outsider)]);
    await start(env);
    stopChecks = bot.feature.startRouteChecks();
    await eventually(() => bot.feature.routeHealthDetail(), (h) => h.state === 'broken', 'the start-up check did not find the outsiders');
    const ref = await fileUrgentReport();
    expect(seen.postsIn(CHAT)).toEqual([]);
    const toSeniorManager = connector.deliveries.filter((d) => d.conversationId === 'a:aad-senior-manager' && JSON.stringify(d.activity).includes(ref));
    expect(toSeniorManager).toHaveLength(1);
    const events = db.prepare(`SELECT type FROM concern_events e JOIN concerns c ON c.id = e.concern_id WHERE c.reference = ?`).all(ref) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['routeFailed', 'routed']));
  });

  /** Everything the bot said to anyone in a 1:1 chat. */
  const EVERY_TOLD = () => Object.values(PEOPLE).flatMap((p) => seen.saidTo(p));
});
