/**
 * The school year as a due date needs it: weekends, the bank holidays of England and Wales (GOV.UK's list, shipped
 * as data and replaceable without a release), and the school's holidays: the ones IT configured (ACK_SCHOOL_HOLIDAYS),
 * and, where those say nothing about a winter or a spring, the Christmas and Easter breaks most English schools keep.
 * Dates are ISO calendar dates (YYYY-MM-DD) throughout: a due date is a day, not a moment.
 */

/** One bank holiday as GOV.UK lists it. */
export interface BankHoliday {
  date: string;
  title: string;
}

/** A school holiday IT configured: an inclusive range of days (a single day has from = to). */
export interface SchoolHoliday {
  from: string;
  to: string;
  name?: string;
}

/** Why a day is not a school day, for the owner: "Saturday", "Christmas Day (bank holiday)", "the Christmas break". */
export type ClosedReason = string;

/** What a due date is checked against. */
export interface SchoolCalendar {
  /** Why staff will not be in school that day, or undefined on a school day. */
  closedBecause(date: string): ClosedReason | undefined;
  /** The last year the bank holiday list covers: a later date can only be checked for weekends and breaks. */
  readonly bankHolidaysKnownUntil: number;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** The date `days` after an ISO date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 Sunday .. 6 Saturday. */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Easter Sunday of a year in the Gregorian calendar (the anonymous Gregorian computus, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The Christmas break most English schools keep when none is configured: from the day after the last Friday on or
 * before 20 December to the day before the first Monday after New Year's Day (2026-27: 19 December to 3 January).
 */
export function estimatedChristmasBreak(year: number): SchoolHoliday {
  let lastDay = `${year}-12-20`;
  while (weekday(lastDay) !== 5) lastDay = addDays(lastDay, -1);
  let back = `${year + 1}-01-02`;
  while (weekday(back) !== 1) back = addDays(back, 1);
  return { from: addDays(lastDay, 1), to: addDays(back, -1), name: 'the Christmas break' };
}

/** The Easter break when none is configured: the fortnight around Easter, Saturday to Sunday (Holy Week and the week after). */
export function estimatedEasterBreak(year: number): SchoolHoliday {
  const easter = easterSunday(year);
  return { from: addDays(easter, -8), to: addDays(easter, 7), name: 'the Easter break' };
}

const within = (date: string, h: SchoolHoliday): boolean => date >= h.from && date <= h.to;

/** Builds the calendar from the bank holiday list and the school's own holidays (none: the estimated breaks alone). */
export function createSchoolCalendar(input: { bankHolidays: readonly BankHoliday[]; schoolHolidays?: readonly SchoolHoliday[] }): SchoolCalendar {
  const bank = new Map(input.bankHolidays.map((h) => [h.date, h.title]));
  const configured = [...(input.schoolHolidays ?? [])];
  const knownUntil = Math.max(0, ...input.bankHolidays.map((h) => Number(h.date.slice(0, 4))));
  /** The estimate stands only where the configured holidays say nothing about that Christmas or that Easter. */
  const estimates = (date: string): SchoolHoliday[] => {
    const year = Number(date.slice(0, 4));
    const out: SchoolHoliday[] = [];
    for (const y of [year - 1, year]) {
      const christmas = estimatedChristmasBreak(y);
      if (!configured.some((h) => within(`${y}-12-25`, h) || within(christmas.from, h) || within(christmas.to, h))) out.push(christmas);
    }
    const easter = estimatedEasterBreak(year);
    if (!configured.some((h) => within(easterSunday(year), h) || within(easter.from, h) || within(easter.to, h))) out.push(easter);
    return out;
  };
  return {
    bankHolidaysKnownUntil: knownUntil,
    closedBecause(date) {
      const bankHoliday = bank.get(date);
      if (bankHoliday) return `${bankHoliday} (a bank holiday)`;
      const day = weekday(date);
      if (day === 0 || day === 6) return day === 0 ? 'a Sunday' : 'a Saturday';
      const holiday = configured.find((h) => within(date, h)) ?? estimates(date).find((h) => within(date, h));
      if (holiday) return holiday.name ?? 'a school holiday';
      return undefined;
    },
  };
}

/** Reads GOV.UK's bank-holidays.json (or the shipped copy of its england-and-wales part); throws on anything else. */
export function parseBankHolidays(json: unknown): BankHoliday[] {
  const division = (json as Record<string, unknown> | null)?.['england-and-wales'] as { events?: unknown } | undefined;
  const events = division?.events;
  if (!Array.isArray(events) || events.length === 0) throw new Error('no "england-and-wales" events: is this GOV.UK\'s bank-holidays.json?');
  return events.map((e, i) => {
    const { date, title } = (e ?? {}) as { date?: unknown; title?: unknown };
    if (typeof date !== 'string' || !isIsoDate(date) || typeof title !== 'string') throw new Error(`event ${i + 1} has no date (YYYY-MM-DD) and title`);
    return { date, title };
  });
}

/**
 * The default due date: about `days` ahead, moved to a school day. Forward to the next school day, unless that is more
 * than a week on (a break): then back to the last school day before it, if that still leaves three weeks.
 */
export function defaultDueDate(today: string, calendar: SchoolCalendar, days = 28): string {
  const target = addDays(today, days);
  if (!calendar.closedBecause(target)) return target;
  let later = target;
  while (calendar.closedBecause(later)) later = addDays(later, 1);
  if (Date.parse(later) - Date.parse(target) <= 7 * DAY_MS) return later;
  let earlier = target;
  while (calendar.closedBecause(earlier) && earlier > today) earlier = addDays(earlier, -1);
  return earlier > today && Date.parse(earlier) - Date.parse(today) >= 21 * DAY_MS ? earlier : later;
}

/** The school days nearest a date, before and after: what a warning suggests instead. */
export function nearestSchoolDays(date: string, calendar: SchoolCalendar, today: string): { before?: string; after: string } {
  let after = date;
  while (calendar.closedBecause(after)) after = addDays(after, 1);
  let before = addDays(date, -1);
  while (calendar.closedBecause(before) && before > today) before = addDays(before, -1);
  return { ...(before > today ? { before } : {}), after };
}
