import { OwnerJob, OwnerJobData, OwnerJobReporter } from '../domain/ownerJobs';
import { ActivityUpdater } from '../sending/sendingPorts';
import { cardMessage } from '../../../teams/cards';
import { renderJobProgressCard } from './cards/jobProgressCard';
import { renderExportCard } from './cards/exportCard';

/** Logs ids and codes only. */
interface ReporterLog {
  warn(obj: object, msg?: string): void;
}

/**
 * Shows background jobs on the owner's card: each report replaces the card the owner got when the job started
 * (Bot Connector updateActivity), with "Reminding 12,400 of 31,000…" as it goes and the result at the end; an export
 * ends as the export card with its download link. A card that cannot be updated is logged and the job goes on.
 */
export function createOwnerJobReporter(deps: { updater: ActivityUpdater; logger?: ReporterLog }): OwnerJobReporter {
  async function show(job: OwnerJob, activity: Record<string, unknown>): Promise<void> {
    if (!job.card) return;
    const { serviceUrl, conversationId, activityId } = job.card;
    const result = await deps.updater.update({ serviceUrl, conversationId }, activityId, activity);
    if (result.status < 200 || result.status >= 300) {
      deps.logger?.warn({ jobId: job.id, status: result.status, code: result.errorCode ?? 'UPDATE_FAILED' }, 'job card not updated');
    }
  }
  return {
    progress: (job) => show(job, cardMessage(renderJobProgressCard(job))),
    async finished(job: OwnerJob, delivery?: OwnerJobData) {
      if (job.kind === 'export' && job.state === 'done' && delivery && typeof delivery.url === 'string') {
        await show(job, cardMessage(renderExportCard({
          campaignId: job.campaignId, fileName: String(delivery.fileName), rows: Number(delivery.rows), bytes: Number(delivery.bytes),
          url: delivery.url, expiresAt: String(delivery.expiresAt), sealed: delivery.sealed === 1,
        }), `Export of ${job.campaignId}`));
        return;
      }
      await show(job, cardMessage(renderJobProgressCard(job)));
    },
  };
}
