import { formatConcernRecord } from '../../../../src/features/concerns/domain/concernRecord';
import { REFUSALS_RECORDED_AN_HOUR } from '../../../../src/features/concerns/domain/concernRefusals';
import { ConcernActor } from '../../../../src/features/concerns/domain/concernTypes';
import { headteacherAttemptText } from '../../../../src/features/concerns/teams/concernMessaging';
import { formFor, ORIGIN, PEOPLE, RecordingDelivery, REPORTER, SECRET_TEXT, testRouting } from './concernFakes';
import { concernHarness } from './concernHarness';

const HEAD: ConcernActor = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' };
const DSL: ConcernActor = { aadObjectId: PEOPLE.dsl, name: 'Dana DSL' };
const OUTSIDER: ConcernActor = { aadObjectId: PEOPLE.outsider, name: 'Oli Outsider' };
const HOUR = 60 * 60_000;

/** A harness with one report about the headteacher (who is on the team here, as when the head is the DSL). */
async function aboutTheHead(options: Parameters<typeof concernHarness>[0] = {}) {
  const h = concernHarness(options);
  const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
  if (!r.ok) throw new Error('not stored');
  return { h, reference: r.report.reference };
}

const refused = (attempt: Promise<unknown>) => expect(attempt).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });

describe('the chair of governors is alerted when the headteacher tries a case about them', () => {
  test('when the head tries a case about them three times in an hour, then the chair is alerted once, and every attempt is recorded', async () => {
    const { h, reference } = await aboutTheHead();
    await refused(h.triage.openCase(HEAD, reference));
    h.clock.advance(10 * 60_000);
    await refused(h.triage.addNote(HEAD, reference, 'x'));
    await refused(h.triage.close(HEAD, reference.toLowerCase(), 'x'));
    await h.outbox.processDue();

    expect(h.delivery.alerts).toEqual([{
      address: { kind: 'person', aadObjectId: PEOPLE.chair }, reference, attempt: { operation: 'open', attemptAt: '2026-03-02T09:00:00.000Z' },
    }]);
    const events = (await h.store.getCase(reference))!.events;
    expect(events.filter((e) => e.type === 'accessRefused').map((e) => [e.actorId, e.data.operation, e.data.chairAlert])).toEqual([
      [PEOPLE.headteacher, 'open', 'queued'], [PEOPLE.headteacher, 'addNote', 'alreadyAlerted'], [PEOPLE.headteacher, 'close', 'alreadyAlerted'],
    ]);
    expect(events.filter((e) => e.type === 'chairAlerted').map((e) => e.data)).toEqual([{ operation: 'open', attemptAt: '2026-03-02T09:00:00.000Z' }]);
  });

  test('when the head presses on a case about them hundreds of times in an hour, then the first 20 are recorded, the last of them says so, and the next hour records again', async () => {
    const { h, reference } = await aboutTheHead();
    for (let i = 0; i < 300; i++) await refused(h.triage.openCase(HEAD, reference));
    const refusals = () => h.store.getCase(reference).then((c) => c!.events.filter((e) => e.type === 'accessRefused'));
    expect(await refusals()).toHaveLength(REFUSALS_RECORDED_AN_HOUR);
    const record = formatConcernRecord((await h.store.getCase(reference))!);
    expect(record.match(/further attempts by this person within the hour are not recorded one by one/g)).toHaveLength(1);
    // Another person's refusals are their own.
    await refused(h.triage.openCase(OUTSIDER, reference));
    expect(await refusals()).toHaveLength(REFUSALS_RECORDED_AN_HOUR + 1);
    h.clock.advance(HOUR + 1);
    await refused(h.triage.openCase(HEAD, reference));
    expect(await refusals()).toHaveLength(REFUSALS_RECORDED_AN_HOUR + 2);
  });

  test('when the head tries again after the hour, or tries another case about them, then the chair is alerted again', async () => {
    const { h, reference } = await aboutTheHead();
    const second = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('colleagueConduct', { aboutHeadteacher: 'true' }));
    if (!second.ok) throw new Error('not stored');
    await refused(h.triage.openCase(HEAD, reference));
    await refused(h.triage.exportCase(HEAD, second.report.reference));
    h.clock.advance(HOUR);
    await refused(h.triage.acknowledge(HEAD, reference));
    await h.outbox.processDue();
    expect(h.delivery.alerts.map((a) => [a.reference, a.attempt.operation])).toEqual([
      [reference, 'open'], [second.report.reference, 'export'], [reference, 'acknowledge'],
    ]);
  });

  test('when Teams refreshes, or the head presses Open on a list, for a case they were shown before it was marked, then it is recorded and the chair not alerted; one they never had still alerts', async () => {
    const h = concernHarness();
    const shown = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation'));
    const never = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
    if (!shown.ok || !never.ok) throw new Error('not stored');
    await h.outbox.processDue();
    await h.triage.markAboutHeadteacher(DSL, shown.report.reference);
    await refused(h.triage.openCase(HEAD, shown.report.reference, { refresh: true }));
    await refused(h.triage.openCase(HEAD, shown.report.reference, { fromList: true }));
    await refused(h.triage.openCase(HEAD, never.report.reference, { refresh: true }));
    await h.outbox.processDue();
    expect(h.delivery.alerts.map((a) => a.reference)).toEqual([never.report.reference]);
    const marked = (await h.store.getCase(shown.report.reference))!;
    expect(marked.events.filter((e) => e.type === 'accessRefused').map((e) => e.data.chairAlert)).toEqual(['oldCard', 'oldCard']);
    expect(formatConcernRecord(marked)).toContain('(a card refresh, or Open on a list, they were shown before it was marked: recorded, no alert)');
    // Typed by its reference, it is an attempt as any other: the chair is alerted.
    await refused(h.triage.openCase(HEAD, shown.report.reference));
    await h.outbox.processDue();
    expect(h.delivery.alerts.map((a) => a.reference)).toEqual([never.report.reference, shown.report.reference]);
  });

  test('when someone else is refused a case about the head, or the head tries a reference that does not exist, then the chair is not alerted', async () => {
    const { h, reference } = await aboutTheHead();
    await refused(h.triage.openCase(OUTSIDER, reference));
    await refused(h.triage.openCase(HEAD, `${reference.slice(0, -6)}ZZZZZZ`));
    await h.triage.openCase(DSL, reference);
    await h.outbox.processDue();
    expect(h.delivery.alerts).toEqual([]);
  });

  test('when the chair cannot be reached, then the failure is recorded and the alert is sent on a later run', async () => {
    const delivery = new RecordingDelivery();
    const { h, reference } = await aboutTheHead({ delivery });
    delivery.failing.add('chairOfGovernors');
    await refused(h.triage.openCase(HEAD, reference));
    await h.outbox.processDue();
    expect(delivery.alerts).toEqual([]);
    delivery.failing.clear();
    h.clock.advance(5 * 60_000);
    await h.outbox.processDue();
    expect(delivery.alerts.map((a) => a.reference)).toEqual([reference]);
    const events = (await h.store.getCase(reference))!.events;
    expect(events.filter((e) => e.type === 'routeFailed').map((e) => e.data)).toEqual([{ role: 'chairOfGovernors', notice: 'headteacherAttempt', code: 'HTTP_503' }]);
    expect(events.filter((e) => e.type === 'chairAlerted')).toHaveLength(1);
  });

  test('when no chair of governors is configured, then the head is still refused and the deputy DSL is alerted instead', async () => {
    const routing = testRouting();
    // The report itself falls back to the deputy DSL; so does the alert.
    const { h, reference } = await aboutTheHead({ routing: { ...routing, destinations: { ...routing.destinations, chairOfGovernors: undefined } } });
    await refused(h.triage.openCase(HEAD, reference));
    await h.outbox.processDue();
    expect(h.delivery.alerts).toEqual([{
      address: { kind: 'person', aadObjectId: PEOPLE.deputy }, reference, role: 'deputyDsl', attempt: { operation: 'open', attemptAt: '2026-03-02T09:00:00.000Z', chairMissed: 'notSetUp' },
    }]);
    const events = (await h.store.getCase(reference))!.events;
    expect(events.filter((e) => e.type === 'routeFailed' && e.data.notice === 'headteacherAttempt').map((e) => [e.data.role, e.data.code]))
      .toEqual([['chairOfGovernors', 'CONCERN_DESTINATION_UNCONFIGURED']]);
    expect(events.filter((e) => e.type === 'chairAlerted').map((e) => e.data.role)).toEqual(['deputyDsl']);
    expect(headteacherAttemptText(reference, h.delivery.alerts[0].attempt)).toContain('(sent to you because the chair of governors is not set up in the bot)');
    // An alert queued before the reason was kept (an older version's task) still says why, in general words.
    expect(headteacherAttemptText(reference, { operation: 'open', attemptAt: '2026-03-02T09:00:00.000Z' }, true))
      .toContain('(sent to you because the chair of governors is not set up or could not be reached)');
    expect((await h.store.dueOutbox('2026-03-03T00:00:00.000Z')).filter((e) => e.task.kind !== 'watchDelivery')).toEqual([]);
  });

  test('when Teams refuses the chair, or three runs cannot reach them, then the deputy DSL is alerted, told why, and the chair is not tried again', async () => {
    for (const code of ['HTTP_403', 'HTTP_503']) {
      const delivery = new RecordingDelivery();
      const { h, reference } = await aboutTheHead({ delivery });
      delivery.failing.add('chairOfGovernors');
      if (code === 'HTTP_403') {
        delivery.alertHeadteacherAttempt = async (role, address, report, attempt) => {
          if (role === 'chairOfGovernors') throw Object.assign(new Error('refused'), { code });
          delivery.alerts.push({ address, reference: report.reference, attempt, role });
        };
      }
      await refused(h.triage.openCase(HEAD, reference));
      for (let run = 0; run < 5; run++) {
        await h.outbox.processDue();
        h.clock.advance(2 * 60_000);
      }
      expect(delivery.alerts.map((a) => [a.role, a.reference])).toEqual([['deputyDsl', reference]]);
      const events = (await h.store.getCase(reference))!.events;
      expect(events.filter((e) => e.type === 'routeFailed' && e.data.notice === 'headteacherAttempt').map((e) => e.data.code))
        .toEqual(code === 'HTTP_403' ? ['HTTP_403'] : ['HTTP_503', 'HTTP_503', 'HTTP_503']);
      expect(events.filter((e) => e.type === 'chairAlerted').map((e) => e.data.role)).toEqual(['deputyDsl']);
      // The deputy is told which: Teams refused the chair, or three runs could not reach them; and so is the record.
      const why = code === 'HTTP_403' ? 'Teams refused to deliver to the chair of governors' : 'the chair of governors could not be reached after three tries';
      expect(headteacherAttemptText(reference, delivery.alerts[0].attempt).startsWith(`Safeguarding alert (sent to you because ${why}): the headteacher tried to open`)).toBe(true);
      expect(formatConcernRecord((await h.store.getCase(reference))!)).toContain(`The Deputy Designated Safeguarding Lead (${why}) alerted that the headteacher tried to open this case`);
    }
  });

  test('when someone other than the reporter adds details to a report, then it is recorded as refused; the head on a report about them alerts the chair', async () => {
    const { h, reference } = await aboutTheHead();
    const head = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head', address: {} };
    const outsider = { aadObjectId: PEOPLE.outsider, name: 'Oli Outsider', address: {} };
    const byHead = await h.reporting.addDetails(head, reference.toLowerCase(), { where: 'x' });
    const byOutsider = await h.reporting.addDetails(outsider, reference, { where: 'x' });
    const absent = `${reference.slice(0, -6)}ZZZZZZ`;
    const nowhere = await h.reporting.addDetails(head, absent, { where: 'x' });
    expect([byHead, byOutsider, nowhere].map((r) => !r.ok && r.message)).toEqual([
      `No report ${reference} of yours was found.`, `No report ${reference} of yours was found.`, `No report ${absent} of yours was found.`,
    ]);
    await h.outbox.processDue();
    const refused = (await h.store.getCase(reference))!.events.filter((e) => e.type === 'accessRefused');
    expect(refused.map((e) => [e.actorId, e.data.operation, e.data.reason])).toEqual([
      [PEOPLE.headteacher, 'addDetails', 'aboutThem'], [PEOPLE.outsider, 'addDetails', 'notPermitted'],
    ]);
    expect(h.delivery.alerts.map((a) => [a.reference, a.attempt.operation])).toEqual([[reference, 'addDetails']]);
    expect(headteacherAttemptText(reference, h.delivery.alerts[0].attempt)).toContain(`tried to add details to concern ${reference}`);
  });

  test('when the alert is worded, then it names the reference, what was tried and when, and nothing of the case', () => {
    const text = headteacherAttemptText('SG-2026-7KQ4MX', { operation: 'addNote', attemptAt: '2026-03-02T09:05:00.000Z' });
    expect(text).toContain('the headteacher tried to add a note to concern SG-2026-7KQ4MX, which is about them, at 2 Mar 2026, 09:05 GMT');
    for (const secret of Object.values(SECRET_TEXT)) expect(text).not.toContain(secret);
  });
});
