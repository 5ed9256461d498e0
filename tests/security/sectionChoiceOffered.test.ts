/**
 * Issue 69, item 6: a choice on a "not sure" reply is one of the sections that card offered, pressed by the person it
 * was offered to. Before, `policy.chooseSection` took any section from anyone holding the question's id, and the owners
 * then read "Staff chose section 10 (Monitoring and review) for: ..." as if staff had. The whole bot (startApp, local
 * mode) over real HTTP, reading its SQLite file as the owners' list is made from it.
 */
import { Verbs } from '../../src/teams/verbs';
import { executeActions, shownText } from '../support/cardAssertions';
import { ORDINARY } from '../support/modelItems';
import { PEOPLE, Person, SecurityBot, readableText, startSecurityBot } from './securityHarness';

type Card = Record<string, unknown>;
type Choice = { title?: string; verb: string; data: Record<string, unknown> };

/** A question the shipped model answers from the sample policy without being sure: the reply offers choices. */
const UNSURE = ORDINARY.abusiveParent;

describe('a choice on a "not sure" reply (issue 69, item 6)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  /** The person asks the question in their own chat; the "not sure" card's choices, "None of these" last. */
  async function askUnsure(person: Person): Promise<{ questionId: string; choices: Choice[] }> {
    const before = bot.connector.deliveries.length;
    expect((await bot.message(person, UNSURE)).status).toBe(200);
    const cards = bot.connector.deliveries.slice(before).flatMap((d) => ((d.activity.attachments ?? []) as { content: Card }[]).map((a) => a.content));
    const card = cards.find((c) => shownText(c).includes('Which of these is closest?'));
    expect(card).toBeDefined();
    const choices = executeActions(card).filter((a) => a.verb === Verbs.chooseSection);
    expect(choices.length).toBeGreaterThanOrEqual(3);
    return { questionId: String(choices[0].data.questionId), choices };
  }
  const kept = (id: string) => bot.app.db.prepare('SELECT choice_state, chosen_section FROM policy_questions WHERE id = ?').get(id) as
    { choice_state: string | null; chosen_section: string | null } | undefined;
  /** What an owner reads in `unanswered`: the card's text. */
  async function ownersList(): Promise<string> {
    const before = bot.connector.deliveries.length;
    expect((await bot.message(PEOPLE.owner, 'unanswered')).status).toBe(200);
    return bot.connector.deliveries.slice(before).map((d) => readableText(d.activity)).join('\n');
  }
  /** What the press answered, as the person reads it. */
  const said = (res: { body: unknown }) => readableText((res.body as { value?: unknown } | undefined)?.value);

  it('when the asker presses a choice naming a section the card did not offer, then it is refused, nothing is kept, and the owners see no suggestion', async () => {
    const { questionId, choices } = await askUnsure(PEOPLE.reporter);
    const offered = new Set(choices.map((c) => String(c.data.section)));
    const [doc] = String(choices[0].data.section).split('#');
    // The policy's own sections the card did not offer (section 10 of the sample is its review): the forged press keeps
    // every other field the card's press carries.
    const notOffered = [10, 11, 3, 2, 1].map((n) => `${doc}#${n}`).find((k) => !offered.has(k))!;

    const res = await bot.execute(PEOPLE.reporter, Verbs.chooseSection, { ...choices[0].data, section: notOffered });

    expect(res.status).toBe(200);
    expect(said(res)).toMatch(/only take a choice from the person who asked/i);
    expect(kept(questionId)).toEqual({ choice_state: null, chosen_section: null });
    expect(await ownersList()).not.toMatch(/Staff chose/);
  });

  it('when someone else presses a choice from another person\'s card, then it is refused and nothing is kept', async () => {
    const { questionId, choices } = await askUnsure(PEOPLE.reporter);

    for (const other of [PEOPLE.outsider, PEOPLE.owner]) {
      for (const choice of [choices[0], choices[choices.length - 1]]) {
        const res = await bot.execute(other, Verbs.chooseSection, choice.data);
        expect(res.status).toBe(200);
        expect(said(res)).toMatch(/only take a choice from the person who asked/i);
      }
    }
    expect(kept(questionId)).toEqual({ choice_state: null, chosen_section: null });
    expect(await ownersList()).not.toMatch(/Staff chose/);
  });

  it('when the person it was offered to presses one of its sections, then it is kept and the owners see it as a suggestion', async () => {
    const { questionId, choices } = await askUnsure(PEOPLE.reporter);

    const res = await bot.execute(PEOPLE.reporter, Verbs.chooseSection, choices[1].data);

    expect(res.status).toBe(200);
    expect(said(res)).toContain('your choice is noted');
    expect(kept(questionId)?.choice_state).toBe('suggested');
    // The choice is kept, but the question only when its asker sends it (issue 69).
    expect(await ownersList()).not.toMatch(/Staff chose/);
    const send = executeActions((res.body as { value?: unknown }).value).find((a) => a.verb === Verbs.sendToOwners)!;
    expect((await bot.execute(PEOPLE.reporter, send.verb, { ...send.data, question: UNSURE })).status).toBe(200);
    expect(await ownersList()).toMatch(/Staff chose .+ for: What should I do if a parent posts abusive comments about me\?/);
  });
});
