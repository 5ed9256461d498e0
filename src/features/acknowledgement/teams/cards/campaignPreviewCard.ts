import { randomUUID } from 'node:crypto';
import { CampaignPreview } from '../../domain/campaignService';
import { describeAudience } from '../../domain/campaignAudience';
import { CampaignAudience } from '../../domain/acknowledgementTypes';
import { MAX_KEY_POINTS } from '../../domain/campaignChoices';
import { renderAcknowledgementCard, versionInWords } from './acknowledgementCard';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/campaignPreview.json';

/** What a preview card carries between edits (in its buttons' data): who it is for, the counts read once, its nonce. */
export interface PreviewDraft {
  audience: CampaignAudience;
  policyId: string;
  nonce: string;
  counts: Pick<CampaignPreview, 'members' | 'withChat' | 'installable' | 'unreachable' | 'alreadyAcknowledged' | 'canInstall'>;
}

/** Everything a preview shows: the campaign as proposed or as the owner has edited it so far. */
export interface PreviewCardInput {
  preview: Pick<CampaignPreview, 'version' | 'audience' | 'members' | 'withChat' | 'installable' | 'unreachable' | 'alreadyAcknowledged' | 'canInstall'>;
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
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const short = (s: string) => (s.length > 110 ? `${s.slice(0, 107).trimEnd()}\u2026` : s);

/** The draft as the card's buttons carry it. */
export function draftOf(input: PreviewCardInput, nonce: string): PreviewDraft {
  const p = input.preview;
  return {
    audience: p.audience, policyId: p.version.policyId, nonce,
    counts: { members: p.members, withChat: p.withChat, installable: p.installable, unreachable: p.unreachable, alreadyAcknowledged: p.alreadyAcknowledged, canInstall: p.canInstall },
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
    title: v.title,
    versionText: versionInWords(v),
    audienceText: describeAudience(p.audience),
    dueDate: input.dueDate,
    minDate: addDays(input.today, 1),
    maxDate: addDays(input.today, 365),
    hasDueWarning: Boolean(input.dueWarning),
    dueWarning: input.dueWarning ?? '',
    hasProblems: (input.problems ?? []).length > 0,
    problems: (input.problems ?? []).map((line) => ({ line })),
    points: points.map((text, index) => ({ id: `kp${index}`, number: index + 1, text, index, first: index === 0, last: index === points.length - 1 })),
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
  const staffCard = renderAcknowledgementCard({ state: 'pending', version: v, ...(dueOk ? { dueDate: input.dueDate } : {}), keyPoints: points.filter((x) => x.trim() !== '') });
  const view = (card.body ?? []).find((b) => (b as { id?: string }).id === 'staffView') as { items: unknown[] } | undefined;
  if (view) view.items = staffCard.body ?? [];
  return card;
}
