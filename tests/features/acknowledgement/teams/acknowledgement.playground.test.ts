import path from 'node:path';
import { cardText, PlaygroundClient, PLAYGROUND_USERS, startBotInPlayground, BotInPlayground } from '../../../support/playground';
import { REPO_ROOT } from '../../../support/repoRoot';
import { pressData, shownText } from '../../../support/cardAssertions';

/** The whole acknowledgement loop in the fully wired app, through the Agents Playground over HTTP. */
describe('annual acknowledgement in Teams chat (Agents Playground)', () => {
  let stack: BotInPlayground;
  let pg: PlaygroundClient;
  const owner = PLAYGROUND_USERS[0];

  beforeAll(async () => {
    stack = await startBotInPlayground({
      ROSTER_FILE: path.resolve(REPO_ROOT, 'samples/roster.csv'),
      POLICY_OWNERS: owner.aadObjectId,
    });
    pg = stack.pg;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('when the owner starts a campaign, then their card arrives, acknowledging updates it, and a second click records nothing new', async () => {
    // The owner has chatted with the bot, so their 1:1 conversation is known.
    let from = pg.messages.length;
    await pg.say('help');
    await pg.waitFor((m) => cardText(m).includes('What I can do'), { from });

    from = pg.messages.length;
    await pg.say('campaign start all due 2027-01-31');
    // First the preview: who it reaches, nothing sent; then Start.
    const preview = await pg.waitFor((m) => cardText(m).includes('Start this campaign?'), { from, timeoutMs: 30_000 });
    expect(cardText(preview)).toContain('Nothing has been sent yet');
    const actions = (preview.attachments?.[0]?.content as { actions?: { verb?: string; data?: Record<string, unknown> }[] }).actions ?? [];
    const startData = actions.find((a) => a.verb === 'ack.campaignStart')?.data;
    expect(startData).toBeDefined();
    from = pg.messages.length;
    // Pressing Start sends the card's inputs too (the due date and the key points as the owner left them).
    const started = await pg.execute('ack.campaignStart', pressData(preview.attachments?.[0]?.content, { data: startData }), { replyToId: preview.messageId });
    expect(started.status).toBe(200);
    const card = await pg.waitFor((m) => cardText(m).includes('I have read and understood'), { from, timeoutMs: 30_000 });
    const text = cardText(card);
    expect(text).toContain('Social Media Policy for Schools');
    const json = JSON.stringify(card.attachments?.[0]?.content);
    const verbData = /"verb":"ack\.acknowledge","data":(\{[^}]*\})/.exec(json);
    expect(verbData).not.toBeNull();
    const data = JSON.parse(verbData![1]) as Record<string, unknown>;

    const first = await pg.execute('ack.acknowledge', data, { replyToId: card.messageId });
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body)).toMatch(/You acknowledged this on \d{1,2} \w+ \d{4}: (version|the version) /);
    // What staff read carries no internal ids (the campaign id and fingerprint stay in the buttons' data).
    expect(shownText(first.body)).not.toMatch(/ref [0-9a-f]{8}|ack-\d{8}-[0-9a-f]{6}/);

    const second = await pg.execute('ack.acknowledge', data, { replyToId: card.messageId });
    expect(second.status).toBe(200);
    expect(JSON.stringify(second.body)).toMatch(/You acknowledged this on/);

    from = pg.messages.length;
    await pg.say('campaign status');
    const status = await pg.waitFor((m) => /of \d+ acknowledged/.test(cardText(m)), { from, timeoutMs: 20_000 });
    const shown = cardText(status);
    expect(shown).toContain('1 of 6 acknowledged (17%)');
    expect(shown).toMatch(/Senior leadership\s+1\/1 \(100%\)/);
  });

  it('when someone who is not an owner tries to start a campaign, then it is refused', async () => {
    const from = pg.messages.length;
    const other = PLAYGROUND_USERS[2];
    await pg.custom({
      type: 'message', text: 'campaign start all', id: `m-${Date.now()}`,
      from: { id: other.id, name: other.name, aadObjectId: other.aadObjectId },
      conversation: { id: pg.conversations.personal, conversationType: 'personal' },
    });
    const reply = await pg.waitFor((m) => /owner/i.test((m.text ?? '') + cardText(m)), { from });
    expect((reply.text ?? '') + cardText(reply)).toMatch(/only|not allowed|owners/i);
  });
});
