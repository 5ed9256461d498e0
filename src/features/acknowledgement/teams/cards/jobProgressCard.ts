import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { OwnerJob } from '../../domain/ownerJobs';
import template from './templates/jobProgress.json';
import { unreachedInWords } from './unreachedWords';

/** What the progress card shows of a job: its kind, campaign, counters and state. */
export type JobCardInput = Pick<OwnerJob, 'kind' | 'campaignId' | 'state' | 'done' | 'total' | 'data'> & { error?: string };

const n = (v: unknown): string => (typeof v === 'number' ? v : 0).toLocaleString('en-GB');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const of = (job: JobCardInput): string => (job.total > 0 ? `${n(job.done)} of ${n(Math.max(job.total, job.done))}` : `${n(job.done)} so far`);

const TITLES: Record<OwnerJob['kind'], string> = {
  remind: 'Reminders',
  export: 'Export',
  recipients: 'Starting the campaign',
};

/** The words on the card: what is being done and how far it has got, or how it ended. */
function line(job: JobCardInput): string {
  if (job.state === 'failed') {
    return job.error === 'NO_CAMPAIGN' ? 'That campaign no longer exists.' : `This did not finish (${job.error ?? 'error'}). Please try again in a minute.`;
  }
  if (job.kind === 'remind') {
    if (job.state === 'done') {
      // A job recorded before the reasons were counted apart has only the total.
      const unreached = 'blocked' in job.data
        ? unreachedInWords({ blocked: num(job.data.blocked), installFailed: num(job.data.installFailed), failed: num(job.data.failed), canInstall: job.data.canInstall === 1 })
        : `${n(job.data.unreachable)} not reached`;
      return `${n(job.data.reminded)} sent; ${n(job.data.recentlyReminded)} skipped (reminded recently); ${n(job.data.awaitingCard)} still waiting ` +
        `for their first card; ${unreached}.`;
    }
    return job.total === 0 && job.done === 0 ? 'Finding who has not acknowledged…' : `Reminding ${of(job)}…`;
  }
  if (job.kind === 'export') {
    if (job.state === 'done') {
      return job.data.linked === 1 ? `${n(job.data.rows)} rows written.`
        // In quotes, not backticks: a card's text shows backticks as typed.
        : `The export (${n(job.data.rows)} rows) cannot be linked from chat: this bot has no public address (set PUBLIC_URL). ` +
          `Ask IT to run "node dist/scripts/exportAcknowledgements.js ${job.campaignId}" on the server.`;
    }
    // Before the rows are counted there is no "of": say what is happening, not "Writing 0 so far rows".
    return job.total > 0 ? `Writing ${of(job)} rows…` : job.done > 0 ? `Writing rows: ${n(job.done)} so far…` : 'Counting the rows…';
  }
  if (job.state === 'done') return `The card is on its way to ${n(job.done)} people (${n(job.data.added)} added).`;
  return `Adding recipients: ${of(job)}…`;
}

/**
 * Renders the owner's job card: posted when a reminder pass or export starts, then replaced in place as it goes
 * ("Reminding 12,400 of 31,000…") and with the result at the end; the campaign named as the owner reads it.
 */
export function renderJobProgressCard(job: JobCardInput): AdaptiveCardJson {
  const name = typeof job.data.name === 'string' ? job.data.name : '';
  return expandCardTemplate(template, {
    title: TITLES[job.kind],
    // The campaign as the owner reads it (policy, audience, start date), never its id.
    hasName: name !== '',
    name,
    line: line(job),
    note: job.state === 'running' ? 'This card updates as the work goes on; you can carry on using the bot meanwhile.' : 'Finished.',
  });
}
