import { AZURE_OPENAI_API_VERSION } from '../../../../src/features/policy/teams/actionPlannerPhraser';
import { renderAnswerCard } from '../../../../src/features/policy/teams/cards/answerCard';
import { answerQuestion } from '../../../../src/features/policy/answer/answerQuestion';
import { capturedLogger } from '../../concerns/domain/concernFakes';
import { FakeAzureOpenAI, startFakeAzureOpenAI } from '../../../support/fakeAzureOpenAI';
import { BotInPlayground, BotMessage, cardText, startBotInPlayground } from '../../../support/playground';
import { executeActions } from '../../../support/cardAssertions';

/**
 * Component test over real HTTP: the real app (local mode, the Liverpool sample policy) behind the Agents
 * Playground, once with Azure OpenAI settings pointing at a fake chat-completions endpoint on loopback
 * https, once without them. Every question goes through the real message handler and ActionPlanner.
 */

const API_KEY = 'fake-azure-openai-key';
const DEPLOYMENT = 'policy-gpt';
// Long enough for a loopback reply on a busy CI machine; the slow reply below takes several times longer.
const TIMEOUT_MS = 1000;
const QUESTION = 'Can I accept a friend request from a parent?';
const POLICY_WORDS = "accept or invite 'friend' requests from pupils";
const PHRASED = 'No. Do not accept friend requests from parents on your personal accounts unless they are family; use the school accounts.';
const GROUNDED_REPLY = JSON.stringify({
  answer: PHRASED,
  section: 'S1',
  quotes: ["should not therefore accept or invite 'friend' requests from pupils or ex-pupils under the age of 18, or from parents"],
});

type Card = Record<string, unknown>;
const cardOf = (m: BotMessage): Card => m.attachments![0].content as Card;
const questionIdOf = (card: Card): string => /"questionId":"([^"]+)"/.exec(JSON.stringify(card))![1];
/** The card with what differs between two replies to the same question: its id, and the question, phrasing and send token its buttons carry sealed. */
const withoutQuestionId = (card: Card): string => JSON.stringify(card).replace(/"(questionId|q|t|p)":"[^"]*"/g, '"$1":"?"');

