import crypto from 'node:crypto';
import { Block, SplitBlocks } from './policyBlocks';
import { PolicyDocument, PolicyMetadata, PolicySection, PolicyWarning } from '../policyDocument';
import { displayDocumentTitle, displayTitle } from './textCleaning';
import { beforeLastLineComma, beforeSpacedBar, bracketedRuns } from './linePatterns';

/** Options for assembling a document: its source name and the date used to judge review status. */
export interface AssembleOptions {
  source: string;
  today?: Date;
}

/** Builds sections (with nesting), metadata and warnings from the blocks a reader produced. */
export function assemblePolicy(split: SplitBlocks, options: AssembleOptions): PolicyDocument {
  const sections = buildSections(split.body);
  const tables = [...split.frontMatter, ...split.body].filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');
  const metadata = extractMetadata(split.frontMatter, tables, sections, options.source);
  const warnings = collectWarnings(split, sections, metadata, options.today ?? new Date(), options.source);
  const id = options.source.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const frontPage = [
    ...split.frontMatter.map((b) => (b.kind === 'table' ? b.cells.join(' ') : b.text)),
    ...split.body.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table' && isMetadataRow(b.cells)).map((b) => b.cells.join(' ')),
  ].filter((line) => line.trim() !== '');
  return { id, source: options.source.replace(/^.*[\\/]/, ''), title: metadata.title, metadata, sections, frontPage, warnings };
}

interface Draft {
  number: string | null;
  title: string;
  level: number;
  parts: { kind: 'paragraph' | 'bullet'; text: string; depth: number }[];
}

function buildSections(body: Block[]): PolicySection[] {
  const drafts: Draft[] = [];
  const levels = assignHeadingLevels(body);
  let current: Draft | null = null;
  body.forEach((block, i) => {
    if (block.kind === 'heading') {
      const level = levels.get(i) ?? 1;
      let title = displayTitle(block.text);
      if (!title && block.number) title = inheritedTitle(drafts, level);
      current = { number: block.number, title, level, parts: [] };
      // A lead-in made a heading stays in its section's text, to introduce the bullets under it.
      if (block.leadIn) current.parts.push({ kind: 'paragraph', text: block.leadIn, depth: 0 });
      drafts.push(current);
      return;
    }
    if (!current) {
      current = { number: null, title: 'Introduction', level: 1, parts: [] };
      drafts.push(current);
    }
    if (block.kind === 'paragraph') current.parts.push({ kind: 'paragraph', text: block.text, depth: 0 });
    else if (block.kind === 'bullet') current.parts.push({ kind: 'bullet', text: block.text, depth: block.depth });
    else if (!isMetadataRow(block.cells)) current.parts.push({ kind: 'paragraph', text: block.cells.join(' | '), depth: 0 });
  });

  const sections: PolicySection[] = [];
  const stack: PolicySection[] = [];
  drafts.forEach((d, idx) => {
    while (stack.length > 0 && stack[stack.length - 1].level >= d.level) stack.pop();
    const section: PolicySection = {
      ordinal: idx + 1,
      number: d.number,
      title: d.title,
      level: d.level,
      parent: stack.length > 0 ? stack[stack.length - 1].ordinal : null,
      text: renderParts(d.parts),
    };
    sections.push(section);
    stack.push(section);
  });
  return sections;
}

/** A numbered clause ("3.4 Difficulties arise...") takes the title of the section it belongs to. */
function inheritedTitle(drafts: Draft[], level: number): string {
  for (let i = drafts.length - 1; i >= 0; i--) if (drafts[i].level < level) return drafts[i].title;
  return 'Untitled';
}

/**
 * Numbered headings nest by their numbers. Unnumbered headings in a numbered document are subsections of
 * the numbered section they follow. In an unnumbered document, a heading directly followed by another
 * heading introduces a part: the headings after it are its subsections until the next part begins.
 */
