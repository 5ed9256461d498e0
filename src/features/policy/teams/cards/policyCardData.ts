import { formatCitationLabel, PolicyDocument, PolicySection } from '../../policyDocument';

/** Adaptive Card TextBlocks are capped so a long section never pushes a message over the Teams size limit. */
export const MAX_CARD_TEXT_CHARS = 12_000;

/** "Section 5. Acceptable use · Social Media Policy for Schools": how every answer cites its source (the title, never a file name). */
export function citationFor(doc: PolicyDocument, section: PolicySection): string {
  const where = section.ordinal === 0 ? formatCitationLabel(doc, section) : `Section ${formatCitationLabel(doc, section)}`;
  return `${where} · ${doc.title}`;
}

/** Cuts text at a line or sentence boundary under the limit. */
export function truncateForCard(text: string, limit = MAX_CARD_TEXT_CHARS): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const cut = text.slice(0, limit);
  const at = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf('. '));
  return { text: `${cut.slice(0, at > 0 ? at + 1 : limit).trimEnd()} …`, truncated: true };
}
