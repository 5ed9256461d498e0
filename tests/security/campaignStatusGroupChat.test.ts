/**
 * Issue 69, also found: `campaign status` @mentioned in a group chat posted the owner's status card, with the named list
 * of staff who have not acknowledged, for everyone in the chat. Owner views with people's names go to the owner's 1:1
 * chat, as "report a concern" does from a group chat, and the group chat gets a short line saying so. The whole bot
 * (startApp, local mode) over real HTTP, with the fake Bot Connector recording what went where.
 */
import { Verbs } from '../../src/teams/verbs';
import { executeActions, pressData } from '../support/cardAssertions';
import { waitFor } from '../support/waitFor';
import { PEOPLE, SecurityBot, TENANT, readableText, startSecurityBot } from './securityHarness';

const GROUP_CHAT = { id: '19:staffroom-ack@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT };
/** The staff the status card lists as outstanding: everyone on the roster but the owner, who nobody has asked to acknowledge yet. */
const OUTSTANDING = [PEOPLE.reporter, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.head];

describe('campaign status asked for in a group chat (issue 69)', () => {
  let bot: SecurityBot;
  const one = <T>(sql: string) => bot.app.db.prepare(sql).get() as T;
  /** What a person reads of an activity: its text and its cards, not the addressing around them. */
  const shown = (activity: Record<string, unknown>) => readableText({ text: activity.text, attachments: activity.attachments });

  beforeAll(async () => {
    bot = await startSecurityBot();
    // Everyone has opened a chat with the bot, so the campaign's card reaches them.
    for (const p of [...OUTSTANDING, PEOPLE.owner]) await bot.message(p, 'help');
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.owner, 'campaign start all');
    const preview = bot.connector.deliveries.slice(before).find((d) => readableText(d.activity).includes('Start this campaign?'))!.activity;
    const card = (preview.attachments as { content: unknown }[])[0].content;
    const start = executeActions(card).find((a) => a.verb === Verbs.campaignStart)!;
    expect((await bot.execute(PEOPLE.owner, Verbs.campaignStart, pressData(card, start))).status).toBe(200);
    await waitFor(() => one<{ n: number }>(`SELECT COUNT(*) AS n FROM ack_deliveries WHERE state = 'sent'`).n === OUTSTANDING.length + 1,
      { what: 'every campaign card sent', timeoutMs: 30_000 });
  }, 90_000);
  afterAll(async () => { await bot?.close(); });

  it('when the owner @mentions the bot with "campaign status" in a group chat, then the named list goes to the owner\'s 1:1 chat and the group chat reads only a short line saying so', async () => {
    const before = bot.connector.deliveries.length;

    const res = await bot.post({
      type: 'message', from: PEOPLE.owner, conversation: GROUP_CHAT, textFormat: 'plain',
      text: '<at>School Policy Bot</at> campaign status',
      entities: [{ type: 'mention', text: '<at>School Policy Bot</at>', mentioned: { id: '28:school-policy-bot', name: 'School Policy Bot' } }],
    });

    expect(res.status).toBe(200);
    const sent = bot.connector.deliveries.slice(before);
    expect(sent.every((d) => d.conversationId.startsWith(GROUP_CHAT.id) || d.conversationId === `a:${PEOPLE.owner.id}`)).toBe(true);
    const inGroup = sent.filter((d) => d.conversationId.startsWith(GROUP_CHAT.id)).map((d) => shown(d.activity)).join('\n');
    // The owner's 1:1 chat, opened from the group chat by their Teams id (the fake connector names it a:{member}).
    const toOwner = sent.filter((d) => d.conversationId === `a:${PEOPLE.owner.id}`).map((d) => shown(d.activity)).join('\n');
    // The group chat is told where the status went, and reads nobody's name or the counts.
    expect(inGroup).toMatch(/private chat/i);
    for (const p of OUTSTANDING) expect(inGroup).not.toContain(p.name);
    expect(inGroup).not.toMatch(/acknowledged/i);
    // The owner reads the whole status card in their own chat with the bot.
    expect(toOwner).toMatch(/acknowledged/i);
    for (const p of OUTSTANDING) expect(toOwner).toContain(p.name);
  });

  it('when the owner presses a status card\'s buttons in a group chat (a card an earlier release posted there), then the answer there is a line, not the card, and the card goes to their 1:1 chat', async () => {
    const campaignId = one<{ id: string }>('SELECT id FROM ack_campaigns').id;
    for (const [verb, data] of [[Verbs.campaignPeople, { campaignId, list: 'outstanding', offset: '0' }], [Verbs.campaignStatus, { campaignId }]] as const) {
      const before = bot.connector.deliveries.length;

      const res = await bot.execute(PEOPLE.owner, verb, data, GROUP_CHAT);

      expect(res.status).toBe(200);
      const answer = res.body as { type?: string; value?: unknown };
      expect(answer.type).not.toBe('application/vnd.microsoft.card.adaptive');
      expect(readableText(answer.value)).toMatch(/private chat/i);
      for (const p of OUTSTANDING) expect(readableText(answer.value)).not.toContain(p.name);
      const sent = bot.connector.deliveries.slice(before);
      expect(sent.filter((d) => d.conversationId.startsWith(GROUP_CHAT.id))).toEqual([]);
      const toOwner = sent.filter((d) => d.conversationId === `a:${PEOPLE.owner.id}`).map((d) => shown(d.activity)).join('\n');
      for (const p of OUTSTANDING) expect(toOwner).toContain(p.name);
    }
  });

  it('when someone who is not an owner asks for it in a group chat, then they are refused there and nothing is sent to anyone\'s 1:1 chat', async () => {
    const before = bot.connector.deliveries.length;

    const res = await bot.message(PEOPLE.reporter, 'campaign status', GROUP_CHAT);

    expect(res.status).toBe(200);
    const sent = bot.connector.deliveries.slice(before);
    expect(sent.filter((d) => !d.conversationId.startsWith(GROUP_CHAT.id))).toEqual([]);
    const inGroup = sent.map((d) => shown(d.activity)).join('\n');
    expect(inGroup).toMatch(/owner/i);
    for (const p of OUTSTANDING) expect(inGroup).not.toContain(p.name);
  });
});
