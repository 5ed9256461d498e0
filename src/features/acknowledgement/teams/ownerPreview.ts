import { TurnContext } from 'botbuilder';
import { CampaignService, NextRoundFacts } from '../domain/campaignService';
import { Campaign, CampaignAudience } from '../domain/acknowledgementTypes';
import { choiceProblems, cleanKeyPoints, keyPointLengthProblems, MAX_KEY_POINT_LENGTH, MAX_KEY_POINTS } from '../domain/campaignChoices';
import { parseAudience, describeAudience } from '../domain/campaignAudience';
import { PolicyTexts } from '../domain/campaignPorts';
import { proposeKeyPoints } from '../domain/keyPoints';
import { proposeRoundPoints } from '../domain/roundKeyPoints';
import { AcknowledgementError } from '../domain/acknowledgementErrors';
import { isoDate } from '../domain/campaignDates';
import { versionPhrase } from '../domain/versionNames';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { PreviewDraft, renderCampaignPreviewCard } from './cards/campaignPreviewCard';
import { formatDueDate } from './cards/acknowledgementCard';
import { renderCampaignStatusCard } from './cards/campaignStatusCard';

/** What the preview's handlers need. */
export interface OwnerPreviewDeps {
  campaigns: CampaignService;
  policyTexts?: PolicyTexts;
  now: () => Date;
  rules: { defaultDueDays: number };
  /** Turns a failure into words (and logs unexpected ones); records refused owners. */
  explain(err: unknown, where: string): string;
  refuseIfNotOwner(err: unknown, actor: string | undefined, what: string): Promise<void>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * What a preview keeps of one typed text: the card's own limit on a box (twice a key point's length, so a paste is told
 * to shorten rather than cut by the client). More arrives only from a forged card, and is not echoed back (a card past
 * what Teams shows).
 */
const KEPT_CHARS = 2 * MAX_KEY_POINT_LENGTH;

/** The key points as the card's inputs hold them (kp0, kp1, ...), in order; at most twice as many as a card carries. */
export function pointsFromInputs(data: Record<string, unknown>): string[] {
  return Object.keys(data).filter((k) => /^kp\d{1,2}$/.test(k)).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
    .slice(0, 2 * MAX_KEY_POINTS).map((k) => str(data[k]).slice(0, KEPT_CHARS));
}

/** What the Start message says of excusals kept from the round before (staff on leave), and how to lift one. */
function carriedWords(round: number, excused: number): string {
  if (excused <= 0) return '';
  return excused === 1
    ? ` 1 person excused in round ${round - 1} (on leave) stays excused in this round: the card waits in their chat for when they are back, with no reminders; type "campaign unexcuse" with their email or full name to lift it.`
    : ` ${excused} people excused in round ${round - 1} (on leave) stay excused in this round: the card waits in their chats for when they are back, with no reminders; type "campaign unexcuse" with someone's email or full name to lift theirs.`;
}

