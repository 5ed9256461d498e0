import { DisclosureDetector } from '../../../../src/features/policy/disclosure/disclosureDetector';
import { createInMemoryQuestionLog } from '../../../../src/features/policy/teaching/questionLog';
import { Verbs } from '../../../../src/teams/verbs';
import { NOT_COVERED_CHOICE, OTHER_QUESTION_INPUT, OTHER_SECTION_INPUT } from '../../../../src/features/policy/teams/cards/teachingCards';
import { cardProblems, executeActions, shownText } from '../../../support/cardAssertions';
import { PolicyChat, startPolicyChat } from '../../../support/policyChat';

/**
 * The owners' `unanswered` list over real HTTP (the product's bot app and server, the policy feature on the sample
 * policy, in-memory question log and teaching links, a detector that holds nothing back): more questions than one card
 * holds are reached with Next and Previous, as campaign status pages its people.
 */
const OWNER = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Olu Owner' };
const STAFF = { id: '29:staff', aadObjectId: 'aad-staff', name: 'Sam Staff' };
/** Twenty questions the policy did not answer, asked a minute apart: "question 1" is the oldest. */
const ASKED = Array.from({ length: 20 }, (_, i) => `unanswered question ${i + 1} about the school minibus rota`);
const NOTHING_HELD_BACK: DisclosureDetector = {
  read: async () => ({ offer: false, holdBack: false, score: 0 }),
  readAll: async (texts) => texts.map(() => ({ offer: false, holdBack: false, score: 0 })),
};

type Card = Record<string, unknown>;

describe('the owners\' unanswered list, page by page', () => {
  const questions = createInMemoryQuestionLog();
  let chat: PolicyChat;
  beforeAll(async () => {
    for (const [i, question] of ASKED.entries()) {
      await questions.recordQuestion({ question, answered: false, citedSection: null, askedAt: new Date(Date.UTC(2026, 10, 2, 9, i)).toISOString() });
    }
    chat = await startPolicyChat({ questions, disclosure: NOTHING_HELD_BACK, owners: [OWNER.aadObjectId] });
  });
  afterAll(async () => { await chat?.close(); });

  /** The card the bot sent for a typed command. */
  const say = async (text: string, from = OWNER): Promise<Card> => {
    const [card] = (await chat.say(text, from)).flatMap((a) => ((a.attachments ?? []) as { content: Card }[]).map((x) => x.content));
    return card;
  };
  /** The card (or the text) a button press is answered with. */
  const press = (action: { verb: string; data: Record<string, unknown> }, from = OWNER): Promise<unknown> => chat.press(action, from);
  const pageButton = (card: unknown, title: string) => executeActions(card).find((a) => a.verb === Verbs.unansweredPage && a.title === title);
  /** The question numbers a card lists, in order (each once: "Another section" lists them again). */
  const listed = (card: unknown) => [...new Set([...shownText(card).matchAll(/unanswered question (\d+) about/g)].map((m) => Number(m[1])))];

  it('when more questions wait than one card holds, then Next shows the older ones and Previous comes back, each page with its place in the list', async () => {
    const first = await say('unanswered');
    expect(listed(first)).toEqual([20, 19, 18, 17, 16, 15, 14, 13]);
    expect(pageButton(first, 'Previous 8')).toBeUndefined();
    expect(shownText(first)).toContain('Questions 1\u20138 (newest first)');

    const second = await press(pageButton(first, 'Next 8')!);
    expect(cardProblems(second)).toEqual([]);
    expect(listed(second)).toEqual([12, 11, 10, 9, 8, 7, 6, 5]);
    expect(shownText(second)).toContain('Questions 9\u201316 (newest first)');

    const last = await press(pageButton(second, 'Next 8')!);
    expect(listed(last)).toEqual([4, 3, 2, 1]);
    expect(pageButton(last, 'Next 8')).toBeUndefined();

    expect(listed(await press(pageButton(last, 'Previous 8')!))).toEqual([12, 11, 10, 9, 8, 7, 6, 5]);
  });

  it('when an owner teaches a question on a later page, then the card stays on that page, with the next question moved up', async () => {
    const second = await press(pageButton(await say('unanswered'), 'Next 8')!);
    const none = executeActions(second).find((a) => a.verb === Verbs.teachAnswer && a.title === NOT_COVERED_CHOICE)!;
    const after = await press(none);
    expect(shownText(after)).toContain('Linked:');
    expect(listed(after)).toEqual([11, 10, 9, 8, 7, 6, 5, 4]);
  });

  it('when the section that answers a question is not among the three offered, then the owner picks the question and any section of the policy under "Another section", and a list left unchosen links nothing', async () => {
    const first = await say('unanswered');
    const link = executeActions(first).find((a) => a.verb === Verbs.teachAnswer && a.title === 'Link to this section')!;
    expect(link.data).toEqual({ other: true, offset: 0 });
    // The lists: the page's questions, and every section of the policy (more than the three each question offers).
    const json = JSON.stringify(first);
    const listOf = (id: string) => [...json.match(new RegExp(`"id":"${id}"[^\\]]*\\]`))![0].matchAll(/"value":"([^"]+)"/g)].map((m) => m[1]);
    const questionIds = listOf(OTHER_QUESTION_INPUT);
    expect(questionIds).toHaveLength(8);
    const sections = listOf(OTHER_SECTION_INPUT);
    const offered = executeActions(first).filter((a) => a.data.questionId === questionIds[0] && typeof a.data.section === 'string').map((a) => a.data.section);
    expect(sections.length).toBeGreaterThan(offered.length);
    const other = sections.find((s) => !offered.includes(s))!;

    const unchosen = await press({ verb: Verbs.teachAnswer, data: { ...link.data, [OTHER_QUESTION_INPUT]: questionIds[0], [OTHER_SECTION_INPUT]: '' } });
    expect(shownText(unchosen)).toContain('Under "Another section", choose the section that answers it, then press "Link to this section". Nothing was linked.');
    expect(listed(unchosen)).toEqual(listed(first));

    const linked = await press({ verb: Verbs.teachAnswer, data: { ...link.data, [OTHER_QUESTION_INPUT]: questionIds[0], [OTHER_SECTION_INPUT]: other } });
    expect(shownText(linked)).toContain('Linked: that question and close rewordings of it now get');
    // The question linked leaves the list; the rest move up, an older one filling the page.
    expect(listed(linked).slice(0, 7)).toEqual(listed(first).slice(1));
    expect(listed(linked)).toHaveLength(8);
    expect(listed(linked)).not.toContain(listed(first)[0]);
  });

  it('when someone who is not a policy owner presses a page button, then they are refused and see no question', async () => {
    const refused = await press({ verb: Verbs.unansweredPage, data: { offset: 8 } }, STAFF);
    expect(JSON.stringify(refused)).not.toContain('unanswered question');
    expect(JSON.stringify(refused)).toContain('Only the policy owners can see the questions the policy could not answer.');
  });
});
