/**
 * `npm run bench:scale -- --users 50000 --store sqlite|azure [--inline]`: what the owner's views cost as the staff list
 * grows (staff sync: saving the list, a full and an incremental sync; campaign start, status, export to a file, a
 * reminder pass), each with the worst event-loop delay while it runs. Baseline in the same run: an idle wait, the floor
 * of the delay measurement. Azure runs against an in-memory Azurite started (and stopped) by the bench. Campaign start,
 * export and reminders run as the bot runs them, as background jobs, timed until the job ends; `--inline` times them
 * the old way, inside the call. `--only staff` stops after the staff lines; `--changed N` (100) sizes the incremental sync.
 * Then acknowledgement clicks through HTTP (bench/acknowledgementClicks.ts: acks/s, p99, bot CPU per click and, on
 * Azure, round trips per click; `--clicks 2000 --concurrency 32`, or `--rate 500` for 500 clicks a second arriving
 * whatever the answers, each timed from when it was due; `--clicks-only` skips the owner views, `--skip reminder,export` some of them).
 * `--limits local|shared` takes each click from its person's press budget as the product does (in this process, or in the
 * shared records every instance uses, counting their calls); by default none, as the figures before issue 51 were taken.
 * `--records-delay-ms N` adds N ms to each call to the shared records, for a storage account's round trip.
 */
