/**
 * Rebuilds each sample policy as a school office would hold it: a Word document with a title page, a
 * document-status table, Heading 1/2/3 styles whose numbers Word generates (numbering carried by the styles),
 * numbered clauses in the same list, bullet and "(i)" lists (restarted per list with a start override), a
 * running header with the document's name and a "Page X of Y" footer; then the PDF LibreOffice exports from it.
 *
 *   node dist/scripts/makePolicyDocuments.js [outDir]      (default tests/fixtures/documents)
 *
 * Needs LibreOffice for the PDFs (Debian: libreoffice-writer-nogui); without it only the .docx files are made.
 * The generated files are committed, so the tests never need LibreOffice.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { parsePolicyText } from '../src/features/policy/ingest/parsePolicy';
import { PolicyDocument, PolicySection } from '../src/features/policy/policyDocument';
import { Block } from '../src/features/policy/ingest/policyBlocks';
import { readTextPolicy } from '../src/features/policy/ingest/textPolicyReader';
import { isMetadataRow } from '../src/features/policy/ingest/assemblePolicy';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const run = (text: string): string => `<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;

interface Para { style?: string; numId?: number; ilvl?: number; text: string; pageBreakBefore?: boolean }

function paragraph(p: Para): string {
  const numPr = p.numId !== undefined ? `<w:numPr><w:ilvl w:val="${p.ilvl ?? 0}"/><w:numId w:val="${p.numId}"/></w:numPr>` : '';
  const pPr = p.style || numPr || p.pageBreakBefore
    ? `<w:pPr>${p.style ? `<w:pStyle w:val="${p.style}"/>` : ''}${p.pageBreakBefore ? '<w:pageBreakBefore/>' : ''}${numPr}</w:pPr>` : '';
  return `<w:p>${pPr}${run(p.text)}</w:p>`;
}

function table(rows: string[][]): string {
  const border = '<w:tblBorders>' + ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((b) => `<w:${b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`).join('') + '</w:tblBorders>';
  const columns = Math.max(...rows.map((r) => r.length));
  const width = Math.floor(9000 / columns);
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>${border}</w:tblPr><w:tblGrid>${`<w:gridCol w:w="${width}"/>`.repeat(columns)}</w:tblGrid>`
    + rows.map((cells) => `<w:tr>${cells.map((c, i) => {
      // A short row's last cell spans the columns left, as merged cells do in a status table.
      const span = i === cells.length - 1 && cells.length < columns ? columns - cells.length + 1 : 1;
      return `<w:tc><w:tcPr><w:tcW w:w="${width * span}" w:type="dxa"/>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ''}</w:tcPr>${paragraph({ text: c })}</w:tc>`;
    }).join('')}</w:tr>`).join('')
    + '</w:tbl>';
}

/** The body of the document: title page, status table, then the sections as Word would hold them. */
function documentBody(doc: PolicyDocument, frontMatter: Block[], numbering: { nextRomanList(): number }): string {
  const out: string[] = [];
  let rows: string[][] = [];
  const flushTable = (): void => {
    if (rows.length > 0) out.push(table(rows));
    rows = [];
  };
  // The title page as the text export shows it: the title in the Title style, status rows as a real table.
  for (const block of frontMatter) {
    if (block.kind === 'table') { rows.push(block.cells); continue; }
    flushTable();
    const text = block.kind === 'heading' ? [block.number, block.text].filter(Boolean).join(' ') : block.text;
    out.push(paragraph({ style: text === doc.title ? 'Title' : undefined, text }));
  }
  flushTable();
  // Word's own counters for the heading list, so a typed number is used only where Word would show another.
  const counters: number[] = [];
  let first = true;
  for (const section of doc.sections) {
    out.push(...sectionParagraphs(doc, section, counters, first, numbering));
    first = false;
  }
  return out.join('');
}

