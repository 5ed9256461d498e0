import { verifyAcknowledgementCsv } from '../../../../src/features/acknowledgement/domain/acknowledgementExport';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign } from '../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { CampaignMessenger, DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { createCampaignJobHandlers, ExportFiles } from '../../../../src/features/acknowledgement/domain/campaignJobs';
import {
  createOwnerJobRunner, OwnerJob, OwnerJobData, OwnerJobKind, OwnerJobRunner, OwnerJobStore,
} from '../../../../src/features/acknowledgement/domain/ownerJobs';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteAcknowledgementStoreOn } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createSqliteOwnerJobStore } from '../../../../src/adapters/sqlite/sqliteOwnerJobStore';
import { person, policyVersion } from './ackTestKit';

const OWNER = 'aad-owner';
const SECRET = 'a-long-export-secret-for-tests';
const CARD = { serviceUrl: 'https://smba.example/', conversationId: 'a:owner', activityId: 'card-1' };

/** A messenger that records reminders and can run something when a batch goes out (to stop the runner midway). */
function messengerWithHook() {
  const reminded: string[] = [];
  const delivered: string[] = [];
  let onRemind: (() => void) | undefined;
  const messenger: CampaignMessenger = {
    deliver: (id) => { delivered.push(id); },
    remind: async (_c: Campaign, ids) => {
      reminded.push(...ids);
      onRemind?.();
    },
  };
  return { messenger, reminded, delivered, setOnRemind: (fn: (() => void) | undefined) => { onRemind = fn; } };
}

/** A reporter that records what the owner's card was told. */
function recordingReporter() {
  const progress: Pick<OwnerJob, 'done' | 'total' | 'state'>[] = [];
  const finished: { job: OwnerJob; delivery?: OwnerJobData }[] = [];
  return {
    progress, finished,
    reporter: {
      progress: async (job: OwnerJob) => { progress.push({ done: job.done, total: job.total, state: job.state }); },
      finished: async (job: OwnerJob, delivery?: OwnerJobData) => { finished.push({ job, delivery }); },
    },
  };
}

/** A file sink standing in for the bot's file links: the content is kept so the test can read it. */
function memoryFiles(): ExportFiles & { files: { name: string; content: string }[] } {
  const files: { name: string; content: string }[] = [];
  return {
    files,
    async offerWritten(_type, write) {
      let content = '';
      const result = await write({ write: async (chunk) => { content += chunk; } });
      files.push({ name: result.fileName, content });
      return { offered: { url: `https://bot.example/files/${files.length}`, expiresAt: '2026-11-23T10:00:00.000Z', bytes: content.length }, result };
    },
  };
}

/** One bot instance over a shared database: its runner, service and handlers, as the composition root builds them. */
function instance(db: SqliteDatabase, opts: { workerId?: string; messenger: CampaignMessenger; reporter?: ReturnType<typeof recordingReporter>['reporter']; files?: ExportFiles }) {
  const store = createSqliteAcknowledgementStoreOn(db);
  const jobs: OwnerJobStore = createSqliteOwnerJobStore(db);
  const clock = () => new Date();
  const runner: OwnerJobRunner = createOwnerJobRunner({
    jobs, clock, workerId: opts.workerId ?? 'worker-a', sliceMs: 0, reportEveryMs: 0, ...(opts.reporter ? { reporter: opts.reporter } : {}),
  });
  const rules = { ...DEFAULT_CAMPAIGN_RULES, exportSecret: SECRET };
  const campaigns = createCampaignService({ store, clock, rules, owners: [OWNER], primaryPolicyId: 'social-media', messenger: opts.messenger, jobs: runner });
  const handlers = createCampaignJobHandlers({ store, campaigns, rules, clock, messenger: opts.messenger, ...(opts.files ? { files: opts.files } : {}) });
  for (const [kind, handler] of Object.entries(handlers)) runner.register(kind as OwnerJobKind, handler);
  return { store, jobs, runner, campaigns };
}

/** A campaign of `n` people, every card sent; every fourth person has acknowledged. */
async function sentCampaign(store: AcknowledgementStore, runner: OwnerJobRunner, campaigns: ReturnType<typeof instance>['campaigns'], n: number) {
  await store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
  await store.upsertStaff(Array.from({ length: n }, (_, i) => person(i + 1)));
  const started = await campaigns.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
  await runner.waitFor(started.job!.id);
  const now = new Date().toISOString();
  for (const d of await store.claimDeliveries({ campaignId: started.campaign.id, workerId: 'sender', limit: n, leaseMs: 60_000, now })) {
    await store.completeDelivery(started.campaign.id, d.userId, 'sender', { state: 'sent', activityId: `act-${d.userId}` }, now);
  }
  const acked = new Set<string>();
  for (let i = 1; i <= n; i += 4) {
    const p = person(i);
    await store.appendAcknowledgement({
      policyId: 'social-media', versionHash: 'hash-v1', userId: p.userId, userPrincipalName: p.userPrincipalName, displayName: p.displayName,
      campaignId: started.campaign.id, acknowledgedAt: new Date().toISOString(), channel: 'teams',
    });
    acked.add(p.userId);
  }
  return { campaign: started.campaign, outstanding: Array.from({ length: n }, (_, i) => person(i + 1).userId).filter((id) => !acked.has(id)).sort() };
}

