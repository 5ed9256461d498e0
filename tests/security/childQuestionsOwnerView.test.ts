/**
 * Issue 69, item 3: the policy owners' `unanswered` (the card, and `policy-bot unanswered`) must never show a question
 * about a particular child, and must not show people's names, addresses, postcodes, phone numbers or email addresses
 * in the questions it does show. A third outside test found questions tying a named child, a class ("4 Oak",
 * "hedgehogs class") or a year ("Y9") to a hospital stay, a care placement, an arrest, an absence or head lice kept
 * and shown there, and names that are also words ("Rose Hill", "Will and Hope") or typed in lower case ("okafor") left
 * in. The whole bot (startApp, local mode) over real HTTP, its SQLite file read as the owners' list is made from it.
 */
import { createQuestionSealing } from '../../src/adapters/questionSealing';
import { createSqliteQuestionLog } from '../../src/adapters/sqlite/sqliteQuestionLog';
import { Verbs } from '../../src/teams/verbs';
import { PEOPLE, SecurityBot, askAndSend, readableText, startSecurityBot, unansweredFromCli } from './securityHarness';

/**
 * Questions about a particular child and something that happened to them, in the forms the testers typed, each with
 * the words that must never reach an owner (made-up children, made-up places).
 */
const ABOUT_A_CHILD: [string, string[]][] = [
  ['Can I send a get well card to Lily Rose in 4 Oak who is in hospital after an overdose?', ['Lily', 'overdose', '4 Oak']],
  ['What can I say to Ruby Hill (Y9) who ran away from her foster placement?', ['Ruby', 'placement']],
  ['Can I message Jade Okafor, 22 Mill Lane, whose dad was arrested for what he did to her?', ['Jade', 'arrested', 'Mill Lane']],
  ['Where do I send homework to 14 Elm Road, Oldham OL4 2AB for the boy who is off sick?', ['Elm Road', 'OL4', 'off sick']],
  ['Should I tell the parents that Tia in hedgehogs class has nits and lice?', ['hedgehogs', 'nits']],
];

/**
 * Ordinary questions (the shipped disclosure model reads each well inside "ordinary": at least 0.1 in logit below the
 * lower bar under which a question naming someone is kept) naming people by names that are also words or in lower case,
 * and giving an address and a postcode: kept, and shown to the owners as on the right.
 */
const ORDINARY_NAMED: [string, string][] = [
  ['can Rose Hill from the PTA put the art gallery at 22 Mill Lane, OL4 2AB on the class blog about the science project?',
    'can [name] from the PTA put the art gallery at [address], [postcode] on the class blog about the science project?'],
  ['can Will and Hope from the office start a school podcast about reading?', 'can [name] and [name] from the office start a school podcast about reading?'],
  ['can okafor in my form set up a class blog about the science project?', 'can [name] in my form set up a class blog about the science project?'],
];

/**
 * Questions that say something happened to someone whom no list of names or classes would catch: a first name that is
 * also a word, typed in lower case, at the start; "the twins at number 3"; "my tutee". Each is never kept, whatever the
 * detector makes of who it is about, and answered without the report line unless the detector holds it back.
 */
const SOMETHING_HAPPENED: [string, string[]][] = [
  ['jasmine was rushed to a and e last night after a fit, her mum messaged me on insta - can i reply from my own account?', ['jasmine', 'a and e']],
  ['the twins at number 3 have been in care since friday, can i tell the dinner staff on the staff whatsapp?', ['twins', 'in care']],
  ['my tutee has been excluded for a week, can I send him work through his snapchat?', ['tutee', 'excluded']],
];