function parseDraft(json: string): PreviewDraft | undefined {
  try {
    const d = JSON.parse(json) as Partial<PreviewDraft>;
    const audience = parseAudience(JSON.stringify(d.audience ?? null));
    const c = d.counts as Record<string, unknown> | undefined;
    if (!audience || typeof d.policyId !== 'string' || typeof d.nonce !== 'string' || d.nonce.length > 80 || !c) return undefined;
    const n = (k: string) => Math.max(0, Math.trunc(Number(c[k]) || 0));
    const next = d.next as Record<string, unknown> | undefined;
    const nextOk = next && typeof next.campaignId === 'string' && next.campaignId.length <= 120 && typeof next.versionHash === 'string' && next.versionHash.length <= 128;
    return {
      audience, policyId: d.policyId.slice(0, 200), nonce: d.nonce,
      counts: { members: n('members'), withChat: n('withChat'), installable: n('installable'), unreachable: n('unreachable'), alreadyAcknowledged: n('alreadyAcknowledged'), canInstall: c.canInstall === true },
      ...(nextOk ? { next: { campaignId: String(next.campaignId), versionHash: String(next.versionHash) } } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The owner's preview: `campaign start` shows it with the proposed key points and due date; every edit (move, remove,
 * add, a new date) comes back as the same card with the owner's text kept; Start checks everything at once and, when
 * something is wrong, returns the card as filled with each problem named. What the owner chose is what staff see.
 * A new version's round is previewed the same way (what changed, the changed rules' points first, the round before's
 * carried where they still stand), and may instead be left unasked, which is recorded.
 */
export function createOwnerPreview(deps: OwnerPreviewDeps) {
  const startedFromPreview = new Map<string, { campaignId: string; adding?: number }>();

  function proposal(policyId: string, fallback: string[]): { proposed: string[]; offered: string[] } {
    const doc = deps.policyTexts?.document(policyId);
    if (!doc) return { proposed: fallback, offered: [] };
    const p = proposeKeyPoints(doc);
    return { proposed: p.proposed.length > 0 ? p.proposed : fallback, offered: p.offered };
  }

  /** A later round's points: the changed rules' first, the round before's where they still stand (from the live text). */
  function roundProposal(facts: NextRoundFacts) {
    const doc = deps.policyTexts?.document(facts.version.policyId);
    const live = doc && doc.metadata.contentHash === facts.version.versionHash ? doc : undefined;
    return proposeRoundPoints(live, facts.changes, facts.previousPoints, MAX_KEY_POINTS);
  }

  function dueFor(dueRaw: string): { dueDate: string; dueWarning?: string; problem?: string } {
    try {
      return deps.campaigns.dueDateFor(dueRaw || undefined);
    } catch (err) {
      // A bad date must not lose the card: it comes back as typed, with the problem named at once (not first at Start:
      // an outside walk-through saw "1 January 2020" shown as accepted by Update).
      if (!(err instanceof AcknowledgementError)) throw err;
      return { dueDate: dueRaw, problem: `Due date: ${err.message}` };
    }
  }

  async function card(actorId: string, draft: PreviewDraft, points: string[], dueRaw: string, problems: string[] = [], addText = ''): Promise<AdaptiveCardJson> {
    // Who it reaches was counted for the first preview and travels with the card: an edit costs no count of 50,000.
    const due = dueFor(dueRaw);
    const named = due.problem && !problems.includes(due.problem) ? [due.problem, ...problems] : problems;
    const common = { dueDate: due.dueDate, ...(due.dueWarning ? { dueWarning: due.dueWarning } : {}), points, problems: named, today: isoDate(deps.now()), nonce: draft.nonce, ...(addText ? { addText } : {}) };
    if (draft.next) {
      const facts = await deps.campaigns.nextRoundFacts({ actorId, campaignId: draft.next.campaignId, versionHash: draft.next.versionHash });
      const round = roundProposal(facts);
      return renderCampaignPreviewCard({
        ...common, preview: { version: facts.version, audience: draft.audience, ...draft.counts }, offered: round.offered,
        next: { previous: facts.previous, previousVersion: facts.previousVersion, ...(facts.changes ? { changes: facts.changes } : {}), dropped: round.dropped.length, excused: facts.excused },
      });
    }
    const version = await deps.campaigns.versionToStart({ actorId, policyId: draft.policyId });
    const { offered } = proposal(draft.policyId, version.keyPoints);
    return renderCampaignPreviewCard({ ...common, preview: { version, audience: draft.audience, ...draft.counts }, offered });
  }

  /** The first preview of a new version's round of a running campaign: nothing is sent until Start. */
  async function nextRoundCard(actorId: string, campaignId: string): Promise<AdaptiveCardJson> {
    const preview = await deps.campaigns.previewNextRound({ actorId, campaignId });
    const round = roundProposal(preview);
    return renderCampaignPreviewCard({
      preview: { ...preview, audience: preview.previous.audience }, dueDate: preview.dueDate, ...(preview.dueWarning ? { dueWarning: preview.dueWarning } : {}),
      points: round.proposed, offered: round.offered, today: isoDate(deps.now()),
      next: { previous: preview.previous, previousVersion: preview.previousVersion, ...(preview.changes ? { changes: preview.changes } : {}), dropped: round.dropped.length, excused: preview.excused },
    });
  }

  return {
    /** `campaign start ...`: the first preview, nothing sent. */
    async show(context: TurnContext, actorId: string, audience: CampaignAudience, dueDate?: string): Promise<void> {
      const preview = await deps.campaigns.previewCampaign({ actorId, audience, ...(dueDate ? { dueDate } : {}) });
      const { proposed, offered } = proposal(preview.version.policyId, preview.version.keyPoints);
      await context.sendActivity(cardMessage(renderCampaignPreviewCard({
        preview, dueDate: preview.dueDate, ...(preview.dueWarning ? { dueWarning: preview.dueWarning } : {}),
        points: proposed.slice(0, MAX_KEY_POINTS), offered, today: isoDate(deps.now()),
      }), 'Start this campaign?'));
    },

    nextRoundCard,

    /** A new version's round of a running campaign, as a message of its own (after Publish, or `campaign start`). */
    async showNextRound(context: TurnContext, actorId: string, campaignId: string): Promise<void> {
      await context.sendActivity(cardMessage(await nextRoundCard(actorId, campaignId), 'Ask staff to acknowledge the new version?'));
    },

    /** Move up, move down, remove, add, or a new date: the card again, as the owner has it now. */
    async edit(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
      const actor = context.activity.from?.aadObjectId;
      try {
        // "Ask staff about the new version after all", after choosing not to: the round's preview, as after Publish.
        if (str(data.op) === 'nextRound' && str(data.campaignId)) return await nextRoundCard(actor ?? '', str(data.campaignId).slice(0, 120));
        const draft = parseDraft(str(data.draft));
        if (!draft) return 'That preview could not be read. Type "campaign start" again.';
        const points = pointsFromInputs(data);
        const i = Math.trunc(Number(data.index));
        const op = str(data.op);
        const problems: string[] = [];
        if (op === 'up' && i > 0 && i < points.length) [points[i - 1], points[i]] = [points[i], points[i - 1]];
        if (op === 'down' && i >= 0 && i < points.length - 1) [points[i + 1], points[i]] = [points[i], points[i + 1]];
        if (op === 'remove' && i >= 0 && i < points.length) points.splice(i, 1);
        if (op === 'add') {
          const added = cleanKeyPoints([str(data.addText).slice(0, KEPT_CHARS), str(data.addChoice).slice(0, KEPT_CHARS)]);
          if (added.length === 0) problems.push('To add a point, pick one of the policy\'s rules or write your own, then press Add this point.');
          for (const a of added) if (points.length < MAX_KEY_POINTS) points.push(a); else problems.push(`A card holds at most ${MAX_KEY_POINTS} key points: remove one first.`);
        }
        // A point too long for the card is named now, not first at Start.
        problems.push(...keyPointLengthProblems(points));
        return await card(actor ?? '', draft, points, str(data.dueDate).trim(), problems, op === 'add' ? '' : str(data.addText).slice(0, KEPT_CHARS));
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, 'campaign preview');
        return deps.explain(err, 'owner.preview');
      }
    },

    /** Start: everything checked at once; a problem returns the card as filled, with what is wrong named. */
    async start(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
      const actor = context.activity.from?.aadObjectId ?? '';
      try {
        const draft = parseDraft(str(data.draft));
        if (!draft) return 'That preview could not be read. Type "campaign start" again.';
        const already = startedFromPreview.get(draft.nonce);
        // Pressed again: the same campaign's card, still saying its people are being added while they are.
        if (already) {
          const status = await deps.campaigns.campaignStatus({ actorId: actor, campaignId: already.campaignId });
          const what = status.campaign.round > 1 ? 'This round' : 'This campaign';
          return renderCampaignStatusCard(status, undefined, already.adding, `${what} was already started from this preview: nothing was sent twice.`);
        }
        const typed = pointsFromInputs(data);
        const dueRaw = str(data.dueDate).trim();
        const problems = choiceProblems({ dueDate: dueRaw || undefined, keyPoints: typed }, deps.now(), deps.rules.defaultDueDays);
        if (problems.length > 0) return await card(actor, draft, typed, dueRaw, problems, str(data.addText).slice(0, KEPT_CHARS));
        const choices = { keyPoints: cleanKeyPoints(typed), ...(dueRaw ? { dueDate: dueRaw } : {}) };
        const started: { campaign: Campaign; recipients: number; created: boolean; excused?: number; job?: unknown } = draft.next
          ? await deps.campaigns.startNextRound({ actorId: actor, campaignId: draft.next.campaignId, versionHash: draft.next.versionHash, expected: draft.counts.members, ...choices })
          : await deps.campaigns.startCampaign({ actorId: actor, audience: draft.audience, policyId: draft.policyId, ...choices });
        const { campaign, recipients, created } = started;
        // With background jobs its people are still being added: the card says how many of how many, not "0 of 0".
        const adding = created && started.job ? recipients : undefined;
        if (startedFromPreview.size >= 1000) startedFromPreview.delete(startedFromPreview.keys().next().value as string);
        startedFromPreview.set(draft.nonce, { campaignId: campaign.id, ...(adding !== undefined ? { adding } : {}) });
        if (created) {
          // Who can be reached was counted for the preview the owner just read; it is not counted again here.
          const unreachable = Math.min(recipients, draft.counts.unreachable);
          const waiting = unreachable > 0 ? ` ${unreachable} cannot be reached until they open a chat with me; the status card names them.` : '';
          const what = campaign.round > 1 ? `Round ${campaign.round} started` : 'Campaign started';
          await context.sendActivity(`${what} for ${describeAudience(campaign.audience)}, due ${formatDueDate(campaign.dueDate)}: ` +
            `the card is on its way to ${recipients - unreachable} of ${recipients}.${waiting}${carriedWords(campaign.round, started.excused ?? 0)}`);
        }
        const status = await deps.campaigns.campaignStatus({ actorId: actor, campaignId: campaign.id });
        // Another owner (or instance) started the same one at the same moment: it is theirs, and nothing was sent twice.
        const notice = created ? undefined : `${campaign.round > 1 ? 'This round' : 'This campaign'} was started a moment ago from another preview: nothing was sent twice.`;
        return renderCampaignStatusCard(status, undefined, adding, notice);
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, 'campaign start');
        return deps.explain(err, 'owner.start');
      }
    },

    /** "Do not ask staff again": the choice is recorded, the running round goes on, nothing is sent. */
    async skip(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
      const actor = context.activity.from?.aadObjectId ?? '';
      try {
        const draft = parseDraft(str(data.draft));
        if (!draft?.next) return 'That preview could not be read. Type "campaign start" again.';
        const { campaign, version } = await deps.campaigns.skipNextRound({ actorId: actor, campaignId: draft.next.campaignId, versionHash: draft.next.versionHash });
        return {
          type: 'AdaptiveCard', version: '1.5',
          body: [
            { type: 'TextBlock', text: 'Staff will not be asked about this version.', weight: 'Bolder', wrap: true },
            // The version's label is the document's text: a TextRun shows it as written, never as markdown.
            { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: `Your choice is recorded. Round ${campaign.round} goes on as it was; ${versionPhrase(version)} is live for questions. `
              + 'Nothing was sent. If you change your mind, type "campaign start": it offers this round again.' }] },
          ],
        };
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, 'campaign skip round');
        return deps.explain(err, 'owner.skip');
      }
    },
  };
}
