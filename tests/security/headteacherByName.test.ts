import { Verbs } from '../../src/teams/verbs';
import { HEADTEACHER_CHECK, HEADTEACHER_ON_TEAM_CHECK } from '../../src/features/concerns/domain/concernValidation';
import { concernForm, DSL_CHANNEL, PEOPLE, personalConversation, readableText, SecurityBot, startSecurityBot } from './securityHarness';

/**
 * An outside walk-through (2026-11-29) sent an allegation naming the headteacher only by name ("Mrs Robbins shouted at
 * a pupil and grabbed his arm", "Who is involved: Lynne Robbins") with neither headteacher box ticked: it went to the
 * headteacher, whose name the bot had from its staff list. The whole bot (startApp, local mode, the roster as its
 * staff list) now asks first, as it does when the text says "the headteacher".
 */
const HEAD_ID = PEOPLE.head.aadObjectId;
const CHAIR_ID = 'aad-sec-chair';
const CHAIR = { id: '29:sec-chair', aadObjectId: CHAIR_ID, name: 'Chris Chair' };

describe('an allegation that names the headteacher only by name', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot.close(); });

  const toHead = () => bot.connector.deliveries.filter((d) => d.conversationId === `a:${HEAD_ID}`);
  const toChair = () => bot.connector.deliveries.filter((d) => d.conversationId === `a:${CHAIR_ID}`);
  const allegation = (extra: Record<string, unknown> = {}) => concernForm({
    kind: 'allegation', whatHappened: 'Mr Head shouted at a pupil and grabbed his arm in the hall', peopleInvolved: 'Hal Head', where: 'the hall', ...extra,
  });

  test('when neither box is ticked, then nothing is sent to anyone: the form comes back asking, with everything typed', async () => {
    const before = bot.rowCounts().concerns;
    const answer = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, allegation());
    expect(answer.status).toBe(200);
    const text = readableText(answer.body);
    expect(text).toContain(HEADTEACHER_CHECK);
    expect(text).toContain('Mr Head shouted at a pupil and grabbed his arm in the hall');
    expect(bot.rowCounts().concerns).toBe(before);
    expect(toHead()).toEqual([]);
  });

  test('when they are called "the head", or named only in a message reported from its menu, then it is asked about too', async () => {
    const before = bot.rowCounts().concerns;
    const byRole = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, allegation({ whatHappened: 'The head grabbed a Year 5 boy by the arm', peopleInvolved: 'a Year 5 boy' }));
    expect(readableText(byRole.body)).toContain(HEADTEACHER_CHECK);
    const fromMenu = await bot.post({
      type: 'invoke', name: 'composeExtension/submitAction', from: PEOPLE.reporter, conversation: personalConversation(PEOPLE.reporter),
      value: { commandId: 'reportConcern', commandContext: 'message', data: allegation({
        whatHappened: 'See the attached message', peopleInvolved: 'not known', attachedMessage: 'Mr Head grabbed that kid by the arm again today, saw it myself',
      }) },
    });
    expect(fromMenu.status).toBe(200);
    expect(readableText(fromMenu.body)).toContain(HEADTEACHER_CHECK);
    expect(bot.rowCounts().concerns).toBe(before);
    expect(toHead()).toEqual([]);
  });

  test('when "This is about the headteacher" is ticked, then it goes to the chair of governors and never to the headteacher', async () => {
    const answer = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, allegation({ aboutHeadteacher: 'true' }));
    expect(answer.status).toBe(200);
    expect(readableText(answer.body)).not.toContain(HEADTEACHER_CHECK);
    expect(toChair().length).toBeGreaterThan(0);
    expect(toHead()).toEqual([]);
  });

  test('when a report sent to the headteacher is marked by a DSL as about them, then their copy is replaced by one saying only that it was passed on, and the chair gets it', async () => {
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({
      kind: 'allegation', whatHappened: 'A supply teacher shouted at a pupil WITHDRAWMARK', peopleInvolved: 'a supply teacher', notAboutHeadteacher: 'true',
    }));
    expect(sent.status).toBe(200);
    const reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
    expect(toHead().map((d) => JSON.stringify(d.activity)).join('')).toContain('WITHDRAWMARK');
    const chairBefore = toChair().length;
    const marked = await bot.execute(PEOPLE.dsl, Verbs.concernAboutHeadteacher, { reference });
    expect(readableText(marked.body)).toContain('Marked as about the headteacher');
    const headUpdates = bot.connector.updates.filter((u) => u.conversationId === `a:${HEAD_ID}`);
    expect(headUpdates.length).toBeGreaterThan(0);
    const last = JSON.stringify(headUpdates.at(-1)?.activity);
    expect(last).toContain('passed on to someone else to deal with');
    expect(last).not.toContain('WITHDRAWMARK');
    expect(last).not.toContain('refresh');
    expect(toChair().length).toBeGreaterThan(chairBefore);
  });

  test('when the head is named in an urgent report, then it is sent at once, to the chair of governors, not the headteacher', async () => {
    const chairBefore = toChair().length;
    const headBefore = toHead().length;
    const answer = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, allegation({ immediateDanger: 'true' }));
    expect(answer.status).toBe(200);
    expect(toChair().length).toBeGreaterThan(chairBefore);
    expect(toHead()).toHaveLength(headBefore);
  });

  test('when an urgent allegation sent to the head without who was involved gets them added later by name, then it goes on to the chair, and the head\'s copy is withdrawn', async () => {
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({
      kind: 'allegation', immediateDanger: 'true', whatHappened: 'A pupil was grabbed by the arm ADDLATERMARK', peopleInvolved: '', where: 'the hall',
    }));
    expect(sent.status).toBe(200);
    const reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
    expect(toHead().map((d) => JSON.stringify(d.activity)).join('')).toContain('ADDLATERMARK');
    const chairBefore = toChair().length;
    const headBefore = toHead().length;

    const added = await bot.execute(PEOPLE.reporter, Verbs.concernAddDetails, { reference, peopleInvolved: 'Hal Head ADDEDNAMEMARK' });
    expect(added.status).toBe(200);
    expect(readableText(added.body)).toContain('What you added names the headteacher, so the report now goes to the chair of governors instead');
    // Delivered after the answer, as a new report is: waited for, up to ten seconds.
    for (let i = 0; i < 100 && toChair().length === chairBefore; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(toChair().length).toBeGreaterThan(chairBefore);
    expect(toHead()).toHaveLength(headBefore);
    expect(JSON.stringify(toHead())).not.toContain('ADDEDNAMEMARK');
    const withdrawn = bot.connector.updates.filter((u) => u.conversationId === `a:${HEAD_ID}`).map((u) => JSON.stringify(u.activity));
    expect(withdrawn.some((u) => u.includes('passed on to someone else to deal with') && !u.includes('ADDLATERMARK'))).toBe(true);
    const opened = await bot.execute(PEOPLE.head, Verbs.concernOpen, { reference });
    expect(readableText(opened.body)).not.toContain('ADDLATERMARK');
  });
  // Last: once the head has written to the bot, their 1:1 chat is reached by their chat id, not the test's address.
  test('when the head opened a report in their own chat ("concern SG-...") before a DSL marked it as about them, then that copy is withdrawn too', async () => {
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({
      kind: 'allegation', whatHappened: 'A supply teacher shouted at a pupil SELFOPENMARK', peopleInvolved: 'a supply teacher', notAboutHeadteacher: 'true',
    }));
    expect(sent.status).toBe(200);
    const reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
    const before = toHead().length;
    await bot.message(PEOPLE.head, `concern ${reference}`);
    // The reply to their message (not the copy the report was sent as, which is posted on its own).
    const opened = toHead().slice(before).find((d) => d.replyToId !== `a:${HEAD_ID}` && JSON.stringify(d.activity).includes('SELFOPENMARK'));
    expect(opened?.activityId).toBeTruthy();

    await bot.execute(PEOPLE.dsl, Verbs.concernAboutHeadteacher, { reference });
    const update = bot.connector.updates.filter((u) => u.conversationId === `a:${HEAD_ID}` && u.activityId === opened!.activityId).at(-1);
    expect(JSON.stringify(update?.activity)).toContain('passed on to someone else to deal with');
    expect(JSON.stringify(update?.activity)).not.toContain('SELFOPENMARK');
  });
});