function assignHeadingLevels(body: Block[]): Map<number, number> {
  const levels = new Map<number, number>();
  const numberedDoc = body.some((b) => b.kind === 'heading' && b.number !== null);
  let lastNumberedLevel = 0;
  let inPart = false;
  body.forEach((b, i) => {
    if (b.kind !== 'heading') return;
    // A level the source states (numbering, or Markdown/Word heading styles) is the author's own nesting.
    if (b.level !== null) {
      levels.set(i, b.level);
      if (b.number !== null) lastNumberedLevel = b.level;
      return;
    }
    if (numberedDoc) { levels.set(i, lastNumberedLevel + 1); return; }
    const prev = body[i - 1];
    const next = body[i + 1];
    if (prev?.kind === 'heading' && levels.has(i - 1)) { levels.set(i, levels.get(i - 1)! + 1); return; }
    if (next?.kind === 'heading') { inPart = true; levels.set(i, 1); return; }
    levels.set(i, inPart ? 2 : 1);
  });
  return levels;
}

/** Paragraphs are separated by blank lines; a bullet list follows its lead-in line directly. */
function renderParts(parts: Draft['parts']): string {
  let out = '';
  parts.forEach((p, i) => {
    const line = p.kind === 'bullet' ? `${'  '.repeat(p.depth)}- ${p.text}` : p.text;
    if (i === 0) { out = line; return; }
    const prev = parts[i - 1];
    const tight = p.kind === 'bullet' && (prev.kind === 'bullet' || /[:\-]$/.test(prev.text));
    out += (tight ? '\n' : '\n\n') + line;
  });
  return out;
}

const META_KEYS: { key: keyof PolicyMetadata | 'adopted'; re: RegExp }[] = [
  { key: 'nextReview', re: /^((date of )?next review( date| due)?|to be reviewed|review date|date of review|review due|review)\b/i },
  { key: 'lastReviewed', re: /^(last review(ed)?|reviewed|date reviewed)\b/i },
  // "Date: March 2024" and "Date approved" are when it was adopted; "Date of next review" is not.
  { key: 'adopted', re: /^(adopted|approved( by [a-z ]+)?|date( approved)?)\b(?!\s+of\s+(next\s+)?review)/i },
];

/** Whether a table row states a version or a review date (a document-status or history row). */
export function isMetadataRow(cells: string[]): boolean {
  return cells.some((c) => META_KEYS.some((k) => k.re.test(c.replace(/:$/, ''))) || /^version\b/i.test(c));
}

/** An update history's header ("Date | Details") and its dated rows ("June 2024", "12/09/2025", "September 2025"). */
const HISTORY_HEADER = /^(date|date of (change|update|amendment)|updated)$/i;
const HISTORY_DETAILS = /^(details?|changes?|summary|description|amendments?|updates?|reason|details of (change|update|amendment)s?)\b/i;
const HISTORY_DATE = /^(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})$/i;

