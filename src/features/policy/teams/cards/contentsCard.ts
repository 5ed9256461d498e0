import { formatSectionLabel, formatVersion, PolicyDocument } from '../../policyDocument';
import { sectionKey } from '../../policyLibrary';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { truncateForCard } from './policyCardData';
import template from './templates/contentsCard.json';

/** Renders the section list of a document, indented by nesting; the document's title, version and headings as text. */
export function renderContentsCard(doc: PolicyDocument): AdaptiveCardJson {
  const lines = doc.sections.map((s) => {
    const indent = '\u2003'.repeat(s.level - 1);
    if (s.number) return `${indent}${formatSectionLabel(s)}`;
    // An unnumbered sub-section sits under its parent's number, with a key of its own ("6 › Reporting (section 6a)").
    const parent = s.parent !== null ? doc.sections.find((p) => p.ordinal === s.parent) : undefined;
    return `${indent}${parent?.number ? `${parent.number} \u203a ` : ''}${s.title} (section ${sectionKey(doc, s)})`;
  });
  // A document without a version of its own shows none: its fingerprint is for the records, not for staff.
  const details = [doc.metadata.version && `Version ${formatVersion(doc.metadata.version)}`, doc.metadata.lastReviewed && `reviewed ${doc.metadata.lastReviewed}`,
    doc.metadata.nextReview && `next review ${doc.metadata.nextReview}`].filter(Boolean).join(' · ');
  const first = doc.sections.find((s) => s.text.trim() !== '') ?? doc.sections[0];
  return expandCardTemplate(template, {
    documentTitle: doc.title,
    details,
    // One RichTextBlock a line: the headings are the document's words, shown as text (never as markdown).
    lines: truncateForCard(lines.join('\n')).text.split('\n').filter((t) => t.trim() !== '').map((text, i) => ({ text, spacing: i === 0 ? 'Default' : 'None' })),
    example: first ? sectionKey(doc, first) : '1',
  });
}
