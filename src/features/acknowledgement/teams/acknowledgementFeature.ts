import { TurnContext } from 'botbuilder';
import { AcknowledgementError } from '../domain/acknowledgementErrors';
import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { AcknowledgementChannel } from '../domain/acknowledgementTypes';
import { AcknowledgePolicy, AcknowledgementView, ViewAcknowledgement } from '../domain/acknowledgePolicy';
import { assertPolicyOwner, CampaignService } from '../domain/campaignService';
import { CampaignChasing } from '../domain/campaignChasing';
import { createStaffGate } from '../domain/currentStaff';
import { isOwnerCommand } from '../domain/ownerCommands';
import { AdaptiveCardJson, toAttachment } from '../../../teams/cards';
import { createOwnerCommandRoutes } from './ownerCommandRoutes';
import { FileOffers, KeptFileOffers } from '../../../teams/fileLinks';
import { PolicyTexts } from '../domain/campaignPorts';
import { staffCardFor } from './staffCards';
import { createOwnerPreview } from './ownerPreview';
import { createReaderRoutes } from './readerRoutes';
import { Verbs } from '../../../teams/verbs';
import { BotApp, BotFeature } from '../../../teams/botFeature';
import { isMessage } from '../../../teams/activityFacts';
import { errorCode } from '../../../shared/errorCode';
import { inSendersPersonalChat, ProactiveAdapter } from '../../../teams/proactive';

/** Logs ids and codes only. */
export interface AcknowledgementLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What the acknowledgement feature needs from the composition root. */
export interface AcknowledgementFeatureDeps {
  store: AcknowledgementStore;
  campaigns: CampaignService;
  acknowledge: AcknowledgePolicy;
  view: ViewAcknowledgement;
  /** "teams" in production, "playground" in local mode: recorded with each acknowledgement. */
  channel: AcknowledgementChannel;
  /** The live policies' text: read in Teams, and the key points proposed from it. */
  policyTexts?: PolicyTexts;
  /** The document as published, offered as the bot's signed link in the reader. */
  documents?: KeptFileOffers;
  /** Days to the default due date (the preview checks the owner's date with the same rule). */
  defaultDueDays?: number;
  logger: AcknowledgementLog;
  /** Where exports go as a short-lived download link. */
  files?: FileOffers;
  /** Excusing people on leave, and (when the school opted in) the weekly digests run by the scheduler. */
  chasing?: CampaignChasing;
  /** ACK_MANAGER_DIGEST: whether the scheduler sends the weekly digests after due dates. */
  managerDigest?: boolean;
  /** Reminder passes and exports run as background jobs shown on a card that updates (the campaign service has jobs). */
  backgroundJobs?: boolean;
  /** POLICY_OWNERS: named to someone the reader refuses because they are not current staff. */
  owners?: readonly string[];
  now?: () => Date;
}

/** The acknowledgement feature: the card's verbs, owner commands, and remembering how to reach each person. */
export interface AcknowledgementFeature extends BotFeature {
  /** Runs the yearly repeat and joiners check every `intervalMs`; returns a function that stops the timer. */
  startScheduler(intervalMs: number): () => void;
  /**
   * The owner's preview of a running campaign's round for the newer version just published (what changed, the proposed
   * points, the due date; Start or "Do not ask staff again"): shown after Publish, nothing sent until Start.
   */
  nextRoundPreview(actorId: string, campaignId: string): Promise<AdaptiveCardJson>;
}

interface CardData {
  policyId?: unknown;
  versionHash?: unknown;
  campaignId?: unknown;
}

/** The user as Teams signed them: the Entra object id, or the channel id where there is none (Playground). */
function userOf(context: TurnContext, channel: AcknowledgementChannel): { userId: string; displayName?: string } | undefined {
  const from = context.activity.from;
  const userId = from?.aadObjectId ?? (channel === 'playground' ? from?.id : undefined);
  return userId ? { userId, ...(from?.name ? { displayName: from.name } : {}) } : undefined;
}

/** The event Teams sends a bot when a person reads its messages in their 1:1 chat. */
export const READ_RECEIPT_EVENT = 'application/vnd.microsoft.readReceipt';

