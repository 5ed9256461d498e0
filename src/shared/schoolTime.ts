/**
 * Times as people at the school read them. Stored times are UTC (ISO 8601); every card, message and export
 * shows them in the school's zone (SCHOOL_TIME_ZONE, Europe/London unless set), with the zone's own name
 * ("GMT", "BST"), so a time read in July is not an hour out.
 */
let zone = 'Europe/London';

/** Sets the zone once, at start (compose/startApp.ts). */
export function useSchoolTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-GB', { timeZone }); // throws RangeError for a zone Intl does not know
  zone = timeZone;
}

/** The zone in use. */
export function schoolTimeZone(): string {
  return zone;
}

/** Formatters by zone and options: building one costs about 80 times formatting with it (50,000 export rows). */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formats below, each built once per zone (kept by name: building the key from the options cost more than formatting). */
const FORMATS = {
  moment: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' },
  stamp: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' },
  day: { day: 'numeric', month: 'long', year: 'numeric' },
  shortDay: { day: 'numeric', month: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

function parts(iso: string, name: keyof typeof FORMATS): Record<string, string> {
  const key = `${zone}|${name}`;
  const options = FORMATS[name];
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...options });
    formatters.set(key, format);
  }
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** "22 Nov 2026, 07:40 GMT": a moment, for cards and messages. */
export function formatSchoolTime(iso: string): string {
  const p = parts(iso, 'moment');
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** "2026-11-22 07:40 GMT": a moment for a spreadsheet, sortable, with the zone it is in. */
export function formatSchoolTimestamp(iso: string): string {
  const p = parts(iso, 'stamp');
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** Formats a plain date as the UTC day it names; built once (each acknowledgement card shows its due date). */
const utcDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** "14 September 2026": a day. A date without a time ("2026-09-14") is that day wherever the reader is. */
export function formatSchoolDate(isoOrDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoOrDate)) {
    const [y, m, d] = isoOrDate.split('-').map(Number);
    return utcDay.format(new Date(Date.UTC(y, m - 1, d)));
  }
  // The day a moment falls on is the same for every moment of one minute: kept per minute (an acknowledgement card
  // shows the day it was acknowledged, hundreds a second after an all-staff email).
  const minute = Math.floor(Date.parse(isoOrDate) / 60_000);
  const known = recentDays.get(minute);
  if (known !== undefined && known.zone === zone) return known.text;
  const p = parts(isoOrDate, 'day');
  const text = `${p.day} ${p.month} ${p.year}`;
  if (recentDays.size >= 256) recentDays.delete(recentDays.keys().next().value as number);
  recentDays.set(minute, { zone, text });
  return text;
}

const recentDays = new Map<number, { zone: string; text: string }>();

/** "21 Nov": a short day, for lists. */
export function formatSchoolDay(iso: string): string {
  const p = parts(iso, 'shortDay');
  return `${p.day} ${p.month}`;
}
