import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONCERN_KINDS, ConcernKind, DestinationRole } from '../../../../src/features/concerns/domain/concernTypes';
import { formFor, ORIGIN, PEOPLE, RecordingDelivery, REPORTER, testRouting } from './concernFakes';
import { concernHarness } from './concernHarness';

describe('reporting and routing a concern', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concern-outbox-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const routeOf: Record<ConcernKind, DestinationRole> = {
    childSafety: 'dslChannel', onlineAbuse: 'seniorManager', colleagueConduct: 'headteacher', allegation: 'headteacher', other: 'dslChannel',
  };

  test.each(CONCERN_KINDS.map((k) => [k, routeOf[k]]))('when a %s concern is submitted, then it is posted once to %s and the reporter is told that role', async (kind, role) => {
    const h = concernHarness();
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor(kind));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.reference).toMatch(/^SG-\d{4}-[0-9A-Z]{6}$/);
    expect(result.deliveredTo).toBe(role);
    expect(h.delivery.posts).toEqual([expect.objectContaining({ role, reference: result.report.reference, possibleDuplicate: false })]);
    const c = await h.store.getCase(result.report.reference);
    expect(c?.events.map((e) => e.type)).toEqual(['submitted', 'routed']);
  });

  test('when a report about the headteacher is submitted, then only the chair of governors receives it', async () => {
    const h = concernHarness();
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
    expect(result.ok && result.deliveredTo).toBe('chairOfGovernors');
    expect(h.delivery.posts.map((p) => p.address)).toEqual([{ kind: 'person', aadObjectId: PEOPLE.chair }]);
  });

  test('when the form is invalid, then nothing is stored or posted', async () => {
    const h = concernHarness();
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, { kind: 'childSafety' });
    expect(result.ok).toBe(false);
    expect(h.delivery.attempts).toEqual([]);
    expect(await h.store.listOpenCases()).toEqual([]);
  });

  test('when the destination keeps failing, then it is retried, the fallback receives the report and the failure is recorded', async () => {
    const delivery = new RecordingDelivery();
    delivery.failing.add('dslChannel');
    const h = concernHarness({ delivery });
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety', { immediateDanger: 'true' }));
    expect(result.ok && result.deliveredTo).toBe('deputyDsl');
    expect(delivery.attempts.map((a) => a.role)).toEqual(['dslChannel', 'dslChannel', 'dslChannel', 'deputyDsl']);
    expect(delivery.posts).toEqual([expect.objectContaining({ role: 'deputyDsl', address: { kind: 'person', aadObjectId: PEOPLE.deputy } })]);
    const c = await h.store.getCase(result.ok ? result.report.reference : '');
    const failed = c?.events.find((e) => e.type === 'routeFailed');
    expect(failed?.data).toMatchObject({ role: 'dslChannel', stage: 'primary', code: 'HTTP_503', attempts: '3' });
    expect(c?.events.find((e) => e.type === 'routed')?.data).toMatchObject({ role: 'deputyDsl', stage: 'fallback' });
  });

  test('when the primary role is not configured, then the fallback is used at once and the gap is recorded', async () => {
    const routing = testRouting();
    const h = concernHarness({ routing: { ...routing, destinations: { ...routing.destinations, seniorManager: undefined } } });
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('onlineAbuse'));
    expect(result.ok && result.deliveredTo).toBe('deputyDsl');
    const c = await h.store.getCase(result.ok ? result.report.reference : '');
    expect(c?.events.find((e) => e.type === 'routeFailed')?.data.code).toBe('CONCERN_DESTINATION_UNCONFIGURED');
  });

  test('when every route fails, then the report stays stored and is delivered by a later run', async () => {
    const delivery = new RecordingDelivery();
    delivery.failing.add('dslChannel');
    delivery.failing.add('deputyDsl');
    const h = concernHarness({ delivery });
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(result.ok && result.deliveredTo).toBeUndefined();
    expect(delivery.posts).toEqual([]);

    delivery.failing.clear();
    await h.outbox.processDue();
    expect(delivery.posts).toEqual([]); // not due yet: the retry waits its back-off
    h.clock.advance(61_000);
    await h.outbox.processDue();
    expect(delivery.posts.map((p) => p.role)).toEqual(['dslChannel']);
    await h.outbox.processDue();
    expect(delivery.posts).toHaveLength(1);
  });

  test('when the process stops after storing and before routing, then a restart posts the report exactly once', async () => {
    const file = path.join(dir, 'restart.sqlite');
    const key = Buffer.alloc(32, 3);
    // First run: the routing never happens (the delivery throws as a crash would, before anything is sent).
    const first = concernHarness({ file, key });
    const crashed = new Error('process killed');
    jestSpyCrash(first.outbox, crashed);
    const filed = await first.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(first.delivery.posts).toEqual([]);
    first.db.close();

    const second = concernHarness({ file, key });
    await second.outbox.processDue();
    await second.outbox.processDue();
    expect(second.delivery.posts).toEqual([expect.objectContaining({ role: 'dslChannel', reference: filed.ok && filed.report.reference, possibleDuplicate: false })]);
    second.db.close();

    const third = concernHarness({ file, key });
    await third.outbox.processDue();
    expect(third.delivery.posts).toEqual([]);
    third.db.close();
  });

  test('when the process stops in the middle of sending, then the restart re-sends once, marked as a possible repeat', async () => {
    const file = path.join(dir, 'midsend.sqlite');
    const key = Buffer.alloc(32, 4);
    const first = concernHarness({ file, key });
    // A hard stop between "claimed" (committed) and "completed" leaves the entry in flight: the send may have happened.
    const db = first.db;
    const claimed = await first.store.createConcern(
      { draft: { kind: 'childSafety', immediateDanger: false, aboutHeadteacher: false, details: { whatHappened: 'w', whenHappened: 'n', where: '', peopleInvolved: 'p' } },
        reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z', referencePrefix: 'SG' },
      [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }],
    );
    const [entry] = await first.store.dueOutbox('2026-03-02T09:00:00.000Z');
    await first.store.claimOutbox(entry, '2026-03-02T09:00:01.000Z');
    db.close();

    const second = concernHarness({ file, key });
    await second.outbox.processDue();
    await second.outbox.processDue();
    expect(second.delivery.posts).toEqual([expect.objectContaining({ reference: claimed.reference, possibleDuplicate: true })]);
    const c = await second.store.getCase(claimed.reference);
    expect(c?.events.filter((e) => e.type === 'routed')).toHaveLength(1);
    // The reporter's own request died with the process, so they are told the reference and where it went.
    expect(second.notifier.notices).toEqual([expect.objectContaining({ reference: claimed.reference, notice: 'received', deliveredTo: 'dslChannel' })]);
    expect(c?.events.some((e) => e.type === 'reporterNotified' && e.data.notice === 'received')).toBe(true);
    second.db.close();
  });

  test('when a report is delivered without a restart, then the reporter is not sent the reference again', async () => {
    const h = concernHarness();
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(result.ok).toBe(true);
    await h.outbox.processDue();
    expect(h.notifier.notices).toEqual([]);
  });

  test('when two runs are asked for at once, then each report is still posted once', async () => {
    const h = concernHarness();
    await h.store.createConcern(
      { draft: { kind: 'other', immediateDanger: false, aboutHeadteacher: false, details: { whatHappened: 'w', whenHappened: 'n', where: '', peopleInvolved: '' } },
        reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z', referencePrefix: 'SG' },
      [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }],
    );
    await Promise.all([h.outbox.processDue(), h.outbox.processDue(), h.outbox.processDue()]);
    expect(h.delivery.posts).toHaveLength(1);
  });
});

/** Makes the first outbox run die before it sends anything, as a killed process would. */
function jestSpyCrash(outbox: { processDue: () => Promise<void> }, err: Error): void {
  outbox.processDue = async () => { throw err; };
}
