import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { frontPageSection } from '../../../../src/features/policy/answer/policyIndex';
import { readDocxText } from '../../../../src/features/policy/ingest/docxReader';
import { loadPolicyFile } from '../../../../src/features/policy/ingest/loadPolicyFile';
import { PolicyDocument } from '../../../../src/features/policy/policyDocument';
import { REPO_ROOT } from '../../../support/repoRoot';

/**
 * The five sample policies rebuilt as a school office holds them (scripts/makePolicyDocuments.ts: Word with
 * generated heading and clause numbers, a status table, header and "Page X of Y" footer; and LibreOffice's PDF
 * of it, committed in tests/fixtures/documents) read exactly as their text exports do.
 */
const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'documents');
const SAMPLES = path.join(REPO_ROOT, 'samples', 'policies');
const POLICIES = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, '')).sort();
const TODAY = new Date('2026-01-15T12:00:00Z');

const outline = (doc: PolicyDocument) => doc.sections.map((s) => ({ number: s.number, title: s.title, level: s.level, parent: s.parent }));
const facts = (doc: PolicyDocument) => {
  const { contentHash: _hash, ...rest } = doc.metadata;
  return { ...rest, documentTitle: doc.title };
};

describe.each(POLICIES)('%s as Word and as PDF', (policy) => {
  let text: PolicyDocument;
  beforeAll(async () => {
    text = await loadPolicyFile(path.join(SAMPLES, `${policy}.txt`), TODAY);
  });

  // That every evaluation question is answered from them as from the .txt: wordAndPdfAnswers.component.test.ts.
  it.each(['docx', 'pdf'])('when the .%s is loaded, then its sections, front page, front-page facts and text are those of the .txt', async (ext) => {
    const doc = await loadPolicyFile(path.join(FIXTURES, `${policy}.${ext}`), TODAY);
    expect(outline(doc)).toEqual(outline(text));
    expect(facts(doc)).toEqual(facts(text));
    expect(doc.sections.map((s) => s.text)).toEqual(text.sections.map((s) => s.text));
    // The front page too, table cells that wrap onto a second line included ("J Grayson / O" over "Benzie").
    expect(frontPageSection(doc).text).toEqual(frontPageSection(text).text);
  });
});

describe('Word numbering as Word shows it', () => {
  it('when headings and clauses are numbered by the list their style carries, then the numbers are the ones Word generates', async () => {
    const word = await readDocxText(fs.readFileSync(path.join(FIXTURES, 'lancashire-model.docx')));
    const lines = word.text.split('\n').map((l) => l.replace(/^\uE000\d/, ''));
    // No number is typed in this document: every one below comes from numbering.xml.
    expect(word.numberedByWord).toBeGreaterThan(10);
    expect(lines).toEqual(expect.arrayContaining(['1. Purpose', '3. Background']));
    expect(lines.some((l) => l.startsWith('3.1 The use of social networking'))).toBe(true);
    expect(lines.some((l) => l.startsWith('4.1 Employees who choose'))).toBe(true);
  });

  it('when lists restart, override their start, use roman numerals or letters, and a number is typed by hand, then each reads as in Word', async () => {
    const docx = await wordDocument([
      { style: 'Heading1', text: 'Introduction' },
      { text: 'This policy applies to all staff, governors and volunteers who work with pupils at the school.' },
      { style: 'Heading1', text: 'Using social media' },
      { numId: 3, text: 'Keep personal accounts private.' },
      { numId: 3, text: 'Never accept pupils as friends.' },
      { style: 'Heading2', text: 'Photographs' },
      { numId: 4, text: 'Only on the school account.' },
      { numId: 4, text: 'Only with consent.' },
      { numId: 5, ilvl: 0, text: 'Letters first.' },
      { numId: 5, ilvl: 0, text: 'Letters second.' },
      { style: 'Heading1', text: 'Reporting concerns' },
      { text: '3.1 Tell the designated safeguarding lead on the same day, and keep a record of what you saw.' },
      { text: '3.2 Do not investigate yourself.' },
    ]);
    const lines = (await readDocxText(docx)).text.split('\n').filter((l) => l.trim()).map((l) => l.replace(/^\uE000\d/, ''));
    expect(lines).toEqual([
      '1. Introduction',
      'This policy applies to all staff, governors and volunteers who work with pupils at the school.',
      '2. Using social media',
      '(i) Keep personal accounts private.',
      '(ii) Never accept pupils as friends.',
      '2.1 Photographs',
      // Same abstract list, a new instance with a start override: a fresh "(i)".
      '(i) Only on the school account.',
      '(ii) Only with consent.',
      'a) Letters first.',
      'b) Letters second.',
      '3. Reporting concerns',
      '3.1 Tell the designated safeguarding lead on the same day, and keep a record of what you saw.',
      '3.2 Do not investigate yourself.',
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'word-')), 'numbered.docx');
    fs.writeFileSync(file, docx);
    const doc = await loadPolicyFile(file, TODAY);
    // Typed clause numbers continue the generated ones, so they are sections too.
    expect(doc.sections.map((s) => s.number)).toEqual(['1', '2', '2.1', '3', '3.1', '3.2']);
    expect(doc.sections.find((s) => s.number === '2.1')?.title).toBe('Photographs');
  });
});

