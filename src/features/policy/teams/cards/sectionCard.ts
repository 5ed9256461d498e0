import { formatSectionLabel, PolicyDocument, PolicySection } from '../../policyDocument';
import { AdaptiveCardJson, expandCardTemplate, textLines } from '../../../../teams/cards';
import { MAX_CARD_TEXT_CHARS, truncateForCard } from './policyCardData';
import template from './templates/sectionCard.json';

/** Above a section from the version an answer quoted, once a newer one is live. */
export const EARLIER_VERSION_NOTE = 'This is the section as it stood when you asked. The policy has been updated since: ask your question again for an answer from the current version.';

/** A line of the section as the card shows it: the document's words as text (TextRuns), a sub-section's heading in bold. */
interface SectionLine {
  text: string;
  weight: 'Bolder' | 'Default';
  spacing: 'None' | 'Small' | 'Default';
}

/**
 * Renders one section in full, with its subsections, for "section N" and "Read the full section". `earlier`: the section
 * as an earlier version had it (an answer given before the policy was published again), said so above its text.
 */
export function renderSectionCard(doc: PolicyDocument, section: PolicySection, earlier?: { publishedSince: true }): AdaptiveCardJson {
  const children = doc.sections.filter((s) => isWithin(doc, s, section));
  const parts: { heading?: string; text: string }[] = [{ text: section.text }, ...children.map((c) => ({ heading: formatSectionLabel(c), text: c.text }))];
  const body = withinLimit(parts.flatMap((p) => [
    ...(p.heading !== undefined ? [{ text: p.heading, weight: 'Bolder' as const, spacing: 'Default' as const }] : []),
    ...textLines(p.text).map((l) => ({ ...l, weight: 'Default' as const })),
  ]));
  return expandCardTemplate(template, {
    documentTitle: doc.title,
    heading: formatSectionLabel(section),
    hasEarlierNote: earlier !== undefined,
    earlierNote: earlier ? EARLIER_VERSION_NOTE : '',
    lines: body.lines.length > 0 ? body.lines : [{ text: '(This heading has no text of its own.)', weight: 'Default', spacing: 'Default' }],
    truncated: body.truncated,
  });
}

/** The lines up to the card's text limit, the last cut at a sentence (a long section's rest is in the document). */
function withinLimit(lines: SectionLine[]): { lines: SectionLine[]; truncated: boolean } {
  let left = MAX_CARD_TEXT_CHARS;
  const out: SectionLine[] = [];
  for (const line of lines) {
    if (line.text.length <= left) {
      out.push(line);
      left -= line.text.length + 1;
      continue;
    }
    if (left > 0) out.push({ ...line, text: truncateForCard(line.text, left).text });
    return { lines: out, truncated: true };
  }
  return { lines: out, truncated: false };
}

function isWithin(doc: PolicyDocument, candidate: PolicySection, ancestor: PolicySection): boolean {
  let parent = candidate.parent;
  while (parent !== null) {
    if (parent === ancestor.ordinal) return true;
    parent = doc.sections.find((s) => s.ordinal === parent)?.parent ?? null;
  }
  return false;
}
