import { Verbs } from '../../src/teams/verbs';
import { HEADTEACHER_CHECK } from '../../src/features/concerns/domain/concernValidation';
import { concernForm, PEOPLE, readableText, SecurityBot, startSecurityBot } from './securityHarness';

/**
 * An outside walk-through (2026-11-29) sent an allegation naming the headteacher only by name ("Mrs Robbins shouted at
 * a pupil and grabbed his arm", "Who is involved: Lynne Robbins") with neither headteacher box ticked: it went to the
 * headteacher, whose name the bot had from its staff list. The whole bot (startApp, local mode, the roster as its
 * staff list) now asks first, as it does when the text says "the headteacher".
 */
const HEAD_ID = PEOPLE.head.aadObjectId;
const CHAIR_ID = 'aad-sec-chair';

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

  test('when "This is about the headteacher" is ticked, then it goes to the chair of governors and never to the headteacher', async () => {
    const answer = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, allegation({ aboutHeadteacher: 'true' }));
    expect(answer.status).toBe(200);
    expect(readableText(answer.body)).not.toContain(HEADTEACHER_CHECK);
    expect(toChair().length).toBeGreaterThan(0);
    expect(toHead()).toEqual([]);
  });

  test('when the head is named in an urgent report, then it is sent at once, to the chair of governors, not the headteacher', async () => {
    const chairBefore = toChair().length;
    const answer = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, allegation({ immediateDanger: 'true' }));
    expect(answer.status).toBe(200);
    expect(toChair().length).toBeGreaterThan(chairBefore);
    expect(toHead()).toEqual([]);
  });
});
