import { TableClient, odata } from '@azure/data-tables';
import { OwnerJob, OwnerJobKind, OwnerJobState, OwnerJobStore } from '../../features/acknowledgement/domain/ownerJobs';

const PARTITION = 'jobs';

type JobEntity = Record<string, unknown> & { rowKey?: string; etag?: string };

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;
const opt = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function toJob(e: JobEntity): OwnerJob {
  const card = opt(e.card);
  const error = opt(e.error);
  const workerId = opt(e.workerId);
  const leaseUntil = opt(e.leaseUntil);
  return {
    id: String(e.rowKey), kind: e.kind as OwnerJobKind, campaignId: String(e.campaignId), actorId: String(e.actorId),
    state: e.state as OwnerJobState, done: Number(e.done), total: Number(e.total), cursor: String(e.cursor ?? ''),
    data: JSON.parse(String(e.data ?? '{}')) as OwnerJob['data'],
    ...(card ? { card: JSON.parse(card) as OwnerJob['card'] } : {}), ...(error ? { error } : {}),
    createdAt: String(e.createdAt), updatedAt: String(e.updatedAt), ...(workerId ? { workerId } : {}), ...(leaseUntil ? { leaseUntil } : {}),
  };
}

function toEntity(j: OwnerJob): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: PARTITION, rowKey: j.id, kind: j.kind, campaignId: j.campaignId, actorId: j.actorId, state: j.state,
    done: j.done, total: j.total, cursor: j.cursor, data: JSON.stringify(j.data), card: j.card ? JSON.stringify(j.card) : '',
    error: j.error ?? '', createdAt: j.createdAt, updatedAt: j.updatedAt, workerId: j.workerId ?? '', leaseUntil: j.leaseUntil ?? '',
  };
}

/**
 * Background jobs in Azure Table Storage: one partition (a school runs a handful of jobs at a time, kept as history),
 * job id as row key. Claims and saves are conditional on the etag just read, so two instances never both hold a job.
 */
export async function createAzureTableOwnerJobStore(client: TableClient): Promise<OwnerJobStore> {
  try {
    await client.createTable();
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
  const read = async (id: string): Promise<JobEntity | undefined> => {
    try {
      return (await client.getEntity<Record<string, unknown>>(PARTITION, id)) as JobEntity;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  };
  // The etag of each job this instance last wrote: a save is then one conditional write, not a read and a write.
  const written = new Map<string, { etag: string; workerId: string }>();
  /** Replaces the entity when it still has the etag read; false when someone changed it meanwhile. */
  const replaceIf = async (job: OwnerJob, etag: string): Promise<boolean> => {
    try {
      const res = await client.updateEntity(toEntity(job), 'Replace', { etag });
      if (job.state === 'running' && res.etag) written.set(job.id, { etag: res.etag, workerId: job.workerId ?? '' });
      else written.delete(job.id);
      if (written.size > 1000) written.delete(written.keys().next().value as string);
      return true;
    } catch (err) {
      written.delete(job.id);
      if (statusOf(err) === 412 || statusOf(err) === 404) return false;
      throw err;
    }
  };
  return {
    async createJob(job) {
      const res = await client.createEntity(toEntity(job));
      if (res.etag) written.set(job.id, { etag: res.etag, workerId: job.workerId ?? '' });
    },
    async getJob(id) {
      const e = await read(id);
      return e ? toJob(e) : undefined;
    },
    async listUnfinishedJobs() {
      const out: OwnerJob[] = [];
      for await (const e of client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${PARTITION} and state eq ${'running'}` },
      })) out.push(toJob(e as JobEntity));
      return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async claimJob(id, workerId, now, leaseMs) {
      const e = await read(id);
      if (!e) return undefined;
      const job = toJob(e);
      if (job.state !== 'running') return undefined;
      if (job.workerId && job.workerId !== workerId && job.leaseUntil && job.leaseUntil > now) return undefined;
      const claimed: OwnerJob = { ...job, workerId, leaseUntil: new Date(Date.parse(now) + leaseMs).toISOString(), updatedAt: now };
      return (await replaceIf(claimed, String(e.etag))) ? claimed : undefined;
    },
    async saveJob(job, workerId) {
      const known = written.get(job.id);
      // This worker's own last write is still the latest: nobody else claimed the job since.
      if (known && known.workerId === workerId && await replaceIf({ ...job, workerId }, known.etag)) return true;
      const e = await read(job.id);
      if (!e) return false;
      const stored = toJob(e);
      if (stored.state !== 'running' || stored.workerId !== workerId) return false;
      return replaceIf({ ...job, workerId }, String(e.etag));
    },
  };
}
