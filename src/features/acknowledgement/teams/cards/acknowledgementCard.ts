import { PolicyVersion, VersionSectionChange } from '../../domain/acknowledgementTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/acknowledgement.json';
import { formatDate, versionInWords, versionPhrase } from '../../domain/versionNames';
import { schoolTimeZone } from '../../../../shared/schoolTime';

export { formatDate, readableLabel, versionInWords } from '../../domain/versionNames';

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
  /** The due date has passed (a reminder after it): the card says it was due, not "by" then. */
  overdue?: boolean;
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
  /** What changed since an earlier version (the one they acknowledged): what a later round's card leads with. */
  changes?: CardChanges;
}

/** What changed, as a card shows it. */
export interface CardChanges {
  /** How the earlier version is named after "What changed since ": "you acknowledged version 2 (February 2023)". */
  since: string;
  sections: readonly VersionSectionChange[];
  /** Some changes were not kept: the whole policy has them. */
  truncated?: boolean;
}

/** Changes a card shows, and quotes of each: the rest is one press away in the reader. */
const CARD_CHANGES = 6;
const CARD_RUNS = 2;
const KIND_WORDS: Record<VersionSectionChange['kind'], string> = { reworded: 'Reworded', added: 'Added', removed: 'Removed' };
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}\u2026` : s);

/** The changes as the template binds them: kind, section, was/now quoted, and the reader's page for each section still there. */
function changesData(changes: CardChanges | undefined, state: AcknowledgementCardInput['state']): Record<string, unknown> {
  if (!changes || state === 'acknowledged' || changes.sections.length === 0) return { hasChanges: false, changes: [], changesHeading: '', changesMore: '' };
  const shown = changes.sections.slice(0, CARD_CHANGES);
  const hidden = changes.sections.length - shown.length + shown.reduce((n, c) => n + Math.max(0, c.runs.length - CARD_RUNS), 0);
  return {
    hasChanges: true,
    changesHeading: `What changed since ${changes.since}`,
    changes: shown.map((c) => ({
      kindWord: KIND_WORDS[c.kind], label: c.label, runs: c.runs.slice(0, CARD_RUNS).map((r) => ({ was: r.was, now: r.now })),
      hasSection: c.ordinal !== undefined, section: String(c.ordinal ?? ''), readTitle: `Read ${cut(c.label, 40)}`,
    })),
    changesMore: hidden > 0 || changes.truncated ? 'There is more: read the whole policy with "Read the policy" below.' : '',
  };
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
    versionPhrase: versionPhrase(v),
    hasReviewDate: Boolean(v.reviewDate),
    reviewDate: v.reviewDate ?? '',
    hasDueDate: Boolean(input.dueDate) && input.state !== 'acknowledged',
    overdue: input.overdue === true,
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
    ...changesData(input.changes, input.state),
  };
}

// toLocaleDateString builds a formatter on every call (about 0.2 ms), and every card a roll-out sends or a click answers
// names the same due date: one formatter, and the last few dates formatted, are kept.
const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' });
const dueDates = new Map<string, string>();

/** "Friday 18 December 2026": a due date with its weekday, so nobody mistakes which day. */
export function formatDueDate(iso: string): string {
  const cacheKey = `${schoolTimeZone()}|${iso}`;
  const known = dueDates.get(cacheKey);
  if (known !== undefined) return known;
  const d = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  const text = Number.isNaN(d.getTime()) ? iso : `${weekday.format(d)} ${formatDate(iso)}`;
  // A full timestamp's day depends on the school's time zone: kept under the zone it was formatted in.
  if (dueDates.size >= 16) dueDates.clear();
  dueDates.set(cacheKey, text);
  return text;
}
