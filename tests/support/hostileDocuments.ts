import zlib from 'node:zlib';
import JSZip from 'jszip';

/**
 * The hostile policy documents of security issue 40, made on the spot (tests use small counts, bench/hostileDocuments.ts
 * the issue's own): each is a few hundred KB or a few MB on the wire and asks the reader for far more work or memory.
 */

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
  + '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
  + 'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

/** A Word package whose document.xml is `body` inside <w:body>, deflated as Word does. */
async function docxWithBody(body: Buffer | string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', CONTENT_TYPES);
  const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>`);
  zip.file('word/document.xml', Buffer.concat([head, Buffer.isBuffer(body) ? body : Buffer.from(body), Buffer.from('</w:body></w:document>')]));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** A .docx of `paragraphs` empty paragraphs (40 million make the 350 KB file) after one real one. */
export function emptyParagraphsDocx(paragraphs: number): Promise<Buffer> {
  return docxWithBody(Buffer.concat([Buffer.from('<w:p><w:r><w:t>Social Media Policy</w:t></w:r></w:p>'), Buffer.alloc(6 * paragraphs, '<w:p/>')]));
}

/** A small, ordinary .docx whose central directory declares document.xml's unpacked size as `declared` bytes. */
export async function declaredSizeDocx(declared: number): Promise<Buffer> {
  const zip = await docxWithBody('<w:p><w:r><w:t>1. Introduction</w:t></w:r></w:p><w:p><w:r><w:t>Staff must not befriend pupils.</w:t></w:r></w:p>');
  const out = Buffer.from(zip);
  // Central directory headers (PK\1\2): the uncompressed size is at offset 24, the name length at 28, the name at 46.
  for (let at = out.indexOf('PK\u0001\u0002'); at >= 0; at = out.indexOf('PK\u0001\u0002', at + 4)) {
    const name = out.subarray(at + 46, at + 46 + out.readUInt16LE(at + 28)).toString('latin1');
    if (name === 'word/document.xml') out.writeUInt32LE(declared, at + 24);
  }
  return out;
}

/** A PDF made of the given object bodies (object 1 is the catalog), with a correct cross-reference table. */
export function pdfFromObjects(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n')]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
const stream = (data: Buffer, dict = ''): Buffer => Buffer.concat([Buffer.from(`<< /Length ${data.length}${dict} >>\nstream\n`), data, Buffer.from('\nendstream')]);

/** A PDF of `pages` pages (the had 120,000), each a few bytes: every page shows the same line of text. */
export function manyPagesPdf(pages: number): Buffer {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 5} 0 R`).join(' ');
  const leaves = Array.from({ length: pages }, () => '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>');
  return pdfFromObjects([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> >>`,
    FONT,
    stream(Buffer.from('BT /F1 12 Tf 72 720 Td (Staff must not befriend pupils on social media.) Tj ET')),
    ...leaves,
  ]);
}

/** Deflates `bytes` zeros a megabyte at a time (1.5 GB makes the 1.5 MB file), never holding them all. */
function deflatedZeros(bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const deflate = zlib.createDeflate({ level: 9 });
    const out: Buffer[] = [];
    deflate.on('data', (c: Buffer) => out.push(c));
    deflate.on('end', () => resolve(Buffer.concat(out)));
    deflate.on('error', reject);
    const chunk = Buffer.alloc(1 << 20);
    let left = bytes;
    const write = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!deflate.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { deflate.once('drain', write); return; }
      }
      deflate.end();
    };
    write();
  });
}

/** A one-page PDF whose page content is one Flate stream that unpacks to `bytes` bytes. */
export async function hugeStreamPdf(bytes: number): Promise<Buffer> {
  return pdfFromObjects([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> >>',
    FONT,
    stream(await deflatedZeros(bytes), ' /Filter /FlateDecode'),
    '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>',
  ]);
}

/** A text policy followed by `lines` lines of `dots` full stops (ten lines of 4,000: the 40 KB file). */
export function dotLinesText(lines: number, dots: number): string {
  return ['Social Media Policy', '', '1. Introduction', '', 'Staff must not befriend pupils on social media.', '', ...Array.from({ length: lines }, () => '.'.repeat(dots)), ''].join('\n');
}
