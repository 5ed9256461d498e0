import { randomUUID } from 'node:crypto';
import { CampaignPreview } from '../../domain/campaignService';
import { describeAudience } from '../../domain/campaignAudience';
import { CampaignAudience } from '../../domain/acknowledgementTypes';
import { MAX_KEY_POINTS } from '../../domain/campaignChoices';
import { renderAcknowledgementCard, versionInWords } from './acknowledgementCard';
import { ChangesSince } from '../../domain/changesSince';
import { Campaign, PolicyVersion } from '../../domain/acknowledgementTypes';
import { formatDate, versionPhrase } from '../../domain/versionNames';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/campaignPreview.json';

/** What a preview card carries between edits (in its buttons' data): who it is for, the counts read once, its nonce. */
export interface PreviewDraft {
  audience: CampaignAudience;
  policyId: string;
  nonce: string;
  counts: Pick<CampaignPreview, 'members' | 'withChat' | 'installable' | 'unreachable' | 'alreadyAcknowledged' | 'canInstall'>;
  /** For a new version's round: the running round it follows, and the version it asks about. */
  next?: { campaignId: string; versionHash: string };
}

/** What a later round's preview shows besides a first one's: the round it replaces, and what changed since. */
export interface NextRoundInput {
  previous: Campaign;
  previousVersion: PolicyVersion;
  changes?: ChangesSince;
  /** Points of the round before not carried (their wording is gone). */
  dropped: number;
  /** People excused in the round before, who stay excused in this one. */
  excused?: number;
}

/** Everything a preview shows: the campaign as proposed or as the owner has edited it so far. */
export interface PreviewCardInput {
  preview: Pick<CampaignPreview, 'version' | 'audience' | 'overlapWarning' | 'members' | 'withChat' | 'installable' | 'unreachable' | 'alreadyAcknowledged' | 'canInstall'>;
  /** The due date as the owner has it (YYYY-MM-DD; may be one the card then names as a problem). */
  dueDate: string;
  dueWarning?: string;
  /** The key points in order, as the owner typed them. */
  points: string[];
  /** The policy's other rules, offered to add. */
  offered: string[];
  /** A point the owner was writing, kept when the card comes back. */
  addText?: string;
  /** What stops it starting, each named (empty on a first preview). */
  problems?: string[];
  today: string;
  nonce?: string;
  /** Set for a new version's round. */
  next?: NextRoundInput;
}

/** About what a key point's text box shows without scrolling (three lines at a card's width). */
const BOX_CHARS = 150;

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const short = (s: string) => (s.length > 110 ? `${s.slice(0, 107).trimEnd()}\u2026` : s);

/** The draft as the card's buttons carry it. */
export function draftOf(input: PreviewCardInput, nonce: string): PreviewDraft {
  const p = input.preview;
  return {
    audience: p.audience, policyId: p.version.policyId, nonce,
    counts: { members: p.members, withChat: p.withChat, installable: p.installable, unreachable: p.unreachable, alreadyAcknowledged: p.alreadyAcknowledged, canInstall: p.canInstall },
    ...(input.next ? { next: { campaignId: input.next.previous.id, versionHash: p.version.versionHash } } : {}),
  };
}

const KIND_WORDS = { reworded: 'Reworded', added: 'Added', removed: 'Removed' } as const;

/** The words that differ between a first campaign's preview and a new version's round. */
function roundWords(input: PreviewCardInput): Record<string, unknown> {
  const next = input.next;
  if (!next) {
    return {
      isNextRound: false, heading: 'Start this campaign?',
      intro: 'Nothing has been sent yet. Choose the due date and what the card says, check who it reaches, then Start.',
      pointsNote: 'Proposed from the policy\'s own rules. Edit, remove, move or add points; staff see them as written here.',
      replacesText: '', changesHeading: '', changeLines: [], hasChangeLines: false, skipNote: '',
    };
  }
  const before = versionPhrase(next.previousVersion);
  const round = next.previous.round;
  const sections = next.changes?.sections ?? [];
  return {
    isNextRound: true,
    heading: 'Ask staff to acknowledge the new version?',
    intro: `The new version is live: questions are answered from it. Staff have not been asked about it yet: round ${round}, for ${before}, `
      + `goes on until you press Start. Check what changed, the key points and the due date, then Start round ${round + 1}.`,
    pointsNote: 'The changed rules first, then the points of the round before where their text still stands in the new version'
      + (next.dropped > 0 ? ` (${next.dropped} not carried: the new version no longer has their wording)` : '')
      + '. Edit, remove, move or add points; staff see them as written here.',
    replacesText: `Round ${round}: ${before}, started ${formatDate(next.previous.startedAt)}`
      + (next.excused ? `. ${next.excused === 1 ? '1 person excused there (on leave) stays' : `${next.excused} people excused there (on leave) stay`} excused in the new round (the card waits in their chat for when they are back, with no reminders): "campaign unexcuse" lifts it` : ''),
    changesHeading: `What changed since ${before}`,
    changeLines: sections.map((c) => ({ kindWord: KIND_WORDS[c.kind], label: c.label })),
    hasChangeLines: sections.length > 0,
    skipNote: `"Do not ask staff again" is for a change that does not need it (a typo): round ${round} goes on as it is, staff are not `
      + 'sent anything, and your choice is recorded.',
  };
}

