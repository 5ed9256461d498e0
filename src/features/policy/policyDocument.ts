/** One section of a policy, as the school's document numbers and titles it. */
export interface PolicySection {
  /** Stable id within the document: its position in reading order, starting at 1. */
  ordinal: number;
  /** The document's own number ("5", "3.1") or null for unnumbered headings. */
  number: string | null;
  title: string;
  /** 1 for top-level sections, 2 for their subsections, and so on. */
  level: number;
  /** Ordinal of the parent section, or null at top level. */
  parent: number | null;
  /** Cleaned text: paragraphs separated by blank lines, bullets as "- " lines in their original order. */
  text: string;
}

/** What the document says about itself, where it says it. */
export interface PolicyMetadata {
  title: string;
  organisation?: string;
  version?: string;
  lastReviewed?: string;
  /** Next review date as written ("September 2026") and, where parseable, as an ISO date. */
  nextReview?: string;
  nextReviewDate?: string;
  /** sha256 of the cleaned section content: identifies this version of the policy. */
  contentHash: string;
}

/** A problem the policy owner should fix in the source document. */
export interface PolicyWarning {
  code: 'PLACEHOLDER' | 'REVIEW_OVERDUE' | 'NO_SECTIONS' | 'TITLE_FROM_FILE_NAME' | 'NO_HEADINGS' | 'EMPTY_SECTIONS' | 'NO_REVIEW_DATE' | 'PAGE_FURNITURE'
    | 'NOTHING_IN_COMMON';
  message: string;
}

/** A policy document after ingestion. */
export interface PolicyDocument {
  /** Short id derived from the file name, e.g. "liverpool-model". */
  id: string;
  /** The file name the school supplied. */
  source: string;
  title: string;
  metadata: PolicyMetadata;
  sections: PolicySection[];
  /**
   * What the title page and status tables say ("Last reviewed: December 2025", "Key staff: ..."), one line
   * each. Not a section of the policy, but staff ask about it, so answers can cite it as the front page.
   */
  frontPage: string[];
  warnings: PolicyWarning[];
}

/** The pseudo-section under which front-page facts are cited. */
export const FRONT_PAGE_TITLE = 'Front page';

/**
 * The sections the policy's contents list, as the reader shows them: each top-level heading (its sub-sections are read
 * under it), the preamble before the first heading (ordinal 0) left out.
 */
export function contentsSections(doc: Pick<PolicyDocument, 'sections'>): PolicySection[] {
  const out: PolicySection[] = [];
  for (const section of doc.sections) if (section.ordinal !== 0 && (section.parent === null || out.length === 0)) out.push(section);
  return out;
}

/** A human citation for a section: "5. Acceptable use" or "3.4 (Background)". */
export function formatSectionLabel(section: PolicySection): string {
  if (!section.number) return section.title;
  return section.number.includes('.') ? `${section.number} ${section.title}` : `${section.number}. ${section.title}`;
}

/**
 * The label an answer cites: an unnumbered subsection is named under its parent so staff can find it
 * ("3. Roles, responsibilities and procedure › Individuals should").
 */
export function formatCitationLabel(doc: PolicyDocument, section: PolicySection): string {
  if (section.ordinal === 0) return FRONT_PAGE_TITLE;
  const parent = section.number === null && section.parent !== null ? doc.sections.find((s) => s.ordinal === section.parent) : undefined;
  return parent ? `${formatSectionLabel(parent)} › ${section.title}` : formatSectionLabel(section);
}

/**
 * A version as people read it: the document's own label made readable ("2 (February 2023)"). Never the content
 * fingerprint: it means nothing to staff, and stays in the records and logs that prove which version was which.
 * (One formatter for the whole product, in src/shared, so the acknowledgement cards name versions the same way.)
 */
export { formatVersionLabel as formatVersion, monthDatedLabel } from '../../shared/versionLabel';