import { createAzureTableAcknowledgementStore, createRequestCounter } from '../src/adapters/azureTables/azureTableAcknowledgementStore';
import { createSqliteAcknowledgementStore } from '../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../src/features/acknowledgement/domain/acknowledgementStore';
import { createCampaignService } from '../src/features/acknowledgement/domain/campaignService';
import { DEFAULT_CAMPAIGN_RULES } from '../src/features/acknowledgement/domain/campaignPorts';
import { createFileLinks } from '../src/teams/fileLinks';
import { createCampaignJobHandlers } from '../src/features/acknowledgement/domain/campaignJobs';
import { createOwnerJobRunner, OwnerJobKind, OwnerJobStore } from '../src/features/acknowledgement/domain/ownerJobs';
import { createSqliteOwnerJobStore } from '../src/adapters/sqlite/sqliteOwnerJobStore';
import { openSqliteDatabase } from '../src/adapters/sqlite/sqliteDatabase';
import { createAzureTableOwnerJobStore } from '../src/adapters/azureTables/azureTableOwnerJobStore';
import { TableClient } from '@azure/data-tables';
import { startAzuriteTables } from '../tests/support/azuriteServer';
import { measureWithLoopDelay } from './loopDelay';
import { syncStaffDirectory } from '../src/features/acknowledgement/sending/staffSync';
import { DirectoryPerson, StaffDirectorySource } from '../src/features/acknowledgement/sending/sendingPorts';
import { measureClicks } from './acknowledgementClicks';
import { createTurnLimits, TurnLimits } from '../src/teams/turnLimits';
import { DEFAULT_PERSON_LIMITS } from '../src/config/coreSettings';
import { createAzureTableSharedRecords } from '../src/adapters/azureTables/azureTableSharedRecords';
import { createSqliteSharedRecords } from '../src/adapters/sqlite/sqliteSharedRecords';
import { SharedRecords } from '../src/shared/sharedRecords';
import { createLogger } from '../src/shared/logger';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const users = Number(arg('users', '10000'));
  const storeKind = arg('store', 'sqlite');
  const azurite = storeKind === 'azure' ? await startAzuriteTables() : undefined;
  const requests = azurite ? createRequestCounter() : undefined;
  const store: AcknowledgementStore = azurite
    ? await createAzureTableAcknowledgementStore({
      connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: 'bench', onRequest: requests!.observe,
    })
    : createSqliteAcknowledgementStore(':memory:');
  const inline = process.argv.includes('--inline');
  const jobStore: OwnerJobStore = azurite
    ? await createAzureTableOwnerJobStore(TableClient.fromConnectionString(azurite.connectionString, 'benchJobs', { allowInsecureConnection: true }))
    : createSqliteOwnerJobStore(openSqliteDatabase(':memory:'));
  const runner = createOwnerJobRunner({ jobs: jobStore, clock: () => new Date(), workerId: 'bench' });
  const links = createFileLinks({ baseUrl: 'http://127.0.0.1:1' });
  const now = new Date().toISOString();
  const time = async (op: string, fn: () => Promise<unknown>) => {
    const measured = await measureWithLoopDelay(fn);
    console.log(JSON.stringify({ op, store: storeKind, users, ...(inline ? { inline } : {}), ...measured }));
  };
  try {
    await store.savePolicyVersion({ policyId: 'p', versionHash: 'h', title: 'Policy', keyPoints: ['Be kind.'], material: true, publishedAt: now });
    const service = createCampaignService({
      store, clock: () => new Date(), rules: DEFAULT_CAMPAIGN_RULES, owners: ['owner'], primaryPolicyId: 'p', ...(inline ? {} : { jobs: runner }),
    });
    const handlers = createCampaignJobHandlers({ store, campaigns: service, rules: DEFAULT_CAMPAIGN_RULES, clock: () => new Date(), files: links });
    for (const [kind, handler] of Object.entries(handlers)) runner.register(kind as OwnerJobKind, handler);
    await time('baseline: idle 100 ms', () => new Promise((resolve) => setTimeout(resolve, 100)));
    // The store's upsert of the whole list in one call (is it linear?); the product's syncs are the lines after it.
    await time('staff upsert, whole list in one store call', () => store.upsertStaff(Array.from({ length: users }, (_, i) => ({
      userId: `u${i}`, userPrincipalName: `u${i}@school.example`, displayName: `Person ${i}`, department: `D${i % 40}`,
      active: true, source: 'graph' as const, updatedAt: now,
    }))));
    // Staff sync through the use case, the directory read left out (an in-process source): a full read that finds
    // nothing changed, one that finds everyone renamed, then a delta with `--changed` people (moves; one in ten leave).
    const changed = Math.min(users, Number(arg('changed', '100')));
    const person = (i: number, department = `D${i % 40}`, suffix = ''): DirectoryPerson => ({
      userId: `u${i}`, userPrincipalName: `u${i}@school.example`, displayName: `Person ${i}${suffix}`, department,
    });
    const directory = (full: boolean, suffix?: string): StaffDirectorySource => ({
      kind: 'graph',
      readStaff: async () => (full
        ? { members: Array.from({ length: users }, (_, i) => person(i, undefined, suffix)), departedIds: [], complete: true, nextSyncToken: 'delta-1' }
        : {
          members: Array.from({ length: changed }, (_, i) => i).filter((i) => i % 10 !== 9).map((i) => person(i, 'Moved')),
          departedIds: Array.from({ length: changed }, (_, i) => i).filter((i) => i % 10 === 9).map((i) => `u${i}`),
          complete: false, nextSyncToken: 'delta-2',
        }),
    });
    await time('full staff sync (none changed)', () => syncStaffDirectory(directory(true), store, now));
    await time('full staff sync (everyone changed)', () => syncStaffDirectory(directory(true, ' (renamed)'), store, now));
    await time(`incremental staff sync (${changed} changed)`, () => syncStaffDirectory(directory(false), store, now));
    if (arg('only', '') === 'staff') return;
    let campaignId = '';
    await time('campaign start', async () => {
      const started = await service.startCampaign({ actorId: 'owner', audience: { kind: 'all' } });
      campaignId = started.campaign.id;
      if (started.job) await runner.waitFor(started.job.id);
    });
    // Not timed: the state after a sending run. Everyone got the card, a third acknowledged, a third read it.
    const at = new Date().toISOString();
    const claimed = await store.claimDeliveries({ campaignId, workerId: 'bench', limit: users, leaseMs: 3_600_000, now: at });
    await forEachLimited(claimed, 16, async (d) => {
      await store.completeDelivery(campaignId, d.userId, 'bench', { state: 'sent', activityId: `act-${d.userId}` }, at);
      const i = Number(d.userId.slice(1));
      if (i % 3 === 0) {
        await store.appendAcknowledgement({
          policyId: 'p', versionHash: 'h', userId: d.userId, userPrincipalName: `${d.userId}@school.example`, displayName: `Person ${i}`,
          department: `D${i % 40}`, campaignId, acknowledgedAt: new Date().toISOString(), channel: 'teams',
        });
      } else if (i % 3 === 1) {
        await store.markOpened(campaignId, d.userId, at);
      }
    });
    // --clicks-only: skip the owner views (a reminder pass on Azure at 10k takes minutes) to measure clicks alone.
    const views = !process.argv.includes('--clicks-only');
    // --skip reminder,export: leave out some views, e.g. the reminder pass that takes minutes on Azurite at 10k.
    const skip = new Set(arg('skip', '').split(',').filter(Boolean));
    if (views && !skip.has('status')) await time('status', () => service.campaignStatus({ actorId: 'owner', campaignId }));
    // The way the bot hands an export over: written to a file behind a signed link, page by page.
    if (views && !skip.has('export')) await time('export to file', async () => {
      if (inline) await links.offerWritten('text/csv; charset=utf-8', (sink) => service.writeExport({ actorId: 'owner', campaignId }, sink));
      else await runner.waitFor((await service.startOwnerJob({ kind: 'export', actorId: 'owner', campaignId })).id);
    });
    if (views && !skip.has('reminder')) await time('reminder pass', async () => {
      if (inline) await service.remindOutstanding({ actorId: 'owner', campaignId });
      else await runner.waitFor((await service.startOwnerJob({ kind: 'remind', actorId: 'owner', campaignId })).id);
    });
    // The scheduler's look for joiners (every few minutes, on every instance): nobody new, so it adds no one.
    if (views && !skip.has('joiners')) await time('joiners check', () => service.runScheduledWork());
    // Clicks by people who have the card and have not acknowledged; their chats are stored, as after a sending run.
    const clicks = Math.min(Number(arg('clicks', '2000')), Math.floor(users * 0.6));
    const clickers = claimed.map((d) => d.userId).filter((u) => Number(u.slice(1)) % 3 !== 0).slice(0, clicks + 3);
    await forEachLimited(clickers.filter((_, i) => i !== 2), 16, (u) => store.saveConversationReference({
      userId: u, conversationId: `a:${u}`, serviceUrl: 'http://127.0.0.1:9/', reference: { conversation: { id: `a:${u}` } }, updatedAt: at,
    }));
    const shared = await sharedRecordsFor(arg('limits', 'none'), azurite?.connectionString);
    const limits: TurnLimits | undefined = arg('limits', 'none') === 'none' ? undefined : createTurnLimits({
      budgets: DEFAULT_PERSON_LIMITS, reportCommandIds: [], ...(shared ? { records: shared.records } : {}),
    }, createLogger('silent'));
    for (const line of await measureClicks({
      store, ...(requests ? { requests } : {}), ...(limits ? { limits } : {}), policyId: 'p', versionHash: 'h', campaignId,
      userIds: clickers.filter((_, i) => i !== 2), newChatUserId: clickers[2], clicks,
      concurrency: Number(arg('concurrency', '32')), rate: Number(arg('rate', '0')), repeatShare: 0.1,
    })) console.log(JSON.stringify({ ...line, store: storeKind, users, limits: arg('limits', 'none') }));
    if (shared) console.log(JSON.stringify({ op: 'shared records calls during the clicks', ...shared.calls, store: storeKind, users }));
    limits?.close();
  } finally {
    await runner.stop();
    links.close();
    await store.close();
    await azurite?.stop();
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

void main();

/** The shared records for `--limits shared` (Azure: the same Azurite; SQLite: a file of their own), counting their calls. */
async function sharedRecordsFor(kind: string, connectionString?: string): Promise<{ records: SharedRecords; calls: { reads: number; writes: number } } | undefined> {
  if (kind !== 'shared') return undefined;
  const inner = connectionString
    ? await createAzureTableSharedRecords({ connectionString, allowInsecureConnection: true, tablePrefix: 'bench' })
    : createSqliteSharedRecords(openSqliteDatabase(':memory:'));
  const calls = { reads: 0, writes: 0 };
  // --records-delay-ms N: each call to the shared records takes N ms more, as a storage account's round trip does (Azurite
  // on loopback answers in about a millisecond, so what a click waits for on it hides what it waits for on Azure).
  const delay = Number(arg('records-delay-ms', '0'));
  const later = <T>(call: () => Promise<T>): Promise<T> => (delay > 0 ? new Promise((r) => setTimeout(r, delay)).then(call) : call());
  return {
    calls,
    records: {
      read: (space, key) => { calls.reads += 1; return later(() => inner.read(space, key)); },
      write: (space, key, value, version) => { calls.writes += 1; return later(() => inner.write(space, key, value, version)); },
      sweep: (space, before) => inner.sweep(space, before),
    },
  };
}
