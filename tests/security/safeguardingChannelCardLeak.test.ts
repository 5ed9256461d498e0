import { startFakeConnector } from '../support/fakeConnector';
import { Verbs } from '../../src/teams/verbs';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { formFor, SECRET_TEXT } from '../features/concerns/domain/concernFakes';
import { CHANNEL, cardOf, ENV, PEOPLE, referenceIn, startBot } from '../features/concerns/teams/concernBotDriver';

/**
 * Issue 42, found while making the DSL's card stay open: teams-ai keeps one response setting per card verb, and the
 * first answer that carried `refresh` (any case opened in a 1:1 chat) switched it to "replace for everyone" for the
 * life of the process. From then on an Open or Acknowledge in the safeguarding channel replaced the channel's message,
 * for everyone in it, with the case: the report's details. Every concern verb now answers for itself (cardResponse.ts).
 */
describe('case details never replace the channel message (issue 42)', () => {
  test('when a DSL has opened a case in their 1:1 chat, then opening and acknowledging it in the channel still shows the details only to them', async () => {
    const connector = await startFakeConnector({ ratePerSecond: 0 });
    const db = openSqliteDatabase(':memory:');
    const bot = await startBot(connector.url, db, ENV);
    try {
      await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
      const ref = referenceIn(db);
      const privately = cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref })).body);
      expect(JSON.stringify(privately)).toContain(SECRET_TEXT.whatHappened);
      // In a 1:1 chat the case replaces the message: only the DSL sees it there.
      expect(connector.updates.filter((u) => u.conversationId === 'a:personal-29:dsl').length).toBe(1);

      for (const verb of [Verbs.concernOpen, Verbs.concernAcknowledge, Verbs.concernOpen]) {
        const answer = await bot.execute(PEOPLE.dsl, verb, { reference: ref }, bot.channel, 'alert-1');
        expect(JSON.stringify(cardOf(answer.body))).toContain(SECRET_TEXT.whatHappened);
      }
      const channelUpdates = connector.updates.filter((u) => u.conversationId.startsWith(CHANNEL));
      expect(channelUpdates.length).toBeGreaterThanOrEqual(1);
      for (const u of channelUpdates) {
        for (const secret of [...Object.values(SECRET_TEXT), PEOPLE.reporter.name]) expect(JSON.stringify(u.activity)).not.toContain(secret);
      }
    } finally {
      await bot.close();
      await connector.close();
      db.close();
    }
  });
});
