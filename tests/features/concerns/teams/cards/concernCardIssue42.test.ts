import { renderConcernListCard } from '../../../../../src/features/concerns/teams/cards/concernListCard';
import { renderConcernAlertCard } from '../../../../../src/features/concerns/teams/cards/concernAlertCard';
import { renderConcernFormCard } from '../../../../../src/features/concerns/teams/cards/concernFormCard';
import { renderConcernTriageCard } from '../../../../../src/features/concerns/teams/cards/concernTriageCard';
import { emptyConcernForm, validateConcernForm } from '../../../../../src/features/concerns/domain/concernValidation';
import { ConcernEvent, ConcernKind, deriveConcernCase } from '../../../../../src/features/concerns/domain/concernTypes';
import { formatConcernRecord } from '../../../../../src/features/concerns/domain/concernRecord';
import { cardProblems, shownText } from '../../../../support/cardAssertions';
import { formFor, ORIGIN, PEOPLE, REPORTER } from '../../domain/concernFakes';

/**
 * Issue 42, part 5: the DSL's card says who has the case once, and how soon it needs looking at; then the tester's
 * findings: actions that fit the kind, and a last step that names the reporter apart from the fields left out.
 */

const team = [{ aadObjectId: PEOPLE.dsl, name: 'Dana DSL' }, { aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' }];

function caseWith(form: Record<string, string>, events: Omit<ConcernEvent, 'seq' | 'concernId'>[] = []) {
  const r = validateConcernForm(formFor('childSafety', form));
  if (!r.ok) throw new Error('invalid sample');
  const report = { ...r.draft, id: 1, reference: 'SG-2026-7KQ4MX', reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
  const submitted = { type: 'submitted' as const, at: report.submittedAt, data: { urgent: String(r.draft.immediateDanger), ...(r.draft.howSoon ? { howSoon: r.draft.howSoon } : {}) } };
  return deriveConcernCase(report, [submitted, ...events].map((e, i) => ({ ...e, seq: i + 1, concernId: 1 })));
}

/** The facts of the triage card: title -> value. */
function facts(card: object): Record<string, string> {
  const out: Record<string, string> = {};
  JSON.stringify(card, (_k, v) => {
    if (v && typeof v === 'object' && v.type === 'FactSet') for (const f of v.facts) out[f.title] = f.value;
    return v;
  });
  return out;
}

/** A case of the kind, submitted by the reporter with the submitted event's data as the store keeps it, then `events`. */
function caseOfKind(
  kind: ConcernKind, events: Omit<ConcernEvent, 'seq' | 'concernId'>[] = [], form: Record<string, string> = {}, submitted: Record<string, string> = { urgent: 'false' },
) {
  const r = validateConcernForm(formFor(kind, form));
  if (!r.ok) throw new Error('invalid sample');
  const report = { ...r.draft, id: 2, reference: 'SG-2026-KIND01', reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
  return deriveConcernCase(report, [
    { type: 'submitted' as const, at: report.submittedAt, actorId: REPORTER.aadObjectId, actorName: REPORTER.name, data: submitted },
    ...events,
  ].map((e, i) => ({ ...e, seq: i + 1, concernId: 2 })));
}

/** The titles "Record an action" offers on the case card. */
function actionChoicesOf(c: ReturnType<typeof caseOfKind>): string[] {
  const card = renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true });
  expect(cardProblems(card)).toEqual([]);
  const titles: string[] = [];
  JSON.stringify(card, (_k, v) => { if (v && typeof v === 'object' && v.id === 'actionType') for (const ch of v.choices) titles.push(ch.title); return v; });
  return titles;
}

const ack = { type: 'acknowledged' as const, at: '2026-03-02T09:05:00.000Z', actorId: PEOPLE.dsl, actorName: 'Dana DSL', data: {} };
const assigned = { type: 'assigned' as const, at: '2026-03-02T09:06:00.000Z', actorId: PEOPLE.dsl, actorName: 'Dana DSL', data: { assigneeId: PEOPLE.deputy, assigneeName: 'Dev Deputy' } };

describe('the DSL\'s card (issue 42, part 5)', () => {
  test('when a case is acknowledged but not assigned, then the card says once who has it, and nothing on it says otherwise', () => {
    const card = renderConcernTriageCard({ concern: caseWith({}, [ack]), team, refreshUserIds: [], canAssign: true });
    expect(cardProblems(card)).toEqual([]);
    const f = facts(card);
    expect(f.With).toBe('Dana DSL (acknowledged it; not assigned yet)');
    expect(f['Assigned to']).toBeUndefined();
  });

  test('when a case is assigned, then "With" names the assignee and who assigned it', () => {
    const f = facts(renderConcernTriageCard({ concern: caseWith({}, [ack, assigned]), team, refreshUserIds: [], canAssign: true }));
    expect(f.With).toBe('Dev Deputy (assigned by Dana DSL)');
    expect(f['Assigned to']).toBeUndefined();
  });

  test('when the reporter says how soon it needs looking at, then the form asks it and the team\'s cards say it; a report that does not say reads as such, not as "not urgent"', () => {
    const form = renderConcernFormCard({ values: emptyConcernForm({ kind: 'childSafety' }) });
    expect(cardProblems(form)).toEqual([]);
    expect(JSON.stringify(form)).toContain('"id":"howSoon","label":"How soon does it need looking at? (if no one is in immediate danger)"');
    expect(shownText(form)).toContain('Today: it cannot wait for the usual process');

    const today = caseWith({ howSoon: 'today' });
    expect(today.howSoon).toBe('today');
    for (const card of [renderConcernTriageCard({ concern: today, team, refreshUserIds: [], canAssign: true }), renderConcernAlertCard(today)]) {
      expect(facts(card).Urgency).toBe('Needs looking at today');
    }
    expect(facts(renderConcernAlertCard(caseWith({ howSoon: 'routine' }))).Urgency).toBe('Routine: the usual process');
    expect(facts(renderConcernAlertCard(caseWith({}))).Urgency).toBe('Not marked urgent (the reporter did not say how soon)');
    // Immediate danger wins over any other answer.
    expect(facts(renderConcernAlertCard(caseWith({ immediateDanger: 'true', howSoon: 'routine' }))).Urgency).toBe('URGENT: immediate danger');

    // The DSL's `concerns` list says the same as the alert did, never "not urgent" for a report that needs looking at today.
    const list = shownText(renderConcernListCard([today, caseWith({ howSoon: 'routine' }), caseWith({}), caseWith({ immediateDanger: 'true' })]));
    expect(list).toContain('Needs looking at today');
    expect(list).toContain('Routine: the usual process');
    expect(list).toContain('Not marked urgent (the reporter did not say how soon)');
    expect(list).toContain('URGENT: immediate danger');
    expect(list).not.toContain('not urgent ·');
  });

  test('when the case is online abuse of a member of staff or an allegation about an adult, then "Record an action" offers what whoever handles it does, not a child\'s referrals; a child\'s safety keeps its list', () => {
    const abuse = actionChoicesOf(caseOfKind('onlineAbuse'));
    expect(abuse).toEqual(expect.arrayContaining(['Reported to the platform (removal asked for)', 'Evidence kept (screenshots, links, dates)', 'Support offered to the member of staff', 'Referral to the police']));
    expect(abuse).not.toContain("Referral to children's social care");
    expect(abuse).not.toContain('Early help');

    // The allegations process: the LADO is consulted before anyone investigates, then what the LADO advises.
    const allegation = actionChoicesOf(caseOfKind('allegation'));
    expect(allegation[0]).toBe('LADO consulted (advice taken before anything else)');
    expect(allegation).toEqual(expect.arrayContaining(["The child's parents or carers told (as the LADO advised)", 'Decision on suspension or other arrangements for the adult']));
    expect(allegation).not.toContain('Early help');
    expect(allegation).not.toContain('Reported to the platform (removal asked for)');

    expect(actionChoicesOf(caseOfKind('childSafety'))).toEqual([
      "Referral to children's social care", 'Referral to the police', 'Referral to the LADO', 'Early help', 'Other action',
    ]);
  });

  test('when the case is "something else", then "Record an action" offers the LADO once, as a referral, and not the allegations process\'s own steps', () => {
    const other = actionChoicesOf(caseOfKind('other'));
    expect(other.filter((a) => a.includes('LADO'))).toEqual(['Referral to the LADO']);
    expect(other).not.toContain('Decision on suspension or other arrangements for the adult');
    expect(other).toEqual(expect.arrayContaining(["Referral to children's social care", 'Evidence kept (screenshots, links, dates)', 'Other action']));
    expect(new Set(other).size).toBe(other.length);
  });

  test('when an action was recorded from a list the kind no longer offers, then the case still shows it as it was recorded', () => {
    const sam = { actorId: PEOPLE.seniorManager, actorName: 'Sam Senior' };
    const c = caseOfKind('onlineAbuse', [
      { type: 'actionRecorded', at: '2026-03-02T09:05:00.000Z', ...sam, data: { actionType: 'childrensSocialCare', detail: 'Rang the front door' } },
      { type: 'actionRecorded', at: '2026-03-02T09:10:00.000Z', ...sam, data: { actionType: 'lado', detail: 'Left a message' } },
    ]);
    const card = renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true });
    expect(actionChoicesOf(c)).not.toContain("Referral to children's social care");
    const text = shownText(card);
    expect(text).toContain("Sam Senior: Referral to children's social care: Rang the front door");
    expect(text).toContain('Sam Senior: Referral to the LADO: Left a message');
    expect(facts(card)['Last step']).toBe('2 Mar 2026, 09:10 GMT: Referral to the LADO by Sam Senior');
    expect(formatConcernRecord(c)).toContain("Sam Senior: Referral to children's social care: Rang the front door");
  });

  test('when an urgent report was sent before every field was filled in, then its last step names who reported it apart from the fields left out', () => {
    const c = caseOfKind('childSafety', [], { immediateDanger: 'true', whenHappened: '', peopleInvolved: '' }, { urgent: 'true', missing: 'whenHappened,peopleInvolved' });
    const card = renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true });
    expect(facts(card)['Last step']).toBe(
      `2 Mar 2026, 09:00 GMT: Reported by ${REPORTER.name} as URGENT (immediate danger); sent at once, before these were filled in: When it happened, Who is involved`,
    );
    // The chronology names who before the colon, and the step after it.
    expect(shownText(card)).toContain(`${REPORTER.name}: Reported as URGENT (immediate danger); sent at once, before these were filled in: When it happened, Who is involved`);
  });

  test('when the reporter has added what an urgent report went without, then the case card shows it in those fields, marked as added, and the report as submitted is unchanged', () => {
    const c = caseOfKind('childSafety', [
      { type: 'detailsAdded', at: '2026-03-02T09:10:00.000Z', actorId: REPORTER.aadObjectId, actorName: REPORTER.name, data: { whatHappened: 'Mia (Year 8) said her uncle is outside the gate.', whenHappened: 'Just now' } },
    ], { immediateDanger: 'true', whatHappened: '', whenHappened: '', peopleInvolved: '' }, { urgent: 'true', missing: 'whatHappened,whenHappened,peopleInvolved' });
    const text = shownText(renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true }));
    expect(text).toContain('Mia (Year 8) said her uncle is outside the gate. (added by the reporter 2 Mar 2026, 09:10 GMT)');
    expect(text).toContain('Just now (added by the reporter 2 Mar 2026, 09:10 GMT)');
    expect(c.report.details.whatHappened).toBe('');
  });

  test('when a report needs looking at today, then the chronology, the last step and the export say so in the alert\'s words', () => {
    const c = caseOfKind('childSafety', [], { howSoon: 'today' }, { urgent: 'false', howSoon: 'today' });
    const card = renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true });
    expect(facts(card).Urgency).toBe('Needs looking at today');
    expect(facts(card)['Last step']).toBe(`2 Mar 2026, 09:00 GMT: Reported by ${REPORTER.name} as needing looking at today`);
    const record = formatConcernRecord(c);
    expect(record).toContain('Urgency: Needs looking at today');
    expect(record).not.toMatch(/How soon|Urgent \(immediate danger\)/);
    const urgent = formatConcernRecord(caseOfKind('childSafety', [], { immediateDanger: 'true' }, { urgent: 'true' }));
    expect(urgent.split('\n').filter((l) => /urgen/i.test(l) && !/Reported as/.test(l))).toEqual(['Urgency: URGENT: immediate danger']);
    expect(record).toContain(`${REPORTER.name}: Reported as needing looking at today`);
    // A report from before the form asked says nothing it was not told.
    expect(facts(renderConcernTriageCard({ concern: caseOfKind('childSafety', [], {}, { urgent: 'false' }), team, refreshUserIds: [], canAssign: true }))['Last step'])
      .toBe(`2 Mar 2026, 09:00 GMT: Reported by ${REPORTER.name}`);
  });
});
