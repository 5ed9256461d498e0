/**
 * `npm run build && node dist/bench/acknowledgementCeiling.js [--staff 5000] [--schools 0] [--acks 2000] [--connections 4,8] [--layouts one,spread] [--every N]`: how
 * many acknowledgements a second Azure Table storage on an in-memory Azurite can take on this machine through the
 * store alone, with no bot, no HTTP and no roll-out beside it: each one the product's three calls (the person's
 * delivery, the acknowledgement, the delivery's mark with its tally), as `acknowledgePolicy` makes them. It bounds
 * what `oneInstance.ts --store azure` can show: there the bot, the sender and the bench share the same two cores.
 * `storeMsEach` is the CPU this process (the store's side: the Azure SDK and the store's own work) spent on each.
 *
 * `--schools N` spreads the staff over N schools of ten departments each, as a local authority's roster is (the counts
 * are kept by department and school, so more of them make each count row larger); by default four departments, no school.
 *
 * Baseline in the same run: one point read of a delivery per "acknowledgement", at the same concurrency (the cheapest
 * call Azurite answers). For each, acknowledgements a second and the share of one core Azurite's process used.
 *
 * `--writers N` makes the acknowledgements through N stores, as N threads (each instance's bot and sender) would, each
 * keeping its own count rows; then the owner's status (the counts, and the counts by department and school) is read
 * five times and its median printed beside a point read's, with the number of count rows it sums.
 *
 * `--layouts one,spread` (the default: both, in one run, the order alternating from one connection count to the next):
 * the version's acknowledgements in the one partition an earlier release keeps them in (its row written without the
 * flag), or spread over a partition per shard as a version saved by this release has them. `--every N` prints each N
 * acknowledgements' rate and Azurite's CPU each, to show whether the cost grows as the version's acknowledgements do.
 */
