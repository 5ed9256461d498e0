import { PolicyVersion } from '../../domain/acknowledgementTypes';
import { formatVersion } from '../../../policy';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/acknowledgement.json';
import { formatSchoolDate } from '../../../../shared/schoolTime';

/** The most section titles the "Read the policy" view lists (keeps the card small). */
export const ACK_CARD_SECTION_LIMIT = 40;

/** What the acknowledgement card shows. */
export interface AcknowledgementCardInput {
  /**
   * pending: asks for the acknowledgement; acknowledged: shows when, without the button;
   * superseded: the clicked card's version was replaced, and this card offers the current one.
   */
  state: 'pending' | 'acknowledged' | 'superseded';
  /** The version this card asks about (for superseded, the current one). */
  version: PolicyVersion;
  campaignId?: string;
  /** Due date of the campaign (YYYY-MM-DD). */
  dueDate?: string;
  /** ISO time of the acknowledgement, for the acknowledged state. */
  acknowledgedAt?: string;
  /** For superseded: the version hash of the card that was clicked. */
  replacedHash?: string;
  /** Section titles to list, when the person asked to read the policy in the chat. */
  sections?: string[];
  /** A line for the person: "You had already acknowledged this version", how to ask a question. */
  notice?: string;
}

/** Cards rendered recently, by their input: many people get the same card, and templating is the slow part. */
const recent = new Map<string, AdaptiveCardJson>();
const RECENT_LIMIT = 256;

/** Renders the acknowledgement card (Adaptive Card 1.5 with Universal Actions). */
export function renderAcknowledgementCard(input: AcknowledgementCardInput): AdaptiveCardJson {
  const data = templateData(input);
  // Keyed by what the card shows (the date, not the second), so everyone acknowledging today shares one.
  const key = JSON.stringify(data);
  let card = recent.get(key);
  if (!card) {
    card = expandCardTemplate(template, data);
    if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
    recent.set(key, card);
  }
  // Callers may add to the card they get; the kept one must stay as rendered.
  return structuredClone(card);
}

function templateData(input: AcknowledgementCardInput): Record<string, unknown> {
  const v = input.version;
  const sections = (input.sections ?? []).slice(0, ACK_CARD_SECTION_LIMIT);
  return {
    state: input.state,
    title: v.title,
    policyId: v.policyId,
    versionHash: v.versionHash,
    versionText: formatVersion(v.versionHash, v.versionLabel),
    hasReviewDate: Boolean(v.reviewDate),
    reviewDate: v.reviewDate ?? '',
    hasDueDate: Boolean(input.dueDate) && input.state !== 'acknowledged',
    dueDate: input.dueDate ? formatDate(input.dueDate) : '',
    campaignId: input.campaignId ?? '',
    hasKeyPoints: v.keyPoints.length > 0,
    keyPoints: v.keyPoints.map((point) => ({ point })),
    hasSections: sections.length > 0,
    sections: sections.map((label) => ({ label })),
    hasNotice: Boolean(input.notice),
    notice: input.notice ?? '',
    acknowledgedOn: input.acknowledgedAt ? formatDate(input.acknowledgedAt) : '',
    replacedVersion: input.replacedHash ? formatVersion(input.replacedHash) : '',
    hasReadUrl: Boolean(v.readUrl),
    readUrl: v.readUrl ?? '',
  };
}

/** "2026-09-14T10:03:00Z" or "2026-09-14" as "14 September 2026", in the school's time zone. */
export function formatDate(iso: string): string {
  return Number.isNaN(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).getTime()) ? iso : formatSchoolDate(iso);
}
