import { formatSchoolDate, formatSchoolDay, formatSchoolTime, formatSchoolTimestamp, schoolTimeZone, useSchoolTimeZone } from '../../src/shared/schoolTime';

describe('school time', () => {
  afterEach(() => useSchoolTimeZone('Europe/London'));

  it('when a time is in winter, then it reads as GMT; in summer, then as BST, an hour on from UTC', () => {
    expect(formatSchoolTime('2026-11-22T07:40:00.000Z')).toBe('22 Nov 2026, 07:40 GMT');
    expect(formatSchoolTime('2026-07-02T08:00:00.000Z')).toBe('2 Jul 2026, 09:00 BST');
    expect(formatSchoolTimestamp('2026-07-02T08:00:00.000Z')).toBe('2026-07-02 09:00 BST');
  });

  it('when a summer time is just before midnight UTC, then the school day is the next day', () => {
    expect(formatSchoolDate('2026-06-30T23:30:00.000Z')).toBe('1 July 2026');
    expect(formatSchoolDay('2026-06-30T23:30:00.000Z')).toBe('1 Jul');
  });

  it('when the same minute is shown again, or in another zone, then each shows its own day (days are kept per minute and zone)', () => {
    expect(formatSchoolDate('2026-06-30T23:30:10.000Z')).toBe('1 July 2026');
    expect(formatSchoolDate('2026-06-30T23:30:50.000Z')).toBe('1 July 2026');
    expect(formatSchoolDate('2026-06-30T22:59:59.000Z')).toBe('30 June 2026');
    useSchoolTimeZone('UTC');
    expect(formatSchoolDate('2026-06-30T23:30:10.000Z')).toBe('30 June 2026');
    useSchoolTimeZone('Europe/London');
    expect(formatSchoolDate('2026-06-30T23:30:10.000Z')).toBe('1 July 2026');
  });

  it('when a bare date is given, then it is that day wherever the school is', () => {
    useSchoolTimeZone('Pacific/Auckland');
    expect(formatSchoolDate('2026-09-14')).toBe('14 September 2026');
  });

  it('when another zone is set, then times follow it; when the zone is unknown, then it is refused and the old one kept', () => {
    useSchoolTimeZone('America/New_York');
    expect(formatSchoolTime('2026-07-02T08:00:00.000Z')).toMatch(/^2 Jul 2026, 04:00 /);
    expect(() => useSchoolTimeZone('Not/AZone')).toThrow(RangeError);
    expect(schoolTimeZone()).toBe('America/New_York');
  });
});
