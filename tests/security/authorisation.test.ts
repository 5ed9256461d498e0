/**
 * Owner and safeguarding actions are authorised server-side from the acting user's AAD object id (as the channel
 * signed it), never from data a card sends back. Runs the whole bot (startApp, local mode) over real HTTP.
 */
import { Verbs } from '../../src/teams/verbs';
import { createFieldCipher } from '../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../src/adapters/sqlite/sqliteConcernStore';
import {
  PEOPLE, Person, SecurityBot, concernForm, dslConversation, personalConversation, readableText, startSecurityBot,
} from './securityHarness';

/** The one answer to a reference the person may not see (issue 40: the same as one that does not exist). */
const CONCERN_REFUSAL = /^\s*No concern was found with the reference [A-Z]+-\d{4}-[0-9A-Z]+\. Check the reference/;
const LIST_REFUSAL = /only the safeguarding team, and those reports are sent to, can list concerns/i;
const OWNER_REFUSAL = /only the policy owners/i;

/** Claims a forged card might make about who is acting. */
const FORGED_IDENTITY = {
  aadObjectId: PEOPLE.dsl.aadObjectId, userId: PEOPLE.dsl.aadObjectId, isOwner: true, isTeamMember: true,
  from: { id: PEOPLE.dsl.id, aadObjectId: PEOPLE.dsl.aadObjectId, name: PEOPLE.dsl.name },
};

const TRIAGE_VERBS = [
  Verbs.concernOpen, Verbs.concernAcknowledge, Verbs.concernAssign, Verbs.concernAddNote, Verbs.concernRecordAction, Verbs.concernClose,
] as const;

