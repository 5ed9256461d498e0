import fs from 'node:fs';
import path from 'node:path';
import { readConcernStep, renderConcernFormCard, renderRefusedConcernForm } from '../../../../../src/features/concerns/teams/cards/concernFormCard';
import { renderConcernListCard } from '../../../../../src/features/concerns/teams/cards/concernListCard';
import { renderConcernReceiptCard } from '../../../../../src/features/concerns/teams/cards/concernReceiptCard';
import { renderConcernTriageCard } from '../../../../../src/features/concerns/teams/cards/concernTriageCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { CONCERN_FIELD_LIMITS, emptyConcernForm, HEADTEACHER_CHECK, requiredConcernFields, validateConcernForm } from '../../../../../src/features/concerns/domain/concernValidation';
import { CONCERN_KINDS, ConcernCase, deriveConcernCase } from '../../../../../src/features/concerns/domain/concernTypes';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';
import { formFor, ORIGIN, PEOPLE, REPORTER, SECRET_TEXT } from '../../domain/concernFakes';
import { REPO_ROOT } from '../../../../support/repoRoot';

function sampleCase(overrides: Partial<ConcernCase> = {}, details: Record<string, string> = {}): ConcernCase {
  const r = validateConcernForm(formFor('childSafety', { immediateDanger: 'true', link: 'https://example.test/post/1', attachedMessage: 'the message', ...details }));
  if (!r.ok) throw new Error('invalid sample');
  const report = { ...r.draft, id: 1, reference: 'SG-2026-0007', reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
  const c = deriveConcernCase(report, [
    { seq: 1, concernId: 1, type: 'submitted', at: report.submittedAt, actorId: PEOPLE.reporter, actorName: REPORTER.name, data: { urgent: 'true' } },
    { seq: 2, concernId: 1, type: 'routed', at: report.submittedAt, data: { role: 'dslChannel', stage: 'primary' } },
    { seq: 3, concernId: 1, type: 'acknowledged', at: '2026-03-02T09:05:00.000Z', actorId: PEOPLE.dsl, actorName: 'Dana DSL', data: {} },
  ]);
  return { ...c, ...overrides };
}

const team = [{ aadObjectId: PEOPLE.dsl, name: 'Dana DSL' }, { aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' }];

describe('concern cards', () => {
  test('when the form is opened, then the first step asks only what kind of concern, with the urgent toggle and "call 999" first', () => {
    const card = renderConcernFormCard();
    expect(cardProblems(card)).toEqual([]);
    const ids = JSON.stringify(card).match(/"id":"[a-zA-Z]+"/g);
    expect(ids).toEqual(['"id":"immediateDanger"', '"id":"kind"']);
    expect(cardVerbs(card)).toEqual([Verbs.concernChooseKind]);
    expect(JSON.stringify(card)).toContain('call 999 or speak to the DSL in person now');
    expect(JSON.stringify(card).indexOf('call 999')).toBeLessThan(JSON.stringify(card).indexOf('"id":"kind"'));
    // Who can read it, as it is: the safeguarding team reads every kind (docs/data-protection.md), not only its recipient.
    expect(JSON.stringify(card)).toContain('Only the person it goes to and the safeguarding team (the DSL and deputies) can read it');
  });

  test.each(CONCERN_KINDS.map((k) => [k]))('when %s is chosen, then the second step shows that kind\'s fields with exactly its required ones marked', (kind) => {
    for (const inTaskModule of [false, true]) {
      const card = renderConcernFormCard({ values: emptyConcernForm({ kind }), inTaskModule });
      expect(cardProblems(card)).toEqual([]);
      const labels = new Map<string, string>();
      JSON.stringify(card, (_k, v) => { if (v && typeof v === 'object' && v.type === 'Input.Text') labels.set(v.id, v.label); return v; });
      const marked = [...labels].filter(([, label]) => label.endsWith('(required)')).map(([id]) => id).sort();
      expect(marked).toEqual([...requiredConcernFields(kind)].sort());
      expect(labels.has('whatHappened')).toBe(true);
      expect(cardVerbs(card).sort()).toEqual([Verbs.concernChooseKind, Verbs.concernSubmit].sort());
      expect(JSON.stringify(card)).toContain(`"kind":"${kind}"`);
      expect(JSON.stringify(card).includes('"id":"aboutHeadteacher"')).toBe(kind === 'allegation' || kind === 'colleagueConduct');
    }
  });

  test('when the kind is changed, then everything typed on the second step travels back and forth without loss', () => {
    const typed = { ...emptyConcernForm({ kind: 'allegation' }), whatHappened: 'typed text', link: 'https://example.test/x', peopleInvolved: 'AB' };
    const stepTwo = JSON.stringify(renderConcernFormCard({ values: typed }));
    const kept = JSON.parse((stepTwo.match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1]!) as string;
    // The allegation form has no Link box, so the link is carried; shown fields travel as inputs.
    const back = readConcernStep({ changeKind: true, keepKind: 'allegation', kept, whatHappened: 'typed text', peopleInvolved: 'AB', whenHappened: '', where: '', evidence: '' });
    expect(back.next).toBe('kind');
    const stepOne = renderConcernFormCard({ values: back.values, chooseKind: true });
    const keptOne = JSON.parse((JSON.stringify(stepOne).match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1]!) as string;
    const forward = readConcernStep({ kind: 'onlineAbuse', immediateDanger: 'false', kept: keptOne });
    expect(forward.next).toBe('form');
    expect(forward.values).toMatchObject({ kind: 'onlineAbuse', whatHappened: 'typed text', link: 'https://example.test/x', peopleInvolved: 'AB' });
  });

  test('when a report over the person\'s limit comes back, then the notice is shown on its own, with their text kept, and no field is named as wrong', () => {
    const notice = 'You have sent several reports in a short time, so this one has not been sent yet.';
    for (const inTaskModule of [false, true]) {
      const card = renderRefusedConcernForm({ kind: 'onlineAbuse', whatHappened: 'Posts about me', immediateDanger: 'false' }, notice, inTaskModule);
      expect(cardProblems(card)).toEqual([]);
      const text = JSON.stringify(card);
      expect(text).toContain(notice);
      expect(text).toContain('Posts about me');
      expect(text).not.toContain('Please check');
    }
  });

  test('when a half-filled form comes back, then every typed value is in the card and each problem is named', () => {
    const result = validateConcernForm({ kind: 'onlineAbuse', whatHappened: 'Posts about me', evidence: 'Screens kept', immediateDanger: 'false' });
    if (result.ok) throw new Error('expected problems');
    const card = renderConcernFormCard({ values: result.values, problems: result.problems });
    expect(cardProblems(card)).toEqual([]);
    const inputs = new Map<string, unknown>();
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (typeof o.type === 'string' && o.type.startsWith('Input.')) inputs.set(o.id as string, o.value);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    expect(JSON.stringify(card)).toContain('"kind":"onlineAbuse"');
    expect(inputs.get('whatHappened')).toBe('Posts about me');
    expect(inputs.get('evidence')).toBe('Screens kept');
    expect(inputs.get('immediateDanger')).toBe('false');
    const text = JSON.stringify(card);
    expect(text).toContain('When it happened: please fill this in');
    expect(text).toContain('Where (platform or place): please fill this in');
  });

  test('when delivery is still pending, then the receipt says so honestly', () => {
    const card = renderConcernReceiptCard({ reference: 'SG-2026-0008', urgent: false, intendedFor: 'seniorManager' });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('being delivered to a senior manager');
    expect(JSON.stringify(card)).not.toContain('call 999');
  });

  test('when the triage card is rendered for the channel, then it shows the facts, the chronology and every action with refresh for the team', () => {
    const card = renderConcernTriageCard({ concern: sampleCase(), team, refreshUserIds: team.map((m) => m.aadObjectId), canAssign: true });
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    for (const s of ['SG-2026-0007', "A child's safety", 'URGENT', '2 Mar 2026, 09:00 GMT', REPORTER.name, SECRET_TEXT.whatHappened, 'Dana DSL: Acknowledged']) {
      expect(text).toContain(s);
    }
    expect(cardVerbs(card).sort()).toEqual([
      Verbs.concernAddNote, Verbs.concernAssign, Verbs.concernClose, Verbs.concernOpen, Verbs.concernRecordAction, Verbs.concernAboutHeadteacher,
    ].sort());
    expect((card.refresh as { userIds: string[] }).userIds).toEqual([PEOPLE.dsl, PEOPLE.deputy]);
  });

  test('when a case has been acknowledged, then the card says who holds it and what happened last, not just "Open"', () => {
    const facts = (card: object): Record<string, string> => {
      const out: Record<string, string> = {};
      JSON.stringify(card, (k, v) => { if (v && typeof v === 'object' && v.type === 'FactSet') for (const f of v.facts) out[f.title] = f.value; return v; });
      return out;
    };
    const acked = facts(renderConcernTriageCard({ concern: sampleCase(), team, refreshUserIds: [PEOPLE.dsl], canAssign: true }));
    expect(acked['Status']).toBe('Acknowledged by Dana DSL');
    expect(acked['With']).toBe('Dana DSL (acknowledged it; not assigned yet)');
    expect(acked['Last step']).toBe('2 Mar 2026, 09:05 GMT: Acknowledged by Dana DSL');
    const assigned = sampleCase();
    const reassigned = facts(renderConcernTriageCard({ concern: { ...assigned, assignee: { id: PEOPLE.deputy, name: 'Dev Deputy' } }, team, refreshUserIds: [PEOPLE.dsl], canAssign: true }));
    expect(reassigned['With']).toBe('Dev Deputy (assigned)');
    const fresh = facts(renderConcernTriageCard({ concern: sampleCase({ status: 'new' }), team, refreshUserIds: [PEOPLE.dsl], canAssign: true }));
    expect(fresh['Status']).toBe('New (not yet acknowledged)');
    expect(fresh['With']).toMatch(/^Nobody yet/);
  });

  test('when the case is new, then Acknowledge is offered; when closed, only notes remain', () => {
    const fresh = renderConcernTriageCard({ concern: sampleCase({ status: 'new' }), team, refreshUserIds: [PEOPLE.dsl], canAssign: true });
    expect(cardProblems(fresh)).toEqual([]);
    expect(cardVerbs(fresh)).toContain(Verbs.concernAcknowledge);
    const closed = renderConcernTriageCard({ concern: sampleCase({ status: 'closed', outcome: 'done' }), team, refreshUserIds: [PEOPLE.dsl], canAssign: true });
    expect(cardProblems(closed)).toEqual([]);
    // A closed case can still be marked as about the headteacher: the record is kept from them as much as an open one.
    expect(cardVerbs(closed).sort()).toEqual([Verbs.concernAddNote, Verbs.concernOpen, Verbs.concernAboutHeadteacher].sort());
  });

  test('when the case is already about the headteacher, or the viewer is the person it was sent to, then "About the headteacher?" is not offered', () => {
    const about = sampleCase();
    const marked = renderConcernTriageCard({ concern: { ...about, report: { ...about.report, aboutHeadteacher: true } }, team, refreshUserIds: [PEOPLE.dsl], canAssign: true });
    expect(cardVerbs(marked)).not.toContain(Verbs.concernAboutHeadteacher);
    const recipient = renderConcernTriageCard({ concern: sampleCase(), team, refreshUserIds: [], canAssign: false });
    expect(cardVerbs(recipient)).not.toContain(Verbs.concernAboutHeadteacher);
  });

  test('when a long case with a long chronology is rendered, then the card stays valid and under the size limit', () => {
    const base = sampleCase({}, { whatHappened: 'w'.repeat(CONCERN_FIELD_LIMITS.whatHappened), evidence: 'e'.repeat(CONCERN_FIELD_LIMITS.evidence) });
    const events = [...base.events];
    for (let i = 0; i < 10; i++) events.push({ seq: 10 + i, concernId: 1, type: 'noteAdded', at: base.report.submittedAt, actorName: 'Dana DSL', data: { note: 'n'.repeat(500) } });
    const card = renderConcernTriageCard({ concern: { ...base, events }, team, refreshUserIds: Array.from({ length: 80 }, (_, i) => `id-${i}`), canAssign: true });
    expect(cardProblems(card)).toEqual([]);
    expect((card.refresh as { userIds: string[] }).userIds).toHaveLength(60);
  });

  test('when the open list is rendered, then it names reference, kind and status only and offers Open for each', () => {
    const card = renderConcernListCard([sampleCase(), sampleCase({ status: 'new', urgent: false })]);
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([Verbs.concernOpen, Verbs.concernOpen]);
    expect(JSON.stringify(card)).not.toContain(SECRET_TEXT.whatHappened);
    expect(cardProblems(renderConcernListCard([]))).toEqual([]);
  });

  test('when one person sent five or more of the open reports within an hour, then the list says so above them; spread over more than an hour, or fewer, it says nothing', () => {
    const from = (id: string, minutes: number) => {
      const c = sampleCase();
      return { ...c, report: { ...c.report, reporter: { ...c.report.reporter, aadObjectId: id }, submittedAt: new Date(Date.UTC(2026, 2, 2, 9, minutes)).toISOString() } };
    };
    const flood = [0, 5, 10, 20, 59].map((m) => from('aad-one', m));
    const others = [from('aad-two', 3), from('aad-three', 7)];
    const card = renderConcernListCard([...flood, ...others]);
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('5 of these were sent by one person within an hour: open one to see who');
    expect(shownText(card)).not.toContain('aad-one');
    expect(shownText(renderConcernListCard([...flood.slice(0, 4), ...others]))).not.toContain('sent by one person');
    expect(shownText(renderConcernListCard([0, 30, 61, 90, 125].map((m) => from('aad-one', m))))).not.toContain('sent by one person');
  });

  test('when a colleague\'s message is reported from its ... menu, then the form shows it as text, not a box to edit, and it goes with the report as Teams gave it', () => {
    const attached = 'From Tom Hill at 2 Mar 2026, 09:05 GMT:\n<b>see you</b> later [link](https://x.example)';
    const card = renderConcernFormCard({ values: { ...emptyConcernForm(), kind: 'colleagueConduct', attachedMessage: attached } });
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain('"id":"attachedMessage"');
    expect(json).toContain('The message you are reporting, as Teams gave it');
    // Carried in the form's kept text, so Send report files it unchanged.
    const kept = JSON.parse(String((json.match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1] ?? '""')) as string;
    const sent = validateConcernForm({ kind: 'colleagueConduct', kept, whatHappened: 'Tom posted this about a parent.', whenHappened: 'Monday', where: 'Teams', peopleInvolved: 'Tom Hill' });
    expect(sent.ok && sent.draft.details.attachedMessage).toBe(attached);
  });

  test('when "Someone is in immediate danger" was ticked on the first step, then the second says nothing has been sent yet and how to send it at once', () => {
    const card = renderConcernFormCard({ values: { ...emptyConcernForm(), kind: 'childSafety', immediateDanger: true } });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Not sent yet. Press Send report now: it is sent at once with whatever you have written');
    expect(JSON.stringify(renderConcernFormCard({ values: { ...emptyConcernForm(), kind: 'childSafety' } }))).not.toContain('Not sent yet');
    expect(JSON.stringify(renderConcernFormCard())).toContain('on the next step, Send report sends it at once');
  });

  test('when the form asks whether an allegation naming the headteacher is about them, then it shows both boxes with the text kept; before asking, only the first', () => {
    const values = { ...emptyConcernForm(), kind: 'allegation', whatHappened: 'The headteacher sent a pupil private messages.' };
    const asked = renderConcernFormCard({ values, problems: [{ field: 'aboutHeadteacher', message: HEADTEACHER_CHECK }] });
    expect(cardProblems(asked)).toEqual([]);
    const json = JSON.stringify(asked);
    expect(json).toContain('"id":"aboutHeadteacher"');
    expect(json).toContain('"id":"notAboutHeadteacher"');
    expect(json).toContain('It is not about the headteacher');
    expect(json).toContain('The headteacher sent a pupil private messages.');
    expect(JSON.stringify(renderConcernFormCard({ values }))).not.toContain('notAboutHeadteacher');
  });

  test('when more are open than one card holds, then the most urgent and newest come first, the card says which these are, and "concerns 2" shows the rest', () => {
    const old = Array.from({ length: 86 }, (_, i) => sampleCase({
      status: 'acknowledged', urgent: false,
      report: { ...sampleCase().report, reference: `SG-2026-OLD${String(i).padStart(3, '0')}`, immediateDanger: false, submittedAt: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString() },
    }));
    const newest = sampleCase({ status: 'new', report: { ...sampleCase().report, reference: 'SG-2026-J6H06Q', submittedAt: '2026-03-02T09:00:00.000Z' } });
    const cases = [...old, newest];
    const first = JSON.stringify(renderConcernListCard(cases));
    expect(first.indexOf('SG-2026-J6H06Q')).toBeGreaterThan(-1);
    expect(first.indexOf('SG-2026-J6H06Q')).toBeLessThan(first.indexOf('SG-2026-OLD'));
    expect(first).toContain('Showing 1-50 of 87, most urgent and newest first. Type \\"concerns 2\\" for the next 37.');
    // Among the rest, the newest first: the 86th old one leads, the first is on page 2.
    expect(first).toContain('SG-2026-OLD085');
    expect(first).not.toContain('SG-2026-OLD000');
    const second = renderConcernListCard(cases, 2);
    expect(cardProblems(second)).toEqual([]);
    expect(JSON.stringify(second)).toContain('SG-2026-OLD000');
    expect(JSON.stringify(second)).toContain('Showing 51-87 of 87');
    expect(JSON.stringify(second)).not.toContain('concerns 3');
    expect(cardVerbs(second)).toHaveLength(37);
    // A short list says nothing of pages.
    expect(JSON.stringify(renderConcernListCard([newest]))).not.toContain('Showing');
  });

  test('when the concern templates are read, then every verb they carry is a concern verb from Verbs, never spelled by hand', () => {
    const dir = path.join(REPO_ROOT, 'src/features/concerns/teams/cards/templates');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('concern')).length).toBeGreaterThanOrEqual(5);
    for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('concern'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const verbs = [...text.matchAll(/"verb":\s*"([^"]*)"/g)].map((m) => m[1]);
      for (const v of verbs) expect(v).toMatch(/^\$\{(\$root\.)?verbs\.concern[A-Za-z]+\}$/);
      for (const v of verbs) expect(Object.keys(Verbs)).toContain(v.replace(/^\$\{(\$root\.)?verbs\./, '').replace('}', ''));
    }
  });

  test('when a report carries markdown or a link, then the triage card shows it as text: only in TextRuns, never in a TextBlock or a fact', () => {
    const typed = '[verify your account](http://evil.example) **now** _x_';
    const card = renderConcernTriageCard({ concern: sampleCase({}, { whatHappened: typed, where: typed, peopleInvolved: typed }), team, refreshUserIds: [], canAssign: true });
    expect(cardProblems(card)).toEqual([]);
    const markdownCarriers: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') markdownCarriers.push(o.text);
      if (o.type === 'FactSet') markdownCarriers.push(JSON.stringify(o.facts));
      Object.values(o).forEach(walk);
    };
    walk(card);
    expect(markdownCarriers.join('\n')).not.toContain('evil.example');
    expect(JSON.stringify(card)).toContain(`"type":"TextRun","text":${JSON.stringify(typed)}`);
  });
});
