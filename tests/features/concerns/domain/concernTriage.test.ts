import { ConcernActor } from '../../../../src/features/concerns/domain/concernTypes';
import { formFor, ORIGIN, PEOPLE, REPORTER, SECRET_TEXT } from './concernFakes';
import { concernHarness } from './concernHarness';

const DSL: ConcernActor = { aadObjectId: PEOPLE.dsl, name: 'Dana DSL' };
const DEPUTY: ConcernActor = { aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' };
const OUTSIDER: ConcernActor = { aadObjectId: PEOPLE.outsider, name: 'Oli Outsider' };
const SENIOR_MANAGER: ConcernActor = { aadObjectId: PEOPLE.seniorManager, name: 'Sam Manager' };

async function reported(kind = 'childSafety') {
  const h = concernHarness();
  const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor(kind));
  if (!r.ok) throw new Error('report not stored');
  return { h, reference: r.report.reference };
}

describe('triage by the safeguarding team', () => {
  test('when a team member acknowledges, assigns, notes, records an action and closes, then the chronology holds each step with who and when', async () => {
    const { h, reference } = await reported();
    await h.triage.acknowledge(DSL, reference);
    h.clock.advance(60_000);
    await h.triage.assign(DSL, reference, PEOPLE.deputy);
    await h.triage.addNote(DEPUTY, reference, SECRET_TEXT.note);
    await h.triage.recordAction(DEPUTY, reference, 'childrensSocialCare', 'Referral made by phone, ref 123');
    const closed = await h.triage.close(DEPUTY, reference, SECRET_TEXT.outcome);

    expect(closed.status).toBe('closed');
    expect(closed.assignee).toEqual({ id: PEOPLE.deputy, name: 'Dev Deputy' });
    expect(closed.outcome).toBe(SECRET_TEXT.outcome);
    const steps = closed.events.filter((e) => e.actorId && e.type !== 'submitted').map((e) => [e.type, e.actorName]);
    expect(steps).toEqual([
      ['acknowledged', 'Dana DSL'], ['assigned', 'Dana DSL'], ['noteAdded', 'Dev Deputy'], ['actionRecorded', 'Dev Deputy'], ['closed', 'Dev Deputy'],
    ]);
    expect(closed.events.find((e) => e.type === 'assigned')?.at).toBe('2026-03-02T09:01:00.000Z');
  });

  test('when a case is acknowledged and closed, then the reporter is told each, once, with the role and no details', async () => {
    const { h, reference } = await reported();
    await h.triage.acknowledge(DSL, reference);
    await h.triage.acknowledge(DEPUTY, reference);
    await h.triage.close(DSL, reference, SECRET_TEXT.outcome);
    expect(h.notifier.notices).toEqual([
      { reference, notice: 'acknowledged', deliveredTo: 'dslChannel' },
      { reference, notice: 'closed', deliveredTo: 'dslChannel' },
    ]);
    const c = await h.store.getCase(reference);
    expect(c?.events.filter((e) => e.type === 'reporterNotified').map((e) => e.data.notice)).toEqual(['acknowledged', 'closed']);
  });

  test('when someone outside the team tries to read or act, then they are refused and the attempt is recorded', async () => {
    const { h, reference } = await reported();
    const attempts: [string, () => Promise<unknown>][] = [
      ['open', () => h.triage.openCase(OUTSIDER, reference)],
      ['list', () => h.triage.listOpen(OUTSIDER)],
      ['export', () => h.triage.exportCase(OUTSIDER, reference)],
      ['acknowledge', () => h.triage.acknowledge(OUTSIDER, reference)],
      ['assign', () => h.triage.assign(OUTSIDER, reference, PEOPLE.outsider)],
      ['addNote', () => h.triage.addNote(OUTSIDER, reference, 'x')],
      ['recordAction', () => h.triage.recordAction(OUTSIDER, reference, 'police', 'x')],
      ['close', () => h.triage.close(OUTSIDER, reference, 'x')],
    ];
    for (const [, attempt] of attempts) await expect(attempt()).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });

    const c = await h.store.getCase(reference);
    expect(c?.status).toBe('new');
    const refused = c!.events.filter((e) => e.type === 'accessRefused');
    expect(refused.map((e) => e.data.operation)).toEqual(['open', 'export', 'acknowledge', 'assign', 'addNote', 'recordAction', 'close']);
    expect(refused.every((e) => e.actorId === PEOPLE.outsider)).toBe(true);
    // The refused listing is recorded too; who tried is inside the encrypted payload, as on every event.
    const audit = h.db.prepare("SELECT actor_id, data_enc FROM concern_events WHERE concern_id IS NULL AND type = 'accessRefused'").all() as { actor_id: string | null; data_enc: string }[];
    expect(audit.map((r) => r.actor_id)).toEqual([null]);
    expect(audit[0].data_enc).not.toContain(PEOPLE.outsider);
    expect(h.notifier.notices).toEqual([]);
  });

  test('when an outsider asks for a reference that does not exist, then the answer is the same refusal (existence is not revealed)', async () => {
    const { h } = await reported();
    await expect(h.triage.openCase(OUTSIDER, 'SG-2026-9999')).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });
    await expect(h.triage.openCase(DSL, 'SG-2026-9999')).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
  });

  test('when the senior manager receives an online-abuse report, then they may acknowledge and close that case but not list or assign', async () => {
    const { h, reference } = await reported('onlineAbuse');
    await h.triage.acknowledge(SENIOR_MANAGER, reference);
    await expect(h.triage.listOpen(SENIOR_MANAGER)).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });
    await expect(h.triage.assign(SENIOR_MANAGER, reference, PEOPLE.dsl)).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });
    const closed = await h.triage.close(SENIOR_MANAGER, reference, 'Spoke to the platform; removed');
    expect(closed.status).toBe('closed');
    expect(h.notifier.notices.map((n) => [n.notice, n.deliveredTo])).toEqual([['acknowledged', 'seniorManager'], ['closed', 'seniorManager']]);
  });

  test('when a report is about the headteacher, then the headteacher cannot list, open or act on it even though they are on the team', async () => {
    const h = concernHarness();
    const about = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
    const other = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    if (!about.ok || !other.ok) throw new Error('not stored');
    const HEAD: ConcernActor = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' };
    expect((await h.triage.listOpen(HEAD)).map((c) => c.report.reference)).toEqual([other.report.reference]);
    await expect(h.triage.openCase(HEAD, about.report.reference)).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });
    await expect(h.triage.close(HEAD, about.report.reference, 'nothing to see')).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });
    await expect(h.triage.openCase(HEAD, other.report.reference)).resolves.toBeDefined();
    await expect(h.triage.assign(DSL, about.report.reference, PEOPLE.headteacher)).rejects.toMatchObject({ code: 'CONCERN_INVALID_COMMAND' });
    // The rest of the team still can.
    expect((await h.triage.listOpen(DSL)).map((c) => c.report.reference)).toEqual([about.report.reference, other.report.reference]);
    expect((await h.store.getCase(about.report.reference))?.events.filter((e) => e.type === 'accessRefused')).toHaveLength(2);
  });

  test('when a case is assigned to someone outside the team, then it is refused as invalid and nothing is recorded', async () => {
    const { h, reference } = await reported();
    await expect(h.triage.assign(DSL, reference, PEOPLE.outsider)).rejects.toMatchObject({ code: 'CONCERN_INVALID_COMMAND' });
    expect((await h.store.getCase(reference))?.assignee).toBeUndefined();
  });

  test('when closing without an outcome or an action without its type, then it is refused and the case stays open', async () => {
    const { h, reference } = await reported();
    await expect(h.triage.close(DSL, reference, '   ')).rejects.toMatchObject({ code: 'CONCERN_INVALID_COMMAND' });
    await expect(h.triage.recordAction(DSL, reference, 'magic', 'x')).rejects.toMatchObject({ code: 'CONCERN_INVALID_COMMAND' });
    expect((await h.store.getCase(reference))?.status).toBe('new');
  });

  test('when a closed case gets a correction, then it is appended as a note and the outcome is unchanged', async () => {
    const { h, reference } = await reported();
    await h.triage.close(DSL, reference, 'first outcome');
    await expect(h.triage.close(DSL, reference, 'second')).rejects.toMatchObject({ code: 'CONCERN_CLOSED' });
    const c = await h.triage.addNote(DSL, reference, 'Correction: the date was Monday');
    expect(c.outcome).toBe('first outcome');
    expect(c.events.map((e) => e.type).slice(-2)).toEqual(['reporterNotified', 'noteAdded']);
  });

  test('when the DSL lists, opens and exports, then open cases are listed and each look is recorded', async () => {
    const { h, reference } = await reported();
    expect((await h.triage.listOpen(DSL)).map((c) => c.report.reference)).toEqual([reference]);
    await h.triage.openCase(DSL, reference);
    await h.triage.openCase(DSL, reference, false);
    const exported = await h.triage.exportCase(DSL, reference);
    expect(exported.events.filter((e) => e.type === 'viewed')).toHaveLength(1);
    expect(exported.events.filter((e) => e.type === 'exported')).toHaveLength(1);
  });
});
