import fs from 'node:fs';
import path from 'node:path';
import { readConcernCue } from '../../../../src/features/policy/reportOffer/concernCue';
import { renderAnswerCard } from '../../../../src/features/policy/teams/cards/answerCard';
import { renderNotCoveredCard } from '../../../../src/features/policy/teams/cards/notCoveredCard';
import { Verbs } from '../../../../src/teams/verbs';
import { answerQuestion, DEFAULT_THRESHOLDS } from '../../../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { cardProblems, cardVerbs, shownText } from '../../../support/cardAssertions';
import { REPO_ROOT } from '../../../support/repoRoot';

/**
 * Report a concern beside the answer when a question tells of something that happened to the person asking, or of a
 * colleague's conduct (issue 52). It reads who did what to whom: told in words no list holds, it still reads them.
 */
describe('reading a question for a concern that happened', () => {
  it.each([
    // The two, then the same events told in other words.
    ['a year 9 kid posted something nasty about me on tiktok', 'onlineAbuse'],
    ['my colleague posted something really inappropriate', 'colleagueConduct'],
    ['a dad keeps sending me threatening messages on whatsapp', 'onlineAbuse'],
    ['some year 11s filmed me in the corridor and uploaded it', 'onlineAbuse'],
    ['someone made a fake account pretending to be me', 'onlineAbuse'],
    ['a parent shared a photo of me on the village facebook page', 'onlineAbuse'],
    ['a member of staff messaged a pupil on snapchat last night', 'colleagueConduct'],
    ['one of the TAs has been sharing pictures from the school trip on her instagram', 'colleagueConduct'],
    ['the deputy head tweeted something offensive about parents', 'colleagueConduct'],
    // "slagging" is a form the lemmatiser makes of "slag" (wordLists/concernCue.json); the list written by hand had "slagged" alone.
    ['a parent has been slagging me off on facebook', 'onlineAbuse'],
  ])('when asked "%s", then it offers the %s report', (question, kind) => {
    expect(readConcernCue(question)).toBe(kind);
  });

  it.each([
    'Can I post photos of my class?',
    'what if a parent posts something about me?',
    'A parent sent me a friend request, can I accept?',
    'I posted a photo of my class, is that ok?',
    'my colleague asked me whether she can post photos of the trip',
    'can I report a colleague who posts about pupils?',
    'my mates keep tagging me in photos from nights out',
    'one of the children made me a lovely card, can I post it?',
    // "mocks" is a form of "mock" the list leaves out: here they are exams.
    'has the exams office got my list for the year 11 mocks, or do I send it again?',
  ])('when asked "%s" (nothing happened to them, no colleague did anything), then nothing is offered', (question) => {
    expect(readConcernCue(question)).toBeUndefined();
  });

  it('when every answer-quality question is read, then few are offered a report, and those tell of something that happened', () => {
    const questions = fs.readdirSync(path.join(REPO_ROOT, 'research', 'eval')).filter((f) => f.startsWith('qa-'))
      .flatMap((f) => fs.readFileSync(path.join(REPO_ROOT, 'research', 'eval', f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q));
    const offered = questions.filter((q) => readConcernCue(q) !== undefined);
    expect(questions.length).toBeGreaterThanOrEqual(750);
    // 16 of 750 when written (2.1%): people asking what to do about abuse they received or a colleague's post.
    expect(offered.length / questions.length).toBeLessThanOrEqual(0.03);
    expect(offered.filter((q) => !/\b(me|my|colleague|member of staff|staff)\b/i.test(q))).toEqual([]);
  });

  it('when an answer carries the offer, then the card is valid and its button opens the form at that kind with the words typed', () => {
    const policy = 'liverpool-model.txt';
    const index = createPolicyIndex([parsePolicyText(fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', policy), 'utf8'), policy)]);
    const question = 'a year 9 kid posted something nasty about me on tiktok';
    const answer = answerQuestion(index, question, DEFAULT_THRESHOLDS);
    if (!answer.answered) throw new Error('the sample policy answers this question');
    const card = renderAnswerCard(answer, 'q1', undefined, undefined, undefined, { kind: 'onlineAbuse', whatHappened: question });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain(JSON.stringify({ kind: 'onlineAbuse', whatHappened: question }).slice(1, -1));
    const elsewhere = JSON.stringify(renderAnswerCard(answer, 'q1', undefined, undefined, undefined, { kind: 'onlineAbuse' }));
    expect(elsewhere).not.toContain(question);
    expect(JSON.stringify(renderAnswerCard(answer, 'q1'))).not.toMatch(/you can report it as/);
  });

  it('when the policy does not cover what happened, then "The policy doesn\'t cover that" carries the same offer, in place of its plain Report a concern', () => {
    const question = 'my colleague keeps posting rude memes about the new car park';
    const card = renderNotCoveredCard('Oakfield Social Media Policy', undefined, { kind: 'colleagueConduct', whatHappened: question });
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain("The policy doesn't cover that");
    expect(shownText(card)).toContain('you can report it as a concern about a colleague\'s conduct');
    expect(JSON.stringify(card)).toContain(JSON.stringify({ kind: 'colleagueConduct', whatHappened: question }).slice(1, -1));
    expect(cardVerbs(card)).toEqual([Verbs.concernChooseKind, Verbs.showContents]);
    // In a channel or group chat the button starts the report privately and carries nothing.
    const elsewhere = renderNotCoveredCard('Oakfield Social Media Policy', undefined, { kind: 'colleagueConduct' });
    expect(JSON.stringify(elsewhere)).not.toContain(question);
    expect(cardVerbs(elsewhere)).toEqual([Verbs.concernStart, Verbs.showContents]);
    expect(shownText(elsewhere)).toContain('you can report it as a concern about a colleague\'s conduct');
    expect(shownText(renderNotCoveredCard('Oakfield Social Media Policy'))).not.toMatch(/you can report it as/);
  });
});
