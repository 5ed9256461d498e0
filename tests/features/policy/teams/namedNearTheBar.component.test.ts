import { DisclosureDetector, DisclosureReading } from '../../../../src/features/policy/disclosure/disclosureDetector';
import { createInMemoryQuestionLog } from '../../../../src/features/policy/teaching/questionLog';
import { shownText } from '../../../support/cardAssertions';
import { PolicyChat, startPolicyChat } from '../../../support/policyChat';

/**
 * Issue 69, item 3, design PH: a question that names or places someone (a name, a class or year code, an address, "one
 * of my pupils") and that the disclosure classifier reads close to its hold-back bar, though not over it, is answered as
 * usual and never kept for the owners. Over real HTTP (the product's bot app and server, the policy feature on the
 * sample policy), with a detector that reads every message just under the hold-back bar and over the lower one: what
 * decides is whether someone is named or placed. The shipped model's bars and its figures on the blind sets are in
 * research/DECISIONS.md (2026-11-28 11:20).
 */
const OWNER = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Olu Owner' };
const STAFF = { id: '29:staff', aadObjectId: 'aad-staff', name: 'Sam Staff' };
const NEAR: DisclosureReading = { offer: false, holdBack: false, reportLine: false, nearHoldBack: true, score: 0.22 };
const NEAR_THE_BAR: DisclosureDetector = { read: async () => NEAR, readAll: async (texts) => texts.map(() => NEAR) };

describe('a question naming someone, read close to the hold-back bar (issue 69, item 3)', () => {
  const questions = createInMemoryQuestionLog();
  let chat: PolicyChat;
  beforeAll(async () => { chat = await startPolicyChat({ questions, disclosure: NEAR_THE_BAR, owners: [OWNER.aadObjectId] }); });
  afterAll(async () => { await chat?.close(); });

  /** What the bot sent back for a typed message, as text. */
  const say = async (text: string, from = STAFF): Promise<string> =>
    (await chat.say(text, from)).map((a) => `${a.text ?? ''} ${((a.attachments ?? []) as { content: unknown }[]).map((x) => shownText(x.content)).join(' ')}`).join('\n');

  it('when staff ask about a named or placed pupil, then they are answered but nothing of it is kept, and the owner sees only the count', async () => {
    const named = [
      'can Priya in 4 Oak borrow the minibus keys for the weekend?',
      'one of my pupils wants to park in the staff car park on saturdays, is that ok?',
      "can I drop the minibus rota round to 14 Elm Road's letterbox?",
    ];
    for (const q of named) expect(await say(q)).not.toMatch(/Was this helpful/);
    expect(await questions.listFailed(50)).toEqual([]);
    const unanswered = await say('unanswered', OWNER);
    for (const word of ['Priya', '4 Oak', 'one of my pupils', 'Elm Road']) expect(unanswered).not.toContain(word);
    expect((await questions.countsSince('2000-01-01')).heldBack).toBe(named.length);
  });

  it('when a question names and places no one, then reading close to the bar alone does not stop its asker sending it to the owners', async () => {
    expect(shownText(await chat.askAndSend('can I borrow the minibus keys for the weekend?', STAFF))).toContain('Sent to the policy owners');
    expect((await questions.listFailed(50)).map((q) => q.question)).toContain('can I borrow the minibus keys for the weekend?');
  });

  it('when a question an earlier release kept names someone and now reads close to the bar, then the owner\'s list deletes it unseen', async () => {
    const id = await questions.recordQuestion({ question: 'can Jayden in Y9 run the minibus rota account?', answered: false, citedSection: null, askedAt: new Date().toISOString() });
    const unanswered = await say('unanswered', OWNER);
    expect(unanswered).not.toContain('Jayden');
    expect((await questions.listFailed(50)).map((q) => q.id)).not.toContain(id);
  });
});
