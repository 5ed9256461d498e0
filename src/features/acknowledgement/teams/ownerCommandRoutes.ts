import { TurnContext } from 'botbuilder';
import { AcknowledgementError } from '../domain/acknowledgementErrors';
import { PeopleList } from '../domain/acknowledgementStore';
import { CampaignService, RemindResult } from '../domain/campaignService';
import { CampaignChasing } from '../domain/campaignChasing';
import { OWNER_COMMAND_HELP, parseOwnerCommand } from '../domain/ownerCommands';
import { campaignInWords } from '../domain/versionNames';
import { AdaptiveCardJson, cardMessage, toAttachment } from '../../../teams/cards';
import { FileOffers } from '../../../teams/fileLinks';
import { isPersonal } from '../../../teams/activityFacts';
import { PEOPLE_PAGE, renderCampaignStatusCard } from './cards/campaignStatusCard';
import { renderCampaignRunningCard } from './cards/campaignRunningCard';
import { renderExportCard } from './cards/exportCard';
import { unreachedInWords } from './cards/unreachedWords';
import { startJobWithCard } from './ownerJobStart';
import { createOwnerPreview } from './ownerPreview';

/** What the owner's commands and status buttons need. */
export interface OwnerCommandDeps {
  campaigns: CampaignService;
  preview: ReturnType<typeof createOwnerPreview>;
  files?: FileOffers;
  chasing?: CampaignChasing;
  /** Reminder passes and exports run as background jobs shown on a card that updates. */
  backgroundJobs?: boolean;
  explain(err: unknown, where: string): string;
  refuseIfNotOwner(err: unknown, actor: string | undefined, what: string): Promise<void>;
  /**
   * Runs `logic` in the owner's own 1:1 chat with the bot (throwing when it cannot be opened): where the owner views that
   * name people (the status card and its lists, the export's link) go when asked for in a group chat or a channel.
   * Without it they are shown where they were asked for.
   */
  inOwnersChat?(context: TurnContext, logic: (ownChat: TurnContext) => Promise<void>): Promise<void>;
  /** Logs codes only: a 1:1 chat that could not be opened. */
  logger?: { warn(obj: object, msg?: string): void };
}