function sectionParagraphs(doc: PolicyDocument, section: PolicySection, counters: number[], first: boolean, numbering: { nextRomanList(): number }): string[] {
  const out: string[] = [];
  const level = Math.min(3, section.level);
  const parent = section.parent !== null ? doc.sections.find((s) => s.ordinal === section.parent) : undefined;
  const isClause = section.number !== null && section.number.includes('.') && parent !== undefined && section.title === parent.title;
  let bodyLines = section.text.split('\n');
  // A lead-in the author made a heading ("Individuals should:") is the heading as written; the reader keeps it as
  // the first line of the section's text too.
  const firstLine = bodyLines.find((l) => l.trim() !== '')?.trim();
  const isLeadIn = firstLine !== undefined && /:-?$/.test(firstLine) && firstLine.replace(/\s*:-?$/, '').toLowerCase() === section.title.toLowerCase();
  if (isLeadIn) bodyLines = bodyLines.slice(bodyLines.findIndex((l) => l.trim() !== '') + 1);
  const title = isLeadIn ? firstLine : section.title;
  if (section.number !== null) {
    const parts = section.number.split('.').map(Number);
    const expected = [...counters.slice(0, parts.length - 1), (counters[parts.length - 1] ?? 0) + 1];
    const wordWouldShow = parts.length === level && expected.join('.') === parts.join('.');
    if (wordWouldShow) {
      counters.length = parts.length;
      counters[parts.length - 1] = parts[parts.length - 1];
      if (isClause) {
        // A numbered clause: a body paragraph numbered by the heading list's second level, its text the clause.
        const clause = bodyLines.find((l) => l.trim() !== '') ?? '';
        bodyLines = bodyLines.slice(bodyLines.indexOf(clause) + 1);
        out.push(paragraph({ style: 'ListParagraph', numId: 1, ilvl: parts.length - 1, text: clause.trim() }));
      } else {
        out.push(paragraph({ style: `Heading${level}`, text: title, pageBreakBefore: first }));
      }
    } else {
      // Typed by hand, as offices do when the numbering went wrong: the style's numbering is switched off.
      out.push(paragraph({ style: `Heading${level}`, numId: 0, text: `${section.number}${section.number.includes('.') ? '' : '.'} ${title}`, pageBreakBefore: first }));
    }
  } else {
    out.push(paragraph({ style: `Heading${level}`, numId: 0, text: title, pageBreakBefore: first }));
  }
  let romanList: number | null = null;
  for (const raw of bodyLines) {
    if (raw.trim() === '') { romanList = null; continue; }
    const bullet = /^(\s*)- (.*)$/.exec(raw);
    const roman = /^\((i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)\)\s+(.*)$/.exec(raw.trim());
    if (bullet) {
      out.push(paragraph({ style: 'ListParagraph', numId: 2, ilvl: Math.min(2, Math.floor(bullet[1].length / 2)), text: bullet[2] }));
      romanList = null;
    } else if (roman) {
      romanList ??= numbering.nextRomanList();
      out.push(paragraph({ style: 'ListParagraph', numId: romanList, ilvl: 0, text: roman[2] }));
    } else {
      out.push(paragraph({ text: raw.trim() }));
      romanList = null;
    }
  }
  return out;
}

function stylesXml(): string {
  const heading = (n: number) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>`
    + `<w:pPr><w:keepNext/><w:spacing w:before="${360 - n * 60}" w:after="120"/><w:outlineLvl w:val="${n - 1}"/><w:numPr><w:ilvl w:val="${n - 1}"/><w:numId w:val="1"/></w:numPr></w:pPr>`
    + `<w:rPr><w:b/><w:sz w:val="${36 - n * 4}"/></w:rPr></w:style>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W}">`
    + '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Liberation Sans" w:hAnsi="Liberation Sans"/><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>'
    + '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:spacing w:after="120"/></w:pPr></w:style>'
    + '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="480"/></w:pPr><w:rPr><w:b/><w:sz w:val="44"/></w:rPr></w:style>'
    + [1, 2, 3].map(heading).join('')
    + '<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr></w:style>'
    + '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/></w:style>'
    + '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/></w:style>'
    + '</w:styles>';
}

