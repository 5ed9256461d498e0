import { concernForm, PEOPLE, Person, personalConversation, readableText, SecurityBot, startSecurityBot } from './securityHarness';
import { Verbs } from '../../src/teams/verbs';
import { waitFor } from '../support/waitFor';

/**
 * Issue 69, item 4: the alert and case cards refresh themselves for the safeguarding team, and every refresh was charged
 * to the person's press budget, so after 300 refreshes the DSL's own Open and Acknowledge were refused with "You have
 * pressed a lot of buttons". The safeguarding team's and a report's recipients' actions on reports are never refused by
 * a budget; a refresh is not a press for them. Being marked a refresh (trigger "automatic", set by the client) lets
 * nothing else through: anyone else's refreshes, and the team's other buttons, are counted as before.
 */
const PRESSES_PER_HOUR = 5;
const QUESTIONS_PER_HOUR = 3;
const SLOW_DOWN = /pressed a lot of buttons/;
const newest = (bot: SecurityBot): string => (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
const eventsOf = (bot: SecurityBot, reference: string, type: string): number => (bot.app.db.prepare(
  'SELECT COUNT(*) AS n FROM concern_events e JOIN concerns c ON c.id = e.concern_id WHERE c.reference = ? AND e.type = ?',
).get(reference, type) as { n: number }).n;

/** The card refreshing itself for the person it lists: Teams sends the card's refresh action as an automatic invoke. */
const refresh = (bot: SecurityBot, person: Person, verb: string, data: Record<string, unknown>) => bot.post({
  type: 'invoke', name: 'adaptiveCard/action', from: person, conversation: personalConversation(person), replyToId: 'case-card',
  value: { action: { type: 'Action.Execute', verb, data }, trigger: 'automatic' },
});

describe(`actions on reports with low budgets (PRESSES_PER_PERSON_PER_HOUR=${PRESSES_PER_HOUR}, QUESTIONS_PER_PERSON_PER_HOUR=${QUESTIONS_PER_HOUR})`, () => {
  let bot: SecurityBot;
  let forTeam: string;
  let forHead: string;

  beforeAll(async () => {
    bot = await startSecurityBot({ env: { PRESSES_PER_PERSON_PER_HOUR: String(PRESSES_PER_HOUR), QUESTIONS_PER_PERSON_PER_HOUR: String(QUESTIONS_PER_HOUR) } });
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ whatHappened: 'A pupil said an adult keeps messaging her at night.' }));
    forTeam = newest(bot);
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({
      kind: 'colleagueConduct', whatHappened: 'A colleague posted photos of a class trip with pupils named.', where: 'Facebook', peopleInvolved: 'A colleague',
    }));
    forHead = newest(bot);
    // The headteacher may open it once it has reached them (it names them as its recipient).
    await waitFor(() => eventsOf(bot, forHead, 'routed') > 0, { what: `${forHead} to reach the headteacher` });
  });
  afterAll(async () => { await bot?.close(); });

  it('when the DSL\'s case card has refreshed itself many times over their budget, then their Open and Acknowledge still work', async () => {
    for (let i = 0; i < PRESSES_PER_HOUR * 4; i++) {
      const refreshed = await refresh(bot, PEOPLE.dsl, Verbs.concernOpen, { reference: forTeam, refresh: true });
      expect(readableText(refreshed.body)).not.toMatch(SLOW_DOWN);
      expect(readableText(refreshed.body)).toContain('adult keeps messaging her');
    }
    const opened = await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: forTeam });
    expect(readableText(opened.body)).not.toMatch(SLOW_DOWN);
    expect(readableText(opened.body)).toContain('adult keeps messaging her');

    const acknowledged = await bot.execute(PEOPLE.dsl, Verbs.concernAcknowledge, { reference: forTeam });
    expect(readableText(acknowledged.body)).not.toMatch(SLOW_DOWN);
    expect(eventsOf(bot, forTeam, 'acknowledged')).toBe(1);
    // Every refresh is still recorded as a view of the case, tagged as a refresh.
    expect(eventsOf(bot, forTeam, 'viewed')).toBeGreaterThanOrEqual(PRESSES_PER_HOUR * 4 + 1);
  });

  it('when the headteacher, the report\'s recipient, opens and works it more times than their budget, then nothing is refused', async () => {
    for (let i = 0; i < PRESSES_PER_HOUR * 2; i++) {
      const opened = await bot.execute(PEOPLE.head, Verbs.concernOpen, { reference: forHead });
      expect(readableText(opened.body)).not.toMatch(SLOW_DOWN);
      expect(readableText(opened.body)).toContain('class trip');
    }
    const noted = await bot.execute(PEOPLE.head, Verbs.concernAddNote, { reference: forHead, note: 'Spoke to the colleague; photos taken down.' });
    expect(readableText(noted.body)).not.toMatch(SLOW_DOWN);
    expect(eventsOf(bot, forHead, 'noteAdded')).toBe(1);
    const acknowledged = await bot.execute(PEOPLE.head, Verbs.concernAcknowledge, { reference: forHead });
    expect(readableText(acknowledged.body)).not.toMatch(SLOW_DOWN);
    expect(eventsOf(bot, forHead, 'acknowledged')).toBe(1);
  });

  it('when the DSL types "concerns" and "concern <reference>" more often than their question budget, then every one is answered', async () => {
    const repliesTo = () => bot.connector.deliveries.filter((d) => d.conversationId === personalConversation(PEOPLE.dsl).id);
    const before = repliesTo().length;
    for (let i = 0; i < QUESTIONS_PER_HOUR + 2; i++) {
      await bot.message(PEOPLE.dsl, i % 2 ? 'concerns' : `concern ${forTeam}`);
    }
    const replies = repliesTo().slice(before).map((d) => readableText(d.activity));
    expect(replies).toHaveLength(QUESTIONS_PER_HOUR + 2);
    expect(replies.some((r) => /a lot of messages in a short time/.test(r))).toBe(false);
    expect(replies.every((r) => r.includes(forTeam))).toBe(true);
    // Their questions about the policy still have their budget: these took none of it, and it still stops at its end.
    for (let i = 0; i < QUESTIONS_PER_HOUR; i++) await bot.message(PEOPLE.dsl, 'Can I post photos of pupils on my own account?');
    const beforeExtra = repliesTo().length;
    await bot.message(PEOPLE.dsl, 'Can I post photos of pupils on my own account?');
    expect(readableText(repliesTo().slice(beforeExtra).map((d) => d.activity))).toMatch(/a lot of messages in a short time/);
  });

  it('when someone has used up their questions, then typing "report a concern" still opens the form, as the pause message tells them', async () => {
    const repliesTo = () => bot.connector.deliveries.filter((d) => d.conversationId === personalConversation(PEOPLE.owner).id);
    for (let i = 0; i <= QUESTIONS_PER_HOUR; i++) await bot.message(PEOPLE.owner, 'Can I post photos of pupils on my own account?');
    const paused = readableText(repliesTo().map((d) => d.activity));
    expect(paused).toMatch(/a lot of messages in a short time.*type \**report a concern\**: that still opens the form/s);
    const before = repliesTo().length;
    await bot.message(PEOPLE.owner, 'report a concern');
    const form = repliesTo().slice(before).map((d) => d.activity);
    expect(form).toHaveLength(1);
    expect(JSON.stringify(form)).toContain(Verbs.concernChooseKind);
    // A question is still paused.
    const afterForm = repliesTo().length;
    await bot.message(PEOPLE.owner, 'Can I post photos of pupils on my own account?');
    expect(repliesTo().slice(afterForm)).toHaveLength(0);
  });

  it('when anyone else marks presses as refreshes, then they are counted: someone outside the team is slowed past the budget', async () => {
    const answers = [];
    for (let i = 0; i <= PRESSES_PER_HOUR; i++) answers.push(await refresh(bot, PEOPLE.outsider, Verbs.concernOpen, { reference: forTeam, refresh: true }));
    for (const answer of answers.slice(0, PRESSES_PER_HOUR)) expect(readableText(answer.body)).not.toMatch(SLOW_DOWN);
    expect(readableText(answers[PRESSES_PER_HOUR].body)).toMatch(SLOW_DOWN);
    // Nothing of the case reached them either way.
    for (const answer of answers) expect(readableText(answer.body)).not.toContain('adult keeps messaging her');
  });

  it('when a member of the team marks their other buttons as refreshes, then those are counted as presses as before', async () => {
    const doc = bot.app.library.primary!;
    const section = doc.sections.find((s) => s.number !== null)!;
    const answers = [];
    for (let i = 0; i <= PRESSES_PER_HOUR; i++) answers.push(await refresh(bot, PEOPLE.deputy, Verbs.readSection, { section: section.number, document: doc.id }));
    for (const answer of answers.slice(0, PRESSES_PER_HOUR)) expect(readableText(answer.body)).toMatch(/ is below\.$/);
    expect(readableText(answers[PRESSES_PER_HOUR].body)).toMatch(SLOW_DOWN);
  });
});
