/**
 * mammoth turns a Word document into simple, regular HTML (h1-h6, p, ul/ol/li, table/tr/td, strong, em, a).
 * This turns that HTML into the Markdown the Markdown reader understands, keeping table rows as pipe rows
 * so front-page facts ("Next review | March 2027") stay paired with their labels.
 */
export function wordHtmlToMarkdown(html: string): string {
  const out: string[] = [];
  let line = '';
  let listDepth = 0;
  let row: string[] | null = null;
  let cell: string | null = null;
  const emit = (): void => {
    if (line.trim() !== '') out.push(line.replace(/[ \t]+/g, ' ').trimEnd());
    line = '';
  };
  const write = (text: string): void => {
    if (cell !== null) cell += text;
    else line += text;
  };
  const tokens = html.match(/<[^>]+>|[^<]+/g) ?? [];
  for (const token of tokens) {
    if (!token.startsWith('<')) { write(decodeEntities(token)); continue; }
    const m = /^<\s*(\/?)\s*([a-z0-9]+)/i.exec(token);
    if (!m) continue;
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase();
    if (/^h[1-6]$/.test(tag)) {
      if (!closing) { emit(); out.push(''); line = `${'#'.repeat(Number(tag[1]))} `; } else { emit(); out.push(''); }
    } else if (tag === 'p') {
      if (cell !== null) { if (closing) cell += ' '; continue; }
      if (!closing && listDepth === 0) { emit(); out.push(''); } else if (closing && listDepth === 0) { emit(); }
    } else if (tag === 'ul' || tag === 'ol') {
      if (!closing) { emit(); listDepth++; } else { emit(); listDepth = Math.max(0, listDepth - 1); if (listDepth === 0) out.push(''); }
    } else if (tag === 'li') {
      if (!closing) { emit(); line = `${'  '.repeat(Math.max(0, listDepth - 1))}- `; } else emit();
    } else if (tag === 'table') {
      if (!closing) { emit(); out.push(''); } else out.push('');
    } else if (tag === 'tr') {
      if (!closing) row = []; else if (row) { if (row.some((c) => c !== '')) out.push(`| ${row.join(' | ')} |`); row = null; }
    } else if (tag === 'td' || tag === 'th') {
      if (!closing) cell = ''; else if (cell !== null) { row?.push(cell.replace(/\s+/g, ' ').trim()); cell = null; }
    } else if (tag === 'br') {
      write(' ');
    }
  }
  emit();
  return out.join('\n');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ').replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/&amp;/g, '&');
}
