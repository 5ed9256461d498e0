import { concernForm, DSL_CHANNEL, PEOPLE, Person, personalConversation, readableText, SecurityBot, startSecurityBot } from './securityHarness';
import { DEFAULT_PERSON_LIMITS } from '../../src/config/coreSettings';
import { Verbs } from '../../src/teams/verbs';
import { ORDINARY_SERIES } from '../support/modelItems';

/**
 * Issue 40, hole 3 (second half): nothing limited how many reports or questions one person sends. Each person has a
 * budget of reports and one of questions; a flood is slowed with a kind message saying when to try again, a refused
 * report comes back as the form with the person's text, and an urgent report is never refused (issue 69: not only the
 * first in an hour; the same one sent again is recognised instead).
 */
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const alertsToDsl = (bot: SecurityBot): number => bot.connector.deliveries.filter((d) => d.conversationId.startsWith(DSL_CHANNEL)).length;
/** Reports filed by anyone (the reporter is encrypted at rest; each test compares before and after). */
const reportsFiled = (bot: SecurityBot): number => (bot.app.db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n;
const repliesTo = (bot: SecurityBot, person: Person) => bot.connector.deliveries.filter((d) => d.conversationId === personalConversation(person).id);
/** Questions logged (their text is sealed at rest; each test compares counts before and after). */
const questionsLogged = (bot: SecurityBot): number => (bot.app.db.prepare('SELECT COUNT(*) AS n FROM policy_questions').get() as { n: number }).n;

describe('per-person limits with the default settings', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it('when one person sends the same urgent report 21 times and then ordinary reports, then the urgent one is filed and alerted once, and the ordinary flood is slowed', async () => {
    const answers = [];
    for (let i = 0; i < 21; i++) {
      answers.push(await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ immediateDanger: 'true', whatHappened: 'The same urgent report again' })));
    }
    const first = bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id LIMIT 1').get() as { reference: string };
    expect(reportsFiled(bot)).toBe(1);
    expect(alertsToDsl(bot)).toBe(1);
    for (const answer of answers) expect(readableText(answer.body)).toContain(first.reference);
    for (let i = 0; i < 21; i++) {
      answers.push(await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ whatHappened: `Flood report number ${i}` })));
    }
    const filed = reportsFiled(bot);
    expect(filed).toBeLessThanOrEqual(DEFAULT_PERSON_LIMITS.reportsPerHour);
    expect(alertsToDsl(bot)).toBeLessThanOrEqual(filed);

    // The last one comes back as the form the person filled, saying when to try again and what to do now.
    const last = answers[41];
    expect(last.status).toBe(200);
    expect((last.body as { type?: string }).type).toBe(ADAPTIVE);
    const shown = readableText(last.body);
    expect(shown).toContain('Flood report number 20');
    expect(shown).toMatch(/999/);
    expect(shown).toMatch(/DSL in person/);
    expect(shown).toMatch(/try again at \d{2}:\d{2}/i);
  });

  it('when a person reads the whole policy a section at a time with "Read the full section", twice over, then every press is answered with its section and none is slowed', async () => {
    const reader = PEOPLE.dsl;
    const doc = bot.app.library.primary!;
    const numbered = doc.sections.filter((sec) => sec.number !== null);
    expect(numbered.length).toBeGreaterThan(10);
    const before = repliesTo(bot, reader).length;
    for (let round = 0; round < 2; round++) {
      for (const section of numbered) {
        const answer = await bot.execute(reader, Verbs.readSection, { section: section.number, document: doc.id });
        expect(readableText(answer.body)).toMatch(/ is below\.$/);
      }
    }
    const sent = repliesTo(bot, reader).slice(before);
    expect(sent).toHaveLength(2 * numbered.length);
    expect(sent.some((d) => /pressed a lot of buttons/.test(readableText(d.activity)))).toBe(false);
  });

  it('when another person files their first urgent report during someone else\'s flood, then it goes through', async () => {
    const before = alertsToDsl(bot);
    const answer = await bot.execute(PEOPLE.head, Verbs.concernSubmit, concernForm({ immediateDanger: 'true' }));
    const latest = bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string };
    expect(readableText(answer.body)).toContain(latest.reference);
    expect(alertsToDsl(bot)).toBe(before + 1);
  });
});

