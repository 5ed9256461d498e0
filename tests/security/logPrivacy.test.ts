/**
 * Structured logs carry ids, counts and codes only. The whole bot (startApp, local mode) runs with a debug-level
 * logger whose every line is kept, while a concern, a question and an acknowledgement go through it; none of the
 * words people typed, nor the reporter's name or e-mail, may appear in any line.
 */
import { Verbs } from '../../src/teams/verbs';
import { ORDINARY } from '../support/modelItems';
import { createLogger } from '../../src/shared/logger';
import {
  PEOPLE, REPORTER_EMAIL, SecurityBot, captureLines, concernForm, dslConversation, personalConversation, startSecurityBot,
} from './securityHarness';

/** Words nobody would write by chance, one set per thing a person typed. */
const CONCERN_WORDS = ['Zephyrine Marchbanks', 'quokka-lighthouse', 'Ottersby Wharf', 'Brambleworth chatroom', 'https://evidence.example/brindlecrest'];
const TRIAGE_WORDS = ['Gossamerfield referral', 'Periwinkle outcome'];
const QUESTION_PHRASE = 'Thistlewaite persimmon quandary';
const MESSAGE_ACTION_WORDS = ['Marrowdale message', 'Quintessa Blackwood'];

/** The reporter as Teams would describe them, e-mail included. */
const REPORTER = { ...PEOPLE.reporter, email: REPORTER_EMAIL, userPrincipalName: REPORTER_EMAIL, givenName: 'Rosalind', surname: 'Quillfeather' };

describe('log privacy', () => {
  const captured = captureLines();
  let bot: SecurityBot;
  let reference: string;
  let acknowledgeStatus: number;

  beforeAll(async () => {
    bot = await startSecurityBot({ logger: createLogger('debug', captured.destination) });
    const personal = personalConversation(PEOPLE.reporter);

    // A question, with feedback on its answer, and the same phrase where the bot looks up sections.
    // The question holds the made-up phrase the checks below look for in every log line.
    if (!ORDINARY.madeUpLawQuestion.includes(QUESTION_PHRASE)) throw new Error('the question must hold QUESTION_PHRASE');
    await bot.message(REPORTER, ORDINARY.madeUpLawQuestion, personal);
    const question = bot.app.db.prepare('SELECT id FROM policy_questions ORDER BY rowid DESC LIMIT 1').get() as { id: string };
    await bot.execute(REPORTER, Verbs.feedback, { questionId: question.id, helpful: false }, personal);
    await bot.message(REPORTER, `section ${QUESTION_PHRASE}`, personal);

    // A concern: first with a field missing (the form comes back), then complete.
    const details = {
      kind: 'colleagueConduct',
      whatHappened: `${CONCERN_WORDS[0]} posted about ${CONCERN_WORDS[1]} again.`,
      where: CONCERN_WORDS[3],
      peopleInvolved: `${CONCERN_WORDS[0]} and ${CONCERN_WORDS[2]}`,
      evidence: `Screenshot from ${CONCERN_WORDS[2]}`,
      link: CONCERN_WORDS[4],
    };
    await bot.execute(REPORTER, Verbs.concernSubmit, concernForm({ ...details, whenHappened: '' }), personal);
    await bot.execute(REPORTER, Verbs.concernSubmit, concernForm(details), personal);
    reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;

    // The "Report a concern" message action on someone else's message.
    const messagePayload = {
      body: { content: `<p>${MESSAGE_ACTION_WORDS[0]}</p>`, contentType: 'html' },
      from: { user: { displayName: MESSAGE_ACTION_WORDS[1] } },
    };
    await bot.post({
      type: 'invoke', name: 'composeExtension/fetchTask', from: REPORTER, conversation: personal,
      value: { commandId: 'reportConcern', commandContext: 'message', messagePayload },
    });
    await bot.post({
      type: 'invoke', name: 'composeExtension/submitAction', from: REPORTER, conversation: personal,
      value: { commandId: 'reportConcern', commandContext: 'message', messagePayload, data: concernForm({ ...details, attachedMessage: MESSAGE_ACTION_WORDS.join(': ') }) },
    });

    // The safeguarding team works the case; an outsider tries to read it.
    await bot.execute(PEOPLE.dsl, Verbs.concernAddNote, { reference, note: `Spoke to ${TRIAGE_WORDS[0]}` }, dslConversation());
    await bot.execute(PEOPLE.dsl, Verbs.concernRecordAction, { reference, actionType: 'lado', actionDetail: TRIAGE_WORDS[0] }, dslConversation());
    await bot.execute(PEOPLE.dsl, Verbs.concernClose, { reference, outcome: TRIAGE_WORDS[1] }, dslConversation());
    await bot.message(PEOPLE.outsider, `concern ${reference}`);

    // The annual acknowledgement of the policy.
    const policy = bot.app.library.primary!;
    acknowledgeStatus = (await bot.execute(REPORTER, Verbs.acknowledge, { policyId: policy.id, versionHash: policy.metadata.contentHash }, personal)).status;
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('when the bot runs, then it does log (so the checks below are not vacuous)', () => {
    expect(captured.lines.length).toBeGreaterThan(5);
    const all = captured.lines.join('');
    expect(all).toContain('"event":"question.answered"');
    expect(all).toContain(reference);
    const events = (bot.app.db.prepare('SELECT type FROM concern_events').all() as { type: string }[]).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['submitted', 'noteAdded', 'actionRecorded', 'closed', 'accessRefused']));
    expect(bot.app.db.prepare('SELECT COUNT(*) AS n FROM concerns').get()).toEqual({ n: 2 });
  });

  it('when the concern and its triage were processed, then nothing the reporter or the team typed is in any log line', () => {
    const all = captured.lines.join('').toLowerCase();
    for (const words of [...CONCERN_WORDS, ...TRIAGE_WORDS, ...MESSAGE_ACTION_WORDS]) {
      for (const word of words.split(/[\s/:.-]+/).filter((w) => w.length >= 6)) expect({ word, logged: all.includes(word.toLowerCase()) }).toEqual({ word, logged: false });
    }
  });

  it('when a question was asked, then its distinctive phrase is in no log line', () => {
    const all = captured.lines.join('').toLowerCase();
    for (const word of QUESTION_PHRASE.split(' ')) expect({ word, logged: all.includes(word.toLowerCase()) }).toEqual({ word, logged: false });
  });

  it('when the reporter was identified, then their name and e-mail are in no log line (ids only)', () => {
    const all = captured.lines.join('').toLowerCase();
    for (const word of ['Rosalind', 'Quillfeather', REPORTER_EMAIL, 'school.example']) {
      expect({ word, logged: all.includes(word.toLowerCase()) }).toEqual({ word, logged: false });
    }
  });

  it('when the policy was acknowledged, then it was recorded (the acknowledgement went through the logged path)', () => {
    expect(acknowledgeStatus).toBe(200);
    const rows = bot.app.db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'ack_acknowledgements'`).get() as { n: number };
    expect(rows.n).toBe(1);
    const recorded = bot.app.db.prepare('SELECT COUNT(*) AS n FROM ack_acknowledgements WHERE user_id = ?').get(PEOPLE.reporter.aadObjectId) as { n: number };
    expect(recorded.n).toBe(1);
  });
});