function extractMetadata(front: Block[], tables: Extract<Block, { kind: 'table' }>[], sections: PolicySection[], source: string): PolicyMetadata {
  const found: Partial<Record<string, string>> = {};
  let history = false;
  let datedRow: string | undefined;
  for (const { cells } of tables) {
    for (let c = 0; c < cells.length - 1; c++) {
      const label = cells[c].replace(/:$/, '').trim();
      for (const k of META_KEYS) {
        if (k.re.test(label) && found[k.key] === undefined && /\d{4}|\[/.test(cells[c + 1])) found[k.key] = cells[c + 1];
      }
    }
    // Version history tables: the last "Version N" row is the current version.
    const v = /^version\s*(\S+)/i.exec(cells[0]);
    if (v && /\d/.test(v[1])) found.version = `${v[1]}${cells[1] ? ` (${cells[1]})` : ''}`;
    // An update history without version numbers ("Date | Details", then "June 2024 | Reflect change in policy"): the
    // last dated row names the current version, so a new version that adds a row is told apart by it.
    if (HISTORY_HEADER.test(cells[0]?.trim() ?? '') && HISTORY_DETAILS.test(cells[1]?.trim() ?? '')) history = true;
    else if (history && HISTORY_DATE.test(cells[0]?.trim() ?? '')) datedRow = cells[0].trim();
    else history = false;
  }
  if (found.version === undefined && datedRow) found.version = datedRow;
  const frontText = front.flatMap((b) => (b.kind === 'table' ? [b.cells.join(' ')] : 'text' in b ? [b.text] : []));
  const title = findTitle(frontText) ?? source.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const organisation = findOrganisation(frontText);
  const hash = crypto.createHash('sha256');
  for (const s of sections) hash.update(`${s.number ?? ''}\u0000${s.title}\u0000${s.text}\u0001`);
  const nextReviewDate = found.nextReview ? parseMonthYear(found.nextReview) : undefined;
  // Model policies often date their version only in the title: "... SOCIAL MEDIA (JUNE 2024)".
  const titleDate = /\(((?:january|february|march|april|may|june|july|august|september|october|november|december)\s+20\d{2})\)/i.exec(title);
  return {
    title,
    organisation,
    version: found.version ?? (titleDate ? titleDate[1] : undefined),
    lastReviewed: found.lastReviewed ?? found.adopted,
    nextReview: found.nextReview,
    nextReviewDate,
    contentHash: hash.digest('hex'),
  };
}

function findTitle(lines: string[]): string | undefined {
  const candidates = lines.filter((l) => /\bpolicy\b/i.test(l) && l.length <= 140 && !/consult|agreed|adopted|reviewed/i.test(l));
  // A document that never calls itself a policy (a code of conduct) is titled by its first short line.
  const best = candidates.find((l) => /social|media|network/i.test(l)) ?? candidates[0]
    ?? lines.find((l) => l.length <= 100 && /[A-Za-z]{3}/.test(l) && !/^(version|date|tel|www\.)/i.test(l));
  return best ? displayDocumentTitle(beforeSpacedBar(best)) : undefined;
}

function findOrganisation(lines: string[]): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 80 || /\bpolicy\b/i.test(l) || /produced by|consulted|tel:/i.test(l)) continue;
    if (!/\b(school|council|trust|academy|college|federation|diocese)\b/i.test(l)) continue;
    // "Liverpool" / "City Council" on two lines of a title page is one name.
    const prev = lines[i - 1];
    const name = beforeLastLineComma(prev && prev.length <= 30 && /^[A-Z][A-Za-z]+$/.test(prev) ? `${prev} ${l}` : l).trim();
    return name === name.toUpperCase() ? titleCaseWords(name) : name;
  }
  return undefined;
}