describe('owner jobs', () => {
  let db: SqliteDatabase;
  beforeEach(() => { db = openSqliteDatabase(':memory:'); });
  afterEach(() => { db.close(); });

  it('when a reminder pass is stopped midway and the bot restarts, then it goes on from where it stopped and nobody is reminded twice', async () => {
    const hook = messengerWithHook();
    const first = instance(db, { messenger: hook.messenger });
    const { campaign, outstanding } = await sentCampaign(first.store, first.runner, first.campaigns, 450);
    expect(outstanding.length).toBe(337);
    // The process goes down while the first batch of reminders is going out.
    const stopped = new Promise<void>((resolve) => hook.setOnRemind(() => resolve(first.runner.stop())));
    const job = await first.campaigns.startOwnerJob({ kind: 'remind', actorId: OWNER, campaignId: campaign.id, card: CARD });
    await stopped;
    hook.setOnRemind(undefined);
    const paused = await first.jobs.getJob(job.id);
    expect(paused).toMatchObject({ state: 'running', done: 100, total: 337 });
    expect(hook.reminded.length).toBe(100);

    // A new instance on the same database, as after a restart, takes the job back and finishes it.
    const reporter = recordingReporter();
    const second = instance(db, { messenger: hook.messenger, reporter: reporter.reporter });
    expect(await second.runner.resume()).toBe(1);
    await second.runner.idle();

    expect([...hook.reminded].sort()).toEqual(outstanding);
    expect(new Set(hook.reminded).size).toBe(hook.reminded.length);
    for (const id of outstanding) expect((await second.store.getDelivery(campaign.id, id))?.remindCount).toBe(1);
    const done = await second.jobs.getJob(job.id);
    expect(done).toMatchObject({ state: 'done', done: 337, total: 337, data: { reminded: 337, recentlyReminded: 0 } });
    expect(reporter.finished.map((f) => f.job.state)).toEqual(['done']);
    expect(await second.runner.resume()).toBe(0);
  });

  it('when a batch is handled again after a restart (its progress was not saved), then its people are skipped, not reminded again', async () => {
    const hook = messengerWithHook();
    const a = instance(db, { messenger: hook.messenger });
    const { campaign, outstanding } = await sentCampaign(a.store, a.runner, a.campaigns, 120);
    const job = await a.campaigns.startOwnerJob({ kind: 'remind', actorId: OWNER, campaignId: campaign.id });
    await a.runner.idle();
    // Roll the saved job back to its start, as if the process had died before saving anything.
    const saved = (await a.jobs.getJob(job.id))!;
    db.prepare(`UPDATE owner_jobs SET state = 'running', done = 0, cursor = '', data = '{}' WHERE id = ?`).run(saved.id);
    const b = instance(db, { messenger: hook.messenger });
    await b.runner.resume();
    await b.runner.idle();
    expect(hook.reminded.length).toBe(outstanding.length);
    expect(await b.jobs.getJob(job.id)).toMatchObject({ state: 'done', data: { reminded: 0, recentlyReminded: outstanding.length } });
  });

  it('when a reminder pass runs, then the owner\'s card is told its progress batch by batch and the result at the end', async () => {
    const hook = messengerWithHook();
    const reporter = recordingReporter();
    const one = instance(db, { messenger: hook.messenger, reporter: reporter.reporter });
    const { campaign } = await sentCampaign(one.store, one.runner, one.campaigns, 450);
    await one.campaigns.startOwnerJob({ kind: 'remind', actorId: OWNER, campaignId: campaign.id, card: CARD });
    await one.runner.idle();
    const dones = reporter.progress.map((p) => p.done);
    expect(dones).toEqual([...dones].sort((x, y) => x - y));
    expect(dones).toEqual(expect.arrayContaining([100, 200, 300]));
    expect(reporter.progress.every((p) => p.total === 337 && p.state === 'running')).toBe(true);
    expect(reporter.finished).toHaveLength(1);
    expect(reporter.finished[0].job).toMatchObject({ state: 'done', done: 337, card: CARD, data: { reminded: 337 } });
  });

  it('when an export job ends, then the file holds every row, verifies, and its link is delivered to the owner\'s card', async () => {
    const hook = messengerWithHook();
    const reporter = recordingReporter();
    const files = memoryFiles();
    const one = instance(db, { messenger: hook.messenger, reporter: reporter.reporter, files });
    const { campaign } = await sentCampaign(one.store, one.runner, one.campaigns, 600);
    const job = await one.campaigns.startOwnerJob({ kind: 'export', actorId: OWNER, campaignId: campaign.id, card: CARD });
    await one.runner.idle();
    expect(files.files).toHaveLength(1);
    const [file] = files.files;
    expect(file.name).toMatch(/^Social Media Policy - version published .* - acknowledgements started \d{1,2} \w+ \d{4}\.csv$/);
    expect(file.content.trim().split('\r\n')).toHaveLength(601);
    expect(verifyAcknowledgementCsv(file.content, campaign.id, SECRET)).toEqual([]);
    expect(reporter.progress.some((p) => p.done > 0 && p.done < 600 && p.total === 600)).toBe(true);
    expect(reporter.finished).toEqual([{ job: expect.objectContaining({ id: job.id, state: 'done', done: 600 }), delivery: expect.objectContaining({ url: 'https://bot.example/files/1', rows: 600 }) }]);
    // The link is a bearer secret: it reaches the card, never the store.
    expect(JSON.stringify(await one.jobs.getJob(job.id))).not.toContain('https://bot.example/files');
  });

  it('when an export is interrupted, then after the restart it is written again from the first row and delivered once', async () => {
    const hook = messengerWithHook();
    const filesA = memoryFiles();
    let stopped: Promise<void> | undefined;
    let written = 0;
    const a = instance(db, { messenger: hook.messenger, files: {
      async offerWritten(type, write) {
        return filesA.offerWritten(type, (sink) => write({ write: async (chunk) => {
          await sink.write(chunk);
          // The process goes down after the first page of rows.
          if (++written === 2) stopped = a.runner.stop();
        } }));
      },
    } });
    const { campaign } = await sentCampaign(a.store, a.runner, a.campaigns, 600);
    const job = await a.campaigns.startOwnerJob({ kind: 'export', actorId: OWNER, campaignId: campaign.id, card: CARD });
    await a.runner.idle();
    await stopped;
    expect(written).toBe(2);
    expect(filesA.files).toEqual([]);
    expect((await a.jobs.getJob(job.id))?.state).toBe('running');
    const reporter = recordingReporter();
    const filesB = memoryFiles();
    const b = instance(db, { messenger: hook.messenger, reporter: reporter.reporter, files: filesB });
    await b.runner.resume();
    await b.runner.idle();
    expect(filesB.files).toHaveLength(1);
    expect(filesB.files[0].content.trim().split('\r\n')).toHaveLength(601);
    expect(reporter.finished[0].delivery).toMatchObject({ rows: 600 });
  });

  it('when a campaign starts with jobs, then its recipients are added by a job, the card goes out, and a resumed job adds nobody twice', async () => {
    const hook = messengerWithHook();
    const a = instance(db, { messenger: hook.messenger });
    await a.store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
    await a.store.upsertStaff(Array.from({ length: 1200 }, (_, i) => person(i + 1, i % 100 === 0 ? { active: false } : {})));
    const started = await a.campaigns.startCampaign({ actorId: OWNER, audience: { kind: 'all' }, card: CARD });
    expect(started.recipients).toBe(1188);
    // Stopped after its first slice, then resumed by the next instance.
    await a.runner.stop();
    const b = instance(db, { messenger: hook.messenger });
    await b.runner.resume();
    await b.runner.idle();
    expect((await b.store.listDeliveries(started.campaign.id)).length).toBe(1188);
    expect(await b.jobs.getJob(started.job!.id)).toMatchObject({ state: 'done', done: 1188, total: 1188 });
    expect(hook.delivered).toContain(started.campaign.id);
    const audit = (await b.store.listAudit(started.campaign.id)).map((e) => e.action);
    expect(audit).toEqual(['campaign.started', 'campaign.recipientsAdded']);
  });

  it('when a job fails, then it is recorded as failed with a code and the owner\'s card is told', async () => {
    const hook = messengerWithHook();
    const reporter = recordingReporter();
    const one = instance(db, { messenger: hook.messenger, reporter: reporter.reporter });
    const job = await one.runner.enqueue({ kind: 'remind', campaignId: 'no-such-campaign', actorId: OWNER, card: CARD });
    await one.runner.idle();
    expect(await one.jobs.getJob(job.id)).toMatchObject({ state: 'failed', error: 'NO_CAMPAIGN' });
    expect(reporter.finished.map((f) => f.job.state)).toEqual(['failed']);
  });
});
