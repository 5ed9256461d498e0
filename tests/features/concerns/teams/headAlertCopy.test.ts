import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { Verbs } from '../../../../src/teams/verbs';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { formFor, SECRET_TEXT } from '../domain/concernFakes';
import { ENV, PEOPLE, referenceIn, startBot } from './concernBotDriver';

/**
 * A second outside review (2026-11-29): where the headteacher is on the safeguarding team and alerts reach each member
 * 1:1, the head's alert becomes the whole case when they press Open on it. When a member then marked the report as about
 * the head, the withdrawn copy was turned back into an alert with an Open button (every alert copy is brought up to date),
 * inviting a press that the chair would be told of. The feature over the real server and store, with a fake connector.
 */
const HEAD = { id: '29:head', aadObjectId: 'aad-head', name: 'Hana Head' };
const HEAD_CHAT = { id: 'a:aad-head', conversationType: 'personal', tenantId: 'tenant-1' };

describe('the alert the headteacher opened in their own chat, when the report proves to be about them', () => {
  let connector: FakeConnector;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let db: SqliteDatabase;
  afterEach(async () => { await bot.close(); await connector.close(); db.close(); });

  test('when a member marks it, then that copy ends withdrawn, not an alert again', async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    db = openSqliteDatabase(':memory:');
    const { CONCERN_DSL_CHANNEL_ID: _channel, ...rest } = ENV;
    bot = await startBot(connector.url, db, {
      ...rest, SAFEGUARDING_DESTINATION: 'one-to-one', CONCERN_ROUTES: 'allegation=dslChannel',
      SAFEGUARDING_TEAM: `${ENV.SAFEGUARDING_TEAM},aad-head=Hana Head`,
    });
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('allegation'));
    const reference = referenceIn(db);
    await bot.feature.processOutbox();
    const alertId = connector.deliveries.find((d) => d.conversationId === HEAD_CHAT.id)!.activityId;
    const dslAlertId = connector.deliveries.find((d) => d.conversationId === `a:${PEOPLE.dsl.aadObjectId}`)!.activityId;

    const opened = await bot.execute(HEAD, Verbs.concernOpen, { reference }, HEAD_CHAT, alertId);
    expect(JSON.stringify(opened.body)).toContain(SECRET_TEXT.whatHappened);
    await bot.execute(PEOPLE.dsl, Verbs.concernAboutHeadteacher, { reference }, { id: `a:${PEOPLE.dsl.aadObjectId}`, conversationType: 'personal', tenantId: 'tenant-1' }, dslAlertId);

    const last = connector.updates.filter((u) => u.conversationId === HEAD_CHAT.id && u.activityId === alertId).at(-1);
    expect(JSON.stringify(last?.activity)).toContain('passed on to someone else to deal with');
    expect(JSON.stringify(last?.activity)).not.toContain('Open');
  });
});