import { TableClient } from '@azure/data-tables';
import { key } from '../src/adapters/azureTables/azureTableAcknowledgementEntities';
import { createAzureTableAcknowledgementStore } from '../src/adapters/azureTables/azureTableAcknowledgementStore';
import { Campaign, StaffMember } from '../src/features/acknowledgement/domain/acknowledgementTypes';
import { startAzuriteTables } from '../tests/support/azuriteServer';
import { cpuMs } from './processCpu';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const staff = Number(arg('staff', '5000'));
  const acks = Math.min(Number(arg('acks', '2000')), staff);
  const lanes = arg('connections', '4,8').split(',').map(Number);
  const schools = Number(arg('schools', '0'));
  const writers = Math.max(1, Number(arg('writers', '1')));
  const layouts = arg('layouts', 'one,spread').split(',').filter((l) => l === 'one' || l === 'spread');
  const every = Number(arg('every', '0'));
  const azurite = await startAzuriteTables();
  try {
    const options = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: 'ceiling' };
    const store = await createAzureTableAcknowledgementStore(options);
    // Each further writer counts in rows of its own (by its name's hash, as a thread's host, process and number).
    const stores = [store, ...await Promise.all(Array.from({ length: writers - 1 }, (_, w) =>
      createAzureTableAcknowledgementStore({ ...options, countsWriter: `bench-writer-${w + 1}` })))];
    const people: StaffMember[] = Array.from({ length: staff }, (_, i) => ({
      userId: `u${String(i).padStart(6, '0')}`, userPrincipalName: `p${i}@bench.example`, displayName: `Person ${i}`,
      ...(schools > 0
        ? { department: `Department ${Math.floor(i / schools) % 10}`, school: `School ${i % schools}` }
        : { department: ['Maths', 'English', 'Science', 'Office'][i % 4] }),
      active: true, source: 'graph', updatedAt: new Date().toISOString(),
    }));
    const started = new Date().toISOString();
    await store.upsertStaff(people);
    const campaignFor = (id: string, versionHash: string): Campaign => ({
      id, policyId: 'social-media', versionHash, audience: { kind: 'all' }, dueDate: '2099-01-01', startedAt: started,
      startedBy: 'owner', round: 1, seriesId: id, status: 'active',
    });
    const deliveries = TableClient.fromConnectionString(azurite.connectionString, 'ceilingDeliveries', { allowInsecureConnection: true });
    const versions = TableClient.fromConnectionString(azurite.connectionString, 'ceilingVersions', { allowInsecureConnection: true });
    const runs = lanes.flatMap((lanesNow, n) => (n % 2 === 0 ? layouts : [...layouts].reverse()).map((layout) => ({ n, lanesNow, layout })));
    for (const { n, lanesNow, layout } of runs) {
      // A campaign and version a sitting, so each starts from fresh acknowledgement partitions.
      const campaign = campaignFor(`c${n}x${lanesNow}${layout}`, `v${n}x${lanesNow}${layout}`);
      await store.savePolicyVersion({
        policyId: campaign.policyId, versionHash: campaign.versionHash, title: 'Policy', keyPoints: ['Read it'], material: true, publishedAt: started,
      });
      if (layout === 'one') {
        // The row as an earlier release wrote it, without the flag that spreads the version's acknowledgements.
        const row = await versions.getEntity<Record<string, unknown>>(key(campaign.policyId), key(campaign.versionHash));
        const { acksSpread: _flag, etag: _etag, timestamp: _ts, ...rest } = row;
        await versions.upsertEntity(rest as { partitionKey: string; rowKey: string }, 'Replace');
      }
      await store.createCampaign(campaign);
      await store.addDeliveries(campaign.id, people, started);
      const rowOf = new Map<string, { pk: string; rk: string }>();
      for await (const e of deliveries.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey ge '${campaign.id}|' and PartitionKey lt '${campaign.id}}'` } })) {
        if (!String(e.rowKey).startsWith('$')) rowOf.set(decodeURIComponent(String(e.rowKey)), { pk: String(e.partitionKey), rk: String(e.rowKey) });
      }
      // Both sittings go through the same people, the first `acks` of the staff list, each a sitting of its own.
      const sitting = async (label: string, one: (p: StaffMember) => Promise<void>) => {
        const cpu0 = cpuMs(azurite.pid);
        const own0 = process.cpuUsage();
        const t0 = performance.now();
        let i = 0;
        let done = 0;
        let mark = { at: t0, cpu: cpu0 };
        await Promise.all(Array.from({ length: lanesNow }, async () => {
          while (i < acks) {
            await one(people[i++]);
            if (every > 0 && ++done % every === 0) {
              const now = { at: performance.now(), cpu: cpuMs(azurite.pid) };
              console.log(JSON.stringify({
                sitting: label, layout, upTo: done, perSecond: Math.round(every / ((now.at - mark.at) / 1000)),
                azuriteMsEach: now.cpu === undefined || mark.cpu === undefined ? null : Math.round(((now.cpu - mark.cpu) / every) * 100) / 100,
              }));
              mark = now;
            }
          }
        }));
        const seconds = (performance.now() - t0) / 1000;
        const cpu1 = cpuMs(azurite.pid);
        const own = process.cpuUsage(own0);
        console.log(JSON.stringify({
          sitting: label, layout, connections: lanesNow, perSecond: Math.round(acks / seconds),
          azuriteCoreShare: cpu0 === undefined || cpu1 === undefined ? null : Math.round((cpu1 - cpu0) / 10 / seconds) / 100,
          azuriteMsEach: cpu0 === undefined || cpu1 === undefined ? null : Math.round(((cpu1 - cpu0) / acks) * 100) / 100,
          storeMsEach: Math.round(((own.user + own.system) / 1000 / acks) * 100) / 100,
        }));
      };
      await sitting('baseline: one point read', async (p) => {
        const at = rowOf.get(p.userId)!;
        await deliveries.getEntity(at.pk, at.rk);
      });
      let turn = 0;
      await sitting('acknowledgement: delivery, insert, mark with tally', async (p) => {
        const store = stores[turn++ % stores.length];
        const recipient = await store.getRecipient(campaign.id, p.userId, { policyId: campaign.policyId, versionHash: campaign.versionHash });
        if (!recipient) throw new Error(`no delivery for ${p.userId}`);
        const result = await store.appendAcknowledgement({
          policyId: campaign.policyId, versionHash: campaign.versionHash, userId: p.userId, userPrincipalName: recipient.userPrincipalName,
          displayName: recipient.displayName, ...(recipient.department ? { department: recipient.department } : {}), campaignId: campaign.id,
          acknowledgedAt: new Date().toISOString(), channel: 'teams',
        });
        if (!result.recorded) throw new Error(`not recorded: ${p.userId}`);
      });
      const counts = await store.countDeliveries(campaign.id);
      const acknowledged = (await store.tallyDeliveries(campaign.id)).filter((t) => t.acknowledged).reduce((n, t) => n + t.count, 0);
      if (acknowledged !== acks) throw new Error(`counted ${acknowledged} acknowledged of ${acks}`);
      console.log(JSON.stringify({ layout, connections: lanesNow, counted: acknowledged, deliveries: Object.values(counts).reduce((n, c) => n + c, 0) }));
      // The owner's status as it reads the counts, against a point read, each the median of five.
      const median = async (read: () => Promise<unknown>) => {
        const times: number[] = [];
        for (let k = 0; k < 5; k++) {
          const t0 = performance.now();
          await read();
          times.push(performance.now() - t0);
        }
        return Math.round(times.sort((a, b) => a - b)[2] * 10) / 10;
      };
      const first = rowOf.get(people[0].userId)!;
      let countRows = 0;
      for await (const e of deliveries.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey ge '${campaign.id}|' and PartitionKey lt '${campaign.id}}'`, select: ['RowKey'] } })) {
        if (String(e.rowKey).startsWith('$tally')) countRows++;
      }
      console.log(JSON.stringify({
        layout, connections: lanesNow, writers: stores.length, countRows,
        statusMs: await median(async () => { await store.countDeliveries(campaign.id); await store.tallyDeliveries(campaign.id); }),
        pointReadMs: await median(() => deliveries.getEntity(first.pk, first.rk)),
      }));
    }
  } finally {
    await azurite.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
