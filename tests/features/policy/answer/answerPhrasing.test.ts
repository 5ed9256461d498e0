import {
  AnswerPhraser, checkGrounding, MAX_PHRASED_ANSWER_CHARS, phraseAnswer, PhrasingError, RetrievedSection, retrievedSectionsFor,
} from '../../../../src/features/policy/answer/answerPhrasing';
import { Answer, AnswerMatch } from '../../../../src/features/policy/answer/answerQuestion';
import { PolicyDocument, PolicySection } from '../../../../src/features/policy/policyDocument';

const ACCEPTABLE_USE = [
  'Individuals should not upload any content on to social media sites that:',
  '- is confidential to the school/trust or its staff',
  '- amounts to bullying',
  '',
  "Individuals should be aware of both professional and social boundaries and should not therefore accept or invite 'friend' requests from pupils or ex-pupils under the age of 18, or from parents on their personal social media accounts such as Facebook, unless they are family members. All communication with parents via social media should be through the school/trust's social media accounts.",
].join('\n');
const WORK_TIME = 'Individuals should note that the use of personal social media accounts during work time is not permitted.';

const SECTIONS: RetrievedSection[] = [
  { id: 'S1', label: '5. Acceptable use (Social Media Policy)', text: ACCEPTABLE_USE },
  { id: 'S2', label: '6. Work time (Social Media Policy)', text: WORK_TIME },
];

const reply = (value: unknown): string => JSON.stringify(value);
const GROUNDED = {
  answer: 'No. You should not accept friend requests from parents on your personal accounts unless they are family; talk to parents through the school\'s accounts.',
  section: 'S1',
  quotes: ["should not therefore accept or invite 'friend' requests from pupils or ex-pupils under the age of 18, or from parents"],
};

