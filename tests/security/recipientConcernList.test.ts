import { Verbs } from '../../src/teams/verbs';
import { concernForm, PEOPLE, readableText, SecurityBot, startSecurityBot } from './securityHarness';

/**
 * An outside walk-through (2026-11-29): the headteacher and the senior manager could open a report sent to them only
 * from its card; `concerns` told them "Only the safeguarding team can list concerns". Each person reports are sent to
 * by name now lists the open ones sent to them, and nothing else: never a child's safety report, never one sent to
 * someone else, never in a chat others read.
 */
const newest = (bot: SecurityBot): string => (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;

describe('"concerns" typed by someone reports are sent to', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot.close(); });

  const lastTextTo = (person: { aadObjectId: string }) => {
    const said = bot.connector.deliveries.filter((d) => d.conversationId === `a:${person.aadObjectId}`).at(-1);
    return readableText(said?.activity);
  };

  test('when the headteacher lists, then they see the allegation sent to them and not the child\'s safety report; in a group chat nothing is listed; a teacher is refused', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ whatHappened: 'A pupil told me about bruises at home.' }));
    const childSafety = newest(bot);
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({
      kind: 'allegation', whatHappened: 'A supply teacher shouted at a pupil and grabbed his arm.', peopleInvolved: 'a supply teacher', notAboutHeadteacher: 'true',
    }));
    const allegation = newest(bot);
    expect(allegation).not.toBe(childSafety);

    await bot.message(PEOPLE.head, 'concerns');
    const listed = lastTextTo(PEOPLE.head);
    expect(listed).toContain(allegation);
    expect(listed).not.toContain(childSafety);
    expect(listed).not.toContain('grabbed his arm');

    const group = { id: '19:staffroom@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-security' };
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.head, 'concerns', group);
    const inGroup = bot.connector.deliveries.slice(before).map((d) => readableText(d.activity)).join('\n');
    expect(inGroup).not.toContain(allegation);
    expect(inGroup).toMatch(/private|1:1|own chat/i);

    await bot.message(PEOPLE.reporter, 'concerns');
    expect(readableText(bot.connector.deliveries.at(-1)?.activity)).toMatch(/Only the safeguarding team, and those reports are sent to, can list concerns/);
  });
});
