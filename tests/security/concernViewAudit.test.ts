/**
 * Issue 40, hole 8 and a minor: every look at a case is recorded, whatever the client says (a card refresh, set by
 * the client, is tagged as one, not left out), and every refusal is audited, `concern export <ref>` by someone
 * outside the team in the safeguarding channel included. Runs the whole bot (startApp, local mode) over real HTTP.
 */
import { Verbs } from '../../src/teams/verbs';
import { createFieldCipher } from '../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../src/adapters/sqlite/sqliteConcernStore';
import { ConcernEvent } from '../../src/features/concerns/domain/concernTypes';
import {
  PEOPLE, PostResult, SecurityBot, concernForm, dslConversation, personalConversation, readableText, startSecurityBot,
} from './securityHarness';

describe('every view and every refusal is recorded (issue 40, hole 8)', () => {
  let bot: SecurityBot;
  let reference: string;

  /** The case's events as recorded, read through the store with the bot's key (who and what are encrypted). */
  const events = async (): Promise<ConcernEvent[]> => {
    const store = createSqliteConcernStore(bot.app.db, createFieldCipher(bot.concernKey));
    return (await store.getCase(reference))?.events ?? [];
  };
  /** Runs one request and returns the events it added to the case. */
  const added = async (send: () => Promise<PostResult>): Promise<{ res: PostResult; events: ConcernEvent[] }> => {
    const before = (await events()).length;
    const res = await send();
    return { res, events: (await events()).slice(before) };
  };
  const brief = (e: ConcernEvent) => ({ type: e.type, actorId: e.actorId, data: e.data });

  beforeAll(async () => {
    bot = await startSecurityBot();
    expect((await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm())).status).toBe(200);
    ({ reference } = bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('when the DSL presses Open, then the view is recorded, untagged', async () => {
    const { res, events: rows } = await added(() => bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference }, dslConversation()));
    expect(readableText(res.body)).toContain('A pupil said something worrying in a chat.');
    expect(rows.map(brief)).toEqual([{ type: 'viewed', actorId: PEOPLE.dsl.aadObjectId, data: {} }]);
  });

  it('when an Open carries refresh: true (set by the client), then the case is shown and the view is recorded as a refresh', async () => {
    const { res, events: rows } = await added(() => bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference, refresh: true }, dslConversation()));
    expect(readableText(res.body)).toContain('A pupil said something worrying in a chat.');
    expect(rows.map(brief)).toEqual([{ type: 'viewed', actorId: PEOPLE.dsl.aadObjectId, data: { refresh: 'true' } }]);
  });

  it('when an Open comes with trigger "automatic" (a Universal Actions refresh), then the view is recorded as a refresh', async () => {
    const { res, events: rows } = await added(() => bot.post({
      type: 'invoke', name: 'adaptiveCard/action', from: PEOPLE.deputy, conversation: personalConversation(PEOPLE.deputy), replyToId: 'card-auto',
      value: { action: { type: 'Action.Execute', verb: Verbs.concernOpen, data: { reference } }, trigger: 'automatic' },
    }));
    expect(readableText(res.body)).toContain('A pupil said something worrying in a chat.');
    expect(rows.map(brief)).toEqual([{ type: 'viewed', actorId: PEOPLE.deputy.aadObjectId, data: { refresh: 'true' } }]);
  });

  it('when the DSL exports the case, then the views are in the record, refreshes marked as such', async () => {
    const before = bot.connector.deliveriesTo(PEOPLE.dsl.aadObjectId).length;
    await bot.message(PEOPLE.dsl, `concern export ${reference}`);
    const record = bot.connector.deliveriesTo(PEOPLE.dsl.aadObjectId).slice(before).map((d) => String(d.activity.text)).join('');
    expect(record).toMatch(/Dana DSL: Viewed the record\n/);
    expect(record).toMatch(/Dana DSL: Viewed the record \(card refresh\)/);
    expect(record).toMatch(/Dev Deputy: Viewed the record \(card refresh\)/);
  });

  it('when someone outside the team types "concern export <ref>" in the safeguarding channel, then the refusal is recorded and nothing is shown', async () => {
    const { res, events: rows } = await added(() => bot.message(PEOPLE.outsider, `concern export ${reference}`, dslConversation()));
    expect(res.status).toBeLessThan(300);
    expect(rows.map(brief)).toEqual([{ type: 'accessRefused', actorId: PEOPLE.outsider.aadObjectId, data: expect.objectContaining({ operation: 'export' }) }]);
    const said = bot.connector.deliveries.filter((d) => d.conversationId.startsWith('19:security-dsl')).map((d) => readableText(d.activity)).join('\n');
    expect(said).not.toContain('A pupil said something worrying');
  });

  it('when a team member types "concern export <ref>" in the channel, then they are sent to their 1:1 chat and nothing is exported there', async () => {
    const { events: rows } = await added(() => bot.message(PEOPLE.dsl, `concern export ${reference}`, dslConversation()));
    expect(rows).toEqual([]);
    const last = bot.connector.deliveries.filter((d) => d.conversationId.startsWith('19:security-dsl')).at(-1);
    expect(String(last?.activity.text)).toContain('Exports come only in your 1:1 chat with me');
  });
});
