/**
 * Issue 40, hole 5: a disclosure about a child typed as a question. The whole bot (startApp, local mode) over real
 * HTTP: the reply must lead with the "Report a concern" offer, nothing of what was typed may be kept in the question
 * log (so "not helpful" cannot carry it to the policy owner's `unanswered`), ordinary questions are kept sealed, and
 * owner-only teaching commands refused to anyone else are audited.
 */
import fs from 'node:fs';
import { Verbs } from '../../src/teams/verbs';
import { shownText } from '../support/cardAssertions';
import { ORDINARY as ORDINARY_QUESTIONS } from '../support/modelItems';
import { PEOPLE, SecurityBot, TENANT, askAndSend, readableText, startSecurityBot } from './securityHarness';

/** A made-up child and a made-up injury, typed the way the tester typed theirs. */
const DISCLOSURE = 'Finn Ashworth in 3C showed me cigarette burns on his arm, what should I do?';
const DISCLOSURE_WORDS = ['Ashworth', 'cigarette burns'];
/** An ordinary question nobody would write by chance, which the policy does not cover. */
const ORDINARY_WORD = 'zorbleflax';
const ORDINARY = ORDINARY_QUESTIONS.zorbleflaxLessonPlans;
const OWNER_REFUSAL = /only the policy owners/i;

interface CardJson { body?: unknown[]; actions?: { type?: string; title?: string; verb?: string; data?: Record<string, unknown>; style?: string }[] }
interface Sent { text?: string; attachments?: { contentType?: string; content?: CardJson }[] }

/** What the bot sent (through the fake connector) while one request ran, and the invoke's own answer. */
async function sentDuring(bot: SecurityBot, send: () => Promise<{ status: number; body: unknown }>): Promise<{ status: number; body: unknown; sent: Sent[] }> {
  const before = bot.connector.deliveries.length;
  const res = await send();
  return { ...res, sent: bot.connector.deliveries.slice(before).map((d) => d.activity as Sent) };
}

const cardsIn = (sent: Sent[]): CardJson[] => sent.flatMap((a) => a.attachments ?? []).map((a) => a.content ?? {});
const questionIdsIn = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/"questionId":"([^"]+)"/g)].map((m) => m[1]);

