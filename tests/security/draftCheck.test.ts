/**
 * Issue 53 over real HTTP (the whole bot, local mode, the Liverpool model policy, a debug logger keeping every line):
 * "check my post" opens the card, a half-filled card comes back with what was typed and what is missing, a draft gets
 * a verdict with what raised each concern and the school's own rule quoted, `check: <draft>` works in one message, a
 * draft that is a disclosure gets Report a concern first, and nothing of any draft is kept in the database (its file
 * and write-ahead log read as bytes) or written to the log: only the day and the concerns' ids are counted, which the
 * owner sees.
 */
import fs from 'node:fs';
import { Verbs } from '../../src/teams/verbs';
import { MAX_DRAFT_CHARS } from '../../src/features/policy/teams/draftChecking';
import { createLogger } from '../../src/shared/logger';
import { shownText } from '../support/cardAssertions';
import { TEAMS_REFUSALS } from '../support/fakeConnector';
import { PEOPLE, SecurityBot, TENANT, captureLines, readableText, startSecurityBot } from './securityHarness';

/** Words nobody writes by chance, one in each draft, to look for afterwards. */
const NAMED = 'Zebedee Fairweather-Quill';
const PUPIL_DRAFT = `Well done to ${NAMED} in 4B for his amazing poem today! Here's the whole class with their certificates 🥳`;
const HARMLESS_DRAFT = 'Finally finished the Pennine Way with my brother, 268 miles of mud and sunshine. Legs are done!';
const HARMLESS_WORD = 'Pennine';
const TYPED_DRAFT = 'Absolutely wasted at the Quillhaven staff night out lol, we do NOT talk about what happened after the kebab shop';
const TYPED_WORD = 'Quillhaven';
const CONTACT_DRAFT = 'Year 10s, add me on Snapchat @mr_okafor_pe so you can ask me about homework any time';
const DISCLOSURE_DRAFT = 'Marisol in year 5 told me today her mum\'s boyfriend hits her when she gets things wrong, feeling sick about it';
const DISCLOSURE_WORD = 'Marisol';

interface Card { body?: unknown[]; actions?: { title?: string; verb?: string; data?: Record<string, unknown> }[] }
const cardOf = (value: unknown): Card => ((value as { value?: Card })?.value ?? {});

