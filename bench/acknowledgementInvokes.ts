/**
 * Measures acknowledgement invokes end to end: the real TeamsAdapter and teams-ai Application serve
 * /api/messages on loopback with the acknowledgement feature on a SQLite file (WAL); a forked load generator
 * (its own process, so it does not steal the server's event loop) posts `adaptiveCard/action` invokes at a
 * fixed rate over 64 keep-alive connections (open loop: latency counts from when each request was due, so a
 * stalled server cannot hide its backlog). A share of clicks are repeats by the same person, which must
 * record nothing new. `lost` counts people whose click was confirmed ("Acknowledged on") but is not stored;
 * `unconfirmed` counts clicks that got no confirming card (errors). Prints one JSON line.
 *
 *   node dist/bench/acknowledgementInvokes.js [--rate 600] [--seconds 20] [--repeat 0.1] [--store sqlite|azure]
 *
 * --store azure needs AZURE_STORAGE_CONNECTION_STRING (e.g. Azurite) and measures the scale-out store instead.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import restify from 'restify';
import { ConfigurationServiceClientCredentialFactory, MemoryStorage } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { AcknowledgementStore } from '../src/features/acknowledgement/domain/acknowledgementStore';
import { StaffMember } from '../src/features/acknowledgement/domain/acknowledgementTypes';
import { createAcknowledgementModule } from '../src/features/acknowledgement/teams/acknowledgementModule';
import { Verbs } from '../src/teams/verbs';
import { parseAcknowledgementSettings } from '../src/config/acknowledgementSettings';
import { createAzureTableAcknowledgementStore } from '../src/adapters/azureTables/azureTableAcknowledgementStore';
import { createSqliteAcknowledgementStore } from '../src/adapters/sqlite/sqliteAcknowledgementStore';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function openStore(kind: string, dir: string): Promise<AcknowledgementStore> {
  if (kind === 'azure') {
    const cs = process.env.AZURE_STORAGE_CONNECTION_STRING;
    if (!cs) throw new Error('--store azure needs AZURE_STORAGE_CONNECTION_STRING');
    return createAzureTableAcknowledgementStore({ connectionString: cs, allowInsecureConnection: true, tablePrefix: `bench${Date.now().toString(36)}` });
  }
  return createSqliteAcknowledgementStore(path.join(dir, 'bench.sqlite'));
}

async function main(): Promise<void> {
  const rate = Number(arg('rate', '600'));
  const seconds = Number(arg('seconds', '20'));
  const repeatShare = Number(arg('repeat', '0.1'));
  const storeKind = arg('store', 'sqlite');
  const total = Math.round(rate * seconds);
  const uniqueUsers = Math.max(1, Math.round(total * (1 - repeatShare)));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-bench-'));
  const store = await openStore(storeKind, dir);
  const now = new Date().toISOString();
  await store.savePolicyVersion({
    policyId: 'social-media', versionHash: 'bench-hash-0001', title: 'Social Media Policy', keyPoints: ['Never contact pupils privately.'],
    material: true, wordingHash: 'w', publishedAt: now,
  });
  const staff: StaffMember[] = Array.from({ length: uniqueUsers }, (_, i) => ({
    userId: `aad-${i}`, userPrincipalName: `u${i}@school.example`, displayName: `Person ${i}`, department: `Dept ${i % 12}`,
    active: true, source: 'roster', updatedAt: now,
  }));
  await store.upsertStaff(staff);

  const { value: settings } = parseAcknowledgementSettings({}, 'local');
  const mod = createAcknowledgementModule({
    store, settings, owners: ['owner'], primaryPolicyId: 'social-media', channel: 'teams',
    logger: { info: () => undefined, warn: () => undefined },
  });
  const { campaign } = await mod.campaigns.startCampaign({ actorId: 'owner', audience: { kind: 'all' } });

  const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
  const app = new Application<TurnState>({ adapter, storage: new MemoryStorage(), startTypingTimer: false });
  mod.feature.register(app);
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  // Server-side time per request (arrival to response sent), apart from queueing in the client and the kernel.
  const serverMs: number[] = [];
  server.post('/api/messages', async (req, res) => {
    const t0 = performance.now();
    await adapter.process(req, res, (context) => app.run(context).then(() => undefined));
    serverMs.push(performance.now() - t0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;

  // Warm up (JIT, statement cache) with clicks by a user outside the measured set.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  for (let i = 0; i < 50; i++) await post(agent, url, 'warm-up-user', campaign.id, i);
  agent.destroy();

  const child = fork(__filename, ['--client', url, campaign.id, String(rate), String(total), String(uniqueUsers)], { stdio: 'inherit' });
  const report = await new Promise<ClientReport>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ClientReport));
    child.once('exit', (code) => reject(new Error(`load generator exited ${code}`)));
  });
  const latencies = report.latencies.sort((a, b) => a - b);
  const elapsed = report.seconds;

  const handled = serverMs.slice(50).sort((a, b) => a - b);
  const recorded = (await store.listAcknowledgements('social-media', 'bench-hash-0001')).filter((a) => a.userId !== 'warm-up-user');
  const recordedUsers = new Set(recorded.map((a) => a.userId));
  const confirmedButMissing = report.confirmedUsers.filter((u) => !recordedUsers.has(u));
  latencies.sort((a, b) => a - b);
  const result = {
    store: storeKind,
    invokes: total,
    uniqueUsers,
    recorded: recorded.length,
    duplicatesRecorded: recorded.length - recordedUsers.size,
    lost: confirmedButMissing.length,
    unconfirmed: report.failures,
    notRecorded: uniqueUsers - recordedUsers.size,
    seconds: Number(elapsed.toFixed(2)),
    offeredPerSecond: rate,
    achievedPerSecond: Number((total / elapsed).toFixed(1)),
    p50Ms: Number(quantile(latencies, 0.5).toFixed(1)),
    p95Ms: Number(quantile(latencies, 0.95).toFixed(1)),
    p99Ms: Number(quantile(latencies, 0.99).toFixed(1)),
    maxMs: Number((latencies[latencies.length - 1] ?? 0).toFixed(1)),
    serverP50Ms: Number(quantile(handled, 0.5).toFixed(2)),
    serverP99Ms: Number(quantile(handled, 0.99).toFixed(2)),
    ...(report.failureSamples.length ? { failureSamples: report.failureSamples } : {}),
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
    cpus: os.cpus().length,
  };
  console.log(JSON.stringify(result));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** What the load generator measured. */
