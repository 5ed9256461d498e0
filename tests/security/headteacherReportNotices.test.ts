import { FakeConnector, startFakeConnector, TEAMS_REFUSALS } from '../support/fakeConnector';
import { Verbs } from '../../src/teams/verbs';
import { openSqliteDatabase, SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { formFor, SECRET_TEXT } from '../features/concerns/domain/concernFakes';
import { CHANNEL, ENV, PEOPLE, Person, referenceIn, startBot } from '../features/concerns/teams/concernBotDriver';

/**
 * A report about the headteacher that reaches no one, over real HTTP with the composed bot (settings, outbox, route
 * check, Teams messaging): the headteacher is the DSL here (on SAFEGUARDING_TEAM) and a policy owner. Before, the
 * two-minute notice went to them 1:1 twice over and was posted in the safeguarding channel they read, with the
 * reference and "it was for the chair of governors", and the reporter was sent to "the DSL or a deputy": the head.
 */
const HEAD: Person = { id: '29:head', aadObjectId: ENV.CONCERN_HEADTEACHER, name: 'Hana Head' };
const CHAIR = ENV.CONCERN_CHAIR_OF_GOVERNORS;

describe('a report about the headteacher that reaches no one', () => {
  let connector: FakeConnector;
  let db: SqliteDatabase;
  let bot: Awaited<ReturnType<typeof startBot>>;

  beforeEach(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    db = openSqliteDatabase(':memory:');
  });
  afterEach(async () => {
    await bot?.close();
    await connector.close();
    db.close();
  });

  const saidTo = (p: Pick<Person, 'id' | 'aadObjectId'>) => connector.deliveries
    .filter((d) => [`a:${p.aadObjectId}`, `a:${p.id}`, `a:personal-${p.id}`].includes(d.conversationId))
    .map((d) => (typeof d.activity.text === 'string' ? d.activity.text : JSON.stringify(d.activity.attachments ?? '')));

  test('when neither the chair nor the deputy DSL can be reached, then the headteacher (DSL and owner) hears nothing of it, nothing is posted in the channel, the owners are not told, the DSL is, and the reporter is sent to a deputy DSL or the chair', async () => {
    const env = { ...ENV, SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=Dana DSL,${HEAD.aadObjectId}=Hana Head` };
    // The tenant admin has turned the app off for the chair and the deputy: the report (and any notice) cannot reach them.
    for (const id of [CHAIR, PEOPLE.deputy.aadObjectId]) connector.refusing.set(`a:${id}`, TEAMS_REFUSALS.disabledByAdmin);
    // The bot's clock is the test's: the time a report may reach no one before people are told (two minutes, 200 ms
    // here) passes when the test moves the clock, not while the test sleeps.
    let offset = 0;
    const now = () => new Date(Date.now() + offset);
    bot = await startBot(connector.url, db, env, 60_000, now, {
      owners: [PEOPLE.owner.aadObjectId, HEAD.aadObjectId], teamsOrigin: { channelId: 'msteams', serviceUrl: connector.url, tenantId: 'tenant-1' }, undeliveredAlertMs: 200,
    });
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('allegation', { aboutHeadteacher: 'true' }));
    const ref = referenceIn(db);
    offset += 300;
    await bot.feature.processOutbox();

    // The DSL who is not the head is told it waits, with nothing of it.
    const toDsl = saidTo(PEOPLE.dsl).join('\n');
    expect(toDsl).toContain(`Safeguarding report ${ref} is waiting`);
    expect(toDsl).toContain('(it was for the chair of governors)');
    for (const secret of [...Object.values(SECRET_TEXT), PEOPLE.reporter.name]) expect(toDsl).not.toContain(secret);

    // The head, in every chat the bot could open with them; the channel; the owner who is not the head.
    expect(saidTo(HEAD)).toEqual([]);
    expect(connector.calls.filter((c) => c.conversationId.startsWith(CHANNEL))).toEqual([]);
    expect(saidTo(PEOPLE.owner)).toEqual([]);
    // Every call to Teams that carries the reference goes to someone entitled: the chair and the deputy (refused), the DSL, the reporter.
    const entitled = [`a:${CHAIR}`, `a:${PEOPLE.deputy.aadObjectId}`, `a:${PEOPLE.dsl.aadObjectId}`, 'a:personal-29:reporter'];
    const carrying = connector.calls.filter((c) => JSON.stringify(c.body).includes(ref));
    expect(carrying.length).toBeGreaterThan(0);
    for (const c of carrying) expect(entitled).toContain(c.conversationId);

    const toReporter = saidTo(PEOPLE.reporter).join('\n');
    expect(toReporter).toContain(`Your report ${ref} has NOT reached anyone yet`);
    expect(toReporter).toContain(`Please go to a deputy DSL or the chair of governors in person now and give them the reference ${ref}`);
    expect(toReporter).not.toContain('the DSL or a deputy');
    const receipt = connector.updates.filter((u) => u.conversationId === 'a:personal-29:reporter' && u.activityId === 'card-1').at(-1);
    expect(JSON.stringify(receipt?.activity)).toContain(`Go to a deputy DSL or the chair of governors in person now and give them the reference ${ref}`);
  });
});
