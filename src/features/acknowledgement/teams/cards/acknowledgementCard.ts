import { PolicyVersion } from '../../domain/acknowledgementTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/acknowledgement.json';
import { formatSchoolDate } from '../../../../shared/schoolTime';

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
  /** The key points the owner chose for the campaign; absent: the version's own. */
  keyPoints?: string[];
  /** When the person first opened this version to read (shown beside their acknowledgement). */
  readAt?: string;
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
  const points = input.keyPoints ?? v.keyPoints;
  return {
    state: input.state,
    title: v.title,
    policyId: v.policyId,
    versionHash: v.versionHash,
    versionText: versionInWords(v),
    versionPhrase: v.versionLabel ? `version ${versionInWords(v)}` : `the version ${versionInWords(v)}`,
    hasReviewDate: Boolean(v.reviewDate),
    reviewDate: v.reviewDate ?? '',
    hasDueDate: Boolean(input.dueDate) && input.state !== 'acknowledged',
    dueDate: input.dueDate ? formatDueDate(input.dueDate) : '',
    // Carried in the buttons' data only: staff never read it.
    campaignId: input.campaignId ?? '',
    hasKeyPoints: points.length > 0,
    keyPoints: points.map((point) => ({ point })),
    hasNotice: Boolean(input.notice),
    notice: input.notice ?? '',
    acknowledgedOn: input.acknowledgedAt ? formatDate(input.acknowledgedAt) : '',
    readNote: input.readAt && input.state === 'acknowledged' ? ` You opened it to read on ${formatDate(input.readAt)}.` : '',
    hasReadUrl: Boolean(v.readUrl),
    readUrl: v.readUrl ?? '',
  };
}

/**
 * A version as staff read it: the document's own label made readable ("2, February 2023"), else the date it was
 * published here; never the fingerprint (that is for the export and the owners' audit).
 */
export function versionInWords(v: Pick<PolicyVersion, 'versionHash' | 'versionLabel' | 'publishedAt'>): string {
  if (v.versionLabel) return readableLabel(v.versionLabel);
  return `published ${formatDate(v.publishedAt)}`;
}

/** "Friday 18 December 2026": a due date with its weekday, so nobody mistakes which day. */
export function formatDueDate(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' })} ${formatDate(iso)}`;
}

/** "2026-09-14T10:03:00Z" or "2026-09-14" as "14 September 2026", in the school's time zone. */
export function formatDate(iso: string): string {
  return Number.isNaN(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).getTime()) ? iso : formatSchoolDate(iso);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A version label made readable: a version-history row's "2 (02 2023)" reads "2, February 2023"; any other label as
 * written. (The policy feature's formatVersion does the same and adds the fingerprint; this keeps the card renderer, which
 * the sending thread loads, clear of the policy feature and its model.)
 */
export function readableLabel(label: string): string {
  const open = label.lastIndexOf('(');
  if (open < 0 || !label.endsWith(')')) return label;
  const [mm, yyyy, ...rest] = label.slice(open + 1, -1).split(/[\s/.-]+/);
  const month = Number(mm);
  if (rest.length > 0 || !/^\d{1,2}$/.test(mm ?? '') || !/^\d{4}$/.test(yyyy ?? '') || month < 1 || month > 12) return label;
  return `${label.slice(0, open).trim()}, ${MONTHS[month - 1]} ${yyyy}`;
}
