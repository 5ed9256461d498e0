/**
 * Issue 40, hole 4: the headteacher (here on the safeguarding team, as in many schools where the head is the DSL)
 * must not find the reports about them by trying references. A reference they may not see answers exactly as
 * one that does not exist, for every verb and command, in every place; every attempt is audited; an attempt on a
 * case about them alerts the chair of governors (once an hour per case), and references cannot be guessed.
 * Runs the whole bot (startApp, local mode) over real HTTP with a fake Bot Connector.
 */
import { Verbs } from '../../src/teams/verbs';
import { REFUSALS_RECORDED_AN_HOUR } from '../../src/features/concerns/domain/concernRefusals';
import { createFieldCipher } from '../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../src/adapters/sqlite/sqliteConcernStore';
import {
  PEOPLE, Person, PostResult, SecurityBot, TENANT, concernForm, dslConversation, personalConversation, readableText,
  startSecurityBot,
} from './securityHarness';

const CHAIR = 'aad-sec-chair';
/** What the reports about the head say: none of it may reach the chair's alert or the head. */
const ABOUT_HEAD = { whatHappened: 'WOMBAT-ALLEGATION the head messaged a pupil privately', peopleInvolved: 'Hal Head and pupil GECKO-NAME' };
/** Crockford base32 (no I, L, O, U), six characters: 30 bits. */
const RANDOM_REFERENCE = /^SG-\d{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

const groupChat = (): Record<string, unknown> => ({ id: '19:staffroom@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT });

const PLACES: [string, (p: Person) => Record<string, unknown>][] = [
  ['their 1:1 chat', (p) => personalConversation(p)],
  ['the safeguarding channel', () => dslConversation()],
  ['a group chat', () => groupChat()],
];

/** Every way to ask about one reference: the six card verbs and the two typed commands. */
const REQUESTS: [string, (bot: SecurityBot, who: Person, ref: string, conversation: Record<string, unknown>) => Promise<PostResult>][] = [
  ...[Verbs.concernOpen, Verbs.concernAcknowledge, Verbs.concernAssign, Verbs.concernAddNote, Verbs.concernRecordAction, Verbs.concernClose]
    .map((verb): (typeof REQUESTS)[number] => [verb, (bot, who, reference, conversation) => bot.execute(who, verb, {
      reference, assigneeId: PEOPLE.deputy.aadObjectId, note: 'a note', outcome: 'an outcome', actionType: 'police', actionDetail: 'a detail',
    }, conversation)]),
  ['"concern REF"', (bot, who, ref, conversation) => bot.message(who, `concern ${ref}`, conversation)],
  ['"concern export REF"', (bot, who, ref, conversation) => bot.message(who, `concern export ${ref}`, conversation)],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Everything the asker could observe of one request, byte for byte, with the reference itself taken out: the HTTP
 * status and body, and every activity the bot sent anywhere but the chair's chat (the alert goes there, unseen).
 */
async function observed(bot: SecurityBot, reference: string, send: () => Promise<PostResult>): Promise<string> {
  const before = bot.connector.deliveries.length;
  const res = await send();
  const sent = bot.connector.deliveries.slice(before).filter((d) => d.conversationId !== `a:${CHAIR}`)
    .map((d) => ({ conversation: d.conversationId, type: d.activity.type, text: d.activity.text, textFormat: d.activity.textFormat, attachments: d.activity.attachments }));
  return JSON.stringify({ status: res.status, body: res.text, sent }).replace(new RegExp(escape(reference), 'gi'), 'REF');
}

/** A well-formed reference of the same shape and length that names no report. */
function absentLike(bot: SecurityBot, reference: string, digit: string): string {
  const code = reference.slice(reference.lastIndexOf('-') + 1);
  const absent = `${reference.slice(0, reference.lastIndexOf('-') + 1)}${digit.repeat(code.length)}`;
  expect(bot.app.db.prepare('SELECT 1 FROM concerns WHERE reference = ? COLLATE NOCASE').get(absent)).toBeUndefined();
  return absent;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('concern references cannot be found by trying them (issue 40, hole 4)', () => {
  let bot: SecurityBot;
  let hidden: string[];
  let visible: string;

  const refusalsOn = async (reference: string) => {
    const store = createSqliteConcernStore(bot.app.db, createFieldCipher(bot.concernKey));
    return ((await store.getCase(reference))?.events ?? []).filter((e) => e.type === 'accessRefused');
  };
  const auditRefusals = () => (bot.app.db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE concern_id IS NULL AND type = 'accessRefused'").get() as { n: number }).n;
  const alertTasks = (state?: string) => (bot.app.db.prepare(`SELECT COUNT(*) AS n FROM concern_outbox WHERE task LIKE '%alertChair%'${state ? ' AND state = ?' : ''}`)
    .get(...(state ? [state] : [])) as { n: number }).n;

  beforeAll(async () => {
    bot = await startSecurityBot({
      env: { SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name},${PEOPLE.deputy.aadObjectId}=${PEOPLE.deputy.name},${PEOPLE.head.aadObjectId}=${PEOPLE.head.name}` },
    });
    for (const form of [concernForm({ kind: 'allegation', aboutHeadteacher: 'true', ...ABOUT_HEAD }), concernForm(), concernForm({ kind: 'allegation', aboutHeadteacher: 'true', ...ABOUT_HEAD })]) {
      expect((await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, form)).status).toBe(200);
    }
    const rows = bot.app.db.prepare('SELECT reference, about_headteacher AS about FROM concerns ORDER BY id').all() as { reference: string; about: number }[];
    hidden = rows.filter((r) => r.about === 1).map((r) => r.reference);
    visible = rows.find((r) => r.about === 0)!.reference;
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('when reports are filed, then their references are random (Crockford base32, 30 bits), not the next number', () => {
    const all = [...hidden, visible];
    for (const ref of all) expect(ref).toMatch(RANDOM_REFERENCE);
    expect(new Set(all).size).toBe(3);
    expect(all.map((r) => r.slice(-4))).not.toEqual(['0001', '0002', '0003']);
  });

  it('when the DSL types a reference in lower case, then the case opens all the same', async () => {
    const before = bot.connector.deliveriesTo(PEOPLE.dsl.aadObjectId).length;
    await bot.message(PEOPLE.dsl, `concern ${visible.toLowerCase()}`);
    const reply = readableText(bot.connector.deliveriesTo(PEOPLE.dsl.aadObjectId).slice(before).map((d) => d.activity));
    expect(reply).toContain('A pupil said something worrying in a chat.');
  });

  describe.each(PLACES)('in %s', (_place, conversationOf) => {
    it.each(REQUESTS)('when the head sends %s for each report about them and for references that do not exist, then every answer is identical', async (_what, request) => {
      const conversation = conversationOf(PEOPLE.head);
      const tried = [...hidden, absentLike(bot, hidden[0], '9'), absentLike(bot, hidden[1], '8')];
      const answers: string[] = [];
      for (const ref of tried) answers.push(await observed(bot, ref, () => request(bot, PEOPLE.head, ref, conversation)));

      expect(answers[0]).not.toMatch(/WOMBAT|GECKO|Hal Head and pupil/);
      expect({ hidden: answers.slice(0, 2), absent: answers.slice(2) }).toEqual({ hidden: [answers[2], answers[2]], absent: [answers[2], answers[2]] });
    });
  });

  it('when an outsider tries a real reference and one that does not exist, then the answers are identical too', async () => {
    for (const [, conversationOf] of PLACES) {
      for (const [, request] of REQUESTS) {
        const conversation = conversationOf(PEOPLE.outsider);
        const real = await observed(bot, visible, () => request(bot, PEOPLE.outsider, visible, conversation));
        const absent = absentLike(bot, visible, '7');
        expect(real).toBe(await observed(bot, absent, () => request(bot, PEOPLE.outsider, absent, conversation)));
      }
    }
  });

  it('when the sweep is over, then the attempts are in the audit (on the case, the first 20 an hour one by one, when it exists; in the audit trail when not)', async () => {
    const attemptsPerReference = PLACES.length * REQUESTS.length;
    expect(attemptsPerReference).toBeGreaterThan(REFUSALS_RECORDED_AN_HOUR);
    for (const ref of hidden) {
      const refused = (await refusalsOn(ref)).filter((e) => e.actorId === PEOPLE.head.aadObjectId);
      expect(refused).toHaveLength(REFUSALS_RECORDED_AN_HOUR);
      expect(refused.at(-1)?.data.more).toBe('notRecorded');
    }
    // Two absent references per request from the head, one per request from the outsider.
    expect(auditRefusals()).toBeGreaterThanOrEqual(3 * attemptsPerReference);
  });

  it('when the head tried the reports about them, then the chair of governors is alerted once per case (not per attempt), with no details', async () => {
    expect(alertTasks()).toBe(hidden.length);
    await waitFor(() => alertTasks('done') === hidden.length, 'the chair alerts to be delivered');
    const alerts = bot.connector.deliveriesTo(CHAIR).map((d) => readableText(d.activity)).filter((t) => /headteacher/i.test(t) && /tried/i.test(t));
    expect(alerts).toHaveLength(hidden.length);
    for (const ref of hidden) expect(alerts.filter((a) => a.includes(ref))).toHaveLength(1);
    for (const alert of alerts) {
      expect(alert).not.toMatch(/WOMBAT|GECKO|Rosalind|Quillfeather|pupil/i);
      expect(alert).toMatch(/\d{1,2} \w{3} \d{4}, \d{2}:\d{2}/);
    }
    // The head was told nothing of it: nothing but the answers above reached their chat, none of them an alert.
    expect(bot.connector.deliveriesTo(PEOPLE.head.aadObjectId).map((d) => readableText(d.activity)).join('\n')).not.toMatch(/chair|governor|alert/i);
  });

  it('when the rest of the team opens a report about the head, then they can (the refusal is about who asks, not the case)', async () => {
    const res = await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: hidden[0].toLowerCase() }, personalConversation(PEOPLE.dsl));
    expect(readableText(res.body)).toContain('WOMBAT-ALLEGATION');
  });
});
