import { formatSectionLabel, PolicyDocument, PolicySection } from '../../policyDocument';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { truncateForCard } from './policyCardData';
import template from './templates/sectionCard.json';

/** Renders one section in full, with its subsections, for "section N" and "Read the full section". */
export function renderSectionCard(doc: PolicyDocument, section: PolicySection): AdaptiveCardJson {
  const children = doc.sections.filter((s) => isWithin(doc, s, section));
  const parts = [section.text, ...children.map((c) => `**${formatSectionLabel(c)}**\n\n${c.text}`)].filter((t) => t.trim() !== '');
  const body = truncateForCard(parts.join('\n\n'));
  return expandCardTemplate(template, {
    documentTitle: doc.title,
    heading: formatSectionLabel(section),
    text: body.text || '(This heading has no text of its own.)',
    truncated: body.truncated,
  });
}

function isWithin(doc: PolicyDocument, candidate: PolicySection, ancestor: PolicySection): boolean {
  let parent = candidate.parent;
  while (parent !== null) {
    if (parent === ancestor.ordinal) return true;
    parent = doc.sections.find((s) => s.ordinal === parent)?.parent ?? null;
  }
  return false;
}
