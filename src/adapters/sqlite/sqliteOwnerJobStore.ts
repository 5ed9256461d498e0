import { OwnerJob, OwnerJobKind, OwnerJobState, OwnerJobStore } from '../../features/acknowledgement/domain/ownerJobs';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    // Beside the acknowledgement tables. A job row is updated as the job goes on: it holds counters and a cursor, not records.
    version: 1,
    sql: `CREATE TABLE owner_jobs (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, campaign_id TEXT NOT NULL, actor_id TEXT NOT NULL, state TEXT NOT NULL,
      done INTEGER NOT NULL, total INTEGER NOT NULL, cursor TEXT NOT NULL, data TEXT NOT NULL, card TEXT, error TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, worker_id TEXT, lease_until TEXT);
      CREATE INDEX owner_jobs_running ON owner_jobs (state, created_at);`,
  },
];

type Row = Record<string, unknown>;

function toJob(r: Row): OwnerJob {
  return {
    id: String(r.id), kind: r.kind as OwnerJobKind, campaignId: String(r.campaign_id), actorId: String(r.actor_id),
    state: r.state as OwnerJobState, done: Number(r.done), total: Number(r.total), cursor: String(r.cursor),
    data: JSON.parse(String(r.data)) as OwnerJob['data'],
    ...(r.card != null ? { card: JSON.parse(String(r.card)) as OwnerJob['card'] } : {}),
    ...(r.error != null ? { error: String(r.error) } : {}),
    createdAt: String(r.created_at), updatedAt: String(r.updated_at),
    ...(r.worker_id != null ? { workerId: String(r.worker_id) } : {}),
    ...(r.lease_until != null ? { leaseUntil: String(r.lease_until) } : {}),
  };
}

const params = (j: OwnerJob) => ({
  id: j.id, kind: j.kind, campaign: j.campaignId, actor: j.actorId, state: j.state, done: j.done, total: j.total, cursor: j.cursor,
  data: JSON.stringify(j.data), card: j.card ? JSON.stringify(j.card) : null, error: j.error ?? null,
  created: j.createdAt, updated: j.updatedAt, worker: j.workerId ?? null, lease: j.leaseUntil ?? null,
});

/** Background jobs in the embedded SQLite database. */
export function createSqliteOwnerJobStore(db: SqliteDatabase): OwnerJobStore {
  migrate(db, 'owner-jobs', MIGRATIONS);
  const insert = db.prepare(`INSERT INTO owner_jobs (id, kind, campaign_id, actor_id, state, done, total, cursor, data, card, error,
    created_at, updated_at, worker_id, lease_until) VALUES (@id, @kind, @campaign, @actor, @state, @done, @total, @cursor, @data, @card,
    @error, @created, @updated, @worker, @lease)`);
  const get = db.prepare('SELECT * FROM owner_jobs WHERE id = ?');
  const unfinished = db.prepare(`SELECT * FROM owner_jobs WHERE state = 'running' ORDER BY created_at, id`);
  const claim = db.prepare(`UPDATE owner_jobs SET worker_id = @worker, lease_until = @lease, updated_at = @now
    WHERE id = @id AND state = 'running' AND (worker_id = @worker OR worker_id IS NULL OR lease_until IS NULL OR lease_until <= @now)
    RETURNING *`);
  const save = db.prepare(`UPDATE owner_jobs SET state = @state, done = @done, total = @total, cursor = @cursor, data = @data,
    card = @card, error = @error, updated_at = @updated, worker_id = @worker, lease_until = @lease
    WHERE id = @id AND state = 'running' AND worker_id = @holder`);
  return {
    async createJob(job) {
      insert.run(params(job));
    },
    async getJob(id) {
      const row = get.get(id) as Row | undefined;
      return row ? toJob(row) : undefined;
    },
    async listUnfinishedJobs() {
      return (unfinished.all() as Row[]).map(toJob);
    },
    async claimJob(id, workerId, now, leaseMs) {
      const lease = new Date(Date.parse(now) + leaseMs).toISOString();
      const row = claim.get({ id, worker: workerId, lease, now }) as Row | undefined;
      return row ? toJob(row) : undefined;
    },
    async saveJob(job, workerId) {
      return save.run({ ...params({ ...job, workerId }), holder: workerId }).changes === 1;
    },
  };
}
