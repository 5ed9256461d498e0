import { TurnContext } from 'botbuilder';
import { AcknowledgementError } from '../domain/acknowledgementErrors';
import { PeopleList } from '../domain/acknowledgementStore';
import { CampaignService, RemindResult } from '../domain/campaignService';
import { CampaignChasing } from '../domain/campaignChasing';
import { OWNER_COMMAND_HELP, parseOwnerCommand } from '../domain/ownerCommands';
import { campaignInWords } from '../domain/versionNames';
import { AdaptiveCardJson, cardMessage, toAttachment } from '../../../teams/cards';
import { FileOffers } from '../../../teams/fileLinks';
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
}

interface CardData {
  campaignId?: unknown;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

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
      campaignId: exp.campaign.id, fileName: exp.fileName, rows: exp.rows, bytes: offered.bytes, url: offered.url, expiresAt: offered.expiresAt,
    }), `Export ready: ${exp.fileName}`));
  }

  async function remind(context: TurnContext, actorId: string, campaignId?: string): Promise<void> {
    const { campaign, version } = await campaigns.ownerCampaignVersion({ actorId, campaignId });
    const r = await campaigns.remindOutstanding({ actorId, campaignId: campaign.id });
    await context.sendActivity(remindSummary(r, campaignInWords(campaign, version)));
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
          case 'status':
            await context.sendActivity({ type: 'message', attachments: [toAttachment(await statusCard(actor ?? '', command.campaignId, { list: 'outstanding', offset: 0 }))] });
            return;
          case 'remind':
            if (deps.backgroundJobs) await startJobWithCard(context, campaigns, actor ?? '', 'remind', command.campaignId);
            else await remind(context, actor ?? '', command.campaignId);
            return;
          case 'export':
            if (deps.backgroundJobs) await startJobWithCard(context, campaigns, actor ?? '', 'export', command.campaignId);
            else await sendExport(context, actor ?? '', command.campaignId);
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

    /** Owner buttons on the status card: answer with the refreshed card. */
    async action(context: TurnContext, data: CardData, action: 'status' | 'remind' | 'export'): Promise<AdaptiveCardJson | string> {
      const actor = context.activity.from?.aadObjectId;
      const campaignId = str(data?.campaignId) || undefined;
      try {
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
        return await statusCard(actor ?? '', str(data.campaignId) || undefined, {
          list, offset: Math.max(0, Math.trunc(Number(data.offset) || 0)),
          ...(department && department !== '*' ? { department: department === '-' ? '' : department } : {}), ...(name ? { name } : {}),
        });
      } catch (err) {
        await deps.refuseIfNotOwner(err, actor, 'campaign people');
        return deps.explain(err, 'owner.people');
      }
    },
  };
}