/**
 * Whether a read receipt's last read message is the card or later. Teams message ids in a 1:1 chat are the
 * message's time in milliseconds, so they compare as numbers; any other form counts only when equal.
 */
export function readUpTo(lastReadMessageId: string, cardActivityId: string): boolean {
  if (/^\d{1,20}$/.test(lastReadMessageId) && /^\d{1,20}$/.test(cardActivityId)) return BigInt(lastReadMessageId) >= BigInt(cardActivityId);
  return lastReadMessageId === cardActivityId;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Creates the acknowledgement feature. */
export function createAcknowledgementFeature(deps: AcknowledgementFeatureDeps): AcknowledgementFeature {
  const now = deps.now ?? (() => new Date());
  /** userId -> 1:1 conversation id this instance has already recorded, so most turns skip the store. */
  const recorded = new Map<string, string>();
  const RECORDED_LIMIT = 50_000;

  const cardFor = (view: AcknowledgementView, extra: { notice?: string } = {}): AdaptiveCardJson => staffCardFor(view, extra);

  /**
   * Acknowledged somewhere other than the campaign's own card (at the end of the reader, on a reminder): that card, in
   * the same chat, is updated to say so, so it does not go on asking. Best effort: the acknowledgement is recorded
   * whatever happens here, and the card answers "already acknowledged" if pressed. The card's activity came with the
   * person's delivery, which the acknowledgement reads anyway: no store call is added to a click.
   */
  async function showOnCampaignCard(context: TurnContext, sent: { activityId: string; conversationId?: string }, card: AdaptiveCardJson): Promise<void> {
    try {
      if (sent.activityId === context.activity.replyToId) return;
      if (sent.conversationId && sent.conversationId !== context.activity.conversation?.id) return;
      await context.updateActivity({ type: 'message', id: sent.activityId, attachments: [toAttachment(card)] });
    } catch (err) {
      deps.logger.info({ event: 'ack.campaignCardNotUpdated', code: errorCode(err) }, 'the campaign card could not be updated after an acknowledgement elsewhere');
    }
  }

  /** Turns a failure into words for the person; unexpected ones are logged by code only. */
  function explain(err: unknown, where: string): string {
    if (err instanceof AcknowledgementError) return err.message;
    deps.logger.warn({ where, code: errorCode(err) }, 'acknowledgement request failed');
    return 'Sorry, that did not work. Please try again in a minute.';
  }

  async function refuseIfNotOwner(err: unknown, actor: string | undefined, what: string): Promise<void> {
    if (err instanceof AcknowledgementError && err.code === 'NOT_POLICY_OWNER') {
      await deps.store.appendAudit({ at: now().toISOString(), actor: actor ?? 'unknown', action: 'owner.refused', subject: what });
      deps.logger.info({ code: err.code, what }, 'owner command refused');
    }
  }

  const preview = createOwnerPreview({
    campaigns: deps.campaigns, ...(deps.policyTexts ? { policyTexts: deps.policyTexts } : {}), now, rules: { defaultDueDays: deps.defaultDueDays ?? 28 },
    explain, refuseIfNotOwner,
  });
  const reader = createReaderRoutes({
    store: deps.store, view: deps.view, now, explain, gate: createStaffGate({ store: deps.store, clock: now, ...(deps.owners ? { owners: deps.owners } : {}) }),
    ...(deps.policyTexts ? { policyTexts: deps.policyTexts } : {}), ...(deps.documents ? { documents: deps.documents } : {}),
  });

  /** The owner's commands, with the app whose adapter opens an owner's 1:1 chat for the views that name people. */
  const ownerRoutes = (app: BotApp) => createOwnerCommandRoutes({
    campaigns: deps.campaigns, preview, explain, refuseIfNotOwner, logger: deps.logger,
    ...(deps.files ? { files: deps.files } : {}), ...(deps.chasing ? { chasing: deps.chasing } : {}), ...(deps.backgroundJobs ? { backgroundJobs: true } : {}),
    inOwnersChat: (context, logic) => inSendersPersonalChat(app.adapter as unknown as ProactiveAdapter, app.options.botAppId ?? '', context.activity, logic),
  });

  /** Remembers how to reach a person; a new or changed 1:1 chat gives them any card they are owed. */
  async function rememberConversation(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.conversation?.conversationType !== 'personal') return;
    // A card button is pressed on a card the bot posted in this chat, so the chat is already known (the sender stores it
    // before posting; installing stores it too): checking would cost a store read on every click, 50,000 at a time.
    if (a.type === 'invoke' && a.name === 'adaptiveCard/action') return;
    const user = userOf(context, deps.channel);
    if (!user || !a.serviceUrl || !a.conversation.id) return;
    const installing = a.type === 'installationUpdate' || (a.type === 'conversationUpdate' && (a.membersAdded?.length ?? 0) > 0);
    if (!installing) {
      if (recorded.get(user.userId) === a.conversation.id) return;
      const known = await deps.store.getConversationReference(user.userId);
      if (known && known.conversationId === a.conversation.id) {
        remember(user.userId, a.conversation.id);
        return;
      }
    }
    const woken = await deps.campaigns.onInstalled({
      userId: user.userId, conversationId: a.conversation.id, serviceUrl: a.serviceUrl,
      reference: TurnContext.getConversationReference(a) as unknown as Record<string, unknown>, updatedAt: now().toISOString(),
    });
    remember(user.userId, a.conversation.id);
    if (woken.length > 0) deps.logger.info({ campaigns: woken.length }, 'conversation recorded; cards queued');
  }

  /**
   * A read receipt (Teams sends one in a 1:1 chat when the person reads the bot's messages, with the app's
   * ChatMessageReadReceipt.Read.Chat permission): every card of an active campaign up to the last message read is
   * marked opened, so owners can tell "has not opened it" from "opened it and has not acknowledged".
   */
  async function recordRead(context: TurnContext): Promise<void> {
    const user = userOf(context, deps.channel);
    const lastRead = str((context.activity.value as { lastReadMessageId?: unknown } | undefined)?.lastReadMessageId);
    if (!user || !lastRead || context.activity.conversation?.conversationType !== 'personal') return;
    const at = now().toISOString();
    for (const c of await deps.store.listCampaigns('active')) {
      const d = await deps.store.getDelivery(c.id, user.userId);
      if (d?.state === 'sent' && !d.openedAt && d.activityId && readUpTo(lastRead, d.activityId)) await deps.store.markOpened(c.id, user.userId, at);
    }
  }

  function remember(userId: string, conversationId: string): void {
    if (recorded.size >= RECORDED_LIMIT) recorded.delete(recorded.keys().next().value as string);
    recorded.set(userId, conversationId);
  }

  return {
    name: 'acknowledgement',

    register(app: BotApp): void {
      const owner = ownerRoutes(app);
      app.turn('beforeTurn', async (context) => {
        try {
          await rememberConversation(context);
        } catch (err) {
          // Never block a person's turn because the reference could not be saved; the next turn tries again.
          deps.logger.warn({ code: errorCode(err) }, 'could not record conversation reference');
        }
        return true;
      });

      app.message((context) => Promise.resolve(isMessage(context.activity) && isOwnerCommand(context.activity.text)), async (context) => owner.run(context));

      app.activity((context) => Promise.resolve(context.activity.type === 'event' && context.activity.name === READ_RECEIPT_EVENT), async (context) => {
        try {
          await recordRead(context);
        } catch (err) {
          deps.logger.warn({ code: errorCode(err) }, 'read receipt not recorded');
        }
      });

      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.campaignStart, async (context, _state, data) => preview.start(context, data ?? {}));
      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.campaignEdit, async (context, _state, data) => preview.edit(context, data ?? {}));
      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.readPage, async (context, _state, data) => reader.page(context, data ?? {}, deps.channel === 'playground'));
      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.campaignPeople, async (context, _state, data) => owner.people(context, data ?? {}));
      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.campaignSkipRound, async (context, _state, data) => preview.skip(context, data ?? {}));
      app.adaptiveCards.actionExecute(Verbs.campaignCancel, async (context): Promise<AdaptiveCardJson | string> => {
        // Only an owner's Cancel says anything of the campaign: anyone else is refused like every owner's button (audited).
        const actor = userOf(context, deps.channel)?.userId;
        try {
          assertPolicyOwner(deps.owners ?? [], actor);
        } catch (err) {
          await refuseIfNotOwner(err, actor, 'campaign.cancel');
          return explain(err, 'campaignCancel');
        }
        return {
          type: 'AdaptiveCard', version: '1.5',
          body: [{ type: 'TextBlock', text: 'Campaign not started. Nothing was sent.', weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text: 'Type "campaign start" to see the preview again.', isSubtle: true, wrap: true }],
        };
      });

      app.adaptiveCards.actionExecute<CardData>(Verbs.acknowledge, async (context, _state, data) => {
        const user = userOf(context, deps.channel);
        if (!user) return 'Your account could not be identified, so nothing was recorded. Please use Teams signed in with your school account.';
        try {
          const outcome = await deps.acknowledge({
            user, policyId: str(data?.policyId), versionHash: str(data?.versionHash),
            ...(str(data?.campaignId) ? { campaignId: str(data?.campaignId) } : {}), channel: deps.channel,
          });
          if (outcome.kind === 'superseded') {
            return cardFor({ state: 'superseded', version: outcome.current, replacedHash: outcome.replaced.versionHash, ...(outcome.campaign ? { campaign: outcome.campaign } : {}) });
          }
          const card = cardFor(
            { state: 'acknowledged', version: outcome.version, acknowledgement: outcome.acknowledgement, ...(outcome.campaign ? { campaign: outcome.campaign } : {}) },
            outcome.kind === 'alreadyRecorded' ? { notice: 'You had already acknowledged this version; nothing new was recorded.' } : {},
          );
          if (outcome.kind === 'recorded' && outcome.campaign && outcome.campaignCard) {
            await showOnCampaignCard(context, outcome.campaignCard, cardFor({
              state: 'acknowledged', version: outcome.version, acknowledgement: outcome.acknowledgement, campaign: outcome.campaign,
            }));
          }
          return card;
        } catch (err) {
          return explain(err, 'acknowledge');
        }
      });

      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.readPolicy, async (context, _state, data) => reader.open(context, data ?? {}, deps.channel === 'playground'));

      app.adaptiveCards.actionExecute<CardData>(Verbs.askQuestion, async (context, _state, data) => {
        const user = userOf(context, deps.channel);
        if (!user) return 'Your account could not be identified.';
        try {
          const view = await deps.view({ userId: user.userId, policyId: str(data?.policyId), versionHash: str(data?.versionHash) });
          return cardFor(view, { notice: 'Type your question in this chat and I will answer from the policy, quoting the section.' });
        } catch (err) {
          return explain(err, 'askQuestion');
        }
      });

      app.adaptiveCards.actionExecute<CardData>(Verbs.campaignStatus, async (context, _s, data) => owner.action(context, data ?? {}, 'status'));
      app.adaptiveCards.actionExecute<CardData>(Verbs.campaignRemind, async (context, _s, data) => owner.action(context, data ?? {}, 'remind'));
      app.adaptiveCards.actionExecute<CardData>(Verbs.campaignExport, async (context, _s, data) => owner.action(context, data ?? {}, 'export'));
    },

    nextRoundPreview: (actorId, campaignId) => preview.nextRoundCard(actorId, campaignId),

    startScheduler(intervalMs: number): () => void {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        deps.campaigns.runScheduledWork()
          .then(async (r) => {
            if (r.roundsStarted.length || r.joinersAdded || r.leaversMarked) {
              deps.logger.info({ rounds: r.roundsStarted.length, joiners: r.joinersAdded, leavers: r.leaversMarked }, 'campaign schedule ran');
            }
            if (deps.managerDigest && deps.chasing) await deps.chasing.runDigests();
          })
          .catch((err) => deps.logger.warn({ code: errorCode(err) }, 'campaign schedule failed'))
          .finally(() => { running = false; });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
