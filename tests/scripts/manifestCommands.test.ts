/**
 * The commands Teams offers from the app manifest's menu (scripts/manifestCommands.ts reads them), sent to the whole bot
 * over HTTP as Teams sends a pick from the menu: in the 1:1 chat as typed, in a channel as an @mention.
 */
import { BotCommandTitles, readManifestCommands } from '../../scripts/manifestCommands';
import { PEOPLE, SecurityBot, TENANT, readableText, startSecurityBot } from '../security/securityHarness';

/** A staff team's ordinary channel (not the safeguarding team's), as a reply thread. */
const STAFFROOM = '19:staffroom@thread.tacv2';

interface Card { body?: unknown[] }

describe('the commands in the manifest\'s menu', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  /** What the bot sent while one message was handled: its text and its cards. */
  const repliesTo = async (activity: Record<string, unknown>): Promise<{ text: string; cards: Card[] }> => {
    const before = bot.connector.deliveries.length;
    await bot.post(activity);
    const sent = bot.connector.deliveries.slice(before).map((d) => d.activity as { attachments?: { content?: Card }[] });
    return { text: readableText(sent), cards: sent.flatMap((a) => (a.attachments ?? []).map((c) => c.content ?? {})) };
  };
  const inChat = (text: string) => ({ type: 'message', text, textFormat: 'plain', from: PEOPLE.reporter, conversation: { id: `a:${PEOPLE.reporter.aadObjectId}`, conversationType: 'personal', tenantId: TENANT } });
  const inChannel = (text: string) => ({
    type: 'message', text: `<at>School Policy Bot</at> ${text}`, textFormat: 'plain', from: PEOPLE.reporter,
    conversation: { id: `${STAFFROOM};messageid=1700000000001`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    entities: [{ type: 'mention', mentioned: { id: '28:school-policy-bot', name: 'School Policy Bot' }, text: '<at>School Policy Bot</at>' }],
    channelData: { tenant: { id: TENANT }, team: { id: '19:staff-team@thread.tacv2' }, channel: { id: STAFFROOM } },
  });
  const isDraftForm = (cards: Card[]) => cards.some((c) => JSON.stringify(c.body ?? []).includes('"id":"draft"'));

  it('when staff pick "check my post" from the menu, then in their 1:1 chat they get the form for their draft, and in a channel the form goes to that chat, with none in the channel', async () => {
    const offered = readManifestCommands().botCommands.find((c) => c.title === BotCommandTitles.checkMyPost);
    expect([...(offered?.scopes ?? [])].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(isDraftForm((await repliesTo(inChat(BotCommandTitles.checkMyPost))).cards)).toBe(true);
    const before = bot.connector.deliveries.length;
    await bot.post(inChannel(BotCommandTitles.checkMyPost));
    const sent = bot.connector.deliveries.slice(before);
    const cardsIn = (where: (conversationId: string) => boolean) => sent.filter((d) => where(d.conversationId))
      .flatMap((d) => ((d.activity as { attachments?: { content?: Card }[] }).attachments ?? []).map((c) => c.content ?? {}));
    expect(isDraftForm(cardsIn((id) => id.startsWith(STAFFROOM)))).toBe(false);
    expect(isDraftForm(cardsIn((id) => id === `a:${PEOPLE.reporter.id}`))).toBe(true);
    expect(readableText(sent.filter((d) => d.conversationId.startsWith(STAFFROOM)).map((d) => d.activity))).toContain('I have sent you the form in your private chat with me');
  });

  it('when staff pick any command from the menu in their 1:1 chat, then the bot answers it', async () => {
    for (const { title } of readManifestCommands().botCommands) {
      const reply = await repliesTo(inChat(title));
      expect({ title, answered: reply.text.trim() !== '' }).toEqual({ title, answered: true });
    }
  });
});
