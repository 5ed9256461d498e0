import { renderConcernListCard } from '../../../../../src/features/concerns/teams/cards/concernListCard';
import { renderConcernAlertCard } from '../../../../../src/features/concerns/teams/cards/concernAlertCard';
import { renderConcernFormCard } from '../../../../../src/features/concerns/teams/cards/concernFormCard';
import { renderConcernTriageCard } from '../../../../../src/features/concerns/teams/cards/concernTriageCard';
import { emptyConcernForm, validateConcernForm } from '../../../../../src/features/concerns/domain/concernValidation';
import { ConcernEvent, deriveConcernCase } from '../../../../../src/features/concerns/domain/concernTypes';
import { cardProblems, shownText } from '../../../../support/cardAssertions';
import { formFor, ORIGIN, PEOPLE, REPORTER } from '../../domain/concernFakes';

/** Issue 42, part 5: the DSL's card says who has the case once, and how soon it needs looking at. */

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

  test('when the case is online abuse of a member of staff, then "Record an action" offers what a senior manager does about it, not a child\'s referrals; a child\'s safety keeps them', () => {
    const choicesOf = (kind: 'onlineAbuse' | 'childSafety') => {
      const r = validateConcernForm(formFor(kind, {}));
      if (!r.ok) throw new Error('invalid sample');
      const report = { ...r.draft, id: 2, reference: 'SG-2026-ABUSE1', reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
      const c = deriveConcernCase(report, [{ type: 'submitted' as const, at: report.submittedAt, data: { urgent: 'false' }, seq: 1, concernId: 2 }]);
      const card = renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true });
      expect(cardProblems(card)).toEqual([]);
      const titles: string[] = [];
      JSON.stringify(card, (_k, v) => { if (v && typeof v === 'object' && v.id === 'actionType') for (const ch of v.choices) titles.push(ch.title); return v; });
      return titles;
    };
    const abuse = choicesOf('onlineAbuse');
    expect(abuse).toEqual(expect.arrayContaining(['Reported to the platform (removal asked for)', 'Evidence kept (screenshots, links, dates)', 'Support offered to the member of staff', 'Referral to the police']));
    expect(abuse).not.toContain("Referral to children's social care");
    expect(abuse).not.toContain('Early help');
    expect(choicesOf('childSafety')).toEqual(expect.arrayContaining(["Referral to children's social care", 'Early help', 'Referral to the LADO']));
  });

  test('when an urgent report was sent before every field was filled in, then its last step says who reported it apart from the fields left out', () => {
    const r = validateConcernForm(formFor('childSafety', { immediateDanger: 'true', whenHappened: '', peopleInvolved: '' }));
    if (!r.ok) throw new Error('invalid sample');
    const report = { ...r.draft, id: 3, reference: 'SG-2026-URGNT1', reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
    const c = deriveConcernCase(report, [{ type: 'submitted' as const, at: report.submittedAt, actorId: REPORTER.aadObjectId, actorName: REPORTER.name, data: { urgent: 'true', missing: 'whenHappened,peopleInvolved' }, seq: 1, concernId: 3 }]);
    const f = facts(renderConcernTriageCard({ concern: c, team, refreshUserIds: [], canAssign: true }));
    expect(f['Last step']).toMatch(new RegExp(`^Reported as URGENT \\(immediate danger; sent at once without When it happened, Who is involved\\) by ${REPORTER.name}, `));
  });
});
