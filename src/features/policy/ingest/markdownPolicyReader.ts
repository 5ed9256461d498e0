import { Block, SplitBlocks } from './policyBlocks';
import { readTextPolicy, titleAndLeadIn } from './textPolicyReader';
import { collapseSpaces, normaliseCharacters } from './textCleaning';
import { readMarkdownHeading, readMarkdownListItem, readMetaLine, readNumberPrefix } from './linePatterns';
import { assertLinesWithinLimit } from './ingestLimits';

/**
 * Reads a Markdown policy: `#` headings are explicit (levels relative to the shallowest used), lists and
 * pipe tables are recognised, soft-wrapped lines are joined. A Markdown file without any heading is read
 * as plain text, so the text reader's heading detection applies.
 */
export function readMarkdownPolicy(raw: string): SplitBlocks {
  assertLinesWithinLimit(raw);
  const lines = normaliseCharacters(unescapeMarkdown(raw)).split('\n');
  if (!lines.some((l) => readMarkdownHeading(l) !== null)) return readTextPolicy(raw);
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) {
      const text = collapseSpaces(paragraph.join(' '));
      const meta = readMetaLine(text);
      blocks.push(meta ? { kind: 'table', cells: [`${meta.label}:`, meta.value] } : { kind: 'paragraph', text });
    }
    paragraph = [];
  };
  const headingLevels: number[] = [];
  for (const line of lines) {
    const h = readMarkdownHeading(line);
    if (h) {
      flush();
      const text = collapseSpaces(h.text);
      const num = readNumberPrefix(text);
      headingLevels.push(h.marks.length);
      blocks.push({ kind: 'heading', ...titleAndLeadIn(num ? num.rest : text), number: num ? num.number : null, level: h.marks.length });
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line)) {
      flush();
      if (/^\s*\|[\s:|-]+\|\s*$/.test(line)) continue;
      blocks.push({ kind: 'table', cells: line.trim().replace(/^\||\|$/g, '').split('|').map(collapseSpaces).filter((c) => c) });
      continue;
    }
    const li = readMarkdownListItem(line);
    if (li) {
      flush();
      blocks.push({ kind: 'bullet', text: collapseSpaces(li.text), depth: Math.min(3, Math.floor(li.indent.replace(/\t/g, '  ').length / 2)) });
      continue;
    }
    if (line.trim() === '') { flush(); continue; }
    const prev = blocks[blocks.length - 1];
    if (paragraph.length === 0 && prev?.kind === 'bullet' && /^\s{2,}\S/.test(line)) {
      prev.text = collapseSpaces(`${prev.text} ${line}`);
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return splitAtFirstSection(blocks, headingLevels);
}

/** The document title (a lone top-level heading before the first section) belongs to the front matter. */
function splitAtFirstSection(blocks: Block[], headingLevels: number[]): SplitBlocks {
  const top = Math.min(...headingLevels);
  const topCount = headingLevels.filter((l) => l === top).length;
  const titleIsHeading = topCount === 1 && headingLevels.length > 1 && blocks.find((b) => b.kind === 'heading')?.kind === 'heading'
    && headingLevels[0] === top;
  const base = titleIsHeading ? Math.min(...headingLevels.slice(1)) : top;
  let start = blocks.findIndex((b) => b.kind === 'heading');
  if (titleIsHeading) {
    const title = blocks[start] as Extract<Block, { kind: 'heading' }>;
    blocks[start] = { kind: 'paragraph', text: title.number ? `${title.number} ${title.text}` : title.text };
    start = blocks.findIndex((b, i) => i > start && b.kind === 'heading');
  }
  const body = blocks.slice(start).map((b): Block => (b.kind === 'heading' ? { ...b, level: Math.max(1, (b.level ?? base) - base + 1) } : b));
  return { frontMatter: blocks.slice(0, start), body };
}

function unescapeMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!>|])/g, '$1').replace(/__([^_\n]+)__/g, '$1');
}
