import { AcknowledgementError } from './acknowledgementErrors';

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

/** Checks an owner's due date: a real date, after today, within a year. */
export function checkDueDate(raw: string | undefined, today: Date, defaultDays: number): string {
  if (raw === undefined) return isoDate(new Date(today.getTime() + defaultDays * DAY_MS));
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const parsed = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !parsed || isoDate(parsed) !== raw.trim()) {
    throw new AcknowledgementError('BAD_DUE_DATE', `"${raw}" is not a date; write it as YYYY-MM-DD, e.g. ${isoDate(new Date(today.getTime() + 30 * DAY_MS))}.`);
  }
  if (isoDate(parsed) <= isoDate(today)) throw new AcknowledgementError('BAD_DUE_DATE', 'The due date must be after today.');
  if (parsed.getTime() > addYears(today, 1).getTime()) throw new AcknowledgementError('BAD_DUE_DATE', 'The due date must be within a year.');
  return isoDate(parsed);
}