interface ClientReport {
  latencies: number[];
  failures: number;
  seconds: number;
  /** Users whose click came back as an "Acknowledged on" card. */
  confirmedUsers: string[];
  failureSamples: string[];
}

/** A few distinct answers that were not a confirming card, to say why (status and the start of the body). */
const failureSamples = new Set<string>();

function post(agent: http.Agent, url: string, userId: string, campaignId: string, n: number): Promise<boolean> {
  const body = JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', id: `bench-${n}`,
    from: { id: `29:${userId}`, aadObjectId: userId, name: 'Bench' }, recipient: { id: '28:bot' },
    conversation: { id: `a:${userId}`, conversationType: 'personal', tenantId: 't' }, replyToId: `card-${userId}`,
    value: { action: { type: 'Action.Execute', verb: Verbs.acknowledge, data: { policyId: 'social-media', versionHash: 'bench-hash-0001', campaignId } } },
  });
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { raw += c; });
      res.on('end', () => {
        try {
          const parsed = JSON.parse(raw) as { type?: string; value?: unknown };
          const ok = res.statusCode === 200 && parsed.type === 'application/vnd.microsoft.card.adaptive' && JSON.stringify(parsed.value).includes('Acknowledged on');
          if (!ok && failureSamples.size < 5) failureSamples.add(`${res.statusCode} ${raw.slice(0, 160)}`);
          resolve(ok);
        } catch {
          if (failureSamples.size < 5) failureSamples.add(`${res.statusCode} unparsable: ${raw.slice(0, 120)}`);
          resolve(false);
        }
      });
    });
    req.on('error', (err) => {
      if (failureSamples.size < 5) failureSamples.add(`request error ${(err as NodeJS.ErrnoException).code ?? err.message}`);
      resolve(false);
    });
    req.end(body);
  });
}

/** The forked load generator: paces clicks at the offered rate and reports back over IPC. */
async function runClient(url: string, campaignId: string, rate: number, total: number, uniqueUsers: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const confirmed = new Set<string>();
  let failures = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // The first uniqueUsers clicks are everyone's first; the rest repeat earlier clicks.
    const user = `aad-${i < uniqueUsers ? i : (i * 7919) % uniqueUsers}`;
    inflight.push(post(agent, url, user, campaignId, i).then((ok) => {
      latencies.push(performance.now() - due);
      if (ok) confirmed.add(user); else failures += 1;
    }));
  }
  await Promise.all(inflight);
  const report: ClientReport = { latencies, failures, seconds: Number(((performance.now() - start) / 1000).toFixed(2)), confirmedUsers: [...confirmed], failureSamples: [...failureSamples] };
  agent.destroy();
  process.send!(report, () => process.exit(0));
}

if (process.argv[2] === '--client') {
  const [url, campaignId, rate, total, unique] = process.argv.slice(3);
  runClient(url, campaignId, Number(rate), Number(total), Number(unique)).catch((err) => {
    console.error(JSON.stringify({ error: (err as Error).message }));
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(JSON.stringify({ error: (err as Error).message }));
    process.exit(1);
  });
}