describe('saying what looks wrong', () => {
  it('when a Word file was converted carelessly, then the title from the file name, empty sections, no review date and page furniture are each warned about', async () => {
    const docx = await wordDocument([
      { style: 'Heading1', text: 'Introduction' },
      { style: 'Heading1', text: 'Scope' },
      { style: 'Heading1', text: 'Photographs' },
      { text: 'Only post photographs of pupils on the school account, with consent from their parents.' },
      { text: 'Page 2 of 5' },
      { style: 'Heading1', text: 'Reporting' },
      { text: 'Tell the designated safeguarding lead on the same day.' },
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'word-')), 'scan0042.docx');
    fs.writeFileSync(file, docx);
    const doc = await loadPolicyFile(file, TODAY);
    expect(doc.title).toBe('scan0042');
    expect(doc.warnings.map((w) => w.code)).toEqual(['TITLE_FROM_FILE_NAME', 'EMPTY_SECTIONS', 'NO_REVIEW_DATE', 'PAGE_FURNITURE']);
    expect(doc.warnings.find((w) => w.code === 'EMPTY_SECTIONS')?.message).toMatch(/2 sections have no text \(section 1, section 2\)/);
    expect(doc.warnings.find((w) => w.code === 'PAGE_FURNITURE')?.message).toContain('section 3');
  });

  it('when a text export has no numbered or styled headings, then it is warned that sections were recognised from how lines look', async () => {
    const doc = await loadPolicyFile(path.join(SAMPLES, 'lowerhouse-junior.txt'), TODAY);
    expect(doc.warnings.map((w) => w.code)).toContain('NO_HEADINGS');
    const numbered = await loadPolicyFile(path.join(SAMPLES, 'liverpool-model.txt'), TODAY);
    expect(numbered.warnings).toEqual([]);
  });
});

describe('PDF files', () => {
  it('when a PDF has running headers and "Page X of Y" footers, then none of them is in any section or taken for a heading', async () => {
    const doc = await loadPolicyFile(path.join(FIXTURES, 'liverpool-model.pdf'), TODAY);
    const all = doc.sections.map((s) => `${s.title}\n${s.text}`).join('\n');
    expect(all).not.toMatch(/Page \d+ of \d+/);
    expect(doc.sections.filter((s) => /Liverpool City Council/.test(s.title))).toEqual([]);
  });

  it('when a PDF has no text layer (a scan), then loading says so plainly', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-')), 'scanned.pdf');
    fs.writeFileSync(file, pdfWithoutText());
    await expect(loadPolicyFile(file, TODAY)).rejects.toMatchObject({ code: 'POLICY_NO_TEXT', message: expect.stringMatching(/no text layer.*scan/) });
  });
});

/** A one-page PDF whose page holds only a drawn rectangle: what a scanner without OCR produces, minus the image. */
function pdfWithoutText(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>',
  ];
  const stream = '0 0 0 rg 50 50 100 100 re f';
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => { offsets.push(pdf.length); pdf += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  offsets.push(pdf.length);
  pdf += `4 0 obj\n<< /Length ${stream.length} >>\nstream\n${stream}\nendstream\nendobj\n`;
  const xref = pdf.length;
  pdf += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A small Word document: heading styles numbered by list 1, a roman list (2) used by two instances, a letter list. */
async function wordDocument(paragraphs: { style?: string; numId?: number; ilvl?: number; text: string }[]): Promise<Buffer> {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const body = paragraphs.map((p) => {
    const numPr = p.numId !== undefined ? `<w:numPr><w:ilvl w:val="${p.ilvl ?? 0}"/><w:numId w:val="${p.numId}"/></w:numPr>` : '';
    return `<w:p><w:pPr>${p.style ? `<w:pStyle w:val="${p.style}"/>` : ''}${numPr}</w:pPr><w:r><w:t xml:space="preserve">${esc(p.text)}</w:t></w:r></w:p>`;
  }).join('');
  const lvl = (i: number, fmt: string, text: string) => `<w:lvl w:ilvl="${i}"><w:start w:val="1"/><w:numFmt w:val="${fmt}"/><w:lvlText w:val="${text}"/></w:lvl>`;
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>');
  zip.file('word/document.xml', `<?xml version="1.0"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`);
  zip.file('word/styles.xml', `<?xml version="1.0"?><w:styles xmlns:w="${W}"><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>`
    + [1, 2].map((n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:ilvl w:val="${n - 1}"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>`).join('')
    + '</w:styles>');
  zip.file('word/numbering.xml', `<?xml version="1.0"?><w:numbering xmlns:w="${W}">`
    + `<w:abstractNum w:abstractNumId="0">${lvl(0, 'decimal', '%1.')}${lvl(1, 'decimal', '%1.%2')}</w:abstractNum>`
    + `<w:abstractNum w:abstractNumId="1">${lvl(0, 'lowerRoman', '(%1)')}</w:abstractNum>`
    + `<w:abstractNum w:abstractNumId="2">${lvl(0, 'lowerLetter', '%1)')}</w:abstractNum>`
    + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    + '<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>'
    + '<w:num w:numId="4"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    + '<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>'
    + '</w:numbering>');
  return zip.generateAsync({ type: 'nodebuffer' });
}
