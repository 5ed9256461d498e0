import type { PolicyDocument, PolicySection } from '../../policy';
import { BulletIndents, readBullet } from '../../../shared/bullets';
import { formatSectionLabel } from '../../policy';

/** One piece of a reader page: a heading, a paragraph, or a bullet under its lead-in. */
export interface ReaderBlock {
  kind: 'heading' | 'text' | 'bullet';
  /** How deep a bullet sits under the bullets above it (absent: the outermost). */
  level?: number;
  text: string;
  /** The section it belongs to (PolicySection.ordinal). */
  ordinal?: number;
}

/** A page of the policy in the reader: one top-level section with its sub-sections (a long one over several pages). */
export interface ReaderPage {
  /** The section's label as the document numbers it ("5. Acceptable use"). */
  label: string;
  blocks: ReaderBlock[];
  /** Set on the second and later pages of a long section. */
  continued: boolean;
  /** The sections whose heading or text is on this page (PolicySection.ordinal), so a change can open the reader at its section. */
  ordinals: number[];
}

/** Text on one page, in characters: well inside Teams' card limit (about 28 KB) with the card's own parts. */
export const READER_PAGE_CHARS = 9_000;

function blocksOf(section: PolicySection, withHeading: boolean): ReaderBlock[] {
  const ordinal = section.ordinal;
  const out: ReaderBlock[] = withHeading ? [{ kind: 'heading', text: formatSectionLabel(section), ordinal }] : [];
  for (const para of section.text.split(/\n\s*\n/)) {
    const lines = para.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
    const indents: BulletIndents = [];
    let text = '';
    for (const line of lines) {
      const bullet = readBullet(line, indents);
      if (bullet) {
        if (text) out.push({ kind: 'text', text, ordinal });
        text = '';
        out.push({ kind: 'bullet', text: bullet.text, ordinal, ...(bullet.level > 0 ? { level: bullet.level } : {}) });
      } else {
        text = text ? `${text} ${line.trim()}` : line.trim();
      }
    }
    if (text) out.push({ kind: 'text', text, ordinal });
  }
  return out;
}

/**
 * The policy as reading pages: each top-level section with the sub-sections under it, headings kept, in the document's
 * order; a section longer than a page continues on the next. The front page (status tables) is not a page.
 */
export function readerPages(doc: PolicyDocument, pageChars = READER_PAGE_CHARS): ReaderPage[] {
  const pages: ReaderPage[] = [];
  let current: { label: string; ordinal: number; blocks: ReaderBlock[] } | undefined;
  const page = (label: string, blocks: ReaderBlock[], continued: boolean, first?: number): ReaderPage => ({
    label, blocks, continued,
    ordinals: [...new Set([...(first !== undefined ? [first] : []), ...blocks.flatMap((b) => (b.ordinal !== undefined ? [b.ordinal] : []))])],
  });
  const flush = () => {
    if (!current) return;
    let chunk: ReaderBlock[] = [];
    let size = 0;
    let continued = false;
    for (const b of current.blocks) {
      // A single block longer than a page is cut at a sentence end where it can be.
      const parts = b.text.length > pageChars ? splitAtSpaces(b.text, pageChars) : [b.text];
      for (const text of parts) {
        if (size + text.length > pageChars && chunk.length > 0) {
          pages.push(page(current.label, chunk, continued, continued ? undefined : current.ordinal));
          chunk = [];
          size = 0;
          continued = true;
        }
        chunk.push({ ...b, text: text.trim() });
        size += text.length;
      }
    }
    if (chunk.length > 0 || !continued) pages.push(page(current.label, chunk, continued, continued ? undefined : current.ordinal));
    current = undefined;
  };
  for (const section of doc.sections) {
    if (section.ordinal === 0) continue;
    if (section.parent === null || !current) {
      flush();
      current = { label: formatSectionLabel(section), ordinal: section.ordinal, blocks: blocksOf(section, false) };
    } else {
      current.blocks.push(...blocksOf(section, true));
    }
  }
  flush();
  return pages;
}

/** The page (1 = the first after the contents) where a section starts, or 0 (the contents) when it is not in the reader. */
export function pageOfSection(pages: readonly ReaderPage[], ordinal: number): number {
  return pages.findIndex((p) => p.ordinals.includes(ordinal)) + 1;
}

/** A text longer than a page cut into pieces of at most `size` characters, at the last space before each cut where there is one. */
function splitAtSpaces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + size / 2) end = space;
    }
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}
