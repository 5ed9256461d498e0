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
    for (const [operation, attempt] of attempts) {
      await expect(attempt()).rejects.toMatchObject({ code: operation === 'list' ? 'CONCERN_ACCESS_DENIED' : 'CONCERN_NOT_FOUND' });
    }

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

  test('when a reference may not be seen, whatever the reason, then the answer is word for word that for one that does not exist, and each is recorded', async () => {
    const h = concernHarness();
    const file = async (kind: string, extra: Record<string, string> = {}) => {
      const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor(kind, extra));
      if (!r.ok) throw new Error('not stored');
      return r.report.reference;
    };
    const dslCase = await file('childSafety');
    const aboutHead = await file('allegation', { aboutHeadteacher: 'true' });
    const absent = `${dslCase.slice(0, -6)}ZZZZZZ`;
    const HEAD: ConcernActor = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' };
    const messageFor = async (attempt: Promise<unknown>, reference: string) => {
      const err = await attempt.then(() => undefined, (e: { code: string; message: string }) => e);
      return { code: err?.code, message: err?.message.split(reference).join('REF') };
    };
    const answers = [
      await messageFor(h.triage.openCase(DSL, absent), absent), // does not exist
      await messageFor(h.triage.openCase(HEAD, aboutHead), aboutHead), // about them
      await messageFor(h.triage.assign(SENIOR_MANAGER, dslCase, PEOPLE.dsl), dslCase), // not their case
      await messageFor(h.triage.acknowledge(OUTSIDER, dslCase), dslCase), // not on the team
      await messageFor(h.triage.close(OUTSIDER, absent.toLowerCase(), 'x'), absent), // typed in lower case
    ];
    expect(answers).toEqual(Array(5).fill({ code: 'CONCERN_NOT_FOUND', message: expect.stringContaining('No concern was found with the reference REF.') }));
    expect(new Set(answers.map((a) => a.message)).size).toBe(1);
    const audit = h.db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE concern_id IS NULL AND type = 'accessRefused'").get() as { n: number };
    expect(audit.n).toBe(2);
    const reasons = async (ref: string) => (await h.store.getCase(ref))!.events.filter((e) => e.type === 'accessRefused').map((e) => e.data.reason);
    expect(await reasons(aboutHead)).toEqual(['aboutThem']);
    expect(await reasons(dslCase)).toEqual(['notPermitted', 'notPermitted']);
  });

  test('when a reference is typed in lower case or with O for 0 and l for 1, then the case opens', async () => {
    const h = concernHarness({ newReference: () => 'SG-2026-10A1B0' });
    const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    if (!r.ok) throw new Error('not stored');
    await expect(h.triage.openCase(DSL, '  sg-2026-loaIbo ')).resolves.toMatchObject({ report: { reference: 'SG-2026-10A1B0' } });
  });

  test('when the senior manager receives an online-abuse report, then they may acknowledge, list and close that case, list no other, and not assign', async () => {
    const { h, reference } = await reported('onlineAbuse');
    // A child's safety report and an allegation from the same day: the team's and the headteacher's, never the manager's.
    for (const kind of ['childSafety', 'allegation']) expect((await h.reporting.submitConcern(REPORTER, ORIGIN, formFor(kind))).ok).toBe(true);
    await h.triage.acknowledge(SENIOR_MANAGER, reference);
    expect((await h.triage.listOpen(SENIOR_MANAGER)).map((c) => c.report.reference)).toEqual([reference]);
    // The chair of governors has been sent nothing: an empty list, not a refusal.
    expect(await h.triage.listOpen({ aadObjectId: PEOPLE.chair, name: 'Chris Chair' })).toEqual([]);
    expect((await h.triage.listOpen(DSL))).toHaveLength(3);
    await expect(h.triage.listOpen(OUTSIDER)).rejects.toMatchObject({ code: 'CONCERN_ACCESS_DENIED' });
    // Their case's whole record, as its case manager keeps it; no other case's.
    expect((await h.triage.exportCase(SENIOR_MANAGER, reference)).report.reference).toBe(reference);
    const others = (await h.triage.listOpen(DSL)).map((c) => c.report.reference).filter((r) => r !== reference);
    for (const other of others) await expect(h.triage.exportCase(SENIOR_MANAGER, other)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    await expect(h.triage.assign(SENIOR_MANAGER, reference, PEOPLE.dsl)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
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
    await expect(h.triage.openCase(HEAD, about.report.reference)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    await expect(h.triage.close(HEAD, about.report.reference, 'nothing to see')).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
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

  test('when the DSL lists, opens, has the card refreshed and exports, then open cases are listed and every look is recorded', async () => {
    const { h, reference } = await reported();
    expect((await h.triage.listOpen(DSL)).map((c) => c.report.reference)).toEqual([reference]);
    await h.triage.openCase(DSL, reference);
    await h.triage.openCase(DSL, reference, { refresh: true });
    const exported = await h.triage.exportCase(DSL, reference);
    expect(exported.events.filter((e) => e.type === 'viewed').map((e) => e.data)).toEqual([{}, { refresh: 'true' }]);
    expect(exported.events.filter((e) => e.type === 'exported')).toHaveLength(1);
  });

  test('when access is only checked (asked where details are not shown), then nothing is recorded for the team and a refusal is for anyone else', async () => {
    const { h, reference } = await reported();
    await h.triage.assertMayAct(DSL, reference, 'export');
    await expect(h.triage.assertMayAct(OUTSIDER, reference, 'export')).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    const events = (await h.store.getCase(reference))!.events.filter((e) => e.actorId && e.actorId !== PEOPLE.reporter);
    expect(events.map((e) => [e.type, e.actorId, e.data.operation])).toEqual([['accessRefused', PEOPLE.outsider, 'export']]);
  });

  test('when a case the headteacher (on the team) holds is marked as about them, then it is unassigned, sent to the chair, and the head can no longer open it', async () => {
    const { h, reference } = await reported('childSafety');
    const HEAD: ConcernActor = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' };
    await h.triage.assign(DSL, reference, PEOPLE.headteacher);
    const marked = await h.triage.markAboutHeadteacher(DSL, reference);
    expect(marked.assignee).toBeUndefined();
    expect(marked.report.aboutHeadteacher).toBe(true);
    const types = marked.events.map((e) => e.type);
    expect(types.indexOf('markedAboutHeadteacher')).toBeGreaterThan(types.lastIndexOf('assigned'));
    expect(marked.events.filter((e) => e.type === 'assigned').at(-1)?.data.assigneeId).toBe('');
    await h.outbox.processDue();
    expect(h.delivery.posts.at(-1)).toMatchObject({ role: 'chairOfGovernors', reference });
    await expect(h.triage.openCase(HEAD, reference)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    // Marking again changes nothing; the head may not mark (nor anyone off the team).
    const before = (await h.store.getCase(reference))!.events.length;
    expect((await h.triage.markAboutHeadteacher(DSL, reference)).events).toHaveLength(before);
    await expect(h.triage.markAboutHeadteacher(SENIOR_MANAGER, reference)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
  });

  test('when a report marked as about the headteacher reaches neither the chair nor the deputy, then two minutes on it is recorded that it reached no one and those who may hear are told; once delivered, nothing more', async () => {
    const { h, reference } = await reported('childSafety');
    h.delivery.failing.add('chairOfGovernors');
    h.delivery.failing.add('deputyDsl');
    await h.triage.markAboutHeadteacher(DSL, reference);
    h.clock.advance(60_000);
    await h.outbox.processDue();
    const alertsOf = async () => (await h.store.getCase(reference))!.events.filter((e) => e.type === 'undeliveredAlerted');
    expect(await alertsOf()).toEqual([]);
    h.clock.advance(90_000);
    await h.outbox.processDue();
    expect((await alertsOf()).map((e) => e.data.marked)).toEqual(['true']);
    // Still tried: once the chair can be reached it arrives, and no second alert is made.
    h.delivery.failing.clear();
    h.clock.advance(10 * 60_000);
    await h.outbox.processDue();
    expect(h.delivery.posts.filter((p) => p.reference === reference).at(-1)).toMatchObject({ role: 'chairOfGovernors' });
    expect(await alertsOf()).toHaveLength(1);
  });

  test('when a marked report reaches the chair, then its watch ends without an alert', async () => {
    const { h, reference } = await reported('childSafety');
    await h.triage.markAboutHeadteacher(DSL, reference);
    h.clock.advance(3 * 60_000);
    await h.outbox.processDue();
    expect((await h.store.getCase(reference))!.events.filter((e) => e.type === 'undeliveredAlerted')).toEqual([]);
  });
});