describe('answers phrased by Azure OpenAI through teams-ai (fake Azure OpenAI, Agents Playground)', () => {
  let fake: FakeAzureOpenAI;
  let phrased: BotInPlayground;
  let plain: BotInPlayground;
  const logs = capturedLogger();

  beforeAll(async () => {
    // teams-ai's OpenAIModel console.logs every failed call itself; the app's own logs are checked below.
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fake = await startFakeAzureOpenAI(API_KEY);
    phrased = await startBotInPlayground({
      AZURE_OPENAI_ENDPOINT: fake.endpoint, AZURE_OPENAI_API_KEY: API_KEY, AZURE_OPENAI_DEPLOYMENT: DEPLOYMENT,
      AZURE_OPENAI_TIMEOUT_MS: String(TIMEOUT_MS),
    }, { app: { openAITrustedCa: fake.ca }, logger: logs.logger });
    plain = await startBotInPlayground();
  }, 90_000);

  afterAll(async () => {
    await phrased?.close();
    await plain?.close();
    await fake?.close();
    jest.restoreAllMocks();
  });

  async function ask(stack: BotInPlayground, question: string): Promise<BotMessage> {
    const from = stack.pg.messages.length;
    await stack.pg.say(question);
    return stack.pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from });
  }

  /** The card the bot without Azure OpenAI gives for the same question. */
  async function extractiveCard(question: string): Promise<string> {
    return withoutQuestionId(cardOf(await ask(plain, question)));
  }

  it('when the model replies with a grounded, cited answer, then the card shows it above the policy quote and citation', async () => {
    fake.respondWith({ content: GROUNDED_REPLY });
    const before = fake.requests.length;

    const reply = await ask(phrased, QUESTION);

    const text = cardText(reply);
    expect(text).toContain(PHRASED);
    expect(text).toContain('Phrased by AI from section 5. Acceptable use; check the quote.');
    expect(text).toContain(POLICY_WORDS);
    expect(text).toContain('Section 5. Acceptable use');
    expect(text).toContain('Was this helpful?');
    expect(fake.requests.length).toBe(before + 1);
    const request = fake.requests[before];
    expect(request).toMatchObject({ deployment: DEPLOYMENT, apiVersion: AZURE_OPENAI_API_VERSION, apiKeyMatched: true });
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request.messages[1].content).toBe(QUESTION);
    const system = request.messages[0].content;
    expect(system).toContain('[S1] 5. Acceptable use');
    expect(system).toContain('All communication with parents via social media');
    // Grounding: only the retrieved section goes to the model, not the rest of the policy.
    expect(system).not.toContain('11. Legislation');
    expect(system).not.toContain('cyberbullying');
    expect(logs.lines()).toContain('"event":"answer.phrased"');
  });

  it('when someone presses "Was this helpful?" on a phrased answer, then the card keeps its phrasing', async () => {
    fake.respondWith({ content: GROUNDED_REPLY });
    const reply = await ask(phrased, QUESTION);
    const yes = executeActions(cardOf(reply)).find((a) => a.verb === 'policy.feedback' && a.data.helpful === true)!;

    const res = await phrased.pg.execute(yes.verb, yes.data, { replyToId: reply.messageId });

    expect(res.status).toBe(200);
    const redrawn = JSON.stringify(res.body);
    expect(redrawn).toContain(PHRASED);
    expect(redrawn).toContain('Phrased by AI from section 5. Acceptable use; check the quote.');
    expect(redrawn).toContain(POLICY_WORDS);
    expect(redrawn).toContain('Thanks for your feedback.');
    // The phrasing came back from the card, sealed: the question log keeps neither it nor the question (issue 69).
    expect(phrased.bot.db.prepare('SELECT COUNT(*) AS n FROM policy_questions WHERE phrased_text IS NOT NULL OR question <> \'\'').get()).toEqual({ n: 0 });
  });

  it('when someone presses No on a phrased answer and sends the question, then the card keeps its phrasing throughout', async () => {
    fake.respondWith({ content: GROUNDED_REPLY });
    const reply = await ask(phrased, QUESTION);
    const no = executeActions(cardOf(reply)).find((a) => a.verb === 'policy.feedback' && a.data.helpful === false)!;

    const pressed = await phrased.pg.execute(no.verb, no.data, { replyToId: reply.messageId });
    expect(JSON.stringify(pressed.body)).toContain(PHRASED);
    const send = executeActions(pressed.body).find((a) => a.verb === 'policy.sendToOwners')!;
    const sent = await phrased.pg.execute(send.verb, { ...send.data, question: QUESTION }, { replyToId: reply.messageId });

    expect(sent.status).toBe(200);
    const redrawn = JSON.stringify(sent.body);
    expect(redrawn).toContain('Sent to the policy owners');
    expect(redrawn).toContain(PHRASED);
    expect(redrawn).toContain('Phrased by AI from section 5. Acceptable use; check the quote.');
    // Sent, the question is kept for the owners; the phrasing is not.
    expect(phrased.bot.db.prepare('SELECT COUNT(*) AS n FROM policy_questions WHERE phrased_text IS NOT NULL').get()).toEqual({ n: 0 });
  });

  it('when the model cites no section, then the answer is exactly the extractive one', async () => {
    fake.respondWith({ content: JSON.stringify({ answer: PHRASED, quotes: ["accept or invite 'friend' requests from pupils"] }) });

    const reply = await ask(phrased, QUESTION);

    expect(cardText(reply)).not.toContain('Phrased by AI');
    expect(withoutQuestionId(cardOf(reply))).toBe(await extractiveCard(QUESTION));
    expect(logs.lines()).toMatch(/"event":"answer.phrasingFallback","reason":"UNCITED"/);
  });

  it('when the model invents a quote, then the answer is exactly the extractive one', async () => {
    fake.respondWith({ content: JSON.stringify({ answer: 'Yes, parents may be friends.', section: 'S1', quotes: ['Staff may accept friend requests from parents they know well'] }) });

    const reply = await ask(phrased, QUESTION);

    expect(cardText(reply)).not.toContain('parents may be friends');
    expect(withoutQuestionId(cardOf(reply))).toBe(await extractiveCard(QUESTION));
    expect(logs.lines()).toMatch(/"event":"answer.phrasingFallback","reason":"QUOTE_NOT_IN_SECTION"/);
  });

  it('when Azure OpenAI answers 500, then the extractive answer is sent after one attempt', async () => {
    fake.respondWith({ status: 500 });
    const before = fake.requests.length;

    const reply = await ask(phrased, QUESTION);

    expect(withoutQuestionId(cardOf(reply))).toBe(await extractiveCard(QUESTION));
    expect(fake.requests.length).toBe(before + 1);
    expect(logs.lines()).toMatch(/"event":"answer.phrasingFallback","reason":"MODEL_ERROR"/);
  });

  it('when Azure OpenAI is slower than the timeout, then the extractive answer is sent without waiting for it', async () => {
    fake.respondWith({ content: GROUNDED_REPLY, delayMs: TIMEOUT_MS * 5 });
    const started = Date.now();

    const reply = await ask(phrased, QUESTION);

    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 4);
    expect(cardText(reply)).not.toContain(PHRASED);
    expect(withoutQuestionId(cardOf(reply))).toBe(await extractiveCard(QUESTION));
    expect(logs.lines()).toMatch(/"event":"answer.phrasingFallback","reason":"TIMEOUT"/);
  });

  it('when no Azure OpenAI settings are given, then the card is the extractive answer card and no model is called', async () => {
    const before = fake.requests.length;

    const reply = await ask(plain, QUESTION);

    const card = cardOf(reply);
    const answer = answerQuestion(plain.bot.library.index, QUESTION);
    if (!answer.answered) throw new Error('expected the sample policy to answer');
    expect(withoutQuestionId(card)).toEqual(withoutQuestionId(renderAnswerCard(answer, questionIdOf(card))));
    expect(cardText(reply)).not.toContain('Phrased by AI');
    expect(fake.requests.length).toBe(before);
  });

  it('when answers are phrased or fall back, then the logs name events and reasons but never the question or policy text', () => {
    const lines = logs.lines();

    expect(lines).not.toContain(QUESTION);
    expect(lines).not.toContain(PHRASED);
    expect(lines).not.toContain('friend');
    expect(lines).not.toContain(API_KEY);
  });
});
