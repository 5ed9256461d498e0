import { ConcernActor } from '../../../../src/features/concerns/domain/concernTypes';
import { formFor, ORIGIN, PEOPLE, RecordingDelivery, REPORTER, SECRET_TEXT } from './concernFakes';
import { concernHarness } from './concernHarness';
import { capturedLogger } from './concernFakes';

describe('what the concern flow writes to the logs', () => {
  test('when reports are submitted, fail over, are triaged and refused, then no log line carries report text or names', async () => {
    const captured = capturedLogger();
    const delivery = new RecordingDelivery();
    delivery.failing.add('dslChannel');
    const h = concernHarness({ delivery, logger: captured.logger });
    const dsl: ConcernActor = { aadObjectId: PEOPLE.dsl, name: 'Dana DSL' };

    const bad = await h.reporting.submitConcern(REPORTER, ORIGIN, { kind: 'childSafety', whatHappened: SECRET_TEXT.whatHappened });
    expect(bad.ok).toBe(false);
    const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety', { immediateDanger: 'true', link: 'https://example.test/SECRET-LINK' }));
    if (!r.ok) throw new Error('not stored');
    await h.triage.acknowledge(dsl, r.report.reference);
    await h.triage.addNote(dsl, r.report.reference, SECRET_TEXT.note);
    await expect(h.triage.openCase({ aadObjectId: PEOPLE.outsider, name: 'Oli Outsider' }, r.report.reference)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    await h.triage.close(dsl, r.report.reference, SECRET_TEXT.outcome);
    // The headteacher tries a report about them: refused, and the chair alerted, all without report text.
    const about = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
    if (!about.ok) throw new Error('not stored');
    await expect(h.triage.openCase({ aadObjectId: PEOPLE.headteacher, name: 'Hana Head' }, about.report.reference)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    await h.outbox.processDue();
    expect(h.delivery.alerts).toHaveLength(1);

    const logs = captured.lines();
    // The log is not empty: it records what happened, by reference and code.
    expect(logs).toContain(r.report.reference);
    expect(logs).toContain('HTTP_503');
    expect(logs).toContain('CONCERN_NOT_FOUND');
    expect(logs).toContain('alerted to a headteacher attempt');
    const forbidden = [
      ...Object.values(SECRET_TEXT), 'PUPIL-ZEBRA', 'KESTREL', 'OTTER', 'QUOKKA', 'PLATYPUS', 'NARWHAL', 'IBEX', 'SECRET-LINK',
      REPORTER.name, 'Dana DSL', 'Oli Outsider', 'Hana Head',
    ];
    for (const text of forbidden) expect(logs).not.toContain(text);
  });
});
