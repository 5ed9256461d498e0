import { concernForm, DSL_CHANNEL, PEOPLE, personalConversation, readableText, SecurityBot, startSecurityBot } from './securityHarness';
import { DEFAULT_PERSON_LIMITS } from '../../src/config/coreSettings';
import { Verbs } from '../../src/teams/verbs';

/**
 * Issue 69, item 5: the eighth report in an hour from one person, marked "Someone is in immediate danger", was refused:
 * only the first urgent report in an hour went past the report budget. A head or DSL writing up an incident involving
 * several children files several urgent reports at once. An urgent report is never refused; the same report sent again
 * is recognised (answered with the first one's reference) and not recorded or alerted twice. Ordinary reports past the
 * budget are still slowed.
 */
const SLOWED = /several reports in a short time/;
const reportsFiled = (bot: SecurityBot): number => (bot.app.db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n;
const newest = (bot: SecurityBot): string => (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
const alertsToDsl = (bot: SecurityBot): number => bot.connector.deliveries.filter((d) => d.conversationId.startsWith(DSL_CHANNEL)).length;
const urgent = (child: string) => concernForm({
  immediateDanger: 'true', whatHappened: `${child} said at break that an older boy from the park is waiting for her after school today.`,
  peopleInvolved: child,
});

describe(`urgent reports past the report budget (the default ${DEFAULT_PERSON_LIMITS.reportsPerHour} an hour)`, () => {
  let bot: SecurityBot;
  let lastReference = '';
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it('when a head has used the hour\'s report budget, then each further urgent report is filed and alerted with its own reference, and an ordinary one is still slowed', async () => {
    const head = PEOPLE.head;
    for (let i = 0; i < DEFAULT_PERSON_LIMITS.reportsPerHour; i++) {
      expect((await bot.execute(head, Verbs.concernSubmit, concernForm({ whatHappened: `Earlier incident number ${i} written up.` }))).status).toBe(200);
    }
    const filed = reportsFiled(bot);
    const ordinary = await bot.execute(head, Verbs.concernSubmit, concernForm({ whatHappened: 'One more ordinary write-up.' }));
    expect(readableText(ordinary.body)).toMatch(SLOWED);
    expect(reportsFiled(bot)).toBe(filed);

    const alertsBefore = alertsToDsl(bot);
    const children = ['Amy', 'Bella', 'Cara'];
    for (const [i, child] of children.entries()) {
      const answer = await bot.execute(head, Verbs.concernSubmit, urgent(child));
      expect(readableText(answer.body)).not.toMatch(SLOWED);
      expect(reportsFiled(bot)).toBe(filed + i + 1);
      lastReference = newest(bot);
      expect(readableText(answer.body)).toContain(lastReference);
    }
    expect(alertsToDsl(bot)).toBe(alertsBefore + children.length);
  });

  it('when the same urgent report is sent again, then it is answered with the first one\'s reference and neither recorded nor alerted twice', async () => {
    const filed = reportsFiled(bot);
    const alerts = alertsToDsl(bot);
    const again = await bot.execute(PEOPLE.head, Verbs.concernSubmit, urgent('Cara'));
    expect(again.status).toBe(200);
    const shown = readableText(again.body);
    expect(shown).toContain(lastReference);
    expect(shown).toMatch(/already/i);
    expect(shown).not.toMatch(SLOWED);
    expect(reportsFiled(bot)).toBe(filed);
    expect(alertsToDsl(bot)).toBe(alerts);
  });

  it('when the "Report a concern" dialog sends an urgent report past the budget, then it is filed and the dialog gives its reference', async () => {
    const filed = reportsFiled(bot);
    const answer = await bot.post({
      type: 'invoke', name: 'composeExtension/submitAction', from: PEOPLE.head, conversation: personalConversation(PEOPLE.head),
      value: { commandId: 'reportConcern', commandContext: 'message', data: urgent('Dora') },
    });
    expect(answer.status).toBe(200);
    expect(reportsFiled(bot)).toBe(filed + 1);
    expect(readableText(answer.body)).toContain(newest(bot));
    expect(readableText(answer.body)).not.toMatch(SLOWED);
  });

  it('when a head past the budget sends a child\'s safety report that needs looking at today, then it is filed and alerted; a routine one, or another kind for today, is still slowed', async () => {
    // The head used the hour's budget in the first case: a routine child's safety report is held, with the text kept.
    const filed = reportsFiled(bot);
    const routine = await bot.execute(PEOPLE.head, Verbs.concernSubmit, concernForm({ whatHappened: 'Eve has a bruise on her cheek again.', howSoon: 'routine' }));
    expect(readableText(routine.body)).toMatch(SLOWED);
    expect(readableText(routine.body)).toContain('Eve has a bruise on her cheek again.');
    const otherKind = await bot.execute(PEOPLE.head, Verbs.concernSubmit, concernForm({
      kind: 'onlineAbuse', whatHappened: 'A parent posted abuse about a colleague.', where: 'Facebook', howSoon: 'today',
    }));
    expect(readableText(otherKind.body)).toMatch(SLOWED);
    expect(reportsFiled(bot)).toBe(filed);

    const alerts = alertsToDsl(bot);
    for (const child of ['Eve', 'Fern']) {
      const today = await bot.execute(PEOPLE.head, Verbs.concernSubmit, concernForm({ whatHappened: `${child} has a bruise on her cheek again.`, peopleInvolved: child, howSoon: 'today' }));
      expect(readableText(today.body)).not.toMatch(SLOWED);
      expect(readableText(today.body)).toContain(newest(bot));
    }
    expect(reportsFiled(bot)).toBe(filed + 2);
    expect(alertsToDsl(bot)).toBe(alerts + 2);
  });

  it('when a teacher\'s sends are refused as incomplete several times over, then none of them counts as a report, and the complete one is filed', async () => {
    const teacher = PEOPLE.outsider;
    const filed = reportsFiled(bot);
    // More refused sends than the hour's report budget: "When it happened" left empty each time.
    for (let i = 0; i <= DEFAULT_PERSON_LIMITS.reportsPerHour; i++) {
      const refused = await bot.execute(teacher, Verbs.concernSubmit, concernForm({ whenHappened: '', whatHappened: `A pupil said something worrying, try ${i}.` }));
      expect(readableText(refused.body)).toMatch(/Nothing has been sent yet/);
      expect(readableText(refused.body)).not.toMatch(SLOWED);
    }
    expect(reportsFiled(bot)).toBe(filed);
    const complete = await bot.execute(teacher, Verbs.concernSubmit, concernForm({ whatHappened: 'A pupil said her step-dad hits her mum at home.', howSoon: 'today' }));
    expect(readableText(complete.body)).not.toMatch(SLOWED);
    expect(reportsFiled(bot)).toBe(filed + 1);
  });
});
