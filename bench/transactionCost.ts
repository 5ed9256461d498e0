/**
 * `npm run bench:transactions [-- --batches 1500 --rounds 6]`: what one entity group transaction costs the store and
 * Azurite, sent as the store sends it (azureTableTransactions.ts) and, as the baseline in the same run, through the SDK's
 * own `TableClient.submitTransaction`. Each is the transaction an acknowledgement makes: a person's delivery merged under
 * its etag and their shard's tally row replaced under its etag, four at a time over sixteen partitions, as clicks come.
 * The two take turns, round by round, the order alternating, on one in-memory Azurite, so the machine's load falls on
 * both alike. Prints, per round, the CPU ms per transaction of this process (the client's side) and of Azurite.
 */
import { TableClient, TransactionAction } from '@azure/data-tables';
import { submitTransaction } from '../src/adapters/azureTables/azureTableTransactions';
import { startAzuriteTables } from '../tests/support/azuriteServer';
import { cpuMs } from './processCpu';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const PARTITIONS = 16;
const LANES = 4;

async function main(): Promise<void> {
  const batches = Number(arg('batches', '1500'));
  const rounds = Number(arg('rounds', '6'));
  const azurite = await startAzuriteTables();
  try {
    const table = TableClient.fromConnectionString(azurite.connectionString, 'benchtransactions', { allowInsecureConnection: true });
    await table.createTable();
    const etags = new Map<string, string>();
    const perPartition = Math.ceil(batches / PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      for (let i = 0; i < perPartition; i++) {
        etags.set(`${p}|u${i}`, (await table.createEntity({ partitionKey: `p${p}`, rowKey: `u${i}`, state: 'sent', department: 'Maths' })).etag!);
      }
      etags.set(`${p}|$tally`, (await table.createEntity({ partitionKey: `p${p}`, rowKey: '$tally', counts: '{}' })).etag!);
    }
    const ways: Record<string, (actions: TransactionAction[]) => Promise<{ subResponses: { etag?: string }[] }>> = {
      'SDK submitTransaction (baseline)': (actions) => table.submitTransaction(actions),
      'the store\'s transaction': (actions) => submitTransaction(table, actions),
    };
    const names = Object.keys(ways);
    const figures = new Map<string, { store: number[]; azurite: number[] }>(names.map((n) => [n, { store: [], azurite: [] }]));
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const send = ways[name];
        const azurite0 = cpuMs(azurite.pid);
        const own0 = process.cpuUsage();
        let sent = 0;
        await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
          for (let k = 0; LANES * k < batches; k++) {
            const p = (lane + LANES * k) % PARTITIONS;
            const i = (k + round) % perPartition;
            const res = await send([
              ['update', { partitionKey: `p${p}`, rowKey: `u${i}`, acknowledgedAt: `${round}-${name}` }, 'Merge', { etag: etags.get(`${p}|u${i}`) }],
              ['update', { partitionKey: `p${p}`, rowKey: '$tally', counts: `{"acknowledged":${round}}` }, 'Replace', { etag: etags.get(`${p}|$tally`) }],
            ]);
            etags.set(`${p}|u${i}`, res.subResponses[0].etag!);
            etags.set(`${p}|$tally`, res.subResponses[1].etag!);
            sent++;
          }
        }));
        const own = process.cpuUsage(own0);
        const azurite1 = cpuMs(azurite.pid);
        const f = figures.get(name)!;
        f.store.push((own.user + own.system) / 1000 / sent);
        if (azurite0 !== undefined && azurite1 !== undefined) f.azurite.push((azurite1 - azurite0) / sent);
        console.log(JSON.stringify({ round, way: name, transactions: sent, storeMsEach: Number(f.store.at(-1)!.toFixed(3)), azuriteMsEach: f.azurite.length ? Number(f.azurite.at(-1)!.toFixed(3)) : null }));
      }
    }
    // The first round of each warms the code up: the medians of the rest.
    const median = (xs: number[]) => { const s = xs.slice(1).sort((a, b) => a - b); return s.length ? Number(s[Math.floor(s.length / 2)].toFixed(3)) : null; };
    for (const [name, f] of figures) console.log(JSON.stringify({ way: name, medianStoreMsEach: median(f.store), medianAzuriteMsEach: median(f.azurite) }));
  } finally {
    await azurite.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
