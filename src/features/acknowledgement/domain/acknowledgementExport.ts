import { parse } from 'csv-parse/sync';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { formatSchoolTimestamp } from '../../../shared/schoolTime';

/**
 * The columns an inspector reads, in order; the last is the row's integrity hash. `excused_at`, `excused_by` (the owner's
 * Entra object id), `entra_object_id` (the one identity that never changes: a UPN changes with a name) and `campaign`
 * (the campaign's id, which every row's seal is made with, so that an export can be checked from the file alone) came
 * later: exports made before them verify as EXPORT_COLUMNS_BEFORE_CAMPAIGN, given their campaign.
 */
// acknowledged_school_time, card_status and policy_opened_at were added later, then policy_version and round (issue 54): exports
// made before them do not verify with this header.
export const EXPORT_COLUMNS = [
  'name', 'upn', 'department', 'policy_version', 'policy_version_hash', 'round', 'card_status', 'acknowledged_at', 'acknowledged_school_time', 'channel',
  'policy_opened_at', 'excused_at', 'excused_by', 'entra_object_id', 'campaign', 'integrity',
] as const;
const EXPORT_COLUMNS_BEFORE_CAMPAIGN = EXPORT_COLUMNS.filter((c) => !['excused_at', 'excused_by', 'entra_object_id', 'campaign'].includes(c));

/** One person's line in the export; acknowledgedAt and channel are empty for those outstanding. */
export interface ExportRow {
  name: string;
  upn: string;
  department: string;
  /** The version as people read it ("2 (February 2023)", "published 26 November 2026"); the hash beside it is the proof. */
  version?: string;
  versionHash: string;
  /** Which round of the campaign the row is for (1 the first, 2 a new version's or the next year's). */
  round?: number;
  acknowledgedAt: string;
  channel: string;
  /** acknowledged, opened, not acknowledged (a read receipt came), not opened, not sent yet, or not reached. */
  cardStatus?: string;
  /** When they first opened this version to read (in Teams, or its document) before acknowledging; UTC. */
  readAt?: string;
  /** When an owner excused them (UTC), and the owner's Entra object id. */
  excusedAt?: string;
  excusedBy?: string;
  /** Their Entra object id. */
  userId?: string;
}

/**
 * Characters that make a spreadsheet read a cell as a formula when it starts with one (OWASP's CSV injection
 * list: = + - @, tab, carriage return and line feed), with the full-width forms some spreadsheets fold to them.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20\u2212]/;

/** A cell a spreadsheet shows as text: NUL characters removed, and a formula-like start quoted with an apostrophe. */
export function safeCell(value: string): string {
  const clean = value.replace(/\u0000/g, '');
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

/**
 * The integrity hash of a row's cells as written: HMAC-SHA256 with the school's export secret, so an edited
 * row no longer verifies; without a secret a plain sha256, which catches accidental edits only.
 */
export function rowIntegrity(cells: readonly string[], campaignId: string, secret?: string): string {
  const payload = JSON.stringify([campaignId, ...cells]);
  return secret
    ? `hmac-sha256:${createHmac('sha256', secret).update(payload).digest('hex')}`
    : `sha256:${createHash('sha256').update(payload).digest('hex')}`;
}

/** The export's header line (CRLF ended), written once before the rows. */
export function acknowledgementCsvHeader(): string {
  return stringify([[...EXPORT_COLUMNS]], { record_delimiter: '\r\n' });
}

/** Rows of the export as CSV lines (CRLF ended), each with its integrity hash: a page of a longer export. */
export function toAcknowledgementCsvRows(rows: readonly ExportRow[], campaignId: string, secret?: string): string {
  let out = '';
  for (const r of rows) {
    // acknowledged_at is UTC, as stored; the school-time column is what a person reads (SCHOOL_TIME_ZONE).
    const local = r.acknowledgedAt ? formatSchoolTimestamp(r.acknowledgedAt) : '';
    const cells = [r.name, r.upn, r.department, r.version ?? '', r.versionHash, r.round === undefined ? '' : String(r.round), r.cardStatus ?? '',
      r.acknowledgedAt, local, r.channel, r.readAt ?? '', r.excusedAt ?? '', r.excusedBy ?? '', r.userId ?? '', campaignId].map(safeCell);
    out += csvLine([...cells, rowIntegrity(cells, campaignId, secret)]);
  }
  return out;
}

/**
 * One CSV record as csv-stringify writes it by default (a cell with a comma, quote, CR or LF is quoted, quotes
 * doubled), CRLF ended; written by hand because the library's per-record cost was most of a 50,000-row export.
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\r\n`;
}

/** Writes the export as CSV with a header and an integrity hash on every row. */
export function toAcknowledgementCsv(rows: readonly ExportRow[], campaignId: string, secret?: string): string {
  return acknowledgementCsvHeader() + toAcknowledgementCsvRows(rows, campaignId, secret);
}

/** Where an export is written as it is made: a file, or a string for the command line and tests. */
export interface ExportSink {
  /** Appends text; resolves when the sink can take more. */
  write(chunk: string): Promise<void>;
}

/**
 * Which data rows (1 = first after the header) of an export fail their integrity check; [0] when the header is not an
 * export's. Each row is checked with the campaign it names (and must name `campaignId` when given); an export made before
 * rows named their campaign needs `campaignId`.
 */
export function verifyAcknowledgementCsv(csv: string, campaignId: string | undefined, secret?: string): number[] {
  const [header, ...records] = parseCsv(csv);
  const names = header?.join(',');
  const withCampaign = names === EXPORT_COLUMNS.join(',');
  if (!withCampaign && (names !== EXPORT_COLUMNS_BEFORE_CAMPAIGN.join(',') || !campaignId)) return [0];
  const columns = withCampaign ? EXPORT_COLUMNS.length : EXPORT_COLUMNS_BEFORE_CAMPAIGN.length;
  const bad: number[] = [];
  records.forEach((record, i) => {
    if (record.length !== columns) return bad.push(i + 1);
    const named = withCampaign ? record[columns - 2] : campaignId!;
    if (campaignId && named !== campaignId) return bad.push(i + 1);
    const expected = Buffer.from(rowIntegrity(record.slice(0, -1), named, secret));
    const actual = Buffer.from(record[record.length - 1]);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) bad.push(i + 1);
  });
  return bad;
}

/** RFC 4180 rows; ragged or badly quoted rows are kept (and judged by the caller), never thrown on. */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, relax_quotes: true, bom: true }) as string[][];
}
