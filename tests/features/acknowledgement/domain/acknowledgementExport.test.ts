import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  acknowledgementCsvHeader, csvLine, toAcknowledgementCsv, toAcknowledgementCsvRows, verifyAcknowledgementCsv,
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
});
