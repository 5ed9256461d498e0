/**
 * `npm run bench:table-calls [-- --calls 4000 --rounds 5]`: what one point read of a table row costs the client's CPU,
 * four at a time, four ways, on one in-memory Azurite, with Azurite's own CPU for each call as the baseline in the same
 * run (issue 72: how much of an acknowledgement's cost the Azure SDK is, and so how much writing the calls by hand could
 * give back):
 *
 *   sdk              `TableClient.getEntity`, as the store reads a delivery today (the baseline)
 *   client pipeline  the same request written by hand, sent through the client's own pipeline (as the store's transactions are)
 *   lean pipeline    the same, through a pipeline of only the client's request id, signing, retry and redirect policies
 *   plain http       node:http with a keep-alive agent, signed here (SharedKeyLite): no SDK at all, the floor
 *
 * The ways take turns, round by round, the order reversed every other round; the first round warms the code and is left
 * out of the medians. A row read four ways must come back the same each time (checked). The last two are measuring aids
 * only: the product keeps the SDK's pipeline for its credentials, retries and logging.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { TableClient } from '@azure/data-tables';
import { createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineRequest, Pipeline } from '@azure/core-rest-pipeline';
import { startAzuriteTables } from '../tests/support/azuriteServer';
import { cpuMs } from './processCpu';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const LANES = 4;
const ROWS = 200;
const HEADERS = { accept: 'application/json;odata=minimalmetadata', 'x-ms-version': '2019-02-02', DataServiceVersion: '3.0' };
const keyInUrl = (key: string): string => encodeURIComponent(key.replace(/'/g, "''"));
type Row = Record<string, unknown>;

async function main(): Promise<void> {
  const calls = Number(arg('calls', '4000'));
  const rounds = Number(arg('rounds', '5'));
  const azurite = await startAzuriteTables();
  try {
    const table = TableClient.fromConnectionString(azurite.connectionString, 'benchcalls', { allowInsecureConnection: true });
    await table.createTable();
    for (let i = 0; i < ROWS; i++) {
      await table.createEntity({ partitionKey: 'shard|07', rowKey: `u${i}`, displayName: `Person ${i}`, department: 'Maths', state: 'sent', attempts: 1 });
    }
    const settings = Object.fromEntries(azurite.connectionString.split(';').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const endpoint = new URL(settings.TableEndpoint);
    const accountKey = Buffer.from(settings.AccountKey, 'base64');
    const base = table.url.replace(/\/$/, '');
    const client = createDefaultHttpClient();
    const keep = new Set(['setClientRequestIdPolicy', 'tablesNamedKeyCredentialPolicy', 'defaultRetryPolicy', 'redirectPolicy']);
    const lean = createEmptyPipeline();
    for (const policy of table.pipeline.getOrderedPolicies()) if (keep.has(policy.name)) lean.addPolicy(policy);
    const agent = new http.Agent({ keepAlive: true, maxSockets: LANES });

    const address = (rk: string) => `${base}/${table.tableName}(PartitionKey='${keyInUrl('shard|07')}',RowKey='${keyInUrl(rk)}')`;
    const through = async (pipeline: Pipeline, rk: string): Promise<Row> => {
      const request = createPipelineRequest({ url: address(rk), method: 'GET', headers: createHttpHeaders(HEADERS), allowInsecureConnection: true });
      const response = await pipeline.sendRequest(client, request);
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      return JSON.parse(response.bodyAsText ?? '{}') as Row;
    };
    const plain = (rk: string): Promise<Row> => new Promise((resolve, reject) => {
      const url = new URL(address(rk));
      const path = `${url.pathname}${url.search}`;
      const date = new Date().toUTCString();
      const signature = crypto.createHmac('sha256', accountKey).update(`${date}\n/${settings.AccountName}${url.pathname}`).digest('base64');
      const req = http.request({
        host: endpoint.hostname, port: endpoint.port, path, method: 'GET', agent,
        headers: { ...HEADERS, 'x-ms-date': date, authorization: `SharedKeyLite ${settings.AccountName}:${signature}` },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Row) : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
    const ways: Record<string, (rk: string) => Promise<Row>> = {
      'sdk (baseline)': async (rk) => (await table.getEntity<Row>('shard|07', rk)) as Row,
      'client pipeline': (rk) => through(table.pipeline, rk),
      'lean pipeline': (rk) => through(lean, rk),
      'plain http': plain,
    };
    // The same row each way: its name and etag.
    const seen = await Promise.all(Object.values(ways).map((read) => read('u3')));
    const etags = seen.map((r) => String(r.etag ?? r['odata.etag']));
    if (new Set(seen.map((r) => r.displayName)).size !== 1 || new Set(etags).size !== 1) throw new Error(`the ways read different rows: ${JSON.stringify(seen)}`);

    const names = Object.keys(ways);
    const figures = new Map(names.map((n) => [n, { client: [] as number[], azurite: [] as number[] }]));
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const read = ways[name];
        const azurite0 = cpuMs(azurite.pid);
        const own0 = process.cpuUsage();
        await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
          for (let i = lane; i < calls; i += LANES) await read(`u${i % ROWS}`);
        }));
        const own = process.cpuUsage(own0);
        const azurite1 = cpuMs(azurite.pid);
        const f = figures.get(name)!;
        f.client.push((own.user + own.system) / 1000 / calls);
        if (azurite0 !== undefined && azurite1 !== undefined) f.azurite.push((azurite1 - azurite0) / calls);
        console.log(JSON.stringify({ round, way: name, calls, clientMsEach: Number(f.client.at(-1)!.toFixed(3)), azuriteMsEach: f.azurite.length ? Number(f.azurite.at(-1)!.toFixed(3)) : null }));
      }
    }
    const median = (xs: number[]) => { const s = xs.slice(1).sort((a, b) => a - b); return s.length ? Number(s[Math.floor(s.length / 2)].toFixed(3)) : null; };
    for (const [name, f] of figures) console.log(JSON.stringify({ way: name, medianClientMsEach: median(f.client), medianAzuriteMsEach: median(f.azurite) }));
    agent.destroy();
  } finally {
    await azurite.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
