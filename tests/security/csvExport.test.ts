import { parse } from 'csv-parse/sync';
import { toAcknowledgementCsv, verifyAcknowledgementCsv } from '../../src/features/acknowledgement/domain/acknowledgementExport';

/** Names as a hostile directory entry could carry them (OWASP's CSV injection list, and full-width forms). */
const HOSTILE_NAMES = [
  '=HYPERLINK("http://evil","click")', '+1+1', '-2+3', '@SUM(A1)', '\t=1+1', '\r=1+1', '\n=1+1', ' =1+1',
  '\uFF1D1+1', '\uFF0B1', '\uFF0D1', '\uFF20SUM(A1)', '\u3000=1+1', '\u0000=1+1', '=\u0000cmd',
];

describe('the acknowledgement CSV export', () => {
  const csv = toAcknowledgementCsv(HOSTILE_NAMES.map((name, i) => ({
    name, upn: `${name}@school.example`, department: name, versionHash: 'abc', acknowledgedAt: '', channel: '',
  })), 'c1', 'secret');
  const rows = (parse(csv, { relax_column_count: true }) as string[][]).slice(1);

  it.each(HOSTILE_NAMES.map((n, i) => [JSON.stringify(n), i]))('when a name is %s, then no cell a spreadsheet reads can start a formula', (_label, i) => {
    for (const cell of rows[i as number].slice(0, 3)) {
      expect(cell).not.toMatch(/^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/);
      expect(cell).not.toContain('\u0000');
      expect(cell.startsWith("'")).toBe(true);
    }
  });

  it('when the neutralised export is checked, then every row still verifies', () => {
    expect(rows.length).toBe(HOSTILE_NAMES.length);
    expect(verifyAcknowledgementCsv(csv, 'c1', 'secret')).toEqual([]);
  });

  it('when a name is ordinary, then it is written as it is', () => {
    const plain = toAcknowledgementCsv([{ name: "Siobhan O'Neill-Jones", upn: 's@x', department: 'Year 6', versionHash: 'h', acknowledgedAt: '', channel: '' }], 'c1');
    expect(parse(plain)[1][0]).toBe("Siobhan O'Neill-Jones");
  });
});
