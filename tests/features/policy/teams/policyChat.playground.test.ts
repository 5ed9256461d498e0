import { cardText, PlaygroundClient, startBotInPlayground, BotInPlayground } from '../../../support/playground';
import { executeActions } from '../../../support/cardAssertions';

/** Chats with the running bot over real HTTP through the Microsoft 365 Agents Playground. */
describe('policy questions in Teams chat (Agents Playground)', () => {
  let stack: BotInPlayground;
  let pg: PlaygroundClient;

  beforeAll(async () => {
    stack = await startBotInPlayground({ POLICY_OWNERS: '00000000-0000-0000-0000-0000000000020' });
    pg = stack.pg;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('when a member of staff asks a question, then the answer quotes the policy and cites the section', async () => {
    const from = pg.messages.length;
    await pg.say('Can I accept a friend request from a parent?');
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    const text = cardText(reply);
    expect(text).toContain("accept or invite 'friend' requests from pupils");
    expect(text).toContain('Section 5. Acceptable use');
    expect(text).toContain('Was this helpful?');
    expect(text).toContain('Read the full section');
  });

  it.each([
    ['a year 9 kid posted something nasty about me on tiktok', 'onlineAbuse', 'Online abuse or harassment of me or a colleague'],
    ['my colleague posted something really inappropriate', 'colleagueConduct', "A colleague's conduct online"],
  ])('when someone asks "%s", then Report a concern of that kind is offered beside the answer, and pressing it opens the form at that kind with their words', async (question, kind, label) => {
    const from = pg.messages.length;
    await pg.say(question);
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    const text = cardText(reply);
    expect(text).toContain('Section');
    expect(text).toMatch(/you can report it as/);
    // The offer's button (a question that may also be about a child keeps that report line above the answer too).
    const actions = [...JSON.stringify(reply.attachments![0].content).matchAll(/"verb":"concern\.chooseKind","data":(\{[^}]*\})/g)]
      .map((m) => JSON.parse(m[1]) as Record<string, string>);
    const data = actions.find((a) => a.kind !== undefined);
    expect(data).toEqual({ kind, whatHappened: question });
    const res = await pg.execute('concern.chooseKind', data!, { replyToId: reply.messageId });
    const form = JSON.stringify(res.body);
    expect(form).toContain(label);
    expect(form).toContain(question);
  });

  it('when a question is about what the policy allows, not something that happened, then no report is offered beside the answer', async () => {
    for (const question of ['Can I post photos of my class?', 'what if a parent posts something about me?', 'A parent sent me a friend request, can I accept?']) {
      const from = pg.messages.length;
      await pg.say(question);
      const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
      expect({ question, offered: /you can report it as/.test(cardText(reply)) }).toEqual({ question, offered: false });
    }
  });

  it('when someone presses "Read the full section", then the whole section comes as its own message and the answer stays as it was', async () => {
    const from = pg.messages.length;
    await pg.say('Is it ok to post lewd jokes online?');
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    const action = JSON.stringify(reply.attachments![0].content).match(/"verb":"policy\.readSection","data":(\{[^}]*\})/);
    expect(action).not.toBeNull();
    const afterAnswer = pg.messages.length;
    const res = await pg.execute('policy.readSection', JSON.parse(action![1]), { replyToId: reply.messageId });
    expect(res.status).toBe(200);
    // The invoke answers with a short message, not a card: Teams keeps the answer card, quote and feedback buttons.
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: 'Section 5. Acceptable use is below.' });
    const section = await pg.waitFor((m) => cardText(m).includes('is in any other way unlawful'), { from: afterAnswer });
    expect(cardText(section)).toContain('5. Acceptable use');
  });

  it('when the policy does not cover the question, then the bot says so and offers next steps', async () => {
    const from = pg.messages.length;
    await pg.say('Where can I park my car?');
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    const text = cardText(reply);
    expect(text).toContain("The policy doesn't cover that");
    expect(text).toContain('line manager');
    expect(text).toContain('Report a concern');
    expect(text).not.toContain('Section');
  });

  it('when someone says an answer did not help and sends the question, then the card updates and the owner can list the question', async () => {
    const from = pg.messages.length;
    await pg.say('Can pupils add me as a friend on Facebook?');
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    const card = reply.attachments![0].content as any;
    const no = executeActions(card).find((a) => a.verb === 'policy.feedback' && a.data.helpful === false);
    expect(no).toBeDefined();
    const res = await pg.execute(no!.verb, no!.data, { replyToId: reply.messageId });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('did not help');
    const send = executeActions(res.body).find((a) => a.verb === 'policy.sendToOwners');
    expect(send).toBeDefined();
    expect((await pg.execute(send!.verb, { ...send!.data, question: 'Can pupils add me as a friend on Facebook?' }, { replyToId: reply.messageId })).status).toBe(200);
    const before = pg.messages.length;
    await pg.say('unanswered');
    const list = await pg.waitFor((m) => cardText(m).includes('did not answer well'), { from: before });
    expect(cardText(list)).toContain('Can pupils add me as a friend on Facebook?');
  });

  it('when someone who is not a policy owner asks for unanswered questions, then it is refused', async () => {
    const from = pg.messages.length;
    await pg.custom({
      type: 'message', text: 'unanswered', from: { id: 'user-id-2', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-0000000000022' },
      conversation: { id: pg.conversations.personal, conversationType: 'personal' },
    });
    const reply = await pg.waitFor((m) => typeof m.text === 'string' && m.text.includes('Only the policy owners'), { from });
    expect(reply.text).toContain('Only the policy owners');
  });

  it('when someone types contents and section 5, then they get the section list and the full section', async () => {
    let from = pg.messages.length;
    await pg.say('contents');
    const contents = await pg.waitFor((m) => cardText(m).includes('Acceptable use'), { from });
    expect(cardText(contents)).toContain('11. Legislation');
    from = pg.messages.length;
    await pg.say('section 5');
    const section = await pg.waitFor((m) => cardText(m).includes('5. Acceptable use'), { from });
    expect(cardText(section)).toContain('All communication with parents via social media');
  });

  it('when the bot is @mentioned in a channel, then it answers there', async () => {
    const from = pg.messages.length;
    await pg.say('is it ok to post lewd jokes online?', { conversationId: pg.conversations.team, mentionBot: true });
    const reply = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
    expect(cardText(reply)).toContain('contains lewd, sexually explicit, threatening');
  });

  it('when the app is installed, then the bot welcomes the person with what it can do', async () => {
    const from = pg.messages.length;
    const res = await fetch(`http://127.0.0.1:${pg.playground.port}/_debug/conversation/${encodeURIComponent(pg.conversations.personal)}/installation`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    expect(res.ok).toBe(true);
    const welcome = await pg.waitFor((m) => cardText(m).includes("I'm the School Policy Bot"), { from });
    expect(cardText(welcome)).toContain('Report a concern');
  });
});
