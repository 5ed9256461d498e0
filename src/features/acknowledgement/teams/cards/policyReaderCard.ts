import { PolicyVersion } from '../../domain/acknowledgementTypes';
import { bulletMarker } from '../../../../shared/bullets';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { ReaderPage } from '../policyReader';
import { formatSchoolTime } from '../../../../shared/schoolTime';
import { versionInWords } from './acknowledgementCard';
import template from './templates/policyReader.json';

/** What one view of the reader shows: the contents (page 0) or a page of the policy, and the document's link if any. */
export interface ReaderCardInput {
  version: PolicyVersion;
  pages: readonly ReaderPage[];
  /** 0 for the contents, 1..pages.length for a page. */
  page: number;
  campaignId?: string;
  /** Whether the person has still to acknowledge this version (the last page then offers the button). */
  canAcknowledge: boolean;
  /** The document as published, through the bot's signed link. */
  document?: { url: string; fileName: string; expiresAt: string };
  notice?: string;
}

/** "14:35" from "25 Nov 2026, 14:35 GMT". */
const clockTime = (iso: string): string => formatSchoolTime(iso).split(', ')[1]?.split(' ')[0] ?? '';
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}\u2026` : s);

/** Which page each top-level section starts on: the contents' entries. */
function contentsOf(pages: readonly ReaderPage[]): { label: string; page: string }[] {
  return pages.flatMap((p, i) => (p.continued ? [] : [{ label: p.label, page: String(i + 1) }]));
}

/**
 * Renders the reader: the policy in Teams, section by section with its headings, Previous / Next / Contents, the
 * document as published when there is one, and "I have read and understood" on the last page. The policy's text is
 * shown as text (TextRuns are never read as markdown).
 */
export function renderPolicyReaderCard(input: ReaderCardInput): AdaptiveCardJson {
  const v = input.version;
  const total = input.pages.length;
  const page = Math.max(0, Math.min(total, input.page));
  const current = page > 0 ? input.pages[page - 1] : undefined;
  const next = page < total ? input.pages[page] : undefined;
  return expandCardTemplate(template, {
    title: v.title,
    subtitle: page === 0 ? `Version ${versionInWords(v)} \u00b7 ${contentsOf(input.pages).length} sections` : `Version ${versionInWords(v)} \u00b7 page ${page} of ${total}`,
    hasNotice: Boolean(input.notice),
    notice: input.notice ?? '',
    isContents: page === 0,
    contents: page === 0 ? contentsOf(input.pages) : [],
    sectionLabel: current ? `${current.label}${current.continued ? ' (continued)' : ''}` : '',
    blocks: (current?.blocks ?? []).map((b) => ({
      text: b.kind === 'bullet' ? `${bulletMarker(b.level ?? 0)}${b.text}` : b.text,
      weight: b.kind === 'heading' ? 'Bolder' : 'Default',
      spacing: b.kind === 'heading' ? 'Medium' : b.kind === 'bullet' ? 'Small' : 'Default',
    })),
    policyId: v.policyId,
    versionHash: v.versionHash,
    campaignId: input.campaignId ?? '',
    hasNext: next !== undefined,
    nextPage: String(page + 1),
    nextTitle: page === 0 ? 'Start reading' : next ? `Next: ${cut(next.label, 40)}` : '',
    hasPrevious: page > 1,
    previousPage: String(page - 1),
    canAcknowledge: input.canAcknowledge && page === total && total > 0,
    hasDocument: input.document !== undefined,
    documentTitle: input.document ? `Open ${/\.pdf$/i.test(input.document.fileName) ? 'the PDF' : 'the Word document'} (link until ${clockTime(input.document.expiresAt)})` : '',
    documentUrl: input.document?.url ?? '',
  });
}
