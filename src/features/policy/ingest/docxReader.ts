import { DocumentNumbering, readNumbering } from './wordNumbering';
import { assertElementCount, attr, children, first, parseXml, XmlDocument, XmlNode } from './wordXml';
import { readZipDirectory, readZipEntry, ZipEntry, ZipFormatError } from './zipArchive';
import { STYLED_HEADING_MARK } from './textPolicyReader';

/** What the Word reader found: the document as a person sees it, as lines, and what it could not trust. */
export interface DocxText {
  /** Lines in reading order; styled headings carry STYLED_HEADING_MARK and their outline level first. */
  text: string;
  /** Paragraphs in heading styles (Heading 1-9, or styles with an outline level). */
  styledHeadings: number;
  /** Headings and clauses whose number Word generates from its numbering definitions. */
  numberedByWord: number;
}

/** The Word document is damaged or not a Word document. */
export class DocxFormatError extends Error {}

interface StyleInfo {
  name: string;
  basedOn?: string;
  outlineLevel?: number;
  numId?: string;
  ilvl?: number;
}

/**
 * Reads a .docx as Word shows it: numbers generated from numbering.xml (list numbering on headings and on
 * clauses, inherited from styles, with restarts and overrides) are written out as text; tables become rows
 * of tab-separated cells; running headers and footers (separate parts) are left out; bullets keep their depth.
 */
export async function readDocxText(buffer: Buffer): Promise<DocxText> {
  // Sizes and counts are checked from the package's directory and each part's text before anything is parsed.
  let parts: Map<string, ZipEntry>;
  try {
    parts = new Map(readZipDirectory(buffer).map((e) => [e.name, e]));
  } catch (err) {
    if (err instanceof ZipFormatError) throw new DocxFormatError('the file is not a Word document (it is not a .docx package)');
    throw err;
  }
  const part = (name: string): XmlDocument | undefined => {
    const entry = parts.get(name);
    if (!entry) return undefined;
    let xml: string;
    try {
      xml = readZipEntry(buffer, entry).toString('utf8');
    } catch (err) {
      if (err instanceof ZipFormatError) throw new DocxFormatError(`the Word document is damaged (${err.message})`);
      throw err;
    }
    assertElementCount(xml, name);
    return parseXml(xml);
  };
  const document = part('word/document.xml');
  const body = document ? first(document.documentElement, 'body') : undefined;
  if (!body) throw new DocxFormatError('the Word document has no body (word/document.xml is missing or damaged)');
  const styles = readStyles(part('word/styles.xml'));
  const numbering = readNumbering(part('word/numbering.xml'));
  const lines: string[] = [];
  const counts = { styledHeadings: 0, numberedByWord: 0 };
  for (const block of blockXmlNodes(body)) {
    if (block.localName === 'tbl') lines.push(...tableRows(block), '');
    else lines.push(...paragraphLines(block, styles, numbering, counts));
  }
  return { text: lines.join('\n'), ...counts };
}

/** Paragraphs and tables of the body in reading order, looking inside content controls (a contents field). */
function blockXmlNodes(parent: XmlNode): XmlNode[] {
  const out: XmlNode[] = [];
  for (const child of children(parent)) {
    if (child.localName === 'p' || child.localName === 'tbl') out.push(child);
    else if (child.localName === 'sdt') {
      const content = first(child, 'sdtContent');
      if (content) out.push(...blockXmlNodes(content));
    }
  }
  return out;
}

