import { Answer, answerQuestion, shownMatches } from '../../../../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex, PolicyIndex } from '../../../../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { renderAnswerCard } from '../../../../../src/features/policy/teams/cards/answerCard';
import { renderNoneChosenCard, renderNotSureCard } from '../../../../../src/features/policy/teams/cards/notSureCard';
import { renderUnansweredCard } from '../../../../../src/features/policy/teams/cards/teachingCards';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs, executeActions, markdownCarriers, shownText, textRuns } from '../../../../support/cardAssertions';

/**
 * The "not sure" reply (issue 50) and the owners' suggestions. The policy's own words are a person's text: a title, a
 * heading and a sentence here carry a mention and a bare link, which a TextBlock would read as markup (reading the file
 * already drops "[text](link)" to its text and removes asterisks: documentTextInChat.component.test.ts).
 */
const MARKUP = ' <at>y</at> https://evil.example/login';
const doc = parsePolicyText([
  `Staff Social Media Policy${MARKUP}`,
  '',
  `1. Images of pupils${MARKUP}`,
  '',
  `Staff must never post photographs of pupils on their personal social media accounts${MARKUP}.`,
  '',
  '2. Contact with parents',
  '',
  'Staff do not accept friend requests from parents on personal accounts.',
  '',
  '3. Online abuse of staff',
  '',
  'Staff who are abused online should never reply, and should report it to a senior manager and keep screenshots.',
  '',
  '4. Personal use at work',
  '',
  'Staff must not use personal social media during lessons or while supervising pupils.',
].join('\n'), 'markup-policy.txt');
const model = createPolicyIndex([doc]);
const unsure: PolicyIndex = { ...model, rank: (q) => { const r = model.rank(q); return r && { ...r, sure: false }; } };
type Answered = Extract<Answer, { answered: true }>;
const QUESTION = 'can I post pictures of the pupils in my class on my facebook?';
const answer = answerQuestion(unsure, QUESTION) as Answered;

describe('the "not sure" card', () => {
  it('when the ranker is not sure, then the card says so plainly and offers three choices, each with its heading, document and quote, and "None of these"', () => {
    expect(answer.answered && !answer.sure).toBe(true);
    const card = renderNotSureCard(answer, 'q-7', undefined, (section) => `token-of-${section}`, { question: 'sealed-question', token: 'send-token' });

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text.split('\n')[0]).toBe("I'm not sure which part of the policy answers this. Which of these is closest?");
    const choices = shownMatches(answer);
    expect(choices).toHaveLength(3);
    for (const m of choices) {
      expect(text).toContain(`Section ${m.section.number}. ${m.section.title}`);
      expect(text).toContain(`"${m.quote}"`);
    }
    expect(text).not.toContain('Was this helpful?');
    // Each "This one" carries the question's id and the section's key, as teaching links name sections, and that choice's
    // own token (issue 69: only what the card offered counts), and the question sealed with the asker's send token (it is
    // not kept, so the card carries it); then "None of these".
    expect(executeActions(card)).toEqual([
      ...choices.map((m) => ({
        title: 'This one', verb: Verbs.chooseSection,
        data: { questionId: 'q-7', section: `${doc.id}#${m.section.ordinal}`, token: `token-of-${doc.id}#${m.section.ordinal}`, q: 'sealed-question', t: 'send-token', v: doc.metadata.contentHash },
      })),
      { title: 'None of these', verb: Verbs.chooseSection, data: { questionId: 'q-7', section: 'none', token: 'token-of-none', q: 'sealed-question', t: 'send-token' } },
    ]);
  });

  it('when the policy\'s heading, title and sentence carry markdown, then the card shows them in TextRuns, never as markdown', () => {
    const card = renderNotSureCard(answer, 'q-7');
    const runs = textRuns(card);
    const images = shownMatches(answer).find((m) => m.section.number === '1')!;
    expect(images).toBeDefined();
    expect(runs).toContain(`Section 1. Images of pupils${MARKUP}`);
    expect(runs).toContain(` · Staff Social Media Policy${MARKUP}`);
    expect(runs).toContain(`"${images.quote}"`);
    expect(images.quote).toContain(MARKUP.trim());
    for (const carrier of markdownCarriers(card)) expect(carrier).not.toMatch(/evil\.example|<at>y<\/at>/);
  });

  it('when the answer has fewer than three sections, then only those are offered', () => {
    const card = renderNotSureCard({ ...answer, matches: answer.matches.slice(0, 2) }, 'q-8');
    expect(cardProblems(card)).toEqual([]);
    expect(executeActions(card).map((a) => a.data.section)).toEqual([...answer.matches.slice(0, 2).map((m) => `${doc.id}#${m.section.ordinal}`), 'none']);
  });

  it('when a question about something that happened to the person is not sure, then Report a concern still comes beside the choices', () => {
    const card = renderNotSureCard(answer, 'q-9', { kind: 'onlineAbuse', whatHappened: 'a parent is trolling me' });
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toContain(Verbs.concernChooseKind);
    expect(executeActions(card).find((a) => a.verb === Verbs.concernChooseKind)?.data).toEqual({ kind: 'onlineAbuse', whatHappened: 'a parent is trolling me' });
  });

  it('when the ranker is sure, then the reply is the answer card as before, with no choices', () => {
    const sure = answerQuestion(model, QUESTION) as Answered;
    expect(sure.sure).toBe(true);
    expect(cardVerbs(renderAnswerCard(sure, 'q-1'))).not.toContain(Verbs.chooseSection);
  });

  it('when "None of these" was pressed, then the card says it is noted and gives the next steps, without repeating the question', () => {
    const card = renderNoneChosenCard(doc.title);
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toMatch(/^Noted: none of these/);
    expect(cardVerbs(card)).toEqual([Verbs.concernStart, Verbs.showContents]);
    expect(textRuns(card).join(' ')).toContain(doc.title);
  });
});

describe('staff\'s suggestions on the owners\' unanswered card', () => {
  const suggestion = { questionId: 'q-3', text: 'Staff chose section 5 (Acceptable use) for: can i share [the fair](http://x) **post**', status: 'Asked 21 Nov' };

  it('when staff chose sections, then each is listed first as text with Accept and Dismiss, and the questions to teach follow', () => {
    const card = renderUnansweredCard([
      { questionId: 'q1', question: 'parking?', status: 'Not covered, 21 Nov', candidates: [{ title: '5. Acceptable use', section: 'p#5' }] },
    ], '', '', [suggestion]);

    expect(cardProblems(card)).toEqual([]);
    expect(textRuns(card)).toContain(suggestion.text);
    for (const carrier of markdownCarriers(card)) expect(carrier).not.toContain('http://x');
    expect(executeActions(card)).toEqual([
      { title: 'Accept', verb: Verbs.acceptSuggestion, data: { questionId: 'q-3' } },
      { title: 'Dismiss', verb: Verbs.dismissSuggestion, data: { questionId: 'q-3' } },
      { title: '5. Acceptable use', verb: Verbs.teachAnswer, data: { questionId: 'q1', section: 'p#5', offset: 0 } },
      { title: "The policy doesn't cover it", verb: Verbs.teachAnswer, data: { questionId: 'q1', section: 'none', offset: 0 } },
    ]);
    expect(shownText(card)).toContain('Suggested by staff');
    expect(shownText(card)).not.toContain('Nothing to teach');
  });

  it('when only suggestions are waiting, then the card does not say there is nothing to teach', () => {
    const card = renderUnansweredCard([], '', '', [suggestion]);
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).not.toContain('Nothing to teach');
    expect(shownText(card)).not.toContain('Not answered well');
  });
});
