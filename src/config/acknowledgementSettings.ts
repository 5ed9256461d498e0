import { AppMode, Env, FragmentResult, readPositiveNumber, readVar } from './settingsFragment';

/** Settings of the annual acknowledgement campaigns and their storage. */
export interface AcknowledgementSettings {
  /** Nobody is reminded more often than this many days. */
  reminderIntervalDays: number;
  /** Days from start to due date when the owner gives none. */
  defaultDueDays: number;
  /** Whether each campaign starts again a year after it started. */
  repeatYearly: boolean;
  /**
   * After a campaign's due date, a weekly digest of who has not acknowledged goes to each person's line manager
   * and to the owners (ACK_MANAGER_DIGEST, off unless a school opts in).
   */
  managerDigest: boolean;
  /** Key of the HMAC sealing each exported CSV row; without it rows carry a plain sha256. */
  exportSecret?: string;
  /** Where staff read the whole policy (intranet, SharePoint); without it the card lists the sections in chat. */
  policyUrl?: string;
  /** How often the yearly repeat and new joiners are checked, in minutes. */
  scheduleMinutes: number;
  /** Letters and digits prefixed to every Azure table name. */
  azureTablePrefix: string;
  /**
   * A newer copy of GOV.UK's bank-holidays.json (ACK_BANK_HOLIDAYS_FILE); without it the copy shipped with the app
   * (src/features/acknowledgement/calendar/) is used.
   */
  bankHolidaysFile?: string;
  /**
   * The school's holidays (ACK_SCHOOL_HOLIDAYS: "2026-12-19..2027-01-03 Christmas holidays; 2027-02-15..2027-02-19 half
   * term; 2027-01-04 INSET day"): due dates avoid them; without a configured Christmas or Easter the usual break is assumed.
   */
  schoolHolidays: { from: string; to: string; name?: string }[];
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const realDay = (s: string): boolean => ISO_DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** Parses ACK_SCHOOL_HOLIDAYS: ranges or days separated by ";", each optionally named. */
export function parseSchoolHolidays(raw: string | undefined, errors: string[]): { from: string; to: string; name?: string }[] {
  if (!raw) return [];
  const out: { from: string; to: string; name?: string }[] = [];
  for (const part of raw.split(/[;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const space = part.search(/\s/);
    const range = space < 0 ? part : part.slice(0, space);
    const name = space < 0 ? '' : part.slice(space + 1).trim().slice(0, 60);
    const [from, to = from, extra] = range.split('..');
    if (extra !== undefined || !realDay(from) || !realDay(to) || to < from) {
      errors.push(`ACK_SCHOOL_HOLIDAYS: "${part.slice(0, 60)}" is not a day or range (write 2026-12-19..2027-01-03 Christmas holidays; 2027-01-04 INSET day)`);
      continue;
    }
    out.push({ from, to, ...(name ? { name } : {}) });
  }
  return out;
}

/** Parses the acknowledgement settings, collecting every problem rather than stopping at the first. */
export function parseAcknowledgementSettings(env: Env, _mode: AppMode): FragmentResult<AcknowledgementSettings> {
  const errors: string[] = [];
  const rawRepeat = readVar(env, 'ACK_REPEAT_YEARLY') ?? 'true';
  let repeatYearly = true;
  if (/^(true|1|yes)$/i.test(rawRepeat)) repeatYearly = true;
  else if (/^(false|0|no)$/i.test(rawRepeat)) repeatYearly = false;
  else errors.push(`ACK_REPEAT_YEARLY must be true or false (got "${rawRepeat}")`);

  const rawDigest = readVar(env, 'ACK_MANAGER_DIGEST') ?? 'false';
  let managerDigest = false;
  if (/^(true|1|yes)$/i.test(rawDigest)) managerDigest = true;
  else if (!/^(false|0|no)$/i.test(rawDigest)) errors.push(`ACK_MANAGER_DIGEST must be true or false (got "${rawDigest}")`);

  const policyUrl = readVar(env, 'ACK_POLICY_URL');
  if (policyUrl !== undefined && !/^https:\/\/\S+$/.test(policyUrl)) errors.push(`ACK_POLICY_URL must be an https URL (got "${policyUrl}")`);

  const exportSecret = readVar(env, 'ACK_EXPORT_SECRET');
  if (exportSecret !== undefined && exportSecret.length < 16) errors.push('ACK_EXPORT_SECRET must be at least 16 characters');

  const azureTablePrefix = readVar(env, 'AZURE_TABLE_PREFIX') ?? 'policybot';
  if (!/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(azureTablePrefix)) {
    errors.push(`AZURE_TABLE_PREFIX must be letters and digits, starting with a letter (got "${azureTablePrefix}")`);
  }

  const bankHolidaysFile = readVar(env, 'ACK_BANK_HOLIDAYS_FILE');
  const schoolHolidays = parseSchoolHolidays(readVar(env, 'ACK_SCHOOL_HOLIDAYS'), errors);

  return {
    value: {
      reminderIntervalDays: readPositiveNumber(env, 'ACK_REMINDER_INTERVAL_DAYS', 7, errors),
      defaultDueDays: readPositiveNumber(env, 'ACK_DEFAULT_DUE_DAYS', 28, errors),
      repeatYearly,
      managerDigest,
      ...(exportSecret ? { exportSecret } : {}),
      ...(policyUrl ? { policyUrl } : {}),
      scheduleMinutes: readPositiveNumber(env, 'ACK_SCHEDULE_MINUTES', 15, errors),
      azureTablePrefix,
      ...(bankHolidaysFile ? { bankHolidaysFile } : {}),
      schoolHolidays,
    },
    errors,
  };
}