interface CardData {
  campaignId?: unknown;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Said where an owner asked, in a group chat or a channel, when the view that names people went to their 1:1 chat. */
export function sentToOwnersChat(what: string): string {
  return `I have sent ${what} to your private chat with me: it names people, so it is not shown here.`;
}

/** Said there when the owner's 1:1 chat could not be opened: how to ask where it can be shown. */
export function askInOwnersChat(what: string, command: string): string {
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} names people, so I show it only in your private chat with me: open that chat and type "${command}" there.`;
}

/** What a reminder pass did, for the owner: who was not reached said by why, the campaign by its name. */
export function remindSummary(r: RemindResult, name?: string): string {
  return `Reminders${name ? ` (${name})` : ''}: ${r.reminded} sent; ${r.recentlyReminded} skipped (reminded recently); ` +
    `${r.awaitingCard} still waiting for their first card; ${unreachedInWords({ ...r.unreached, canInstall: r.canInstall })}.`;
}

/**
 * The policy owners' campaign commands (`campaign start | status | remind | export | excuse`) and the buttons on their
 * status card. `campaign start` while a campaign already reaches those people says so and offers its status, or, when a
 * newer version is live that staff have not been asked about, shows that round's preview; it never opens a second one.
 */
export function createOwnerCommandRoutes(deps: OwnerCommandDeps) {
  const { campaigns } = deps;

  async function sendExport(context: TurnContext, actorId: string, campaignId?: string): Promise<void> {
    // Written to the file page by page as it is read, never held whole: 50,000 rows are about 9 MB.
    const written = await deps.files?.offerWritten('text/csv; charset=utf-8', (sink) => campaigns.writeExport({ actorId, campaignId }, sink));
    if (!written) {
      const status = await campaigns.campaignStatus({ actorId, campaignId });
      await context.sendActivity(`The export (${status.total} rows) cannot be linked from chat: this bot has no public address ` +
        `(set PUBLIC_URL). Ask IT to run \`node dist/scripts/exportAcknowledgements.js ${status.campaign.id}\` on the server.`);
      return;
    }
    const { offered, result: exp } = written;
    await context.sendActivity(cardMessage(renderExportCard({
      campaignId: exp.campaign.id, fileName: exp.fileName, rows: exp.rows, bytes: offered.bytes, url: offered.url, expiresAt: offered.expiresAt, sealed: exp.sealed,
    }), `Export ready: ${exp.fileName}`));
  }

  async function remind(context: TurnContext, actorId: string, campaignId?: string): Promise<void> {
    const { campaign, version } = await campaigns.ownerCampaignVersion({ actorId, campaignId });
    const r = await campaigns.remindOutstanding({ actorId, campaignId: campaign.id });
    // Plain text: the campaign's name holds the policy's title and version label, the document's own words.
    await context.sendActivity({ type: 'message', textFormat: 'plain', text: remindSummary(r, campaignInWords(campaign, version)) });
  }

  /** Whether an owner view that names people may be shown where this came from: the owner's own 1:1 chat (or nowhere else to send it). */
  const namesShownHere = (context: TurnContext): boolean => !deps.inOwnersChat || isPersonal(context.activity);

  /**
   * Sends an owner view that names people (issue 69): in the owner's 1:1 chat, there; asked for in a group chat or a
   * channel, to the owner's 1:1 chat, as "report a concern" does, with a line where they asked saying so. Everyone in a
   * group chat reads what the bot posts there, and an invoke's card replaces the message for all of them.
   */
  async function sendNamingPeople(context: TurnContext, what: string, command: string, send: (ctx: TurnContext) => Promise<unknown>): Promise<string | undefined> {
    if (namesShownHere(context)) {
      await send(context);
      return undefined;
    }
    try {
      await deps.inOwnersChat!(context, async (ownChat) => { await send(ownChat); });
      return sentToOwnersChat(what);
    } catch (err) {
      deps.logger?.warn({ code: (err as { code?: unknown })?.code ?? 'PRIVATE_CHAT_FAILED', what: command }, 'could not open the owner\'s 1:1 chat for a view that names people');
      return askInOwnersChat(what, command);
    }
  }

  /** The same, for a typed command: the line is posted where the owner asked, as plain text. */
  async function postNamingPeople(context: TurnContext, what: string, command: string, send: (ctx: TurnContext) => Promise<unknown>): Promise<void> {
    const line = await sendNamingPeople(context, what, command, send);
    if (line) await context.sendActivity({ type: 'message', textFormat: 'plain', text: line });
  }

  /** The owner's status card, with a page of one of its lists of people by name. */
  async function statusCard(actorId: string, campaignId: string | undefined, people: { list: PeopleList; offset: number; department?: string; name?: string }): Promise<AdaptiveCardJson> {
    const status = await campaigns.campaignStatus({ actorId, campaignId });
    const page = await campaigns.campaignPeople({ actorId, campaignId: status.campaign.id, ...people, limit: PEOPLE_PAGE });
    return renderCampaignStatusCard(status, { ...people, page });
  }

  /** `campaign start`: the first campaign's preview, a new version's round's, or the campaign already running. */
  async function start(context: TurnContext, actorId: string, command: Extract<ReturnType<typeof parseOwnerCommand>, { kind: 'start' }>): Promise<void> {
    const found = await campaigns.startCheck({ actorId, audience: command.audience });
    if (found.kind === 'nextRound') {
      await deps.preview.showNextRound(context, actorId, found.campaign.id);
      return;
    }
    if (found.kind === 'running') {
      const status = await campaigns.campaignStatus({ actorId, campaignId: found.campaign.id });
      await context.sendActivity(cardMessage(renderCampaignRunningCard({
        campaign: found.campaign, version: found.version, acknowledged: status.acknowledged, total: status.total, ...(found.skipped ? { skipped: found.skipped } : {}),
      }), 'A campaign is already running'));
      return;
    }
    // Nothing is sent from the command: the owner chooses the date and the key points, sees who it reaches and the card staff will get, then starts it.
    await deps.preview.show(context, actorId, command.audience, command.dueDate);
  }

  return {
    statusCard,

    /** A message that is a campaign command. */
    async run(context: TurnContext): Promise<void> {
      const actor = context.activity.from?.aadObjectId;
      try {
        const command = parseOwnerCommand(context.activity.text ?? '');
        switch (command.kind) {
          case 'help':
            await context.sendActivity({ type: 'message', textFormat: 'plain', text: `Campaign commands (policy owners only):\n\n${OWNER_COMMAND_HELP}` });
            return;
          case 'start':
            await start(context, actor ?? '', command);
            return;
          case 'status': {
            // Read first, where they asked: someone who is not an owner is refused there, and nothing is sent anywhere else.
            const card = await statusCard(actor ?? '', command.campaignId, { list: 'outstanding', offset: 0 });
            await postNamingPeople(context, 'the campaign status', 'campaign status', (ctx) => ctx.sendActivity({ type: 'message', attachments: [toAttachment(card)] }));
            return;
          }
          case 'remind':
            if (deps.backgroundJobs) await startJobWithCard(context, campaigns, actor ?? '', 'remind', command.campaignId);
            else await remind(context, actor ?? '', command.campaignId);
            return;
          case 'export':
            // The campaign is found (and a non-owner refused) where they asked, before any other chat is opened.
            if (!namesShownHere(context)) await campaigns.ownerCampaignVersion({ actorId: actor ?? '', campaignId: command.campaignId });
            await postNamingPeople(context, 'the export', 'campaign export', (ctx) => (deps.backgroundJobs
              ? startJobWithCard(ctx, campaigns, actor ?? '', 'export', command.campaignId)
              : sendExport(ctx, actor ?? '', command.campaignId)));
            return;
          case 'excuse':
          case 'unexcuse': {
            if (!deps.chasing) throw new AcknowledgementError('BAD_COMMAND', 'Excusing people is not available here.');
            const r = await deps.chasing.excuse({ actorId: actor ?? '', person: command.person, excused: command.kind === 'excuse' });
            await context.sendActivity({
              type: 'message', textFormat: 'plain',
              text: r.excused
                ? `${r.person.displayName} is excused from this campaign: no reminders or digests, listed as excused on the status card and in the export.`
                : `${r.person.displayName} is no longer excused: they are outstanding again until they acknowledge.`,
            });
            return;
          }
        }
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, 'campaign command');
        await context.sendActivity(deps.explain(err, 'ownerCommand'));
      }
    },

    /**
     * Owner buttons on the status card: answer with the refreshed card. A status card shown outside the owner's 1:1 chat
     * (by an earlier release) answers there with a line, and the card and any export go to the owner's 1:1 chat.
     */
    async action(context: TurnContext, data: CardData, action: 'status' | 'remind' | 'export'): Promise<AdaptiveCardJson | string> {
      const actor = context.activity.from?.aadObjectId;
      const campaignId = str(data?.campaignId) || undefined;
      try {
        if (!namesShownHere(context)) {
          const card = await statusCard(actor ?? '', campaignId, { list: 'outstanding', offset: 0 });
          if (action === 'remind') {
            if (deps.backgroundJobs) await startJobWithCard(context, campaigns, actor ?? '', 'remind', campaignId);
            else await remind(context, actor ?? '', campaignId);
          }
          const exporting = action === 'export';
          return (await sendNamingPeople(context, exporting ? 'the export and the campaign status' : 'the campaign status', exporting ? 'campaign export' : 'campaign status', async (ctx) => {
            if (exporting) await (deps.backgroundJobs ? startJobWithCard(ctx, campaigns, actor ?? '', 'export', campaignId) : sendExport(ctx, actor ?? '', campaignId));
            await ctx.sendActivity({ type: 'message', attachments: [toAttachment(card)] });
          }))!;
        }
        if (action !== 'status' && deps.backgroundJobs) await startJobWithCard(context, campaigns, actor ?? '', action, campaignId);
        else if (action === 'remind') await remind(context, actor ?? '', campaignId);
        else if (action === 'export') await sendExport(context, actor ?? '', campaignId);
        return await statusCard(actor ?? '', campaignId, { list: 'outstanding', offset: 0 });
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, `campaign ${action}`);
        return deps.explain(err, `owner.${action}`);
      }
    },

    /** A list of people on the status card (outstanding, not reached, excused), by department and name. */
    async people(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
      const actor = context.activity.from?.aadObjectId;
      try {
        const list = (['outstanding', 'unreached', 'excused'] as const).find((l) => l === str(data.list)) ?? 'outstanding';
        const department = str(data.peopleDepartment ?? data.department);
        const name = str(data.peopleName ?? data.name).trim().slice(0, 100);
        const card = await statusCard(actor ?? '', str(data.campaignId) || undefined, {
          list, offset: Math.max(0, Math.trunc(Number(data.offset) || 0)),
          ...(department && department !== '*' ? { department: department === '-' ? '' : department } : {}), ...(name ? { name } : {}),
        });
        if (namesShownHere(context)) return card;
        return (await sendNamingPeople(context, 'that list', 'campaign status', (ctx) => ctx.sendActivity({ type: 'message', attachments: [toAttachment(card)] })))!;
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, 'campaign people');
        return deps.explain(err, 'owner.people');
      }
    },
  };
}