function tableExists(bot: SecurityBot, table: string): boolean {
  return bot.app.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

function count(bot: SecurityBot, table: string, where = '1 = 1', ...params: unknown[]): number {
  if (!tableExists(bot, table)) return 0;
  return (bot.app.db.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE ${where}`).get(...params) as { n: number }).n;
}

/** Every value of every row of every table, as text: what anyone with the file and the sqlite3 shell reads. */
function everythingStored(bot: SecurityBot): string {
  const tables = (bot.app.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
  return tables.map((t) => JSON.stringify(bot.app.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
}

/** The database file and its write-ahead log, as bytes read as text. */
function databaseFiles(bot: SecurityBot): string {
  const file = bot.app.db.name;
  return [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
}

describe('a disclosure typed as a question (issue 40, hole 5)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it('when a member of staff types a disclosure about a child in their 1:1 chat, then the first card offers Report a concern first, nothing of it is kept, and "not helpful" cannot put it in the owner\'s unanswered', async () => {
    const questions = count(bot, 'policy_questions');

    const reply = await sentDuring(bot, () => bot.message(PEOPLE.reporter, DISCLOSURE));

    const [first] = cardsIn(reply.sent);
    expect(first).toBeDefined();
    const offer = first.actions?.[0];
    expect(offer?.title).toMatch(/report a concern/i);
    expect([Verbs.concernStart, Verbs.concernChooseKind]).toContain(offer?.verb);
    const offerText = readableText(first.body);
    expect(offerText).toMatch(/DSL/);
    expect(offerText).toMatch(/today/i);
    expect(offerText).toMatch(/999/);
    expect(offerText).toMatch(/immediate danger/i);

    // Pressing it starts the report with what they typed as "what happened", so they need not type it again.
    const form = await bot.execute(PEOPLE.reporter, offer!.verb!, offer!.data ?? {});
    expect(form.status).toBe(200);
    const formText = readableText((form.body as { value?: unknown })?.value);
    expect(formText).toMatch(/report a concern/i);
    expect(formText).toContain(DISCLOSURE);
    expect(formText).not.toMatch(/nothing has been sent yet/i);

    // Nothing of what was typed is in the database: no question row, no text anywhere, not in the file's bytes.
    expect(count(bot, 'policy_questions')).toBe(questions);
    for (const word of DISCLOSURE_WORDS) {
      expect(everythingStored(bot)).not.toContain(word);
      expect(databaseFiles(bot)).not.toContain(word);
    }

    // "Not helpful" on anything the reply offered it for, then the owner looks at what the policy failed.
    for (const questionId of questionIdsIn(reply.sent)) {
      await bot.execute(PEOPLE.reporter, Verbs.feedback, { questionId, helpful: false });
    }
    const owner = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'unanswered'));
    const ownerSees = readableText(owner.sent);
    expect(ownerSees).toMatch(/did not answer well|no questions/i);
    for (const word of DISCLOSURE_WORDS) expect(ownerSees).not.toContain(word);
  });

  it('when the disclosure is typed in a channel, then the offer is still first, starts the report privately and repeats none of it', async () => {
    const channel = { id: '19:staffroom@thread.tacv2;messageid=1700000000001', conversationType: 'channel', isGroup: true, tenantId: TENANT };

    const reply = await sentDuring(bot, () => bot.message(PEOPLE.reporter, DISCLOSURE, channel));

    const [first] = cardsIn(reply.sent);
    expect(first?.actions?.[0]).toMatchObject({ title: expect.stringMatching(/report a concern/i), verb: Verbs.concernStart });
    for (const word of DISCLOSURE_WORDS) expect(JSON.stringify(reply.sent)).not.toContain(word);
  });

  it('when an ordinary question is asked and sent to the owners, then the database file holds no plain text of it, and the owner reads it in unanswered', async () => {
    expect((await askAndSend(bot, PEOPLE.reporter, ORDINARY)).status).toBe(200);

    expect(count(bot, 'policy_questions', 'question LIKE ?', `%${ORDINARY_WORD}%`)).toBe(0);
    expect(everythingStored(bot)).not.toContain(ORDINARY_WORD);
    expect(databaseFiles(bot)).not.toContain(ORDINARY_WORD);
    const owner = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'unanswered'));
    expect(readableText(owner.sent)).toContain(ORDINARY);
  });

  it('when a question names a year group and something that happened, then its answer leads with the report line carrying the text, has no "Was this helpful?", and nothing of it is kept but the day', async () => {
    const question = `a year 8 girl in my form followed me on tiktok last night, should i block her ${ORDINARY_WORD}-held`;
    const questions = count(bot, 'policy_questions');
    const held = count(bot, 'policy_disclosure_like', 'reading = ?', 'heldBack');

    const reply = await sentDuring(bot, () => bot.message(PEOPLE.reporter, question));

    const [card] = cardsIn(reply.sent);
    const line = (card.body?.[0] ?? {}) as { type?: string; items?: { actions?: { title?: string; verb?: string; data?: Record<string, unknown> }[] }[] };
    expect(line.type).toBe('Container');
    expect(readableText(line)).toContain('If this is about something a child told you or showed you, report it now.');
    expect(line.items?.[2].actions?.[0]).toMatchObject({ title: 'Report a concern', verb: Verbs.concernChooseKind, data: { whatHappened: question } });
    expect(questionIdsIn(reply.sent)).toEqual([]);
    expect(JSON.stringify(reply.sent)).not.toContain(Verbs.feedback);
    // Carried only in the button's data, never shown in the card, and kept nowhere.
    expect(shownText(card)).not.toContain(`${ORDINARY_WORD}-held`);
    expect(count(bot, 'policy_questions')).toBe(questions);
    expect(count(bot, 'policy_disclosure_like', 'reading = ?', 'heldBack')).toBe(held + 1);
    expect(everythingStored(bot)).not.toContain(`${ORDINARY_WORD}-held`);

    const owner = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'unanswered'));
    expect(readableText(owner.sent)).toMatch(/(A question was held back once \(not kept, never shown\) because it|Questions were held back \d+ times \(not kept, never shown; an edited question sent again counts again\) because they) may be about a particular child or what happened to someone\./);
    expect(readableText(owner.sent)).not.toContain(`${ORDINARY_WORD}-held`);
  });

  it('when a question an earlier release kept reads now as a disclosure, then the owner\'s list deletes it unseen and counts it, and pressing "not helpful" on its old card deletes it too', async () => {
    const kept = 'Maisie Oduya in 5C said her stepdad locks her out of the house at night, what does the policy say?';
    const pressed = 'a year 4 boy told me his uncle makes him keep secrets about their games, is that in the policy?';
    // As an earlier release kept them (before sealing: a plain value reads as it is).
    const keep = bot.app.db.prepare('INSERT INTO policy_questions (id, question, answered, cited_section, asked_at) VALUES (?, ?, ?, ?, ?)');
    const [keptId, pressedId] = ['old-kept-1', 'old-pressed-1'];
    keep.run(keptId, kept, 0, null, new Date().toISOString());
    keep.run(pressedId, pressed, 1, 'liverpool-model#9', new Date().toISOString());
    const held = count(bot, 'policy_disclosure_like', 'reading = ?', 'heldBack');

    const press = await bot.execute(PEOPLE.reporter, Verbs.feedback, { questionId: pressedId, helpful: false });
    expect(readableText((press.body as { value?: unknown })?.value)).toMatch(/report a concern/i);
    expect(count(bot, 'policy_questions', 'id = ?', pressedId)).toBe(0);

    const owner = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'unanswered'));
    const shown = readableText(owner.sent);
    expect(shown).not.toContain('Oduya');
    expect(shown).not.toContain('locks her out');
    expect(count(bot, 'policy_questions', 'id = ?', keptId)).toBe(0);
    expect(databaseFiles(bot)).not.toContain('Oduya');
    expect(count(bot, 'policy_disclosure_like', 'reading = ?', 'heldBack')).toBe(held + 2);
  });

  it('when the owner reads an ordinary question that names someone, then the name is taken out', async () => {
    expect((await askAndSend(bot, PEOPLE.reporter, ORDINARY_QUESTIONS.namedColleague)).status).toBe(200);

    const owner = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'unanswered'));
    const shown = readableText(owner.sent);
    expect(shown).toContain(`can [name] and [name] from the office start a school podcast about reading ${ORDINARY_WORD} books?`);
    expect(shown).not.toContain('Hollingsworth');
    expect(shown).not.toContain('Hope');
  });

  describe('owner-only teaching commands', () => {
    const refusals = (command: string) => count(bot, 'policy_teaching_audit', 'action = ? AND command = ? AND actor = ?', 'owner.refused', command, PEOPLE.outsider.aadObjectId);

    it.each([
      ['teach', () => bot.execute(PEOPLE.outsider, Verbs.teachAnswer, { questionId: 'any', section: 'liverpool-model#4', isOwner: true })],
      ['unteach', () => bot.execute(PEOPLE.outsider, Verbs.removeTeaching, { linkId: 'any', isOwner: true })],
      ['unanswered', () => bot.message(PEOPLE.outsider, 'unanswered')],
      ['taught', () => bot.message(PEOPLE.outsider, 'taught')],
    ] as const)('when a non-owner uses %s, then it is refused and the refusal is audited with who and when', async (command, send) => {
      const before = refusals(command);
      const links = count(bot, 'policy_teaching_links');

      const answer = await sentDuring(bot, send);

      expect(readableText([(answer.body as { value?: unknown })?.value, answer.sent])).toMatch(OWNER_REFUSAL);
      expect(count(bot, 'policy_teaching_links')).toBe(links);
      expect(refusals(command)).toBe(before + 1);
    });
  });
});
