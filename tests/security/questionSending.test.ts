/**
 * Issue 69, item 3: a question that ties a particular child to something that happened to them is never kept. No
 * detector catches every one (on questions written apart from the code, 8 of 320 child-tied questions were still kept),
 * so a question is answered without its text being kept at all: the owners see a question only when the person who
 * asked sends it, in their own words, having been told to leave out anything about a particular child, and what they
 * send is read again as a question is. The whole bot (startApp, local mode) over real HTTP, its SQLite file read as
 * anyone with a copy of it would.
 */
import fs from 'node:fs';
import { SEND_EMPTY, SEND_FROM_OWN_CHAT, SEND_NOT_YOURS, SEND_REFUSED_ELSEWHERE, SEND_UNREADABLE } from '../../src/features/policy/teams/questionSending';
import { ALREADY_SENT_TEXT, SEND_OFFER_TEXT, SEND_REFUSED_TEXT, SENT_QUIETLY_TEXT } from '../../src/features/policy/teams/cards/sendToOwners';
import { Verbs } from '../../src/teams/verbs';
import { executeActions, sendingStepOf, shownText } from '../support/cardAssertions';
import { PEOPLE, SecurityBot, TENANT, readableText, startSecurityBot, unansweredFromCli } from './securityHarness';

/** A word nobody types by chance, so its bytes can be looked for in the database file. */
const WORD = 'plimbertack';
/** Ordinary questions of each kind of reply (not covered, one answer, not sure), each carrying the word. */
const ORDINARY = [
  `Can I put the ${WORD} rota on my Instagram story?`,
  `can I accept a friend request from a parent on facebook about the ${WORD} club?`,
  `is it ok to share the school's fb post about the ${WORD} summer fair on my own page?`,
];
/**
 * What a person might type into the box about a particular child and what happened to them (made-up children and
 * places), with the words that must never reach an owner.
 */
const ABOUT_A_CHILD: [string, string[]][] = [
  ['Can I send a get well card to Lily Rose in 4 Oak who is in hospital after an overdose?', ['Lily', 'overdose']],
  ['What can I say to Ruby Hill (Y9) who ran away from her foster placement?', ['Ruby', 'placement']],
  ['Should I tell the parents that Tia in hedgehogs class has nits and lice?', ['hedgehogs', 'nits']],
];

type Card = Record<string, unknown>;

