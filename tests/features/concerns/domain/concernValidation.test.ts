import { CONCERN_FIELD_LIMITS, CUT_NOTE, HEADTEACHER_ON_TEAM_CHECK, validateConcernForm } from '../../../../src/features/concerns/domain/concernValidation';
import { formFor } from './concernFakes';

describe('validateConcernForm', () => {
  test('when every needed field is filled, then a draft comes back with the text trimmed and urgency read', () => {
    const result = validateConcernForm(formFor('childSafety', { immediateDanger: 'true', whatHappened: '  words  ' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.draft.kind).toBe('childSafety');
    expect(result.draft.immediateDanger).toBe(true);
    expect(result.draft.details.whatHappened).toBe('words');
  });

  test('when the form is half filled, then every typed value is kept and each missing field is named', () => {
    const typed = { kind: 'allegation', whatHappened: 'He said he was scared', where: 'Form room', immediateDanger: 'false', evidence: 'kept screenshot' };
    const result = validateConcernForm(typed);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values).toMatchObject({
      kind: 'allegation', whatHappened: 'He said he was scared', where: 'Form room', evidence: 'kept screenshot', immediateDanger: false,
    });
    expect(result.problems.map((p) => p.field).sort()).toEqual(['peopleInvolved', 'whenHappened']);
    expect(result.problems.find((p) => p.field === 'whenHappened')?.message).toMatch(/When it happened/);
  });

  test('when it is marked immediate danger, then it is never refused for a missing field: it goes with what is there, naming what is missing', () => {
    const result = validateConcernForm({ kind: 'colleagueConduct', whatHappened: 'Threats in the staff group', immediateDanger: 'true' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.draft.kind).toBe('colleagueConduct');
    expect(result.draft.immediateDanger).toBe(true);
    expect(result.draft.missing).toEqual(['whenHappened', 'where', 'peopleInvolved']);
    expect(result.draft.details.whatHappened).toBe('Threats in the staff group');
  });

  test('when it is marked immediate danger with nothing but the toggle, then it still goes, as a child\'s safety concern to the DSL', () => {
    const result = validateConcernForm({ immediateDanger: 'true' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.draft.kind).toBe('childSafety');
    expect(result.draft.missing).toEqual(['whatHappened', 'whenHappened']);
  });

  test('when an urgent report has text over a limit or a link that is not a web address, then it goes, cut to the limit and the link kept as evidence', () => {
    const long = 'x'.repeat(CONCERN_FIELD_LIMITS.whatHappened + 50);
    const result = validateConcernForm({ kind: 'childSafety', whatHappened: long, whenHappened: 'now', link: 'the group chat on snap', immediateDanger: 'true' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.draft.details.whatHappened).toHaveLength(CONCERN_FIELD_LIMITS.whatHappened);
    // The team is told there was more.
    expect(result.draft.details.whatHappened.endsWith(CUT_NOTE)).toBe(true);
    expect(result.draft.details.link).toBeUndefined();
    expect(result.draft.details.evidence).toBe('Link as given: the group chat on snap');
  });

  test('when an urgent report\'s words run past a limit, then it is cut at a word, not inside one, and says where', () => {
    const words = 'A parent posted on Facebook about the pupil again. '.repeat(400);
    const result = validateConcernForm({ kind: 'childSafety', whatHappened: words, whenHappened: 'now', immediateDanger: 'true' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const kept = result.draft.details.whatHappened;
    expect(kept.length).toBeLessThanOrEqual(CONCERN_FIELD_LIMITS.whatHappened);
    expect(kept.slice(0, -CUT_NOTE.length)).toMatch(/(pupil again\.|\b[A-Za-z]+)$/);
    expect(words.startsWith(kept.slice(0, -CUT_NOTE.length))).toBe(true);
    expect(words[kept.length - CUT_NOTE.length]).toBe(' ');
  });

  test('when no kind is chosen, then the kind is named as missing and nothing else is lost', () => {
    const result = validateConcernForm({ whatHappened: 'text', whenHappened: 'today' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['kind']);
    expect(result.values.whatHappened).toBe('text');
  });

  test('when a field is over its limit, then it is named with the limit and the text is kept', () => {
    const long = 'x'.repeat(CONCERN_FIELD_LIMITS.whatHappened + 1);
    const result = validateConcernForm(formFor('other', { whatHappened: long }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ field: 'whatHappened', message: expect.stringContaining(`limit is ${CONCERN_FIELD_LIMITS.whatHappened}`) }]);
    expect(result.values.whatHappened).toBe(long);
  });

  test('when a field is far over its limit, then the kept text is capped so the returned card stays sendable', () => {
    const huge = 'y'.repeat(CONCERN_FIELD_LIMITS.evidence * 10);
    const result = validateConcernForm(formFor('other', { evidence: huge }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values.evidence.length).toBe(CONCERN_FIELD_LIMITS.evidence * 2);
  });

  test("when a child's safety is reported with only what happened and when, then that is enough to send it", () => {
    expect(validateConcernForm({ kind: 'childSafety', whatHappened: 'A pupil told me something worrying', whenHappened: 'now' }).ok).toBe(true);
  });

  test('when the limits are generous, then a long honest account fits', () => {
    expect(CONCERN_FIELD_LIMITS.whatHappened).toBeGreaterThanOrEqual(4000);
    expect(validateConcernForm(formFor('other', { whatHappened: 'z'.repeat(5000) })).ok).toBe(true);
  });

  test('when the link is not a web address, then it is named', () => {
    const result = validateConcernForm(formFor('onlineAbuse', { link: 'not a link' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['link']);
  });

  test('when online abuse is reported without a platform, then "where" is asked for', () => {
    const result = validateConcernForm(formFor('onlineAbuse', { where: '' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['where']);
  });

  test('when the input is not an object, then every required field is named rather than throwing', () => {
    const result = validateConcernForm(undefined);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['kind', 'whatHappened', 'whenHappened']);
  });
});

describe('a report about an adult that names the headteacher', () => {
  const naming = { whatHappened: 'The headteacher, Mrs Robbins, has been sending private Instagram messages to a Year 11 girl.', peopleInvolved: 'Mrs Robbins (headteacher), a Year 11 girl' };

  it('when "This is about the headteacher" is not ticked, then nothing is sent: the form asks which it is, keeping everything typed', () => {
    const r = validateConcernForm(formFor('allegation', naming));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field)).toEqual(['aboutHeadteacher']);
    expect(r.problems[0].message).toContain('tick "This is about the headteacher" so it goes to the chair of governors');
    expect(r.values.whatHappened).toBe(naming.whatHappened);
  });

  it('when either box is ticked, then it is sent as ticked: to the chair of governors, or to the headteacher', () => {
    const about = validateConcernForm(formFor('allegation', { ...naming, aboutHeadteacher: 'true' }));
    expect(about.ok && about.draft.aboutHeadteacher).toBe(true);
    const notAbout = validateConcernForm(formFor('colleagueConduct', { ...naming, notAboutHeadteacher: 'true' }));
    expect(notAbout.ok).toBe(true);
    expect(notAbout.ok && notAbout.draft.aboutHeadteacher).toBe(false);
  });

  it('when it is marked immediate danger, then it is never held back: it goes as about the headteacher, to the chair of governors', () => {
    const r = validateConcernForm(formFor('allegation', { ...naming, immediateDanger: 'true' }));
    expect(r.ok && r.draft.aboutHeadteacher).toBe(true);
  });

  it('when a child\'s safety, online abuse or other report carries the headteacher flag (from an earlier step or a forged card), then it is not about the headteacher: it goes where its kind goes', () => {
    for (const kind of ['childSafety', 'onlineAbuse', 'other']) {
      for (const immediateDanger of ['false', 'true']) {
        const r = validateConcernForm(formFor(kind, { ...naming, aboutHeadteacher: 'true', immediateDanger }));
        expect({ kind, immediateDanger, ok: r.ok, about: r.ok && r.draft.aboutHeadteacher }).toEqual({ kind, immediateDanger, ok: true, about: false });
      }
    }
    // Urgent with no kind chosen goes as a child's safety concern: to the safeguarding team.
    const urgent = validateConcernForm({ ...formFor('', naming), aboutHeadteacher: 'true', immediateDanger: 'true' });
    expect(urgent.ok && [urgent.draft.kind, urgent.draft.aboutHeadteacher]).toEqual(['childSafety', false]);
  });

  it('when an allegation or a colleague\'s conduct names the headteacher only by name, then it is asked about as "the headteacher" is', () => {
    const names = { headteacherNames: ['Lynne Robbins'] };
    const byName = [
      { whatHappened: 'Mrs Robbins shouted at a pupil and grabbed his arm', peopleInvolved: 'a Year 4 boy' },
      { whatHappened: 'Shouted at a pupil and grabbed his arm in the hall', peopleInvolved: 'Lynne Robbins' },
      { whatHappened: 'L. Robbins\'s messages to a parent were threatening', peopleInvolved: 'not known' },
    ];
    for (const kind of ['allegation', 'colleagueConduct']) {
      for (const typed of byName) {
        const r = validateConcernForm(formFor(kind, typed), names);
        expect({ kind, typed, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ kind, typed, asked: ['aboutHeadteacher'] });
        // Without the name known, the same words go straight on: the check is the name, not the words.
        expect(validateConcernForm(formFor(kind, typed)).ok).toBe(true);
      }
    }
    // Immediate danger is never held back: naming the head sends it to the chair of governors.
    const urgent = validateConcernForm(formFor('allegation', { ...byName[0], immediateDanger: 'true' }), names);
    expect(urgent.ok && urgent.draft.aboutHeadteacher).toBe(true);
    // A surname or first name alone, capitalised, may be someone else: asked about all the same, and an urgent one goes to
    // the chair (who passes on one about someone else); in lower case, or in a child's safety report, nothing is asked.
    for (const whatHappened of ['Robbins grabbed his arm', 'Tom Robbins in Year 6 was grabbed by a supply teacher', 'Lynne shouted at a pupil']) {
      const r = validateConcernForm(formFor('allegation', { whatHappened }), names);
      expect({ whatHappened, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ whatHappened, asked: ['aboutHeadteacher'] });
      const urgentMaybe = validateConcernForm(formFor('allegation', { whatHappened, immediateDanger: 'true' }), names);
      expect({ whatHappened, toChair: urgentMaybe.ok && urgentMaybe.draft.aboutHeadteacher }).toEqual({ whatHappened, toChair: true });
    }
    for (const [kind, whatHappened] of [['allegation', 'robbins grabbed his arm'], ['childSafety', 'Mrs Robbins told me a pupil has bruises']]) {
      expect({ whatHappened, ok: validateConcernForm(formFor(kind, { whatHappened }), names).ok }).toEqual({ whatHappened, ok: true });
    }
  });

  it('when an allegation names someone with a title and the head\'s surname one letter off, or their initial, then it is asked about; an urgent one still goes to the headteacher', () => {
    const names = { headteacherNames: ['Lynne Robbins'] };
    for (const whatHappened of ['Mrs Robins grabbed his arm', 'Mrs R grabbed his arm']) {
      const r = validateConcernForm(formFor('allegation', { whatHappened }), names);
      expect({ whatHappened, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ whatHappened, asked: ['aboutHeadteacher'] });
      // Urgent: never held back, and not sent past the headteacher on a near name alone.
      const urgent = validateConcernForm(formFor('allegation', { whatHappened, immediateDanger: 'true' }), names);
      expect({ whatHappened, toChair: urgent.ok && urgent.draft.aboutHeadteacher }).toEqual({ whatHappened, toChair: false });
    }
    // Ordinary words are not names: "miss a lesson" is not "Miss A".
    const adams = validateConcernForm(formFor('allegation', { whatHappened: 'Mr Jones kept her in so she would miss a lesson' }), { headteacherNames: ['Sarah Adams'] });
    expect(adams.ok).toBe(true);
  });

  it('when the headteacher is named only in the message reported, the evidence or where, then it is asked about as in what happened', () => {
    const names = { headteacherNames: ['Lynne Robbins'] };
    for (const field of ['attachedMessage', 'evidence', 'where']) {
      const r = validateConcernForm(formFor('allegation', { whatHappened: 'See below', [field]: 'Mrs Robbins grabbed that kid by the arm again today' }), names);
      expect({ field, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ field, asked: ['aboutHeadteacher'] });
    }
  });

  it('when an allegation calls them "the head" or "our new head", then it is asked about; "his head", "the head of year", "the head boy" and "the deputy head" are not the headteacher', () => {
    for (const whatHappened of ['The head grabbed a Year 5 boy by the arm', 'our Head grabbed a boy', 'Our new head posted photos of pupils', 'in the head\'s office he shouted']) {
      const r = validateConcernForm(formFor('allegation', { whatHappened }));
      expect({ whatHappened, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ whatHappened, asked: ['aboutHeadteacher'] });
    }
    for (const whatHappened of ['A TA pushed him and he hit his head on the door', 'The head of year shouted at a pupil', 'The head boy was pushed by a coach', 'The deputy head shouted at a pupil']) {
      expect({ whatHappened, ok: validateConcernForm(formFor('allegation', { whatHappened })).ok }).toEqual({ whatHappened, ok: true });
    }
  });

  it('when "the head" or "HT" is typed with look-alike letters, accents or invisible characters, then it is asked about as typed plainly', () => {
    for (const whatHappened of ['The h\u0435ad grabbed a Year 5 boy', '\u041dT grabbed a pupil', 'the he\u0301ad shouted at a pupil', 'the he\u200bad shouted at a pupil', 'the h\u0451ad shouted at a pupil', 'the h\u2063ead shouted at a pupil']) {
      const r = validateConcernForm(formFor('allegation', { whatHappened }));
      expect({ whatHappened, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ whatHappened, asked: ['aboutHeadteacher'] });
    }
  });

  it('when an allegation calls them "HT" or "Head", then it is asked about; "Head of Year" and "Head Boy" are others', () => {
    for (const whatHappened of ['HT grabbed a pupil', 'our HT shouted at a pupil', 'Head grabbed a pupil at lunch', 'H.T. hit a child', 'H.T hit a child', 'the ht hit a child', 'The H/T hit a child', 'H/T hit a child']) {
      const r = validateConcernForm(formFor('allegation', { whatHappened }));
      expect({ whatHappened, asked: !r.ok && r.problems.map((p) => p.field) }).toEqual({ whatHappened, asked: ['aboutHeadteacher'] });
    }
    for (const whatHappened of ['Head of Year 9 shouted at a pupil', 'The Head Boy was pushed by a coach', 'A TA with a height of 6ft (ht) shouted', 'HTML lesson: a TA shouted', 'H. Taylor shouted at a pupil']) {
      expect({ whatHappened, ok: validateConcernForm(formFor('allegation', { whatHappened })).ok }).toEqual({ whatHappened, ok: true });
    }
  });

  it('when "This is about the headteacher" was ticked before the kind was changed to a child\'s safety, then with the head on the team it is asked about, and urgent it goes to the chair; with the head off the team it goes to the team', () => {
    const onTeam = { headteacherNames: ['Adele Vance'], headteacherOnTeam: true };
    const carried = { whatHappened: 'A child says she was hit', aboutHeadteacher: 'true' };
    const r = validateConcernForm(formFor('childSafety', carried), onTeam);
    expect(!r.ok && r.problems.map((p) => p.message)).toEqual([HEADTEACHER_ON_TEAM_CHECK]);
    const urgent = validateConcernForm(formFor('childSafety', { ...carried, immediateDanger: 'true' }), onTeam);
    expect(urgent.ok && urgent.draft.aboutHeadteacher).toBe(true);
    const offTeam = validateConcernForm(formFor('childSafety', { ...carried, immediateDanger: 'true' }), { ...onTeam, headteacherOnTeam: false });
    expect(offTeam.ok && offTeam.draft.aboutHeadteacher).toBe(false);
    // Surname or first name alone asks too, on the team.
    for (const whatHappened of ['Vance shouted at a child', 'Adele shouted at a child', 'HT shouted at a child']) {
      expect({ whatHappened, ok: validateConcernForm(formFor('childSafety', { whatHappened }), onTeam).ok }).toEqual({ whatHappened, ok: false });
    }
  });

  it('when the headteacher is on the safeguarding team, then a child\'s safety or other report surely naming them is asked about, never an urgent one; off the team it is not', () => {
    const onTeam = { headteacherNames: ['Adele Vance'], headteacherOnTeam: true };
    for (const kind of ['childSafety', 'other']) {
      const r = validateConcernForm(formFor(kind, { whatHappened: 'Tom in 5B says Mrs Vance hit him and he is scared of her' }), onTeam);
      expect({ kind, asked: !r.ok && r.problems.map((p) => p.message) }).toEqual({ kind, asked: [HEADTEACHER_ON_TEAM_CHECK] });
      const answered = validateConcernForm(formFor(kind, { whatHappened: 'Tom in 5B says Mrs Vance hit him', notAboutHeadteacher: 'true' }), onTeam);
      expect(answered.ok && answered.draft.aboutHeadteacher).toBe(false);
      expect(validateConcernForm(formFor(kind, { whatHappened: 'Tom in 5B says Mrs Vance hit him', immediateDanger: 'true' }), onTeam).ok).toBe(true);
      expect(validateConcernForm(formFor(kind, { whatHappened: 'Tom in 5B says Mrs Vance hit him' }), { ...onTeam, headteacherOnTeam: false }).ok).toBe(true);
    }
  });

  it('when a child\'s safety report names the headteacher who is not on the team, or an allegation says "his head", then nothing is asked', () => {
    expect(validateConcernForm(formFor('childSafety', naming)).ok).toBe(true);
    expect(validateConcernForm(formFor('allegation', { whatHappened: 'A teaching assistant grabbed a pupil by the arm and he hit his head on the door.' })).ok).toBe(true);
  });
});