describe('per-person limits set low (REPORTS_PER_PERSON_PER_HOUR=2, QUESTIONS_PER_PERSON_PER_HOUR=3)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot({ env: { REPORTS_PER_PERSON_PER_HOUR: '2', QUESTIONS_PER_PERSON_PER_HOUR: '3' } }); });
  afterAll(async () => { await bot?.close(); });

  it('when a person has used their report budget on ordinary reports, then their next ordinary report is refused, and their urgent reports still go through', async () => {
    const person = PEOPLE.owner;
    for (let i = 0; i < 2; i++) expect((await bot.execute(person, Verbs.concernSubmit, concernForm())).status).toBe(200);
    const filed = reportsFiled(bot);

    const refused = await bot.execute(person, Verbs.concernSubmit, concernForm({ whatHappened: 'A third ordinary report' }));
    expect(reportsFiled(bot)).toBe(filed);
    expect(readableText(refused.body)).toContain('A third ordinary report');

    const alertsBefore = alertsToDsl(bot);
    const urgent = await bot.execute(person, Verbs.concernSubmit, concernForm({ immediateDanger: 'true', whatHappened: 'Urgent after the budget' }));
    expect(reportsFiled(bot)).toBe(filed + 1);
    const latest = bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string };
    expect(readableText(urgent.body)).toContain(latest.reference);
    expect(alertsToDsl(bot)).toBe(alertsBefore + 1);

    // A second urgent report in the same hour, with the budget spent, goes too (issue 69).
    const again = await bot.execute(person, Verbs.concernSubmit, concernForm({ immediateDanger: 'true', whatHappened: 'Second urgent one' }));
    expect(reportsFiled(bot)).toBe(filed + 2);
    const second = bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string };
    expect(readableText(again.body)).toContain(second.reference);
    expect(alertsToDsl(bot)).toBe(alertsBefore + 2);
  });

  it('when the "Report a concern" message action is over the budget, then the dialog shows the form again with the text typed', async () => {
    const person = PEOPLE.deputy;
    const submit = (whatHappened: string) => bot.post({
      type: 'invoke', name: 'composeExtension/submitAction', from: person, conversation: personalConversation(person),
      value: { commandId: 'reportConcern', commandContext: 'message', data: concernForm({ whatHappened }) },
    });
    await submit('first through the dialog');
    await submit('second through the dialog');
    const filed = reportsFiled(bot);
    const refused = await submit('third through the dialog');
    expect(refused.status).toBe(200);
    expect(reportsFiled(bot)).toBe(filed);
    const task = (refused.body as { task?: { type?: string; value?: { card?: { contentType?: string } } } }).task;
    expect(task?.type).toBe('continue');
    expect(task?.value?.card?.contentType).toBe(ADAPTIVE);
    expect(readableText(task)).toContain('third through the dialog');
    expect(readableText(task)).toMatch(/try again at \d{2}:\d{2}/i);
  });

  it('when a person sends more questions than their budget, then the extra ones are not answered, one message says when to ask again, and others are still answered', async () => {
    const person = PEOPLE.outsider;
    const loggedBefore = questionsLogged(bot);
    for (const question of ORDINARY_SERIES.slice(0, 3)) await bot.message(person, question);
    expect(questionsLogged(bot)).toBe(loggedBefore + 3);
    const repliesBefore = repliesTo(bot, person).length;
    await bot.message(person, ORDINARY_SERIES[3]);
    await bot.message(person, ORDINARY_SERIES[4]);

    expect(questionsLogged(bot)).toBe(loggedBefore + 3);
    const notices = repliesTo(bot, person).slice(repliesBefore).map((d) => readableText(d.activity));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/ask again at \d{2}:\d{2}/i);

    const headRepliesBefore = repliesTo(bot, PEOPLE.head).length;
    await bot.message(PEOPLE.head, ORDINARY_SERIES[5]);
    expect(questionsLogged(bot)).toBe(loggedBefore + 4);
    expect(repliesTo(bot, PEOPLE.head).length).toBeGreaterThan(headRepliesBefore);
  });
});