describe('a question is kept only when its asker sends it to the policy owners (issue 69, item 3)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot({ env: { QUESTIONS_PER_PERSON_PER_HOUR: '1000' } }); });
  afterAll(async () => { await bot?.close(); });

  const storedText = (id: string) => (bot.app.db.prepare('SELECT question FROM policy_questions WHERE id = ?').get(id) as { question: string } | undefined)?.question;
  const heldBack = () => (bot.app.db.prepare(`SELECT COUNT(*) AS n FROM policy_disclosure_like WHERE reading = 'heldBack'`).get() as { n: number }).n;
  const databaseFiles = () => [bot.app.db.name, `${bot.app.db.name}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
  /** What the bot sent for one message. */
  async function ask(question: string, from = PEOPLE.reporter, conversation?: Record<string, unknown>): Promise<unknown[]> {
    const before = bot.connector.deliveries.length;
    expect((await bot.message(from, question, conversation)).status).toBe(200);
    return bot.connector.deliveries.slice(before).map((d) => d.activity);
  }
  /** Asks, and returns the Send its reply offers (after No, or "None of these", where the reply needs that first). */
  async function offeredSend(question: string, from = PEOPLE.reporter, conversation?: Record<string, unknown>) {
    const reply = await ask(question, from, conversation);
    let { send, first } = sendingStepOf(reply);
    if (!send && first) send = sendingStepOf((await bot.execute(from, first.verb, first.data, conversation)).body).send;
    expect(send).toBeDefined();
    return { reply, send: send! };
  }
  const said = (res: { body: unknown }) => (res.body as { value?: unknown } | undefined)?.value;
  async function ownersView(): Promise<string> {
    const before = bot.connector.deliveries.length;
    expect((await bot.message(PEOPLE.owner, 'unanswered')).status).toBe(200);
    const card = bot.connector.deliveries.slice(before).map((d) => readableText(d.activity)).join('\n');
    return `${card}\n${await unansweredFromCli(bot)}`;
  }

  it('when staff ask questions and press the reply\'s buttons, then none of their words is kept: each is counted with no text, and the owners see none of them', async () => {
    const ids: string[] = [];
    for (const question of ORDINARY) {
      const reply = await ask(question);
      const id = /"questionId":"([^"]+)"/.exec(JSON.stringify(reply))![1];
      ids.push(id);
      // Whatever the reply offers first (No, "None of these"): still nothing kept until Send.
      const { first } = sendingStepOf(reply);
      let shown = readableText(reply);
      if (first) {
        const res = await bot.execute(PEOPLE.reporter, first.verb, first.data);
        expect(res.status).toBe(200);
        shown += readableText(said(res));
      }
      // The reply says so, and offers to send it.
      expect(shown).toContain(SEND_OFFER_TEXT);
    }

    for (const id of ids) expect(storedText(id)).toBe('');
    expect(databaseFiles()).not.toContain(WORD);
    expect(await ownersView()).not.toContain(WORD);
  });

  it('when the asker sends what ties a particular child to what happened to them, then it is not sent: Report a concern comes first with their words, the box comes back, and nothing is kept', async () => {
    const { send } = await offeredSend(ORDINARY[0]);
    const id = String(send.data.questionId);

    for (const [typed, words] of ABOUT_A_CHILD) {
      const held = heldBack();
      const res = await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: typed });

      expect(res.status).toBe(200);
      const card = said(res);
      expect(shownText(card)).toContain(SEND_REFUSED_TEXT);
      // Report a concern first, carrying what they typed into the form's "What happened" (their own chat).
      expect(executeActions(card).find((a) => a.title === 'Report a concern')).toMatchObject({ verb: Verbs.concernChooseKind, data: { whatHappened: typed } });
      // The box again, with their text in it, to change and send.
      expect(JSON.stringify(card)).toContain(`"value":${JSON.stringify(typed)}`);
      expect(storedText(id)).toBe('');
      expect(heldBack()).toBe(held + 1);
      const owners = await ownersView();
      for (const word of words) {
        expect(owners).not.toContain(word);
        expect(databaseFiles()).not.toContain(word);
      }
    }
    // The same box, with an ordinary question: sent.
    const ok = await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: ORDINARY[0] });
    expect(shownText(said(ok))).toContain('Sent to the policy owners. They see:');
    expect(shownText(said(ok))).toContain(ORDINARY[0]);
    expect(storedText(id)).toMatch(/^gcm1\./);
    expect(await ownersView()).toContain(ORDINARY[0]);
  });

  it('when someone other than the asker presses Send, then it is refused and nothing is kept; the asker sends once, and the first send is the one kept', async () => {
    const { send } = await offeredSend(ORDINARY[1]);
    const id = String(send.data.questionId);

    for (const other of [PEOPLE.outsider, PEOPLE.owner]) {
      const res = await bot.execute(other, send.verb, { ...send.data, question: `forged by someone else ${WORD}` });
      expect(said(res)).toBe(SEND_NOT_YOURS);
    }
    expect(storedText(id)).toBe('');

    const first = `can a parent from the ${WORD} club be my facebook friend?`;
    expect(shownText(said(await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: first })))).toContain('Sent to the policy owners');
    const again = await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: 'a different text the second time' });
    expect(shownText(said(again))).toContain(ALREADY_SENT_TEXT);
    const owners = await ownersView();
    expect(owners).toContain(first);
    expect(owners).not.toContain('a different text the second time');
  });

  it('when Send is pressed with the box empty or too long, then the reply comes back with the text and what is wrong, and nothing is kept', async () => {
    const { send } = await offeredSend(ORDINARY[0]);
    const id = String(send.data.questionId);

    const empty = said(await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: '   ' }));
    expect(shownText(empty)).toContain(SEND_EMPTY);
    expect(executeActions(empty).map((a) => a.verb)).toContain(Verbs.sendToOwners);

    const long = `${'can I post about the summer fair '.repeat(20)}${WORD}`;
    const tooLong = said(await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: long }));
    expect(shownText(tooLong)).toContain(`Your question is ${long.length} characters: the most I can send is 500.`);
    expect(JSON.stringify(tooLong)).toContain(`"value":${JSON.stringify(long)}`);
    expect(storedText(id)).toBe('');
  });

  it('when a Send is forged or damaged, then it gets a clear message, never a failure, and keeps nothing', async () => {
    const { send } = await offeredSend(ORDINARY[0]);
    const id = String(send.data.questionId);
    const forged: unknown[] = [
      undefined, null, 'junk', 42, [], {}, { ...send.data, questionId: 5 }, { ...send.data, questionId: 'x'.repeat(10_000) },
      { ...send.data, view: 'somewhere' }, { ...send.data, view: 'chosen' }, { ...send.data, q: 'gcm1.AAAA.BBBB.CCCC' }, { ...send.data, q: 'x'.repeat(100_000) },
    ];
    for (const data of forged) {
      const res = await bot.execute(PEOPLE.reporter, Verbs.sendToOwners, { ...(data as object), question: 'a question' });
      expect({ data: typeof data, status: res.status, said: said(res) }).toEqual({ data: typeof data, status: 200, said: SEND_UNREADABLE });
    }
    // Another question's token: not this person's send for this question.
    const res = await bot.execute(PEOPLE.reporter, Verbs.sendToOwners, { ...send.data, t: 'f'.repeat(32), question: 'a question' });
    expect(said(res)).toBe(SEND_NOT_YOURS);
    expect(storedText(id)).toBe('');
  });

  it('when the question is asked in a channel, then its reply offers Send without repeating the question, and sending shows nothing of it there', async () => {
    const channel = { id: '19:staffroom@thread.tacv2;messageid=1700000000002', conversationType: 'channel', isGroup: true, tenantId: TENANT };
    const { reply, send } = await offeredSend(ORDINARY[0], PEOPLE.reporter, channel);
    expect(JSON.stringify(reply)).not.toContain(WORD);

    const res = await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: ORDINARY[0] }, channel);

    expect(shownText(said(res))).toContain(SENT_QUIETLY_TEXT);
    expect(JSON.stringify(said(res))).not.toContain(WORD);
    expect(storedText(String(send.data.questionId))).toMatch(/^gcm1\./);
  });

  it('when a Send from a channel is refused or incomplete, then only the person who pressed is told, and the channel\'s card shows nothing of it', async () => {
    const channel = { id: '19:staffroom@thread.tacv2;messageid=1700000000003', conversationType: 'channel', isGroup: true, tenantId: TENANT };
    const { send } = await offeredSend(ORDINARY[0], PEOPLE.reporter, channel);

    // A message to the presser (the card is not redrawn for everyone), without what they typed.
    const refused = await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: ABOUT_A_CHILD[0][0] }, channel);
    expect(said(refused)).toBe(SEND_REFUSED_ELSEWHERE);
    expect((refused.body as { type?: string }).type).toBe('application/vnd.microsoft.activity.message');
    const empty = await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: '' }, channel);
    expect(said(empty)).toBe(`${SEND_EMPTY} ${SEND_FROM_OWN_CHAT}`);
    expect(storedText(String(send.data.questionId))).toBe('');
  });

  it('when Send is pressed for an answer that did not fail (no No, no choice), then nothing is kept: Send is offered only where the reply failed', async () => {
    const reply = await ask(ORDINARY[1]);
    const yes = executeActions(reply).find((a) => a.verb === Verbs.feedback && a.data.helpful === true);
    expect(yes).toBeDefined();
    // The token and the sealed question the Yes button carries, forged into a Send.
    const res = await bot.execute(PEOPLE.reporter, Verbs.sendToOwners, {
      questionId: yes!.data.questionId, t: yes!.data.t, q: yes!.data.q, view: 'unhelpful', question: ORDINARY[1],
    });
    expect(said(res)).toBe(SEND_UNREADABLE);
    expect(storedText(String(yes!.data.questionId))).toBe('');
  });

  it('when an owner presses teach on a question nobody sent (its id copied from a log), then it is not found and nothing is taught', async () => {
    const reply = await ask(ORDINARY[0]);
    const questionId = /"questionId":"([^"]+)"/.exec(JSON.stringify(reply))![1];
    const links = () => (bot.app.db.prepare('SELECT COUNT(*) AS n FROM policy_teaching_links').get() as { n: number }).n;
    const before = links();

    const res = await bot.execute(PEOPLE.owner, Verbs.teachAnswer, { questionId, section: 'liverpool-model#5' });

    expect(readableText(said(res))).toMatch(/could not be found/);
    expect(links()).toBe(before);
  });

  it('when a question is held back as possibly about a child, then its reply offers no Send at all', async () => {
    const reply = await ask('Jayden in 5C told me his dad hit him with a belt, does the policy cover that?');
    expect(JSON.stringify(reply)).not.toContain(Verbs.sendToOwners);
    expect(shownText(reply as Card[])).not.toContain(SEND_OFFER_TEXT);
  });
});
