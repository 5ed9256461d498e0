import { Verbs } from '../../../../src/teams/verbs';
import { executeActions } from '../../../support/cardAssertions';
import { PEOPLE, personalConversation, readableText, SecurityBot, startSecurityBot } from '../../../security/securityHarness';

/**
 * Report a concern of the right kind beside the reply to a question about something that happened to the person, or a
 * colleague's conduct (issue 52), over HTTP through the whole bot: on an answer, on "The policy doesn't cover that",
 * and still there once the card is redrawn for "Was this helpful?". In the person's own chat the button carries what
 * they typed; in a channel it carries nothing.
 */
describe('Report a concern beside the reply, over HTTP', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  /** The cards the bot sent since `from`, as JSON. */
  const sentSince = (from: number): string => JSON.stringify(bot.connector.deliveries.slice(from).map((d) => d.activity));
  const chooseKind = (kind: string, whatHappened: string) => JSON.stringify({ verb: Verbs.concernChooseKind, data: { kind, whatHappened } }).slice(1, -1);

  it.each([
    ['the caretaker posted rude comments about the new boiler', 'colleagueConduct', "you can report it as a concern about a colleague's conduct"],
    ['someone made a fake account pretending to be me to sell concert tickets', 'onlineAbuse', 'you can report it as online abuse or harassment'],
  ])('when the policy does not cover "%s", then the reply says so and offers the %s report with what was typed', async (question, kind, offer) => {
    const from = bot.connector.deliveries.length;
    expect((await bot.message(PEOPLE.reporter, question)).status).toBe(200);
    const sent = sentSince(from);
    expect(readableText(JSON.parse(sent))).toContain("The policy doesn't cover that");
    expect(readableText(JSON.parse(sent))).toContain(offer);
    expect(sent).toContain(chooseKind(kind, question));
  });

  it('when the same is asked in a channel, then the offer starts the report privately and carries nothing typed', async () => {
    const question = 'the caretaker posted rude comments about the new boiler';
    const channel = { id: '19:staffroom@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: 'tenant-security' };
    const from = bot.connector.deliveries.length;
    expect((await bot.post({ type: 'message', text: `<at>School Policy Bot</at> ${question}`, textFormat: 'plain', from: PEOPLE.reporter, conversation: channel,
      entities: [{ type: 'mention', mentioned: { id: '28:school-policy-bot', name: 'School Policy Bot' }, text: '<at>School Policy Bot</at>' }] })).status).toBe(200);
    const sent = sentSince(from);
    expect(readableText(JSON.parse(sent))).toContain("you can report it as a concern about a colleague's conduct");
    expect(sent).not.toContain('boiler');
    expect(sent).toContain(`"verb":"${Verbs.concernStart}"`);
  });

  it('when a button is pressed on a reply that carried the offer ("Was this helpful?", or a choice when not sure), then the redrawn card still carries it', async () => {
    const question = 'a year 9 kid posted something nasty about me on tiktok';
    const from = bot.connector.deliveries.length;
    await bot.message(PEOPLE.reporter, question);
    const sent = sentSince(from);
    expect(sent).toContain(chooseKind('onlineAbuse', question));
    const actions = executeActions(JSON.parse(sent));
    const press = actions.find((a) => a.verb === Verbs.feedback && a.data.helpful === false) ?? actions.find((a) => a.verb === Verbs.chooseSection);
    expect(press).toBeDefined();
    const pressed = await bot.execute(PEOPLE.reporter, press!.verb, press!.data, personalConversation(PEOPLE.reporter));
    expect(pressed.status).toBe(200);
    expect(readableText(pressed.body)).toMatch(/I have noted that this did not help|your choice is noted/);
    expect(JSON.stringify(pressed.body)).toContain(chooseKind('onlineAbuse', question));
  });
});
