import { BotMessage, cardText, PlaygroundClient, sendToOwnersFrom, startBotInPlayground, BotInPlayground } from '../../../support/playground';

const OWNER = '00000000-0000-0000-0000-0000000000020';

/** A policy owner teaches the bot through the unanswered list, over real HTTP through the Agents Playground. */
describe('owners teach the bot (Agents Playground)', () => {
  let stack: BotInPlayground;
  let pg: PlaygroundClient;

  beforeAll(async () => {
    stack = await startBotInPlayground({ POLICY_OWNERS: OWNER });
    pg = stack.pg;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const ask = async (question: string): Promise<{ text: string; card: string; messageId: string; reply: BotMessage }> => {
    const from = pg.messages.length;
    await pg.say(question);
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    return { text: cardText(reply), card: JSON.stringify(reply.attachments![0].content), messageId: reply.messageId ?? '', reply };
  };
  const unanswered = async (): Promise<{ card: any; messageId: string }> => {
    const from = pg.messages.length;
    await pg.say('unanswered');
    const reply = await pg.waitFor((m) => cardText(m).includes('did not answer well'), { from });
    return { card: reply.attachments![0].content, messageId: reply.messageId ?? '' };
  };
  /** The teach buttons the card offers for one question: [title, data]. */
  const choicesFor = (card: unknown, question: string): { title: string; data: { questionId: string; section: string } }[] => {
    const containers = ((card as { body: any[] }).body).filter((b) => b.type === 'Container');
    const entry = containers.find((c) => JSON.stringify(c).includes(JSON.stringify(question).slice(1, -1)));
    expect(entry).toBeDefined();
    return entry.items.find((i: { type: string }) => i.type === 'ActionSet').actions.filter((a: any) => a.type === 'Action.Execute').map((a: any) => ({ title: a.title, data: a.data }));
  };

  it('when an owner links an unhelpful answer to another section, then that question and a rewording of it get that section; removing the link undoes it', async () => {
    const question = 'What should I do if a parent is rude about me online?';
    const first = await ask(question);
    // Marked not helpful and sent to the owners (a question is kept only when its asker sends it).
    const sent = await sendToOwnersFrom(pg, first.reply, question);
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.body)).toContain('Sent to the policy owners');

    const list = await unanswered();
    // Above the list, counts that outlive the questions' text (deleted after the school's retention period).
    expect(JSON.stringify(list.card)).toMatch(/Last 30 days: [1-9]\d* questions? asked, \d+ not covered, \d+ marked not helpful/);
    // The reply was not sure of its section, so "None of these" came before Send: the list says so.
    expect(JSON.stringify(list.card)).toContain('Not sure, and none of its choices fitted');
    const choices = choicesFor(list.card, question);
    expect(choices.map((c) => c.title)).toContain("The policy doesn't cover it");
    expect(choices.length).toBe(4);
    // Teach the second candidate, so the answer visibly changes.
    const pick = choices[1];
    const taught = await pg.execute('policy.teach', pick.data, { replyToId: list.messageId });
    expect(taught.status).toBe(200);
    expect(JSON.stringify(taught.body)).toContain('Linked');
    expect(JSON.stringify(taught.body)).not.toContain(question);

    const label = `Section ${pick.title.replace(/…$/, '')}`;
    const again = await ask(question);
    expect(again.text).toContain(label);
    const reworded = await ask('what do i do if a parent is rude about me online');
    expect(reworded.text).toContain(label);

    const fromTaught = pg.messages.length;
    await pg.say('taught');
    const taughtList = await pg.waitFor((m) => cardText(m).includes('What the policy owners have taught'), { from: fromTaught });
    expect(cardText(taughtList)).toContain(question);
    const linkId = JSON.stringify(taughtList.attachments![0].content).match(/"linkId":"([^"]+)"/)![1];
    const removed = await pg.execute('policy.unteach', { linkId }, { replyToId: taughtList.messageId });
    expect(JSON.stringify(removed.body)).toContain('Removed');
    const after = await ask(question);
    expect(after.text).toContain(first.text.match(/Section [^\n·]+/)![0].trim());
  });

  it('when an owner says the policy does not cover it, then the question is declined from then on', async () => {
    const question = 'Is posting about my holiday on Instagram fine?';
    const first = await ask(question);
    expect((await sendToOwnersFrom(pg, first.reply, question)).status).toBe(200);
    const list = await unanswered();
    const none = choicesFor(list.card, question).find((c) => c.title === "The policy doesn't cover it")!;
    expect((await pg.execute('policy.teach', none.data, { replyToId: list.messageId })).status).toBe(200);
    expect((await ask(question)).text).toContain("The policy doesn't cover that");
  });

  it('when a question carries markdown, then the owners\' list shows it as text, not as a link', async () => {
    // An ordinary question the detector keeps for the owner (one it held back would never be listed at all).
    const question = 'Can I share [our summer fair post](http://evil.example) **now** on my own facebook?';
    const first = await ask(question);
    // Declined or answered, it reaches the owners' list once its asker sends it.
    expect((await sendToOwnersFrom(pg, first.reply, question)).status).toBe(200);
    const list = await unanswered();
    const shown = JSON.stringify(list.card);
    expect(shown).toContain('"type":"TextRun","text":"Can I share [our summer fair post](http://evil.example) **now** on my own facebook?"');
    const textBlocks = JSON.stringify(((list.card as { body: any[] }).body).filter((b) => b.type === 'TextBlock'));
    expect(textBlocks).not.toContain('evil.example');
  });
});

describe('teaching by someone who is not a policy owner (Agents Playground)', () => {
  let stack: BotInPlayground;

  beforeAll(async () => {
    // The person at the keyboard (user-id-0) is not an owner here.
    stack = await startBotInPlayground({ POLICY_OWNERS: '00000000-0000-0000-0000-0000000000021' });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('when they press a teach or remove button, then it is refused and nothing is linked or removed', async () => {
    const pg = stack.pg;
    const from = pg.messages.length;
    await pg.say('Where can I park my car?');
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    const teach = await pg.execute('policy.teach', { questionId: 'any', section: 'liverpool-model#5' }, { replyToId: reply.messageId });
    expect(JSON.stringify(teach.body)).toContain('Only the policy owners');
    const remove = await pg.execute('policy.unteach', { linkId: 'any' }, { replyToId: reply.messageId });
    expect(JSON.stringify(remove.body)).toContain('Only the policy owners');
    expect((stack.bot.db.prepare('SELECT COUNT(*) AS n FROM policy_teaching_links').get() as { n: number }).n).toBe(0);
    const before = pg.messages.length;
    await pg.say('taught');
    const refused = await pg.waitFor((m) => typeof m.text === 'string' && m.text.includes('Only the policy owners'), { from: before });
    expect(refused.text).toContain('Only the policy owners');
  });
});