function numberingXml(romanLists: number): string {
  const lvl = (i: number, fmt: string, text: string, indent: number) =>
    `<w:lvl w:ilvl="${i}"><w:start w:val="1"/><w:numFmt w:val="${fmt}"/><w:lvlText w:val="${text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="${indent}" w:hanging="${indent > 0 ? 432 : 0}"/></w:pPr></w:lvl>`;
  const headings = `<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>${lvl(0, 'decimal', '%1.', 432)}${lvl(1, 'decimal', '%1.%2', 576)}${lvl(2, 'decimal', '%1.%2.%3', 720)}</w:abstractNum>`;
  const bullets = `<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>${lvl(0, 'bullet', '\u2022', 720)}${lvl(1, 'bullet', 'o', 1440)}${lvl(2, 'bullet', '\u25aa', 2160)}</w:abstractNum>`;
  const roman = `<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="singleLevel"/>${lvl(0, 'lowerRoman', '(%1)', 720)}</w:abstractNum>`;
  const nums = '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    + Array.from({ length: romanLists }, (_v, i) => `<w:num w:numId="${3 + i}"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="${W}">${headings}${bullets}${roman}${nums}</w:numbering>`;
}

const field = (code: string, shown: string) =>
  `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> ${code} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>${run(shown)}<w:r><w:fldChar w:fldCharType="end"/></w:r>`;

/** Builds the .docx of one policy. */
export async function buildPolicyDocx(doc: PolicyDocument, frontMatter: Block[], historyRows: string[][] = []): Promise<Buffer> {
  let romanLists = 0;
  const body = documentBody(doc, frontMatter, { nextRomanList: () => 3 + romanLists++ }) + (historyRows.length > 0 ? table(historyRows) : '');
  const sectPr = `<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/>`
    + '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1300" w:bottom="1440" w:left="1300" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>';
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    + '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    + '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    + '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    + '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    + '</Types>');
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file('word/_rels/document.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    + '<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    + '<Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    + '<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>');
  zip.file('word/styles.xml', stylesXml());
  zip.file('word/numbering.xml', numberingXml(romanLists));
  zip.file('word/header1.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="${W}"><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="right"/></w:pPr>${run(doc.metadata.organisation ?? doc.title)}</w:p></w:hdr>`);
  zip.file('word/footer1.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="${W}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>`
    + `${run('Page ')}${field('PAGE', '1')}${run(' of ')}${field('NUMPAGES', '1')}</w:p></w:ftr>`);
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}" xmlns:r="${R}"><w:body>${body}${sectPr}</w:body></w:document>`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Builds the .docx of a policy from its text export (front matter, sections, and status rows kept as tables). */
export async function policyDocxFromText(text: string, fileName: string): Promise<Buffer> {
  const doc = parsePolicyText(text, fileName);
  const split = readTextPolicy(text);
  // Status and history rows further down the text export go in a table at the end, as a school's history table.
  const history = split.body.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table' && isMetadataRow(b.cells));
  return buildPolicyDocx(doc, split.frontMatter, history.map((b) => b.cells));
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'tests', 'fixtures', 'documents'));
  const samples = path.join(root, 'samples', 'policies');
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of fs.readdirSync(samples).filter((f) => f.endsWith('.txt')).sort()) {
    const docx = path.join(outDir, file.replace(/\.txt$/, '.docx'));
    fs.writeFileSync(docx, await policyDocxFromText(fs.readFileSync(path.join(samples, file), 'utf8'), file));
    console.log(`wrote ${path.relative(root, docx)}`);
  }
  try {
    const docs = fs.readdirSync(outDir).filter((f) => f.endsWith('.docx')).map((f) => path.join(outDir, f));
    execFileSync('soffice', ['--headless', '--norestore', '--convert-to', 'pdf', '--outdir', outDir, ...docs], { stdio: 'inherit', timeout: 300_000 });
  } catch (err) {
    console.error(`PDFs not made (LibreOffice: ${(err as Error).message.split('\n')[0]}); install libreoffice-writer-nogui`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
