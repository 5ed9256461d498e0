import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConcernRoutingTable } from '../../../../src/features/concerns/domain/concernRouting';
import { formFor, ORIGIN, RecordingNotifier, REPORTER, SECRET_TEXT, testKey, testRouting } from './concernFakes';
import { concernHarness } from './concernHarness';

/**
 * Issue 44: production starts before the safeguarding route is set up (the deployment guide fills it in at step 6).
 * A report for a role that is not set up is stored, encrypted, and waits: it is not tried, not sent to the fallback, and
 * the reporter is told at once (on the receipt) to go to the DSL in person. A restart with the route set delivers it
 * through the normal outbox and tells the reporter it has arrived.
 */
describe('a report while its route is not set up (issue 44)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concern-waiting-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Production's routing table with the safeguarding team's place not set up: no place, and the role waits. */
  const noSafeguardingPlace = (): ConcernRoutingTable => {
    const routing = testRouting();
    return { ...routing, destinations: { ...routing.destinations, dslChannel: undefined }, waiting: ['dslChannel'] };
  };

  test('when a child-safety report is made, then it is stored and waits: nothing is tried (not even the fallback deputy), and the result says it waits', async () => {
    const h = concernHarness({ routing: noSafeguardingPlace() });
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result).toMatchObject({ waiting: true, deliveredTo: undefined, intendedFor: 'dslChannel' });
    expect(h.delivery.attempts).toEqual([]);
    const c = await h.store.getCase(result.report.reference);
    expect(c?.report.details.whatHappened).toBe(SECRET_TEXT.whatHappened);
    expect(c?.events.map((e) => e.type)).toEqual(['submitted', 'routeFailed', 'reporterNotified', 'undeliveredAlerted']);
    expect(c?.events[1].data).toMatchObject({ role: 'dslChannel', code: 'CONCERN_ROUTE_NOT_CONFIGURED' });
    expect(c?.events[2].data).toEqual({ notice: 'waiting' });
    expect(c?.events[3].data).toMatchObject({ waiting: 'true', reporterTold: 'true' });
  });

  test('when the outbox runs again and again, and the two minutes pass, then the waiting report is still not tried, its chronology does not grow, and the reporter is not told a second, different story', async () => {
    const notifier = new RecordingNotifier();
    const h = concernHarness({ routing: noSafeguardingPlace(), notifier });
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety', { immediateDanger: 'true' }));
    if (!result.ok) throw new Error('not filed');
    const before = (await h.store.getCase(result.report.reference))?.events.length;
    for (let i = 0; i < 5; i++) {
      h.clock.advance(61_000);
      await h.outbox.processDue();
    }
    expect(h.delivery.attempts).toEqual([]);
    expect((await h.store.getCase(result.report.reference))?.events.length).toBe(before);
    expect(notifier.notices).toEqual([]);
  });

  test('when the bot restarts with the route set up, then the waiting report goes out through the normal outbox and the reporter is told it has arrived', async () => {
    const file = path.join(dir, 'concerns.sqlite');
    const key = testKey();
    const waiting = concernHarness({ file, key, routing: noSafeguardingPlace() });
    const result = await waiting.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    if (!result.ok) throw new Error('not filed');
    waiting.db.close();

    const notifier = new RecordingNotifier();
    const restarted = concernHarness({ file, key, notifier });
    await restarted.outbox.processDue();
    expect(restarted.delivery.posts).toEqual([expect.objectContaining({ role: 'dslChannel', reference: result.report.reference, possibleDuplicate: false })]);
    expect(notifier.notices).toEqual([{ reference: result.report.reference, notice: 'arrived', deliveredTo: 'dslChannel' }]);
    const c = await restarted.store.getCase(result.report.reference);
    expect(c?.deliveredTo).toBe('dslChannel');
    restarted.db.close();
  });

  test('when the senior manager is set up but the safeguarding team\'s place is not, then online abuse goes to the senior manager at once and a child-safety report waits', async () => {
    const h = concernHarness({ routing: noSafeguardingPlace() });
    const abuse = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('onlineAbuse'));
    expect(abuse.ok && { waiting: abuse.waiting, deliveredTo: abuse.deliveredTo }).toEqual({ waiting: false, deliveredTo: 'seniorManager' });
    const child = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(child.ok && child.waiting).toBe(true);
    expect(h.delivery.posts.map((p) => p.role)).toEqual(['seniorManager']);
  });

  test('when a report is about the headteacher and the chair of governors is not set up, then it waits (it never goes to the headteacher, nor to a place they may see)', async () => {
    const routing = testRouting();
    const h = concernHarness({ routing: { ...routing, destinations: { ...routing.destinations, chairOfGovernors: undefined }, waiting: ['chairOfGovernors'] } });
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
    expect(result.ok && { waiting: result.waiting, intendedFor: result.intendedFor }).toEqual({ waiting: true, intendedFor: 'chairOfGovernors' });
    expect(h.delivery.attempts).toEqual([]);
  });

  test('when a report made while the route was set has not arrived, and the app restarts without the route, then at its watch the reporter is told once that it waits (not that Teams would not deliver it), and it is not tried', async () => {
    const file = path.join(dir, 'concerns.sqlite');
    const key = testKey();
    const before = concernHarness({ file, key });
    before.delivery.failing.add('dslChannel');
    before.delivery.failing.add('deputyDsl');
    const result = await before.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(result.ok && result.waiting).toBe(false);
    before.db.close();

    const notifier = new RecordingNotifier();
    const after = concernHarness({ file, key, notifier, routing: noSafeguardingPlace() });
    after.clock.advance(121_000);
    await after.outbox.processDue();
    after.clock.advance(121_000);
    await after.outbox.processDue();
    expect(notifier.notices.map((n) => n.notice)).toEqual(['waiting']);
    expect(after.delivery.attempts).toEqual([]);
    after.db.close();
  });

  test('when the route is set up and delivery merely fails, then nothing waits: the two-minute notice still tells the reporter it has not arrived', async () => {
    const notifier = new RecordingNotifier();
    const h = concernHarness({ notifier });
    h.delivery.failing.add('dslChannel');
    h.delivery.failing.add('deputyDsl');
    const result = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    expect(result.ok && result.waiting).toBe(false);
    h.clock.advance(121_000);
    await h.outbox.processDue();
    expect(notifier.notices.map((n) => n.notice)).toEqual(['notArrived']);
  });
});
