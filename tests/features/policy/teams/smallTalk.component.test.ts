import { PEOPLE, readableText, SecurityBot, startSecurityBot } from '../../../security/securityHarness';

/**
 * Hello, thanks, ok and a thumbs-up, over HTTP through the whole bot: a short reply saying how to ask, never an answer
 * from the policy ("The policy doesn't cover that" to "hello"), never the report line a thumbs-up once got, and never
 * counted among the questions the policy owners see.
 */
describe('messages that are not questions, over HTTP', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it.each([
    ['hi', 'Hello! Ask me anything about'],
    ['Thanks!', "You're welcome."],
    ['👍', 'Ask me a question about the policy in your own words'],
    ['ok', 'Ask me a question about the policy in your own words'],
  ])('when someone sends "%s", then the reply says how to ask and nothing else', async (text, reply) => {
    const from = bot.connector.deliveries.length;
    expect((await bot.message(PEOPLE.reporter, text)).status).toBe(200);
    const sent = bot.connector.deliveries.slice(from).map((d) => d.activity);
    expect(sent).toHaveLength(1);
    const shown = readableText(sent);
    expect(shown).toContain(reply);
    expect(shown).not.toMatch(/doesn't cover|not sure which part|something a child told you|Report a concern/);
    expect(JSON.stringify(sent)).not.toContain('"attachments"');
  });

  it('when a greeting comes with a question, then the question is answered as usual', async () => {
    const from = bot.connector.deliveries.length;
    await bot.message(PEOPLE.reporter, 'hi, can I be friends with pupils on social media?');
    expect(JSON.stringify(bot.connector.deliveries.slice(from).map((d) => d.activity))).toContain('"attachments"');
  });
});
