/**
 * Issue 69, item 2, over real HTTP (the whole bot, local mode, the Liverpool model policy): a draft that tells of a
 * child at risk gets Report a concern however long it is and however plainly it is told (one person's drafts read one
 * at a time: tests/features/policy/teams/draftQueue.component.test.ts).
 */
import { Verbs } from '../../src/teams/verbs';
import { shownText } from '../support/cardAssertions';
import { PEOPLE, SecurityBot, startSecurityBot } from './securityHarness';

interface Card { body?: unknown[]; actions?: { title?: string; verb?: string; data?: Record<string, unknown> }[] }
const cardOf = (value: unknown): Card => ((value as { value?: Card })?.value ?? {});
const CONTEXT = { media: 'none', account: 'personal', audience: 'friends' };

/** Fifteen sentences of ordinary end-of-term news (about 1,200 characters), then what a pupil told. */
const NEWS = 'What a week it has been in Year 5! The trip to the science museum was brilliant and the planetarium show had everyone gasping. '
  + 'Our class assembly on Thursday went without a hitch, and the parents who came along were so kind about it. '
  + 'The reading challenge finished on Friday with over four hundred books read between us. '
  + 'We planted the sunflower seeds in the garden beds and they are already poking through. '
  + 'Sports day is booked for the last week of term, so fingers crossed for the weather. '
  + 'The choir has been practising for the summer concert every lunchtime and sounds wonderful. '
  + 'A huge thank you to the PTA for the new books in the library corner. '
  + 'The art display in the hall is up and the self-portraits are amazing. '
  + 'We have been learning about the Vikings and the longboat models are nearly finished. '
  + 'Times tables practice continues at home, so keep it up everyone. '
  + 'Next week we start our topic on rivers and the water cycle. '
  + 'The new reading corner has beanbags and a rug, and the children cannot get enough of it. '
  + 'Parents evening slots are open on the school app until Wednesday. '
  + 'Our class pet, a very patient tortoise called Gerald, is going home with a different family each weekend. '
  + 'Thank you all for a lovely half term. ';
const BURIED = `${NEWS}Then after school one of my boys stayed behind and told me his stepdad hits him when his mum is on nights and he is scared to go home.`;
/** Told plainly, short: the model's draft head reads it as ordinary; the words it is told in are a disclosure's. */
const PLAIN = 'Amy (9R) finally opened up: she has not eaten since Friday and nobody is home at night';

describe('reading the whole of a draft (issue 69)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  const check = async (person: (typeof PEOPLE)[keyof typeof PEOPLE], draft: string): Promise<Card> => {
    const res = await bot.execute(person, Verbs.checkPost, { draft, ...CONTEXT });
    expect(res.status).toBe(200);
    return cardOf(res.body);
  };

  it('when a disclosure comes after 1,200 characters of ordinary news, then the reply leads with the report line and its Report a concern carries the draft', async () => {
    expect(BURIED.indexOf('told me')).toBeGreaterThan(1200);
    const card = await check(PEOPLE.reporter, BURIED);
    const text = shownText(card);
    expect(text).toMatch(/^If this is about something a child told you or showed you, report it now\./);
    expect(JSON.stringify(card.body)).toContain('Report a concern');
    expect(JSON.stringify(card.body)).toContain('scared to go home');
  });

  it('when a short draft tells plainly what a named pupil said of home, then the verdict leads with the report line and its Report a concern carries the draft', async () => {
    const card = await check(PEOPLE.reporter, PLAIN);
    const text = shownText(card);
    expect(text).toMatch(/^If this is about something a child told you or showed you, report it now\./);
    expect(text).toContain('I have not kept your draft');
    expect(JSON.stringify(card.body)).toContain('Report a concern');
    expect(JSON.stringify(card.body)).toContain('nobody is home at night');
    // The check itself still follows.
    expect(text).toMatch(/Nothing in your school's policy stops this|Think twice|Don't post this/);
  });

  it('when an ordinary draft is checked, then there is no report line', async () => {
    const text = shownText(await check(PEOPLE.reporter, 'Finally finished the garden fence, only took three weekends and a lot of tea'));
    expect(text).not.toContain('If this is about something a child told you');
  });
});
