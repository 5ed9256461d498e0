import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  acknowledgementCsvHeader, csvLine, EXPORT_COLUMNS, rowIntegrity, toAcknowledgementCsv, toAcknowledgementCsvRows, verifyAcknowledgementCsv,
} from '../../../../src/features/acknowledgement/domain/acknowledgementExport';

describe('acknowledgement export CSV', () => {
  it('when cells carry commas, quotes or nothing, then each line is what csv-stringify would write', () => {
    const cells = ['plain', 'a, b', 'say "hi"', '', ' spaced ', "'=1+1", 'ünïcödé', '\t'];
    expect(csvLine(cells)).toBe(stringify([cells], { record_delimiter: '\r\n' }));
  });

  it('when a cell holds a lone line break, then it is quoted and reads back as one cell (csv-stringify left it bare)', () => {
    const cells = ['two\nlines', 'cr\rhere', 'x'];
    expect(parse(csvLine(cells))).toEqual([cells]);
  });

  it('when the export is written in pages, then the pages joined are the whole export and every row verifies', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({
      name: i === 3 ? 'Smith, "Jo"' : `Person ${i}`, upn: `p${i}@school.example`, department: i % 2 ? 'Maths' : '=cmd',
      versionHash: 'h', acknowledgedAt: i % 3 === 0 ? '2026-09-02T08:00:00.000Z' : '', channel: i % 3 === 0 ? 'teams' : '',
      cardStatus: i % 3 === 0 ? 'acknowledged' : 'opened, not acknowledged',
    }));
    const paged = acknowledgementCsvHeader() + toAcknowledgementCsvRows(rows.slice(0, 4), 'c1', 's') + toAcknowledgementCsvRows(rows.slice(4), 'c1', 's');
    expect(paged).toBe(toAcknowledgementCsv(rows, 'c1', 's'));
    expect(verifyAcknowledgementCsv(paged, 'c1', 's')).toEqual([]);
    expect(toAcknowledgementCsvRows([], 'c1', 's')).toBe('');
  });

  it('when each row names its campaign, then the file alone verifies; a row from another campaign, or one whose campaign was changed, does not', () => {
    const row = { name: 'Person', upn: 'p@school.example', department: 'Maths', versionHash: 'h', acknowledgedAt: '', channel: '', cardStatus: 'not opened' };
    const csv = acknowledgementCsvHeader() + toAcknowledgementCsvRows([row], 'c1', 's') + toAcknowledgementCsvRows([row], 'c2', 's');
    expect(verifyAcknowledgementCsv(csv, undefined, 's')).toEqual([]);
    expect(verifyAcknowledgementCsv(csv, 'c1', 's')).toEqual([2]);
    expect(verifyAcknowledgementCsv(csv.replace(',c2,', ',c1,'), undefined, 's')).toEqual([2]);
  });

  it('when an export was made before rows named their campaign, then it verifies given its campaign, and not without it', () => {
    const before = ['name', 'upn', 'department', 'policy_version', 'policy_version_hash', 'round', 'card_status', 'acknowledged_at', 'acknowledged_school_time', 'channel', 'policy_opened_at', 'integrity'];
    expect(EXPORT_COLUMNS.filter((c) => before.includes(c))).toEqual(before);
    const cells = ['Person', 'p@school.example', 'Maths', '', 'h', '1', 'acknowledged', '2026-09-02T08:00:00.000Z', '2 Sep 2026, 09:00', 'teams', ''];
    const csv = csvLine(before) + csvLine([...cells, rowIntegrity(cells, 'c1', 's')]);
    expect(verifyAcknowledgementCsv(csv, 'c1', 's')).toEqual([]);
    expect(verifyAcknowledgementCsv(csv, undefined, 's')).toEqual([0]);
    expect(verifyAcknowledgementCsv(csv, 'c9', 's')).toEqual([1]);
  });
});
