import fs from 'node:fs';
import path from 'node:path';
import { renderConcernFormCard } from '../../../../../src/features/concerns/teams/cards/concernFormCard';
import { renderConcernListCard } from '../../../../../src/features/concerns/teams/cards/concernListCard';
import { renderConcernReceiptCard } from '../../../../../src/features/concerns/teams/cards/concernReceiptCard';
import { renderConcernTriageCard } from '../../../../../src/features/concerns/teams/cards/concernTriageCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { CONCERN_FIELD_LIMITS, validateConcernForm } from '../../../../../src/features/concerns/domain/concernValidation';
import { ConcernCase, deriveConcernCase } from '../../../../../src/features/concerns/domain/concernTypes';
import { cardProblems, cardVerbs } from '../../../../support/cardAssertions';
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
  test('when the empty form is rendered, then it is a valid 1.5 card that asks every question and submits with the concern verb', () => {
    const card = renderConcernFormCard();
    expect(cardProblems(card)).toEqual([]);
    const ids = JSON.stringify(card).match(/"id":"[a-zA-Z]+"/g);
    expect(ids).toEqual(expect.arrayContaining(['"id":"kind"', '"id":"whatHappened"', '"id":"whenHappened"', '"id":"where"', '"id":"link"',
      '"id":"peopleInvolved"', '"id":"evidence"', '"id":"immediateDanger"']));
    expect(cardVerbs(card)).toEqual([Verbs.concernSubmit]);
    expect(JSON.stringify(card)).toContain('call 999 or speak to the DSL in person now');
  });

  test('when a half-filled form comes back, then every typed value is in the card and each problem is named', () => {
    const result = validateConcernForm({ kind: 'onlineAbuse', whatHappened: 'Posts about me', evidence: 'Screens kept', immediateDanger: 'true' });
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
    expect(inputs.get('kind')).toBe('onlineAbuse');
    expect(inputs.get('whatHappened')).toBe('Posts about me');
    expect(inputs.get('evidence')).toBe('Screens kept');
    expect(inputs.get('immediateDanger')).toBe('true');
    const text = JSON.stringify(card);
    expect(text).toContain('When it happened: please fill this in');
    expect(text).toContain('Where (platform or place): please fill this in');
  });

  test('when the form is at its limits (every field full), then the card is still under the Teams size limit', () => {
    const values = Object.fromEntries(Object.entries(CONCERN_FIELD_LIMITS).map(([k, n]) => [k, 'é'.repeat(n)]));
    const result = validateConcernForm({ kind: 'other', ...values, link: 'https://x.test/' + 'a'.repeat(1900) });
    const card = renderConcernFormCard({ values: result.values, problems: result.ok ? [] : result.problems });
    expect(cardProblems(card)).toEqual([]);
  });

  test('when the form opens in a task module (message action), then it submits with Action.Submit and shows the attached message', () => {
    const card = renderConcernFormCard({ inTaskModule: true, values: { ...validateConcernForm({}).values, attachedMessage: 'From Sam: hello' } });
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('"type":"Action.Submit"');
    expect(text).not.toContain('"type":"Action.Execute"');
    expect(text).toContain('From Sam: hello');
  });

  test('when an urgent report is received, then the receipt says call 999 first, gives the reference and the role, not a person', () => {
    const card = renderConcernReceiptCard({ reference: 'SG-2026-0007', urgent: true, deliveredTo: 'dslChannel', intendedFor: 'dslChannel' });
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text.indexOf('call 999')).toBeLessThan(text.indexOf('SG-2026-0007'));
    expect(text).toContain('the Designated Safeguarding Lead team');
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
      Verbs.concernAddNote, Verbs.concernAssign, Verbs.concernClose, Verbs.concernOpen, Verbs.concernRecordAction,
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
    expect(acked['With']).toBe('Dana DSL');
    expect(acked['Last step']).toMatch(/^Acknowledged by Dana DSL, 2 Mar 2026, 09:05 GMT$/);
    const assigned = sampleCase();
    const reassigned = facts(renderConcernTriageCard({ concern: { ...assigned, assignee: { id: PEOPLE.deputy, name: 'Dev Deputy' } }, team, refreshUserIds: [PEOPLE.dsl], canAssign: true }));
    expect(reassigned['With']).toBe('Dev Deputy');
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
    expect(cardVerbs(closed).sort()).toEqual([Verbs.concernAddNote, Verbs.concernOpen].sort());
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