/**
 * Renders what starting a campaign would do, before anything is sent: the policy and version, the due date to pick (with
 * a warning when staff will not be in school that day), the key points to edit, remove, move or add to (the policy's
 * own rules offered first), who it reaches now and why not the others, and the card exactly as staff will see it. Every
 * edit comes back as this card with the owner's text kept; the nonce makes a second press of Start answer with the first.
 */
export function renderCampaignPreviewCard(input: PreviewCardInput): AdaptiveCardJson {
  const v = input.preview.version;
  const nonce = input.nonce ?? randomUUID();
  const p = input.preview;
  const points = input.points;
  const chosen = new Set(points.map((x) => x.toLowerCase()));
  const offered = input.offered.filter((o) => !chosen.has(o.toLowerCase()));
  const card = expandCardTemplate(template, {
    ...roundWords(input),
    title: v.title,
    versionText: versionInWords(v),
    audienceText: describeAudience(p.audience),
    dueDate: input.dueDate,
    minDate: addDays(input.today, 1),
    maxDate: addDays(input.today, 365),
    hasDueWarning: Boolean(input.dueWarning),
    dueWarning: input.dueWarning ?? '',
    hasOverlapWarning: Boolean(input.preview.overlapWarning),
    overlapWarning: input.preview.overlapWarning ?? '',
    hasProblems: (input.problems ?? []).length > 0,
    problems: (input.problems ?? []).map((line) => ({ line })),
    points: points.map((text, index) => ({
      id: `kp${index}`, number: index + 1, text, index, first: index === 0, last: index === points.length - 1,
      // Teams shows about three lines of a text box: a longer point is also shown whole beneath it, so none is read cut off.
      long: text.length > BOX_CHARS,
    })),
    canAdd: points.length < MAX_KEY_POINTS,
    addText: input.addText ?? '',
    hasOffered: offered.length > 0,
    offered: offered.map((value) => ({ value, short: short(value) })),
    members: String(p.members),
    withChat: String(p.withChat),
    canInstall: p.canInstall,
    installable: String(p.installable),
    unreachable: String(p.unreachable),
    alreadyAcknowledged: String(p.alreadyAcknowledged),
    hasUnreachable: p.unreachable > 0,
    unreachableWhy: `${p.unreachable} ${p.unreachable === 1 ? 'person has' : 'people have'} not opened a chat with School Policy Bot, `
      + 'and the app cannot be installed for them from here (no Microsoft Graph connection in this mode). '
      + 'They get the card as soon as they open the chat; the status card lists them by name until then.',
    draft: JSON.stringify(draftOf(input, nonce)),
  });
  const dueOk = /^\d{4}-\d{2}-\d{2}$/.test(input.dueDate);
  // Staff who acknowledged the round before see what changed first, as this shows it.
  const changes = input.next?.changes;
  const staffCard = renderAcknowledgementCard({
    state: 'pending', version: v, ...(dueOk ? { dueDate: input.dueDate } : {}), keyPoints: points.filter((x) => x.trim() !== ''),
    ...(changes ? { changes: { since: `you acknowledged ${versionPhrase(changes.since)}`, sections: changes.sections, truncated: changes.truncated } } : {}),
  });
  const view = (card.body ?? []).find((b) => (b as { id?: string }).id === 'staffView') as { items: unknown[] } | undefined;
  if (view) view.items = withoutButtons(staffCard.body ?? []);
  return card;
}

/**
 * The staff card's body as the owner looks at it: without its buttons. Each "Read <section>" on it is staff's, for the
 * version their round asks about; pressed on a preview, before that round exists, it would answer for the round running
 * now and replace the preview the owner is editing.
 */
function withoutButtons(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') { out.push(item); continue; }
    const element = item as Record<string, unknown>;
    if (element.type === 'ActionSet') continue;
    const copy: Record<string, unknown> = Array.isArray(element.items) ? { ...element, items: withoutButtons(element.items) } : { ...element };
    if (Array.isArray(element.columns)) copy.columns = withoutButtons(element.columns);
    out.push(copy);
  }
  return out;
}