function paragraphLines(p: XmlNode, styles: Map<string, StyleInfo>, numbering: DocumentNumbering, counts: { styledHeadings: number; numberedByWord: number }): string[] {
  const pPr = first(p, 'pPr');
  const styleId = attr(first(pPr, 'pStyle'), 'val') ?? 'Normal';
  const style = resolveStyle(styles, styleId);
  const isToc = /^toc/i.test(style.name) || /^TOC/.test(styleId);
  const text = runText(p, isToc).replace(/[ \u00a0]+/g, ' ').trim();
  const numPr = first(pPr, 'numPr');
  const numId = attr(first(numPr, 'numId'), 'val') ?? style.numId;
  const ilvl = Number(attr(first(numPr, 'ilvl'), 'val') ?? style.ilvl ?? 0);
  const outline = attr(first(pPr, 'outlineLvl'), 'val');
  const headingLevel = outline !== undefined && Number(outline) < 9 ? Number(outline) + 1 : style.outlineLevel;
  const label = numId && numId !== '0' && text !== '' ? numbering.next(numId, ilvl) : null;
  if (text === '') return [''];
  if (label?.bullet) return [`${'  '.repeat(ilvl)}- ${text}`];
  const line = label ? `${label.text} ${text}` : text;
  if (headingLevel !== undefined && !/^title$/i.test(style.name)) {
    counts.styledHeadings++;
    if (label) counts.numberedByWord++;
    return ['', `${STYLED_HEADING_MARK}${Math.min(9, headingLevel)}${line}`];
  }
  if (label && /^\d+(\.\d+)*\.?$/.test(label.text)) counts.numberedByWord++;
  // Paragraphs are set apart by spacing in Word, as by a blank line in a text export.
  return [line, ''];
}

/** The text of a paragraph's runs, in order: fields' results are kept, their codes and deleted text are not. */
function runText(node: XmlNode, keepTabs: boolean): string {
  let out = '';
  for (const child of children(node)) {
    switch (child.localName) {
      case 't': out += child.textContent ?? ''; break;
      case 'tab': out += keepTabs ? '\t' : ' '; break;
      case 'br': case 'cr': out += ' '; break;
      case 'noBreakHyphen': out += '-'; break;
      case 'del': case 'instrText': case 'delText': case 'pPr': case 'rPr': case 'footnoteReference': break;
      default: out += runText(child, keepTabs);
    }
  }
  return out;
}

/** A table's rows as tab-separated cells (a document-status table keeps each label beside its value). */
function tableRows(tbl: XmlNode): string[] {
  return children(tbl).filter((c) => c.localName === 'tr').map((tr) => children(tr)
    .filter((c) => c.localName === 'tc')
    .map((tc) => children(tc).filter((c) => c.localName === 'p').map((p) => runText(p, false).replace(/\s+/g, ' ').trim()).filter(Boolean).join(' '))
    .join('\t') + '\t');
}

function readStyles(doc: XmlDocument | undefined): Map<string, StyleInfo> {
  const styles = new Map<string, StyleInfo>();
  if (!doc) return styles;
  for (const s of children(doc.documentElement).filter((c) => c.localName === 'style')) {
    const id = attr(s, 'styleId');
    if (!id) continue;
    const name = attr(first(s, 'name'), 'val') ?? id;
    const pPr = first(s, 'pPr');
    const outline = attr(first(pPr, 'outlineLvl'), 'val');
    const heading = /^heading\s*([1-9])$/i.exec(name);
    const numPr = first(pPr, 'numPr');
    styles.set(id, {
      name,
      basedOn: attr(first(s, 'basedOn'), 'val'),
      outlineLevel: heading ? Number(heading[1]) : outline !== undefined && Number(outline) < 9 ? Number(outline) + 1 : undefined,
      numId: attr(first(numPr, 'numId'), 'val'),
      ilvl: attr(first(numPr, 'ilvl'), 'val') !== undefined ? Number(attr(first(numPr, 'ilvl'), 'val')) : undefined,
    });
  }
  return styles;
}

/** A style with what it inherits from the styles it is based on (numbering, outline level). */
function resolveStyle(styles: Map<string, StyleInfo>, id: string): StyleInfo {
  const own = styles.get(id) ?? { name: id };
  let merged: StyleInfo = { ...own };
  const seen = new Set([id]);
  let parent = own.basedOn;
  while (parent && !seen.has(parent)) {
    seen.add(parent);
    const p = styles.get(parent);
    if (!p) break;
    merged = { ...merged, outlineLevel: merged.outlineLevel ?? p.outlineLevel, numId: merged.numId ?? p.numId, ilvl: merged.ilvl ?? p.ilvl };
    parent = p.basedOn;
  }
  return merged;
}