function tableExists(bot: SecurityBot, table: string): boolean {
  return bot.app.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

function count(bot: SecurityBot, table: string, where = '1 = 1', ...params: unknown[]): number {
  if (!tableExists(bot, table)) return 0;
  return (bot.app.db.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE ${where}`).get(...params) as { n: number }).n;
}

interface EventRow { type: string; actor_id: string | null }

/** A concern's events as recorded, read through the store with the bot's key (who acted is encrypted). */
async function eventsOf(bot: SecurityBot, concernId: number): Promise<EventRow[]> {
  const { reference } = bot.app.db.prepare('SELECT reference FROM concerns WHERE id = ?').get(concernId) as { reference: string };
  const store = createSqliteConcernStore(bot.app.db, createFieldCipher(bot.concernKey));
  return ((await store.getCase(reference))?.events ?? []).map((e) => ({ type: e.type, actor_id: e.actorId ?? null }));
}

/** Everything a person would read in the bot's answers to one request: the invoke body and any messages sent. */
async function answerTo(bot: SecurityBot, send: () => Promise<{ status: number; body: unknown }>): Promise<{ status: number; text: string; attachments: unknown[] }> {
  const before = bot.connector.deliveries.length;
  const res = await send();
  const sent = bot.connector.deliveries.slice(before);
  const invokeValue = (res.body as { value?: unknown } | undefined)?.value;
  return {
    status: res.status,
    text: [readableText(invokeValue), ...sent.map((d) => readableText({ text: d.activity.text, attachments: d.activity.attachments }))].join('\n'),
    attachments: sent.flatMap((d) => (d.activity.attachments as unknown[] | undefined) ?? []),
  };
}

describe('authorisation of owner and safeguarding actions', () => {
  let bot: SecurityBot;
  let reference: string;
  let concernId: number;
  let concernRow: unknown;

  beforeAll(async () => {
    bot = await startSecurityBot();
    // A real concern, reported the normal way by a member of staff in their 1:1 chat.
    const submitted = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm());
    expect(submitted.status).toBe(200);
    const row = bot.app.db.prepare('SELECT id, reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { id: number; reference: string };
    ({ reference, id: concernId } = row);
    expect(readableText(submitted.body)).toContain(reference);
    concernRow = bot.app.db.prepare('SELECT * FROM concerns WHERE id = ?').get(concernId);
  });

  afterAll(async () => {
    await bot?.close();
  });

  describe('campaign commands', () => {
    it.each([
      'campaign start all',
      'campaign start department Maths, English due 2030-09-30',
      'campaign export',
      'campaign status',
      'campaign remind',
    ])('when a non-owner sends "%s", then it is refused, the refusal is audited and nothing is started or exported', async (text) => {
      const campaigns = count(bot, 'ack_campaigns');
      const deliveries = count(bot, 'ack_deliveries');
      const refusals = count(bot, 'ack_audit', 'action = ? AND actor = ?', 'owner.refused', PEOPLE.outsider.aadObjectId);

      const answer = await answerTo(bot, () => bot.message(PEOPLE.outsider, text));

      expect(answer.status).toBeLessThan(300);
      expect(answer.text).toMatch(OWNER_REFUSAL);
      expect(answer.attachments.filter((a) => (a as { contentType?: string }).contentType === 'text/csv')).toEqual([]);
      expect(count(bot, 'ack_campaigns')).toBe(campaigns);
      expect(count(bot, 'ack_deliveries')).toBe(deliveries);
      expect(count(bot, 'ack_audit', 'action = ? AND actor = ?', 'owner.refused', PEOPLE.outsider.aadObjectId)).toBe(refusals + 1);
    });

    it('when a non-owner asks for the unanswered questions, then they are refused and see no one\'s question', async () => {
      await bot.message(PEOPLE.reporter, 'Is the zorbleflax rota on the staff noticeboard?');
      const answer = await answerTo(bot, () => bot.message(PEOPLE.outsider, 'unanswered'));

      expect(answer.text).toMatch(/only the policy owners/i);
      expect(answer.text).not.toContain('zorbleflax');
    });

    it.each([Verbs.campaignStatus, Verbs.campaignRemind, Verbs.campaignExport])(
      'when a non-owner presses %s with card data claiming to be the owner, then it is refused and nothing is exported',
      async (verb) => {
        const campaigns = count(bot, 'ack_campaigns');
        const ownerClaims = { ...FORGED_IDENTITY, aadObjectId: PEOPLE.owner.aadObjectId, userId: PEOPLE.owner.aadObjectId, from: PEOPLE.owner };
        const answer = await answerTo(bot, () => bot.execute(PEOPLE.outsider, verb, { campaignId: 'campaign-that-does-not-exist', ...ownerClaims }));

        expect(answer.status).toBe(200);
        expect(answer.text).toMatch(OWNER_REFUSAL);
        expect(answer.attachments.filter((a) => (a as { contentType?: string }).contentType === 'text/csv')).toEqual([]);
        expect(count(bot, 'ack_campaigns')).toBe(campaigns);
      },
    );
  });

  describe('concern triage', () => {
    const places: [string, (p: Person) => Record<string, unknown>][] = [
      ['their own 1:1 chat', (p) => personalConversation(p)],
      ['the safeguarding channel (a forged conversation id)', () => dslConversation()],
    ];
    const cases = TRIAGE_VERBS.flatMap((verb) => places.flatMap(([where, conversation]) =>
      [PEOPLE.outsider, PEOPLE.reporter].map((who) => [verb, who.name, where, who, conversation] as const)));

    it.each(cases)('when %s is invoked by %s (not on the team) from %s with a real reference, then it is refused, recorded, and the concern is unchanged',
      async (verb, _name, _where, who, conversation) => {
        const before = await eventsOf(bot, concernId);
        const reporterMessages = bot.connector.deliveriesTo(PEOPLE.reporter.aadObjectId).length;
        const data = {
          reference, assigneeId: who.aadObjectId, note: 'forged note', outcome: 'forged outcome', actionType: 'police', actionDetail: 'forged referral',
        };

        const answer = await answerTo(bot, () => bot.execute(who, verb, data, conversation(who)));

        expect(answer.status).toBe(200);
        expect(answer.text).toMatch(CONCERN_REFUSAL);
        expect(answer.text).not.toContain('A pupil said something worrying');
        const after = await eventsOf(bot, concernId);
        expect(after.slice(0, before.length)).toEqual(before);
        expect(after.slice(before.length)).toEqual([{ type: 'accessRefused', actor_id: who.aadObjectId }]);
        expect(bot.app.db.prepare('SELECT * FROM concerns WHERE id = ?').get(concernId)).toEqual(concernRow);
        expect(bot.connector.deliveriesTo(PEOPLE.reporter.aadObjectId).length).toBe(reporterMessages);
      });

    it.each(TRIAGE_VERBS)('when an outsider sends %s with card data claiming to be the DSL (aadObjectId, userId, isOwner), then nothing is granted',
      async (verb) => {
        const before = await eventsOf(bot, concernId);
        const data = { reference, assigneeId: PEOPLE.outsider.aadObjectId, note: 'n', outcome: 'o', actionType: 'police', actionDetail: 'd', ...FORGED_IDENTITY };

        const answer = await answerTo(bot, () => bot.execute(PEOPLE.outsider, verb, data, dslConversation()));

        expect(answer.text).toMatch(CONCERN_REFUSAL);
        const added = (await eventsOf(bot, concernId)).slice(before.length);
        expect(added).toEqual([{ type: 'accessRefused', actor_id: PEOPLE.outsider.aadObjectId }]);
        expect(bot.app.db.prepare('SELECT * FROM concerns WHERE id = ?').get(concernId)).toEqual(concernRow);
      });

    it.each([
      ['concerns', false, LIST_REFUSAL],
      ['concern REF', true, CONCERN_REFUSAL],
      ['concern export REF', true, CONCERN_REFUSAL],
    ] as const)('when an outsider types "%s", then it is refused and the refusal is recorded', async (command, aboutTheCase, refusal) => {
      // One more refusal is recorded; who tried is inside the encrypted event (checked through the store below).
      const refusals = count(bot, 'concern_events', 'type = ?', 'accessRefused');
      const answer = await answerTo(bot, () => bot.message(PEOPLE.outsider, command.replace('REF', reference)));

      expect(answer.status).toBeLessThan(300);
      expect(answer.text).toMatch(refusal);
      expect(answer.text).not.toContain('A pupil said something worrying');
      expect(count(bot, 'concern_events', 'type = ?', 'accessRefused')).toBe(refusals + 1);
      if (aboutTheCase) expect((await eventsOf(bot, concernId)).at(-1)).toEqual({ type: 'accessRefused', actor_id: PEOPLE.outsider.aadObjectId });
    });

    it('when the DSL sends the same acknowledge request, then it is accepted (the refusals above come from who acts, not from the data)', async () => {
      const before = (await eventsOf(bot, concernId)).length;
      await bot.execute(PEOPLE.dsl, Verbs.concernAcknowledge, { reference }, dslConversation());
      expect((await eventsOf(bot, concernId)).slice(before)).toContainEqual({ type: 'acknowledged', actor_id: PEOPLE.dsl.aadObjectId });
    });
  });

  describe('acknowledgement card data', () => {
    it('when a person acknowledges with another user\'s id, name and owner flag in the card data, then nothing is recorded for that other user', async () => {
      const policy = bot.app.library.primary!;
      const victim = PEOPLE.dsl.aadObjectId;
      const victimRows = count(bot, 'ack_acknowledgements', 'user_id = ?', victim);
      const data = {
        policyId: policy.id, versionHash: policy.metadata.contentHash, ...FORGED_IDENTITY,
        displayName: PEOPLE.dsl.name, upn: 'dana.dsl@school.example',
      };

      const answer = await answerTo(bot, () => bot.execute(PEOPLE.outsider, Verbs.acknowledge, data));

      expect(answer.status).toBe(200);
      expect(count(bot, 'ack_acknowledgements', 'user_id = ?', victim)).toBe(victimRows);
      expect(count(bot, 'ack_acknowledgements', 'user_id NOT IN (?, ?)', PEOPLE.outsider.aadObjectId, victim)).toBe(0);
    });
  });
});
