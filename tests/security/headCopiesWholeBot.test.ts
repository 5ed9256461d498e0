import { createLogger } from '../../src/shared/logger';
import { Verbs } from '../../src/teams/verbs';
import { captureLines, concernForm, PEOPLE, SecurityBot, startSecurityBot } from './securityHarness';

/**
 * An outside review (2026-11-29) of the withdrawal of the headteacher's copies: a head on the safeguarding team who
 * marked a report about them was answered with the whole report again, over the copy just withdrawn; an export's
 * messages and a card pressed in their chat were not kept, so never withdrawn. The whole bot (startApp, local mode),
 * with the head on the safeguarding team, as in many schools where the head is also the DSL.
 */
const HEAD_CHAT = `a:${PEOPLE.head.aadObjectId}`;

describe('every copy of a report the headteacher holds, when it proves to be about them', () => {
  let bot: SecurityBot;
  beforeAll(async () => {
    bot = await startSecurityBot({
      env: { SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name},${PEOPLE.head.aadObjectId}=${PEOPLE.head.name}` },
    });
  });
  afterAll(async () => { await bot.close(); });

  /** An allegation about a supply teacher: it goes to the headteacher. */
  async function allegation(mark: string): Promise<string> {
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({
      kind: 'allegation', whatHappened: `A supply teacher shouted at a pupil ${mark}`, peopleInvolved: 'a supply teacher', notAboutHeadteacher: 'true',
    }));
    expect(sent.status).toBe(200);
    return (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
  }
  const lastUpdateOf = (activityId: string) => bot.connector.updates.filter((u) => u.conversationId === HEAD_CHAT && u.activityId === activityId).at(-1);

  test('when an allegation reaches a head who is on the safeguarding team, then the first card in their chat has the team\'s buttons, as a refreshed one does', async () => {
    const reference = await allegation('FIRSTCARDMARK');
    const first = bot.connector.deliveries.find((d) => d.conversationId === HEAD_CHAT && JSON.stringify(d.activity).includes(reference));
    const card = JSON.stringify(first?.activity);
    expect(card).toContain('FIRSTCARDMARK');
    expect(card).toContain(Verbs.concernAssign);
    expect(card).toContain(Verbs.concernAboutHeadteacher);
  });

  test('when the head presses "About the headteacher?" on their own copy, then they are answered that it was passed on, never with the report again', async () => {
    const reference = await allegation('SELFMARKMARK');
    const answer = await bot.execute(PEOPLE.head, Verbs.concernAboutHeadteacher, { reference });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('passed on to someone else to deal with');
    expect(answer.text).not.toContain('SELFMARKMARK');
    // Nothing in the head's chat ends with the report's words.
    const lastOfEach = new Map(bot.connector.updates.filter((u) => u.conversationId === HEAD_CHAT).map((u) => [u.activityId, JSON.stringify(u.activity)]));
    expect([...lastOfEach.values()].some((text) => text.includes('SELFMARKMARK'))).toBe(false);
  });

  test('when the head pressed a button on a card in their chat (the card became the case), or exported it, before a DSL marked it, then each of those is withdrawn', async () => {
    const reference = await allegation('PRESSEXPORTMARK');
    const pressed = await bot.execute(PEOPLE.head, Verbs.concernOpen, { reference });
    expect(pressed.text).toContain('PRESSEXPORTMARK');
    const pressedId = bot.connector.updates.filter((u) => u.conversationId === HEAD_CHAT && JSON.stringify(u.activity).includes('PRESSEXPORTMARK')).at(-1)?.activityId;
    expect(pressedId).toBeTruthy();
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.head, `concern export ${reference}`);
    const exportParts = bot.connector.deliveries.slice(before).filter((d) => JSON.stringify(d.activity).includes('PRESSEXPORTMARK'));
    expect(exportParts.length).toBeGreaterThan(0);

    await bot.execute(PEOPLE.dsl, Verbs.concernAboutHeadteacher, { reference });
    expect(JSON.stringify(lastUpdateOf(pressedId!)?.activity)).toContain('passed on to someone else to deal with');
    for (const part of exportParts) {
      const update = bot.connector.updates.filter((u) => u.conversationId === part.conversationId && u.activityId === part.activityId).at(-1);
      expect(JSON.stringify(update?.activity)).toContain('passed on to someone else to deal with');
      expect(JSON.stringify(update?.activity)).not.toContain('PRESSEXPORTMARK');
    }
  });

  test('when the head presses Open on a list, or Teams refreshes a card, they were shown before the report was marked, then it is refused and recorded, and the chair is not alerted; asked for by its reference, the chair is', async () => {
    const reference = await allegation('LISTMARK');
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.head, 'concerns');
    const list = bot.connector.deliveries.slice(before).find((d) => JSON.stringify(d.activity).includes(reference));
    expect(list?.activityId).toBeTruthy();
    await bot.execute(PEOPLE.dsl, Verbs.concernAboutHeadteacher, { reference });
    // The list is left as it was: replacing it now would tell the head which report was marked.
    expect(bot.connector.updates.filter((u) => u.conversationId === list!.conversationId && u.activityId === list!.activityId)).toEqual([]);
    const toChair = () => bot.connector.deliveries.filter((d) => d.conversationId === 'a:aad-sec-chair' && JSON.stringify(d.activity).includes('tried to'));
    const alertsBefore = toChair().length;

    const fromList = await bot.execute(PEOPLE.head, Verbs.concernOpen, { reference, fromList: true });
    expect(fromList.text).toContain('No concern was found');
    const refreshed = await bot.execute(PEOPLE.head, Verbs.concernOpen, { reference, refresh: true });
    expect(refreshed.text).not.toContain('LISTMARK');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(toChair()).toHaveLength(alertsBefore);
    const refusals = (bot.app.db.prepare('SELECT COUNT(*) AS n FROM concern_events e JOIN concerns c ON c.id = e.concern_id WHERE c.reference = ? AND e.type = ?')
      .get(reference, 'accessRefused') as { n: number }).n;
    expect(refusals).toBe(2);

    await bot.message(PEOPLE.head, `concern ${reference}`);
    for (let i = 0; i < 50 && toChair().length === alertsBefore; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(toChair().length).toBe(alertsBefore + 1);
  });
});

describe('the export command either way round', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot.close(); });

  test('when a DSL types "export concern SG-..." (not "concern export"), then they get the record, not the disclosure offer', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ whatHappened: 'A pupil showed me messages ORDERMARK' }));
    const reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.dsl, `export concern ${reference}`);
    const sent = bot.connector.deliveries.slice(before).map((d) => JSON.stringify(d.activity)).join('\n');
    expect(sent).toContain(`SAFEGUARDING RECORD ${reference} (confidential: for the people dealing with this concern only)`);
    expect(sent).toContain('ORDERMARK');
    expect(sent).not.toContain('If this is about something a child told you');
  });
});

describe('the chair of governors left empty', () => {
  test('when the bot starts with CONCERN_CHAIR_OF_GOVERNORS empty, then the log says where reports about the headteacher go instead, once, naming no one', async () => {
    const captured = captureLines();
    const bot = await startSecurityBot({ env: { CONCERN_CHAIR_OF_GOVERNORS: '' }, logger: createLogger('info', captured.destination) });
    try {
      const said = captured.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'concernRoute.peopleNotSet');
      expect(said).toHaveLength(1);
      expect(said[0]).toMatchObject({ level: 40, notSet: ['CONCERN_CHAIR_OF_GOVERNORS'] });
      expect(String(said[0].msg)).toContain('reports about the headteacher, and alerts that the headteacher tried to open one, go to the chair\'s fallback (the deputy DSL)');
    } finally {
      await bot.close();
    }
  });
});