describe('a child\'s safety report naming a headteacher who is on the safeguarding team', () => {
  let bot: SecurityBot;
  beforeAll(async () => {
    bot = await startSecurityBot({ env: { SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name},${PEOPLE.head.aadObjectId}=${PEOPLE.head.name}` } });
  });
  afterAll(async () => { await bot.close(); });

  test('when it names them, then nothing reaches the team\'s place or the head until the reporter says whether it is about them', async () => {
    const form = concernForm({ whatHappened: 'Tom in 5B says Mr Head hit him and he is scared of him', peopleInvolved: 'Tom, 5B' });
    const asked = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, form);
    expect(readableText(asked.body)).toContain(HEADTEACHER_ON_TEAM_CHECK);
    expect(readableText(asked.body)).toContain('Tom in 5B says Mr Head hit him');
    expect(bot.rowCounts().concerns).toBe(0);
    expect(bot.connector.deliveries.filter((d) => d.conversationId.startsWith(DSL_CHANNEL) || d.conversationId === `a:${HEAD_ID}`)).toEqual([]);

    // Not about them: it goes to the team as a child's safety report does.
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, { ...form, notAboutHeadteacher: 'true' });
    expect(readableText(sent.body)).not.toContain(HEADTEACHER_ON_TEAM_CHECK);
    expect(bot.rowCounts().concerns).toBe(1);
  });

  test('when a DSL marks a report on the team as about the headteacher, then it goes to the chair and the headteacher can no longer list, open or export it', async () => {
    const reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
    // Before: the head, on the team, can open it.
    await bot.message(PEOPLE.head, `concern ${reference}`);
    expect(readableText(bot.connector.deliveries.at(-1)?.activity)).toContain('Tom in 5B says Mr Head hit him');

    const chairBefore = bot.connector.deliveries.filter((d) => d.conversationId === 'a:aad-sec-chair').length;
    const marked = await bot.execute(PEOPLE.dsl, Verbs.concernAboutHeadteacher, { reference });
    expect(marked.status).toBe(200);
    expect(readableText(marked.body)).toContain('Marked as about the headteacher (for the chair of governors, and hidden from the headteacher)');
    expect(bot.connector.deliveries.filter((d) => d.conversationId === 'a:aad-sec-chair').length).toBeGreaterThan(chairBefore);
    // The alert in the team's channel, which the head reads, says nothing of the headteacher, and once the chair deals
    // with it, still shows the status it had when it was marked.
    const channelAlerts = () => bot.connector.updates.filter((u) => u.conversationId.startsWith(DSL_CHANNEL)).map((u) => readableText(u.activity));
    expect(channelAlerts().join('\n')).not.toMatch(/headteacher|chair/i);
    const updatesBefore = channelAlerts().length;
    expect(readableText((await bot.execute(CHAIR, Verbs.concernAcknowledge, { reference })).body)).toContain('Acknowledged');
    expect(readableText((await bot.execute(CHAIR, Verbs.concernClose, { reference, outcome: 'Referred to the LADO' })).body)).toContain('Closed');
    expect(channelAlerts().length).toBeGreaterThan(updatesBefore);
    expect(channelAlerts().join('\n')).not.toMatch(/headteacher|chair|Acknowledged, being dealt with|Closed|LADO/i);
    expect(channelAlerts().at(-1)).toContain('New (not yet acknowledged)');

    const headSees = async (command: string) => {
      const before = bot.connector.deliveries.length;
      await bot.message(PEOPLE.head, command);
      return bot.connector.deliveries.slice(before).filter((d) => d.conversationId === `a:${HEAD_ID}`).map((d) => readableText(d.activity)).join('\n');
    };
    for (const command of [`concern ${reference}`, `concern export ${reference}`]) {
      const seen = await headSees(command);
      expect(seen).toContain(`No concern was found with the reference ${reference}`);
      expect(seen).not.toMatch(/Tom in 5B|Mr Head hit him/);
    }
    expect(await headSees('concerns')).not.toContain(reference);
    // The head cannot mark it back or act on it either: the same "not found".
    const pressed = await bot.execute(PEOPLE.head, Verbs.concernAboutHeadteacher, { reference });
    expect(readableText(pressed.body)).toContain('No concern was found');
  });
});
