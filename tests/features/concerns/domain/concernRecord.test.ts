import { concernChronology, formatConcernRecord, recordParts } from '../../../../src/features/concerns/domain/concernRecord';
import { ConcernEvent, deriveConcernCase } from '../../../../src/features/concerns/domain/concernTypes';
import { validateConcernForm } from '../../../../src/features/concerns/domain/concernValidation';
import { formFor, ORIGIN, PEOPLE, REPORTER } from './concernFakes';

function caseWith(events: Omit<ConcernEvent, 'seq' | 'concernId'>[], aboutHeadteacher = false) {
  const r = validateConcernForm(formFor('childSafety'));
  if (!r.ok) throw new Error('invalid sample');
  const report = { ...r.draft, aboutHeadteacher, id: 1, reference: 'SG-2026-7KQ4MX', reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
  return deriveConcernCase(report, [
    { type: 'submitted' as const, at: report.submittedAt, actorId: PEOPLE.reporter, actorName: REPORTER.name, data: {} },
    ...events,
  ].map((e, i) => ({ ...e, seq: i + 1, concernId: 1 })));
}

const dana = { actorId: PEOPLE.dsl, actorName: 'Dana DSL' };
const dev = { actorId: PEOPLE.deputy, actorName: 'Dev Deputy' };
const at = (minute: number) => `2026-03-02T09:${String(minute).padStart(2, '0')}:00.000Z`;

describe('the record of a case', () => {
  test('when a card refreshes again and again for one person, then the export reads it as one line with how many and until when', () => {
    const c = caseWith([
      { type: 'viewed', at: at(1), ...dana, data: {} },
      { type: 'viewed', at: at(2), ...dana, data: { refresh: 'true' } },
      { type: 'viewed', at: at(3), ...dana, data: { refresh: 'true' } },
      { type: 'viewed', at: at(4), ...dana, data: { refresh: 'true' } },
      { type: 'viewed', at: at(5), ...dev, data: { refresh: 'true' } },
      { type: 'noteAdded', at: at(6), ...dana, data: { note: 'spoke to the class teacher' } },
      { type: 'viewed', at: at(7), ...dana, data: { refresh: 'true' } },
    ]);
    expect(concernChronology(c, true, true).map((l) => `${l.who}: ${l.what}`)).toEqual([
      'Robin Reporter: Reported',
      'Dana DSL: Viewed the record',
      'Dana DSL: Viewed the record (card refresh, 3 times until 2026-03-02 09:04 GMT)',
      'Dev Deputy: Viewed the record (card refresh)',
      'Dana DSL: Note: spoke to the class teacher',
      'Dana DSL: Viewed the record (card refresh)',
    ]);
    // The card's chronology shows what was done, not who looked.
    expect(concernChronology(c, true).map((l) => l.what)).toEqual(['Reported', 'Note: spoke to the class teacher']);
  });

  test('when the headteacher tried a case about them, then the export says so: each refusal, and the alert to the chair', () => {
    const head = { actorId: PEOPLE.headteacher, actorName: 'Hana Head' };
    const record = formatConcernRecord(caseWith([
      { type: 'accessRefused', at: at(1), ...head, data: { operation: 'open', reference: 'SG-2026-7KQ4MX', reason: 'aboutThem', chairAlert: 'queued' } },
      { type: 'chairAlerted', at: at(1), data: { operation: 'open', attemptAt: at(1) } },
      { type: 'accessRefused', at: at(2), ...head, data: { operation: 'close', reference: 'SG-2026-7KQ4MX', reason: 'aboutThem', chairAlert: 'alreadyAlerted' } },
      { type: 'routeFailed', at: at(3), data: { role: 'chairOfGovernors', notice: 'headteacherAttempt', code: 'HTTP_503' } },
    ]));
    expect(record).toContain('Hana Head: Refused access (open): the headteacher, on a case about them; an alert to the chair of governors is queued (the record below says who received it)');
    expect(record).toContain('School Policy Bot: Chair of governors alerted that the headteacher tried to open this case');
    expect(record).toContain('Hana Head: Refused access (close): the headteacher, on a case about them\n');
    expect(record).toContain("Could not alert the chair of governors to the headteacher's attempt (HTTP_503)");
  });

  test('when a report about the headteacher waited and reached no one, then the record says where the reporter was sent and who was told, as the notices said', () => {
    const events: Omit<ConcernEvent, 'seq' | 'concernId'>[] = [
      { type: 'undeliveredAlerted', at: at(2), data: { minutes: '2', alerted: '2', reporterTold: 'true' } },
      { type: 'reporterNotified', at: at(2), data: { notice: 'notArrived' } },
      { type: 'undeliveredAlerted', at: at(3), data: { waiting: 'true', alerted: '2', reporterTold: 'true' } },
      { type: 'reporterNotified', at: at(3), data: { notice: 'waiting' } },
    ];
    const aboutHead = formatConcernRecord(caseWith(events, true));
    expect(aboutHead).toContain('Had reached no one after 2 minutes: the reporter was told to go to a deputy DSL or the chair of governors in person; 2 of those a report about the headteacher may reach were told it is waiting');
    expect(aboutHead).toContain('Reporter told it had not arrived yet, and to go to a deputy DSL or the chair of governors in person with the reference');
    expect(aboutHead).toContain('Waiting for the route to be configured: 2 of those a report about the headteacher may reach were told it is waiting');
    expect(aboutHead).not.toMatch(/the DSL or a deputy|team and owners/);
    const other = formatConcernRecord(caseWith(events));
    expect(other).toContain('the reporter was told to go to the DSL or a deputy in person; 2 of the safeguarding team and owners were told it is waiting');
    expect(other).toContain('(its route is not configured), and to go to the DSL or a deputy in person with the reference');
  });
});

describe('a long record exported in parts', () => {
  it('when a record is longer than a message, then it comes in numbered parts that end at a line or a space, and put together say all of it', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `2 Mar 2026, 09:${String(i % 60).padStart(2, '0')} GMT  Dana DSL: Note ${i}: phoned social care about the family again`);
    const record = ['SAFEGUARDING RECORD SG-2026-ABCDEF (confidential: safeguarding team only)', 'x'.repeat(30) + ' ' + 'word '.repeat(3000), ...lines].join('\n');
    const parts = recordParts(record, 'SG-2026-ABCDEF', 5_000);
    expect(parts.length).toBeGreaterThan(3);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(5_000);
      expect(p.startsWith(`Part ${i + 1} of ${parts.length} of SAFEGUARDING RECORD SG-2026-ABCDEF\n\n`)).toBe(true);
    });
    const bodies = parts.map((p) => p.slice(p.indexOf('\n\n') + 2));
    // No word is broken between parts, and nothing is lost (only the spaces and line ends at the cuts).
    for (const b of bodies.slice(0, -1)) expect(b).toMatch(/(word|again|only\))$/);
    expect(bodies.join(' ').replace(/\s+/g, ' ')).toBe(record.replace(/\s+/g, ' ').trim());
  });

  it('when a record fits in one message, then it is one part, as it is', () => {
    expect(recordParts('SAFEGUARDING RECORD SG-2026-ABCDEF\nshort', 'SG-2026-ABCDEF', 5_000)).toEqual(['SAFEGUARDING RECORD SG-2026-ABCDEF\nshort']);
  });
});
