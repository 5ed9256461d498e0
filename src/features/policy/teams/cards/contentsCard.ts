import { formatSectionLabel, PolicyDocument } from '../../policyDocument';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { truncateForCard } from './policyCardData';
import template from './templates/contentsCard.json';

/** The number staff type after "section" to open a section: its own number, else its position. */
export function sectionKey(section: { number: string | null; ordinal: number }): string {
  return section.number ?? `#${section.ordinal}`;
}

/** Renders the section list of a document, indented by nesting. */
export function renderContentsCard(doc: PolicyDocument): AdaptiveCardJson {
  const lines = doc.sections.map((s) => {
    const indent = '\u2003'.repeat(s.level - 1);
    return s.number ? `${indent}${formatSectionLabel(s)}` : `${indent}${s.title} (section #${s.ordinal})`;
  });
  const details = [doc.metadata.version && `Version ${doc.metadata.version}`, doc.metadata.lastReviewed && `reviewed ${doc.metadata.lastReviewed}`,
    doc.metadata.nextReview && `next review ${doc.metadata.nextReview}`, `ref ${doc.metadata.contentHash.slice(0, 8)}`].filter(Boolean).join(' · ');
  const first = doc.sections.find((s) => s.text.trim() !== '') ?? doc.sections[0];
  return expandCardTemplate(template, {
    documentTitle: doc.title,
    details,
    lines: truncateForCard(lines.join('\n')).text,
    example: first ? sectionKey(first) : '1',
  });
}