function titleCaseWords(s: string): string {
  return s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "September 2026" or "09 2026" or "2026-09-01" -> the last day of that month, as an ISO date. */
export function parseMonthYear(text: string): string | undefined {
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const lower = text.toLowerCase();
  const year = /\b(20\d{2})\b/.exec(lower);
  if (!year) return undefined;
  let month = MONTHS.findIndex((m) => lower.includes(m) || lower.includes(m.slice(0, 3) + ' '));
  if (month < 0) {
    const mm = /\b(\d{1,2})[\s/.-]+20\d{2}\b/.exec(lower);
    month = mm ? Number(mm[1]) - 1 : 11;
  }
  if (month < 0 || month > 11) return undefined;
  const last = new Date(Date.UTC(Number(year[1]), month + 1, 0));
  return last.toISOString().slice(0, 10);
}

function collectWarnings(split: SplitBlocks, sections: PolicySection[], meta: PolicyMetadata, today: Date, source: string): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  if (sections.length === 0) warnings.push({ code: 'NO_SECTIONS', message: 'No sections were found in the document.' });
  const texts: { where: string; text: string }[] = [
    ...split.frontMatter.map((b) => ({ where: 'front page', text: b.kind === 'table' ? b.cells.join(' ') : b.text })),
    ...sections.map((s) => ({ where: s.number ? `section ${s.number}` : `"${s.title}"`, text: `${s.title}\n${s.text}` })),
  ];
  const seen = new Map<string, Set<string>>();
  for (const { where, text } of texts) {
    for (const m of bracketedRuns(text)) {
      const inner = m.inner.trim();
      // Placeholders are template blanks such as [establishment name] or [date]: lower-case words, no digits.
      if (!/^[a-z][a-z /'-]*$/i.test(inner) || /^(link|sic)$/i.test(inner) || inner !== inner.toLowerCase()) continue;
      const places = seen.get(m.whole) ?? new Set<string>();
      places.add(where);
      seen.set(m.whole, places);
    }
  }
  for (const [ph, places] of seen) {
    warnings.push({ code: 'PLACEHOLDER', message: `Placeholder ${ph} has not been filled in (${[...places].join(', ')}).` });
  }
  if (meta.nextReviewDate && meta.nextReviewDate < today.toISOString().slice(0, 10)) {
    warnings.push({ code: 'REVIEW_OVERDUE', message: `The policy was due for review by ${meta.nextReview}; it is past its review date.` });
  }
  warnings.push(...structureWarnings(split, sections, meta, source));
  return warnings;
}

const FURNITURE_RE = /^(page\s+\d{1,3}(\s+of\s+\d{1,3})?|\d{1,3}\s*\/\s*\d{1,3}|-\s*\d{1,3}\s*-)$/i;

/** What makes the structure read from a file doubtful: said at ingest and in the owners' help card. */
function structureWarnings(split: SplitBlocks, sections: PolicySection[], meta: PolicyMetadata, source: string): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  const fileName = source.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  if (meta.title === fileName) {
    warnings.push({ code: 'TITLE_FROM_FILE_NAME', message: `No title was found on the front page, so the file name "${fileName}" is used: put the policy's title at the top, in the Title style.` });
  }
  const headings = split.body.filter((b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading');
  if (sections.length > 0 && headings.every((h) => h.number === null && h.level === null)) {
    // Said on the card of a version waiting to be published, in a live policy's help and by the CLI: it names where
    // each lists the sections (contents lists only the live policy's), and it has no code spans (cards show them raw).
    warnings.push({ code: 'NO_HEADINGS', message: 'No numbered or styled headings were found: sections were recognised from how lines look. Check that they are your policy\'s headings: the card of a version waiting to be published lists every section it read, and "contents" lists the live version\'s. In Word, use the Heading 1 and Heading 2 styles.' });
  }
  const parents = new Set(sections.map((s) => s.parent));
  const empty = sections.filter((s) => s.text.trim() === '' && !parents.has(s.ordinal));
  if (empty.length >= 2) {
    warnings.push({ code: 'EMPTY_SECTIONS', message: `${empty.length} sections have no text (${empty.slice(0, 4).map((s) => (s.number ? `section ${s.number}` : `"${s.title}"`)).join(', ')}${empty.length > 4 ? ', ...' : ''}): their text may have been read as headings.` });
  }
  if (!meta.nextReview) {
    warnings.push({ code: 'NO_REVIEW_DATE', message: 'No review date was found: add "Next review: <month year>" to the front page or the document-status table.' });
  }
  const furniture = sections.flatMap((s) => [s.title, ...s.text.split('\n')].map((l) => l.trim()).filter((l) => FURNITURE_RE.test(l)).map(() => s));
  if (furniture.length > 0) {
    warnings.push({ code: 'PAGE_FURNITURE', message: `Text that looks like page numbers or running headers is in ${[...new Set(furniture.map((s) => (s.number ? `section ${s.number}` : `"${s.title}"`)))].slice(0, 4).join(', ')}: export the document again, or load the Word file.` });
  }
  return warnings;
}
