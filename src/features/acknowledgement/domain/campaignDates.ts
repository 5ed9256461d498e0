import { AcknowledgementError } from './acknowledgementErrors';
import { SchoolCalendar, defaultDueDate, nearestSchoolDays } from './schoolCalendar';

/** A day in milliseconds. */
export const DAY_MS = 24 * 3600 * 1000;

/** "2026-11-22": the UTC date of a moment. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The same moment a number of years on. */
export function addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

/**
 * Checks an owner's due date: a real date, after today, within a year. Without one, the default: `defaultDays` ahead,
 * moved to a school day when a calendar is given.
 */
export function checkDueDate(raw: string | undefined, today: Date, defaultDays: number, calendar?: SchoolCalendar): string {
  if (raw === undefined || raw.trim() === '') {
    return calendar ? defaultDueDate(isoDate(today), calendar, defaultDays) : isoDate(new Date(today.getTime() + defaultDays * DAY_MS));
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const parsed = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !parsed || isoDate(parsed) !== raw.trim()) {
    throw new AcknowledgementError('BAD_DUE_DATE', `"${raw}" is not a date; write it as YYYY-MM-DD, e.g. ${isoDate(new Date(today.getTime() + 30 * DAY_MS))}.`);
  }
  if (isoDate(parsed) <= isoDate(today)) throw new AcknowledgementError('BAD_DUE_DATE', 'The due date must be after today.');
  if (parsed.getTime() > addYears(today, 1).getTime()) throw new AcknowledgementError('BAD_DUE_DATE', 'The due date must be within a year.');
  return isoDate(parsed);
}

/**
 * What the owner is told about a due date staff will not be in school for ("25 December 2026 is Christmas Day (a bank
 * holiday), in the Christmas break: staff may not see the card until they are back. 18 December or 4 January?"), and
 * when the bank holiday list ends before the date; undefined for a school day the list covers.
 */
export function dueDateWarning(date: string, today: Date, calendar: SchoolCalendar, say: (iso: string) => string): string | undefined {
  const year = Number(date.slice(0, 4));
  const stale = year > calendar.bankHolidaysKnownUntil
    ? ` The bank holiday list ends in ${calendar.bankHolidaysKnownUntil}: ask IT to update it (ACK_BANK_HOLIDAYS_FILE).` : '';
  const why = calendar.closedBecause(date);
  if (!why) return stale ? stale.trim() : undefined;
  const { before, after } = nearestSchoolDays(date, calendar, isoDate(today));
  const instead = before ? `${say(before)} or ${say(after)}` : say(after);
  return `${say(date)} is ${why}: staff may not be in school to see the card. Perhaps ${instead}?${stale}`;
}

/** A date moved on to the next day staff are in school: past the calendar's closures when there is one, else past a weekend. */
export function nextSchoolDay(date: string, calendar?: SchoolCalendar): string {
  if (calendar) return nearestSchoolDays(date, calendar, date).after;
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday === 6 || weekday === 0 ? isoDate(new Date(Date.parse(`${date}T12:00:00Z`) + (weekday === 6 ? 2 : 1) * DAY_MS)) : date;
}

/**
 * The instant it is `hour` o'clock on `date` in the school's time zone (schoolTime.ts): a yearly round starts in the
 * morning of a school day, not at the minute of the night the first one did a year before.
 */
export function atSchoolHour(date: string, hour: number, timeZone: string): Date {
  let at = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  for (let i = 0; i < 2; i++) {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
    at += Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`) - shown;
  }
  return new Date(at);
}