describe('check my post (issue 53)', () => {
  const captured = captureLines();
  let bot: SecurityBot;
  // The product's own start, reading the policy's rules beside it, as the bot does.
  beforeAll(async () => { bot = await startSecurityBot({ logger: createLogger('debug', captured.destination), readDraftRulesAtStart: true }); });
  afterAll(async () => { await bot?.close(); });

  /** What the bot sent while one message from this person was handled. */
  const sentBy = async (person: (typeof PEOPLE)[keyof typeof PEOPLE], text: string): Promise<unknown[]> => {
    const before = bot.connector.deliveries.length;
    await bot.message(person, text);
    return bot.connector.deliveries.slice(before).map((d) => d.activity);
  };

  /** The cards the bot sent while one message was handled. */
  const cardsFor = async (text: string): Promise<Card[]> => {
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.reporter, text);
    return bot.connector.deliveries.slice(before).flatMap((d) => ((d.activity as { attachments?: { content?: Card }[] }).attachments ?? []).map((a) => a.content ?? {}));
  };

  it('when staff type "check my post", then the card asks for the draft, whether it has a photo of pupils or colleagues, which account and who sees it', async () => {
    const [form] = await cardsFor('check my post');
    const inputs = JSON.stringify(form.body);
    for (const id of ['"id":"draft"', '"id":"media"', '"id":"account"', '"id":"audience"']) expect(inputs).toContain(id);
    expect(inputs).toContain('"isMultiline":true');
    expect(form.actions?.[0]).toMatchObject({ title: 'Check it', verb: Verbs.checkPost });
  });

  it('when the card is sent half filled, then it comes back with what they typed and what is missing named', async () => {
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: '', media: 'pupils', account: 'personal' });
    const card = cardOf(res.body);
    expect(shownText(card)).toContain('Please add your draft post, who will see it.');
    expect(JSON.stringify(card)).toContain('"value":"pupils"');
  });

  it('when a draft names a pupil and has a photo of pupils from a personal account, then it shows what raised each concern, and says the policy has no rule on them where it has none', async () => {
    // The Liverpool model states no rule on naming or picturing pupils (three keys written apart, research/eval/README.md),
    // and a reply says "Don't post this" only of what the school's own policy rules on: here, think twice.
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: PUPIL_DRAFT, media: 'pupils', account: 'personal', audience: 'public' });
    const text = shownText(cardOf(res.body));
    expect(text).toContain('Think twice');
    expect(text).toContain('Photos or videos of pupils or colleagues');
    expect(text).toContain('a photo or video of pupils from a personal account');
    expect(text).toContain('Identifies a pupil');
    expect(text).toContain(`names someone: '${NAMED}'`);
    expect(text).toContain('Your school\'s policy has no rule on this');
    expect(text).toContain('What would fix it:');
    // The draft's own words are shown as text, never as markdown.
    expect(JSON.stringify(cardOf(res.body))).toContain(`"type":"TextRun","text":"• names someone: '${NAMED}'"`);
  });

  it('when a draft invites pupils to contact a teacher on a personal account, then it says don\'t post, with what raised it and the school\'s rule quoted with its section', async () => {
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: CONTACT_DRAFT, media: 'none', account: 'personal', audience: 'public' });
    const text = shownText(cardOf(res.body));
    expect(text).toContain('Don\'t post this');
    expect(text).toContain('Contact with pupils or parents');
    expect(text).toMatch(/Your school's rule \([^)]+, [^)]+\):/);
    expect(text).toContain('What would fix it:');
  });

  it('when a pasted draft is longer than the card\'s box, then the box holds one character past the limit and the card comes back saying the rest was cut, with no verdict', async () => {
    const [form] = await cardsFor('check my post');
    const box = (form.body as { id?: string; maxLength?: number; label?: string }[]).find((e) => e.id === 'draft');
    expect(box?.maxLength).toBe(MAX_DRAFT_CHARS + 1);
    expect(box?.label).toContain('3,000');
    // What a client sends when a 3,687-character paste is cut at the box's length: the first 3,001 characters.
    const cut = `${HARMLESS_DRAFT} `.repeat(40).slice(0, MAX_DRAFT_CHARS + 1);
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: cut, media: 'none', account: 'personal', audience: 'friends' });
    const text = shownText(cardOf(res.body));
    expect(text).toContain('over 3,000 characters, more than the box holds, so the rest was cut');
    expect(text).not.toContain('Nothing in your school\'s policy stops this');
    expect(JSON.stringify(cardOf(res.body))).toContain(cut.slice(0, 200));
    // Half filled as well: the cut is still named, not only what is missing.
    const half = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: cut, media: 'none' });
    expect(shownText(cardOf(half.body))).toContain('more than the box holds');
  });

  it('when a draft is exactly as long as the limit, then it is checked', async () => {
    const full = `${HARMLESS_DRAFT} `.repeat(40).slice(0, MAX_DRAFT_CHARS - 1) + '!';
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: full, media: 'none', account: 'personal', audience: 'friends' });
    expect(shownText(cardOf(res.body))).not.toContain('more than the box holds');
    expect(shownText(cardOf(res.body))).toMatch(/Nothing in your school's policy stops this|Think twice|Don't post this/);
  });

  it('when "Check another post" is pressed on a verdict, then a new form comes below and the verdict stays as it was', async () => {
    const verdict = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: HARMLESS_DRAFT, media: 'none', account: 'personal', audience: 'friends' });
    const again = cardOf(verdict.body).actions?.find((a) => a.title === 'Check another post');
    expect(again?.verb).toBe(Verbs.checkPostStart);
    const before = bot.connector.deliveries.length;
    const pressed = await bot.execute(PEOPLE.reporter, again!.verb!, again!.data ?? {});
    // The answer to the press is a message, not a card to put in the verdict's place.
    expect(JSON.stringify(pressed.body)).toContain('The form is in the chat below.');
    expect(JSON.stringify(pressed.body)).not.toContain('AdaptiveCard');
    const sent = bot.connector.deliveries.slice(before).flatMap((d) => ((d.activity as { attachments?: { content?: Card }[] }).attachments ?? []).map((a) => a.content ?? {}));
    expect(sent).toHaveLength(1);
    expect((sent[0].body as { id?: string }[]).some((e) => e.id === 'draft')).toBe(true);
  });

  it('when a draft is harmless, then nothing in the policy stops it', async () => {
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: HARMLESS_DRAFT, media: 'none', account: 'personal', audience: 'friends' });
    expect(shownText(cardOf(res.body))).toContain('Nothing in your school\'s policy stops this');
  });

  it('when a draft is typed after "check:", then it is checked from the message', async () => {
    const [verdict] = await cardsFor(`check: ${TYPED_DRAFT}`);
    const text = shownText(verdict);
    expect(text).toMatch(/Don't post this|Think twice/);
    expect(text).toContain('Offensive or inappropriate content');
  });

  it('when a draft is typed after "check my post:" or on the lines after "check my post", then it is checked, not answered as a question', async () => {
    for (const typed of [`check my post: ${TYPED_DRAFT}`, `Check post: ${TYPED_DRAFT}`, `check my post\n${TYPED_DRAFT}`]) {
      const [verdict] = await cardsFor(typed);
      const text = shownText(verdict);
      expect(text).toMatch(/Don't post this|Think twice/);
      expect(text).toContain('Offensive or inappropriate content');
    }
    // The command alone still opens the card.
    const [form] = await cardsFor('check my post');
    expect((form.body as { id?: string }[]).some((e) => e.id === 'draft')).toBe(true);
  });

  it('when a draft typed after "check:" is over the limit, then the card comes back holding its first 3,000 characters, saying so as the card does, with no verdict', async () => {
    const long = `${HARMLESS_DRAFT} `.repeat(60).slice(0, MAX_DRAFT_CHARS + 500);
    const [card] = await cardsFor(`check: ${long}`);
    const text = shownText(card);
    expect(text).toContain('That draft is over 3,000 characters: check it in parts.');
    expect(text).not.toMatch(/Nothing in your school's policy stops this|Think twice|Don't post this/);
    expect(JSON.stringify(card)).toContain(long.slice(0, 200));
  });

  it('when a draft is checked in a channel, by message or by a card\'s button, then nothing of it is checked or repeated there: the form goes to their private chat, holding a draft they typed', async () => {
    const channel = { id: '19:staffroom@thread.tacv2;messageid=1700000000009', conversationType: 'channel', isGroup: true, tenantId: TENANT };
    const checksBefore = (bot.app.db.prepare('SELECT COUNT(*) AS n FROM policy_draft_checks').get() as { n: number }).n;
    const inTheChannel: unknown[] = [];
    const privateForms: { userId?: string; conversationId: string; activity: unknown }[] = [];
    const sort = (before: number) => {
      for (const d of bot.connector.deliveries.slice(before)) {
        if (d.conversationId.startsWith('19:staffroom')) inTheChannel.push(d.activity);
        else privateForms.push(d);
      }
    };
    for (const typed of [`check: ${PUPIL_DRAFT}`, `check my post: ${PUPIL_DRAFT}`, 'check my post']) {
      const before = bot.connector.deliveries.length;
      await bot.message(PEOPLE.reporter, typed, channel);
      sort(before);
    }
    let before = bot.connector.deliveries.length;
    const pressed = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: PUPIL_DRAFT, media: 'pupils', account: 'personal', audience: 'public' }, channel);
    sort(before);
    before = bot.connector.deliveries.length;
    const started = await bot.execute(PEOPLE.reporter, Verbs.checkPostStart, {}, channel);
    sort(before);
    // In the channel: no verdict, nothing of the draft, and where the form went.
    const seen = JSON.stringify([inTheChannel, pressed.body, started.body]);
    expect(seen).not.toContain('Fairweather');
    expect(seen).not.toMatch(/Don't post this|Think twice|Nothing in your school's policy stops this/);
    expect(seen.match(/I have put your draft in the form in your private chat with me/g)).toHaveLength(2);
    expect(seen.match(/I have sent you the form in your private chat with me/g)).toHaveLength(2);
    expect(readableText(inTheChannel)).toContain('you may want to delete it');
    // A form pressed in a channel (one that should not be there) is not checked; the person is pointed to their chat.
    expect(readableText(pressed.body)).toContain('Drafts are checked only in your private chat with me');
    // In their own 1:1 chat: four forms, not verdicts; the two typed drafts are in theirs, ready to check.
    expect(privateForms).toHaveLength(4);
    for (const form of privateForms) {
      expect(form.userId === PEOPLE.reporter.id || form.conversationId.includes(PEOPLE.reporter.id)).toBe(true);
      expect(JSON.stringify(form.activity)).toContain('"id":"draft"');
      expect(JSON.stringify(form.activity)).not.toMatch(/Don't post this|Think twice|Nothing in your school's policy stops this/);
    }
    expect(privateForms.filter((f) => JSON.stringify(f.activity).includes('Fairweather'))).toHaveLength(2);
    // Nothing was checked or counted until they check it there.
    expect((bot.app.db.prepare('SELECT COUNT(*) AS n FROM policy_draft_checks').get() as { n: number }).n).toBe(checksBefore);
  });

  it('when a draft is pasted into the chat just after the form, then it is checked as the draft, said so, and the message after is a message again', async () => {
    const sentFor = (text: string) => sentBy(PEOPLE.head, text);
    await sentFor('check my post');
    const pasted = await sentFor(TYPED_DRAFT);
    expect(readableText(pasted)).toContain('I have checked the message you just sent as your draft post');
    expect(readableText(pasted)).toMatch(/Don't post this|Think twice/);
    expect(readableText(pasted)).toContain('Offensive or inappropriate content');
    // The next message is answered as what it is: not read as a draft.
    const next = await sentFor(HARMLESS_DRAFT);
    expect(readableText(next)).not.toMatch(/as your draft post|Nothing in your school's policy stops this|Don't post this|Think twice/);
  });

  it('when someone asks the bot a question just after the form, then it is answered as a question, and a draft pasted after it is still checked', async () => {
    const sentFor = (text: string) => sentBy(PEOPLE.deputy, text);
    await sentFor('check my post');
    const asked = await sentFor('can I post photos of my class on my own Instagram?');
    expect(readableText(asked)).not.toMatch(/as your draft post|Don't post this|Think twice|Nothing in your school's policy stops this/);
    const help = await sentFor('help');
    expect(readableText(help)).not.toMatch(/as your draft post/);
    const pasted = await sentFor(HARMLESS_DRAFT);
    expect(readableText(pasted)).toContain('I have checked the message you just sent as your draft post');
    expect(readableText(pasted)).toContain('Nothing in your school\'s policy stops this');
  });

  it('when a pasted draft is over the limit, then the form comes back holding its first part, with the cut named, and nothing is judged', async () => {
    const person = PEOPLE.owner;
    await bot.message(person, 'check my post');
    const long = `${HARMLESS_DRAFT} `.repeat(60).slice(0, MAX_DRAFT_CHARS + 200);
    const before = bot.connector.deliveries.length;
    await bot.message(person, long);
    const sent = bot.connector.deliveries.slice(before).map((d) => d.activity);
    expect(readableText(sent)).toContain('That draft is over 3,000 characters: check it in parts.');
    expect(readableText(sent)).not.toMatch(/Nothing in your school's policy stops this|Think twice|Don't post this/);
    expect(JSON.stringify(sent)).toContain(long.slice(0, 200));
  });

  it('when a long draft tells, among other things, of what a child said, then it is never told it is fine: the report line leads and the verdict says not to post it (an outside walk-through, 30 Nov)', async () => {
    const holiday = 'Back from half term in Pembrokeshire with the family, the beaches were empty and the weather held all week. We walked the coast path most days, ate far too many ice creams and found a brilliant little bookshop in St Davids. ';
    const draft = `${holiday.repeat(4)}A girl in my class told me her uncle touches her and she must not tell anyone. ${holiday.repeat(3)}`;
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft, media: 'none', account: 'personal', audience: 'friends' });
    const text = shownText(cardOf(res.body));
    expect(text).not.toContain('Nothing in your school\'s policy stops this');
    expect(text).toMatch(/report it now|the DSL must know today/);
    expect(text).toMatch(/Don't post this/);
  });

  it('when a draft reads as a disclosure, then Report a concern comes first and the card says not to post it', async () => {
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: DISCLOSURE_DRAFT, media: 'none', account: 'personal', audience: 'public' });
    const text = shownText(cardOf(res.body));
    expect(text).toContain('the DSL must know today');
    expect(text).toContain('Don\'t post this: what a child tells you or shows you goes to the safeguarding team, never on social media');
  });

  it('when a draft typed in a channel reads as a disclosure, then Report a concern comes there first, repeating none of it', async () => {
    const channel = { id: '19:staffroom@thread.tacv2;messageid=1700000000019', conversationType: 'channel', isGroup: true, tenantId: TENANT };
    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.reporter, `check: ${DISCLOSURE_DRAFT}`, channel);
    const sent = bot.connector.deliveries.slice(before);
    expect(sent.every((d) => d.conversationId.startsWith('19:staffroom'))).toBe(true);
    expect(readableText(sent.map((d) => d.activity))).toContain('the DSL must know today');
    expect(JSON.stringify(sent)).not.toContain(DISCLOSURE_WORD);
  });

  it('when a draft is typed in a channel and the private chat cannot be opened, then the person is pointed to it and told everyone there can read what they typed', async () => {
    const channel = { id: '19:staffroom@thread.tacv2;messageid=1700000000029', conversationType: 'channel', isGroup: true, tenantId: TENANT };
    const ownChat = `a:${PEOPLE.deputy.id}`;
    bot.connector.refusing.set(ownChat, TEAMS_REFUSALS.notInRoster);
    try {
      const before = bot.connector.deliveries.length;
      await bot.message(PEOPLE.deputy, `check: ${PUPIL_DRAFT}`, channel);
      const said = readableText(bot.connector.deliveries.slice(before).map((d) => d.activity));
      expect(said).toContain('Drafts are checked only in your private chat with me');
      expect(said).toContain('Everyone here can read the message you typed: you may want to delete it.');
      expect(said).not.toContain('Fairweather');
    } finally {
      bot.connector.refusing.delete(ownChat);
    }
  });

  it('when a draft is something a child told them, then Report a concern comes first, carrying the draft', async () => {
    const res = await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: DISCLOSURE_DRAFT, media: 'none', account: 'personal', audience: 'public' });
    const card = cardOf(res.body);
    expect(card.actions?.[0]).toMatchObject({ title: 'Report a concern', verb: Verbs.concernChooseKind, data: { whatHappened: DISCLOSURE_DRAFT } });
  });

  it('when drafts have been checked, then nothing of them is in the database file, its log or the app log, and the owner sees only counts', async () => {
    const tables = (bot.app.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    const stored = tables.map((t) => JSON.stringify(bot.app.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
    const file = bot.app.db.name;
    const bytes = [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
    const log = captured.lines.join('\n');
    for (const word of ['Fairweather', HARMLESS_WORD, TYPED_WORD, DISCLOSURE_WORD, 'amazing poem']) {
      expect({ word, stored: stored.includes(word), bytes: bytes.includes(word), log: log.includes(word) }).toEqual({ word, stored: false, bytes: false, log: false });
    }
    const checks = bot.app.db.prepare('SELECT * FROM policy_draft_checks').all() as { checked_on: string; concerns: string }[];
    // The drafts given a verdict above (the pupil, the contact, the limit's length, the harmless one twice, the typed one,
    // the three typed after "check my post", the two pasted into the chat after the form, and the long one telling of
    // what a child said); the cut pastes and the disclosures were not checked.
    expect(checks.length).toBe(12);
    expect(checks.map((c) => c.concerns).join(',')).toMatch(/pupil-images/);

    const before = bot.connector.deliveries.length;
    await bot.message(PEOPLE.owner, 'unanswered');
    const owner = readableText(bot.connector.deliveries.slice(before));
    expect(owner).toMatch(/12 draft posts checked \(never kept\); most often: /);
    expect(owner).not.toContain('Fairweather');
  });
});