describe('grounding check of a phrased answer', () => {
  it('when the reply cites a retrieved section and quotes it word for word, then it is accepted', () => {
    const check = checkGrounding(reply(GROUNDED), SECTIONS);

    expect(check).toEqual({ ok: true, answer: { text: GROUNDED.answer, sectionId: 'S1', quotes: GROUNDED.quotes } });
  });

  it('when the quote differs only in curly quotes, spacing, case or a bullet marker, then it still counts as verbatim', () => {
    const check = checkGrounding(reply({
      ...GROUNDED,
      quotes: ['Should not  therefore accept or invite \u2018friend\u2019 requests', 'on to social media sites that: is confidential to the school/trust'],
    }), SECTIONS);

    expect(check.ok).toBe(true);
  });

  it('when the quote joins two passages of the section with an ellipsis, then each part is checked and it is accepted', () => {
    const check = checkGrounding(reply({ ...GROUNDED, quotes: ["accept or invite 'friend' requests \u2026 through the school/trust's social media accounts."] }), SECTIONS);

    expect(check.ok).toBe(true);
  });

  it('when the reply is wrapped in a Markdown code fence, then the JSON inside is checked', () => {
    expect(checkGrounding('```json\n' + reply(GROUNDED) + '\n```', SECTIONS).ok).toBe(true);
  });

  it('when the reply cites no section, then it is rejected as uncited', () => {
    expect(checkGrounding(reply({ ...GROUNDED, section: '' }), SECTIONS)).toEqual({ ok: false, reason: 'UNCITED' });
    expect(checkGrounding(reply({ answer: GROUNDED.answer, quotes: GROUNDED.quotes }), SECTIONS)).toEqual({ ok: false, reason: 'UNCITED' });
  });

  it('when the reply cites a section that was not retrieved, then it is rejected', () => {
    expect(checkGrounding(reply({ ...GROUNDED, section: 'S7' }), SECTIONS)).toEqual({ ok: false, reason: 'SECTION_NOT_RETRIEVED' });
    expect(checkGrounding(reply({ ...GROUNDED, section: '5.2' }), SECTIONS)).toEqual({ ok: false, reason: 'SECTION_NOT_RETRIEVED' });
  });

  it('when the quote is in another retrieved section than the one cited, then it is rejected', () => {
    const check = checkGrounding(reply({ ...GROUNDED, section: 'S2' }), SECTIONS);

    expect(check).toEqual({ ok: false, reason: 'QUOTE_NOT_IN_SECTION' });
  });

  it('when the quote is invented or reworded, then it is rejected', () => {
    const invented = checkGrounding(reply({ ...GROUNDED, quotes: ['Staff may accept friend requests from parents they know well'] }), SECTIONS);
    const reworded = checkGrounding(reply({ ...GROUNDED, quotes: ["should not accept or invite 'friend' requests from pupils"] }), SECTIONS);

    expect(invented).toEqual({ ok: false, reason: 'QUOTE_NOT_IN_SECTION' });
    expect(reworded).toEqual({ ok: false, reason: 'QUOTE_NOT_IN_SECTION' });
  });

  it('when the answer puts words in double quotes that the section does not say, then it is rejected', () => {
    const check = checkGrounding(reply({ ...GROUNDED, answer: 'The policy says "parents may be friends after a year".' }), SECTIONS);

    expect(check).toEqual({ ok: false, reason: 'QUOTE_NOT_IN_SECTION' });
  });

  it('when the reply gives no quote, or only a word or two, then it is rejected', () => {
    expect(checkGrounding(reply({ ...GROUNDED, quotes: [] }), SECTIONS)).toEqual({ ok: false, reason: 'NO_QUOTE' });
    expect(checkGrounding(reply({ ...GROUNDED, quotes: ['friend'] }), SECTIONS)).toEqual({ ok: false, reason: 'QUOTE_TOO_SHORT' });
  });

  it('when a quote is a common fragment that matches almost anything, or ellipses join such fragments, then it is too short', () => {
    expect(checkGrounding(reply({ ...GROUNDED, quotes: ['social media'] }), SECTIONS)).toEqual({ ok: false, reason: 'QUOTE_TOO_SHORT' });
    expect(checkGrounding(reply({ ...GROUNDED, quotes: ['should not ... from parents'] }), SECTIONS)).toEqual({ ok: false, reason: 'QUOTE_TOO_SHORT' });
  });

  it('when the answer says things the cited section does not, then it is rejected even with a genuine quote', () => {
    const invented = { ...GROUNDED, answer: 'Yes. Governors approve friend requests after a safeguarding interview and a DBS renewal each autumn.' };

    expect(checkGrounding(reply(invented), SECTIONS, 'Can I accept a friend request from a parent?')).toEqual({ ok: false, reason: 'UNSUPPORTED' });
  });

  it('when the answer carries a link, a URL, HTML or markdown, then it is rejected so the card cannot post it', () => {
    for (const answer of [
      'No. [Read the guidance here](https://example.com/policy) before you accept friend requests from parents.',
      'No. See www.example.com about friend requests from parents.',
      'No. <a href="x">friend requests</a> from parents are not accepted.',
      '**No.** Do not accept friend requests from parents.',
      '- No\n- Do not accept friend requests from parents',
    ]) {
      expect({ answer, check: checkGrounding(reply({ ...GROUNDED, answer }), SECTIONS) }).toEqual({ answer, check: { ok: false, reason: 'MARKUP' } });
    }
  });

  it('when the reply is not the JSON shape asked for, then it is rejected as malformed', () => {
    for (const bad of ['No, you should not accept it [S1].', '{"answer": "No", "section": "S1", ', '["S1"]', reply({ ...GROUNDED, quotes: 'accept or invite' }), reply({ ...GROUNDED, answer: 42 })]) {
      expect(checkGrounding(bad, SECTIONS)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
  });

  it('when the reply or its answer is empty or too long, then it is rejected', () => {
    expect(checkGrounding('  ', SECTIONS)).toEqual({ ok: false, reason: 'EMPTY' });
    expect(checkGrounding(reply({ answer: '', section: '', quotes: [] }), SECTIONS)).toEqual({ ok: false, reason: 'EMPTY' });
    expect(checkGrounding(reply({ ...GROUNDED, answer: 'No. '.repeat(MAX_PHRASED_ANSWER_CHARS) }), SECTIONS)).toEqual({ ok: false, reason: 'TOO_LONG' });
  });
});

describe('phrasing an answer through the port', () => {
  const section = (ordinal: number, number: string, title: string, text: string): PolicySection => ({ ordinal, number, title, level: 1, parent: null, text });
  const acceptableUse = section(5, '5', 'Acceptable use', ACCEPTABLE_USE);
  const workTime = section(6, '6', 'Work time', WORK_TIME);
  const legislation = section(11, '11', 'Legislation', 'The Data Protection Act 2018 applies.');
  const doc: PolicyDocument = {
    id: 'policy', source: 'policy.txt', title: 'Social Media Policy', metadata: { title: 'Social Media Policy', contentHash: 'x' },
    sections: [acceptableUse, workTime, legislation], frontPage: [], warnings: [],
  };
  const match = (s: PolicySection, quote: string): AnswerMatch => ({ doc, section: s, score: 1, quote });
  const answer: Extract<Answer, { answered: true }> = {
    answered: true, sure: true, question: 'Can I accept a friend request from a parent?',
    best: match(acceptableUse, 'should not therefore accept'), secondary: match(workTime, WORK_TIME),
    matches: [match(acceptableUse, 'x'), match(workTime, 'y'), match(legislation, 'z')],
  };
  const phraserReplying = (text: string | Error): AnswerPhraser & { seen: RetrievedSection[][] } => {
    const seen: RetrievedSection[][] = [];
    return { seen, phrase: async (_q, sections) => { seen.push([...sections]); if (text instanceof Error) throw text; return text; } };
  };

  it('when the answer has a close second, then only the best and the second section are offered to the model', () => {
    const offered = retrievedSectionsFor(answer).map((r) => r.section);

    expect(offered.map((s) => s.id)).toEqual(['S1', 'S2']);
    expect(offered[0]).toMatchObject({ label: '5. Acceptable use (Social Media Policy)', text: ACCEPTABLE_USE });
    expect(offered.map((s) => s.text).join()).not.toContain('Data Protection Act');
  });

  it('when the model replies with a grounded answer, then it is used with the match it cites', async () => {
    const outcome = await phraseAnswer(answer, phraserReplying(reply({ answer: 'No, not during work time.', section: 'S2', quotes: ['during work time is not permitted'] })));

    expect(outcome).toMatchObject({ phrased: true, answer: { text: 'No, not during work time.', sectionId: 'S2' } });
    expect(outcome.phrased && outcome.cited.section.title).toBe('Work time');
  });

  it('when the model replies with an ungrounded answer, then the extractive answer stands with the reason', async () => {
    const outcome = await phraseAnswer(answer, phraserReplying(reply({ ...GROUNDED, quotes: ['Parents are always welcome as friends online'] })));

    expect(outcome).toEqual({ phrased: false, reason: 'QUOTE_NOT_IN_SECTION' });
  });

  it('when the phraser times out or fails, then the extractive answer stands with a stable code', async () => {
    expect(await phraseAnswer(answer, phraserReplying(new PhrasingError('TIMEOUT')))).toEqual({ phrased: false, reason: 'TIMEOUT' });
    expect(await phraseAnswer(answer, phraserReplying(new Error('socket hang up')))).toEqual({ phrased: false, reason: 'MODEL_ERROR' });
  });
});