describe('what the policy owners read of the questions staff asked (issue 69, item 3)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot({ env: { QUESTIONS_PER_PERSON_PER_HOUR: '1000' } }); });
  afterAll(async () => { await bot?.close(); });

  const keptQuestions = () => (bot.app.db.prepare('SELECT COUNT(*) AS n FROM policy_questions').get() as { n: number }).n;
  /** Asks as staff in their 1:1 chat and presses "not helpful" on whatever the reply lets them: the owner's list is made of such. */
  async function askAndMarkUnhelpful(question: string): Promise<void> {
    const before = bot.connector.deliveries.length;
    expect((await bot.message(PEOPLE.reporter, question)).status).toBe(200);
    const sent = JSON.stringify(bot.connector.deliveries.slice(before).map((d) => d.activity));
    for (const [, questionId] of sent.matchAll(/"questionId":"([^"]+)"/g)) {
      await bot.execute(PEOPLE.reporter, Verbs.feedback, { questionId, helpful: false });
    }
  }
  /** The owner's `unanswered` card, as text. */
  async function ownersCard(): Promise<string> {
    const before = bot.connector.deliveries.length;
    expect((await bot.message(PEOPLE.owner, 'unanswered')).status).toBe(200);
    return bot.connector.deliveries.slice(before).map((d) => readableText(d.activity.attachments)).join('\n');
  }
  const ownersCli = () => unansweredFromCli(bot);

  it('when staff ask about a particular child and something that happened to them, then nothing of it is kept, and neither the owners\' card nor the CLI shows it', async () => {
    const kept = keptQuestions();

    for (const [question] of ABOUT_A_CHILD) await askAndMarkUnhelpful(question);

    expect(keptQuestions()).toBe(kept);
    const card = await ownersCard();
    const cli = await ownersCli();
    for (const [, words] of ABOUT_A_CHILD) {
      for (const word of words) {
        expect(card).not.toContain(word);
        expect(cli).not.toContain(word);
      }
    }
    // Only their day is counted, as for any question held back.
    expect(card).toMatch(/Questions were held back \d+ times \(not kept, never shown; an edited question sent again counts again\) because they may be about a particular child or what happened to someone\./);
  });

  it('when staff ask a question saying something happened to someone not named as a list would know them, then it is answered, nothing of it is kept, and the owners never see it', async () => {
    const kept = keptQuestions();
    const replies: string[] = [];
    for (const [question] of SOMETHING_HAPPENED) {
      const before = bot.connector.deliveries.length;
      await askAndMarkUnhelpful(question);
      replies.push(bot.connector.deliveries.slice(before).map((d) => readableText(d.activity.attachments) + (d.activity.text ?? '')).join('\n'));
    }

    expect(keptQuestions()).toBe(kept);
    // Each was answered (a card came back), and none offers "Was this helpful?" for a question that is not kept.
    for (const reply of replies) {
      expect(reply.length).toBeGreaterThan(0);
      expect(reply).not.toMatch(/Was this helpful/i);
    }
    const card = await ownersCard();
    const cli = await ownersCli();
    for (const [, words] of SOMETHING_HAPPENED) {
      for (const word of words) {
        expect(card).not.toContain(word);
        expect(cli).not.toContain(word);
      }
    }
  });

  it('when such questions were kept by an earlier release, then reading the list deletes them, and neither the card nor the CLI shows them', async () => {
    const earlier = createSqliteQuestionLog(bot.app.db, createQuestionSealing(bot.concernKey));
    const ids = [];
    for (const [question] of [...ABOUT_A_CHILD, ...SOMETHING_HAPPENED]) ids.push(await earlier.recordQuestion({ question, answered: false, citedSection: null, askedAt: new Date().toISOString() }));

    const cli = await ownersCli();
    const card = await ownersCard();

    for (const [, words] of [...ABOUT_A_CHILD, ...SOMETHING_HAPPENED]) {
      for (const word of words) {
        expect(cli).not.toContain(word);
        expect(card).not.toContain(word);
      }
    }
    for (const id of ids) expect(await earlier.getQuestion(id)).toBeNull();
  });

  it('when staff send ordinary questions naming people by names that are also words or in lower case, with an address and a postcode, then the owners read them with those taken out, as the sender was shown', async () => {
    for (const [question, shown] of ORDINARY_NAMED) {
      const sent = await askAndSend(bot, PEOPLE.reporter, question);
      expect(sent.status).toBe(200);
      // The person who sent it is shown what the owners will read.
      expect(readableText(sent.body)).toContain('Sent to the policy owners. They see:');
      expect(readableText(sent.body)).toContain(shown);
    }

    const card = await ownersCard();
    const cli = await ownersCli();

    for (const [, shown] of ORDINARY_NAMED) {
      expect(card).toContain(shown);
      expect(cli).toContain(shown);
    }
    for (const word of ['Rose Hill', 'Will and Hope', 'okafor', 'Mill Lane', 'OL4 2AB']) {
      expect(card).not.toContain(word);
      expect(cli).not.toContain(word);
    }
  });
});
