/**
 * One instance, measured from outside as Teams would see it, on two builds of the bot in one run (issue 72): the same
 * workload on each, alternated, so the machine's load falls on both alike. Each session starts the bot of one build as
 * its own process (`<root>/dist/src/main.js`, local mode) on a SQLite file or on Azure Tables (an in-memory Azurite shared
 * by the sessions, a table prefix each), a roster of N staff each with a stored chat, and a fake Bot Connector holding
 * Teams' 50 a second. A teacher asks a question every `--gap-ms` throughout, and each answer's wait is counted in the
 * part it fell in:
 *
 *   quiet       nothing else happening (the baseline)
 *   preview     the owner types `campaign start` until the preview card reaches their chat (timed too)
 *   rollout     after Start, while cards go out
 *   status      the owner types `campaign status` until it is answered (timed too; during the roll-out)
 *   export      the owner types `campaign export` until the export card with its link reaches them (timed too)
 *   acks        `--clicks` acknowledgements from distinct staff (a tenth repeats) over `--connections` keep-alive
 *               connections, each posting its next when the last is answered: acks/s, p50, p99, and the CPU ms
 *               that the bot, Azurite and this bench each spent in the part per acknowledgement (`ackCpuMs`, Linux)
 *
 *   node dist/bench/oneInstance.js --roots /tmp/before51,. [--store sqlite|azure] [--staff 50000] [--repeat 2]
 *     [--clicks 3000] [--connections 4] [--gap-ms 100] [--rollout-seconds 20] [--prof DIR] [--acks-after-rollout] [--direct]
 *
 * By default the acknowledgements come while the roll-out is still sending (as after an all-staff email: people press as
 * their cards arrive); `--acks-after-rollout` waits until everyone's card is out first, so they are measured alone. On
 * Azure the bot's table calls go through a counting proxy (the `tableCalls` of each part); `--direct` sends them straight
 * to Azurite instead, as in production, without the proxy's hop and counts.
 *
 * The roster and chats are written with each build's own store, so each reads records of its own schema. `--prof DIR`
 * runs each bot under `node --cpu-prof` into DIR/<build>-<repeat>/. Prints one JSON line per session, then a summary.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../scripts/playground';
import { AzuriteTables, startAzuriteTables } from '../tests/support/azuriteServer';
import { FakeConnector, startFakeConnector } from '../tests/support/fakeConnector';
import { executeActions, pressData } from '../tests/support/cardAssertions';
import { cpuMs } from './processCpu';

const HERE = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..')].find((r) => fs.existsSync(path.join(r, 'samples'))) ?? process.cwd();
const OWNER = { id: '29:bench-owner', aadObjectId: 'bench-owner-aad', name: 'Bench Owner' };
const TEACHER = { id: '29:bench-teacher', aadObjectId: 'bench-teacher-aad', name: 'Bench Teacher' };
const QUESTIONS = ['Can I accept a friend request from a parent?', 'Can I post photos of my class?', 'Where can I park?', 'Who do I tell if a pupil is being bullied online?',
  'Can I give my personal mobile number to parents?', 'What should I do if a parent posts abusive comments about me?'];
type Part = 'quiet' | 'preview' | 'rollout' | 'status' | 'export' | 'acks';
const PARTS: Part[] = ['quiet', 'preview', 'rollout', 'status', 'export', 'acks'];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1) => Number(n.toFixed(d));
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : 0);
const staffId = (i: number) => `bench-user-${String(i).padStart(6, '0')}`;

interface Session {
  root: string;
  label: string;
  store: 'sqlite' | 'azure';
  staff: number;
  azurite?: AzuriteTables;
  counter?: TableCounter;
  profDir?: string;
}

/** Writes the roster, and each person's stored chat with the build's own store; the bot's environment. */
async function prepare(s: Session, dir: string, serviceUrl: string): Promise<Record<string, string>> {
  const roster = ['aadObjectId,name,upn,department,school,manager'];
  for (let i = 1; i <= s.staff; i++) roster.push(`${staffId(i)},Person ${i},p${i}@bench.example,${['Maths', 'English', 'Science', 'Office'][i % 4]},,`);
  roster.push(`${OWNER.aadObjectId},${OWNER.name},owner@bench.example,Senior leadership,,`);
  roster.push(`${TEACHER.aadObjectId},${TEACHER.name},teacher@bench.example,Maths,,`);
  fs.writeFileSync(path.join(dir, 'roster.csv'), `${roster.join('\n')}\n`);
  const now = new Date().toISOString();
  const env: Record<string, string> = {
    APP_MODE: 'local', HOST: '127.0.0.1', POLICY_FILES: path.join(HERE, 'samples', 'policies', 'liverpool-model.txt'),
    ROSTER_FILE: path.join(dir, 'roster.csv'), POLICY_OWNERS: OWNER.aadObjectId, WORKER_ID: 'bench-bot', LOG_LEVEL: process.env.BENCH_BOT_LOG ?? 'error',
    QUESTIONS_PER_PERSON_PER_HOUR: '100000', SEND_RATE_PER_SECOND: '50', PATH: process.env.PATH ?? '',
    SQLITE_PATH: path.join(dir, 'bot.sqlite'), CONCERN_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  };
  const save = (store: { saveConversationReference(r: unknown): Promise<void> }, i: number) => store.saveConversationReference({
    userId: staffId(i), conversationId: `a:${staffId(i)}`, serviceUrl, reference: {}, updatedAt: now,
  });
  if (s.store === 'sqlite') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createSqliteAcknowledgementStore } = require(path.join(s.root, 'dist', 'src', 'adapters', 'sqlite', 'sqliteAcknowledgementStore.js'));
    const store = createSqliteAcknowledgementStore(env.SQLITE_PATH);
    for (let i = 1; i <= s.staff; i++) await save(store, i);
    await store.close();
    return env;
  }
  const tablePrefix = `b${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAzureTableAcknowledgementStore } = require(path.join(s.root, 'dist', 'src', 'adapters', 'azureTables', 'azureTableAcknowledgementStore.js'));
  const store = await createAzureTableAcknowledgementStore({ connectionString: s.azurite!.connectionString, allowInsecureConnection: true, tablePrefix });
  for (let i = 1; i <= s.staff; i += 50) await Promise.all(Array.from({ length: Math.min(50, s.staff - i + 1) }, (_, k) => save(store, i + k)));
  await store.close();
  // The bot's table calls go through the counting proxy (unless --direct); its blobs straight to Azurite.
  const viaCounter = s.counter ? s.azurite!.connectionString.replace(`127.0.0.1:${s.azurite!.port}`, `127.0.0.1:${s.counter.port}`) : s.azurite!.connectionString;
  return { ...env, STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: viaCounter, AZURE_TABLE_PREFIX: tablePrefix };
}

interface Bot { child: ChildProcess; port: number }

/**
 * A proxy in front of Azurite's Table service that counts every request the bot makes, by part and by what it was (the
 * table, without the prefix, and the method; a query with a filter, a batch), so each figure can be put down to its calls.
 */
interface TableCounter { port: number; counts: Map<string, Map<string, number>>; part: string; close(): Promise<void> }
async function startTableCounter(tablePort: number): Promise<TableCounter> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const counter: TableCounter = { port: 0, counts: new Map(), part: 'start', close: async () => undefined };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const table = (url.split('/')[2] ?? '').replace(/^b[0-9a-f]{10}/, '').replace(/\(.*$/, '(key)').replace(/\?.*$/, '');
    const kind = `${req.method} ${table}${/\$filter=/.test(url) ? ' query' : ''}`;
    const part = counter.counts.get(counter.part) ?? new Map<string, number>();
    counter.counts.set(counter.part, part);
    part.set(kind, (part.get(kind) ?? 0) + 1);
    const up = http.request({ host: '127.0.0.1', port: tablePort, method: req.method, path: url, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  counter.port = (server.address() as { port: number }).port;
  counter.close = () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); agent.destroy(); });
  return counter;
}

async function startBot(s: Session, env: Record<string, string>, port: number): Promise<Bot> {
  const flags = s.profDir ? ['--cpu-prof', `--cpu-prof-dir=${s.profDir}`] : [];
  const child = spawn(process.execPath, [...flags, path.join(s.root, 'dist', 'src', 'main.js')], {
    env: { ...env, PORT: String(port), ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}) }, stdio: ['ignore', process.env.BENCH_BOT_LOG ? 'inherit' : 'ignore', 'inherit'], cwd: s.root,
  });
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { child, port };
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error('bot did not start');
}

let seq = 0;
const activityBody = (serviceUrl: string, from: typeof OWNER, activity: Record<string, unknown>) => JSON.stringify({
  channelId: 'msteams', serviceUrl, id: `bench-${++seq}`, from, recipient: { id: '28:bot' },
  conversation: { id: `a:${from.aadObjectId}`, conversationType: 'personal' }, locale: 'en-GB', ...activity,
});

async function post(bot: Bot, serviceUrl: string, from: typeof OWNER, activity: Record<string, unknown>): Promise<{ ms: number; status: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${bot.port}/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: activityBody(serviceUrl, from, activity), signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  return { ms: performance.now() - t0, status: res.status, body: text ? JSON.parse(text) : undefined };
}

const cardOf = (activity: Record<string, unknown>) => (activity.attachments as { content: Record<string, unknown> }[] | undefined)?.[0]?.content;

/** Waits until something reaches the owner's chat (a post or an update) whose text includes `needle`; ms waited. */
async function ownerSees(connector: FakeConnector, needle: string, fromDeliveries: number, fromUpdates: number, timeoutMs = 300_000): Promise<Record<string, unknown>> {
  const conv = `a:${OWNER.aadObjectId}`;
  for (const until = Date.now() + timeoutMs; Date.now() < until;) {
    for (const d of connector.deliveries.slice(fromDeliveries)) if (d.conversationId === conv && JSON.stringify(d.activity).includes(needle)) return d.activity;
    for (const u of connector.updates.slice(fromUpdates)) if (u.conversationId === conv && JSON.stringify(u.activity).includes(needle)) return u.activity;
    await sleep(20);
  }
  throw new Error(`the owner never saw "${needle}"`);
}

/** One session: a build, a store, the parts in order. */
async function runSession(s: Session): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'one-instance-'));
  const connector = await startFakeConnector({ ratePerSecond: 50, retryAfterSeconds: 1 });
  const gap = Number(arg('gap-ms', '100'));
  let bot: Bot | undefined;
  try {
    const env = await prepare(s, dir, connector.serviceUrl);
    bot = await startBot(s, env, await freePort());
    const b = bot;
    // The staff sync at start (the roster) finishes first: quiet means quiet.
    await sleep(Number(arg('settle-ms', '4000')));
    // Every question's wait, and when each part ran: a wait counts in every part it overlapped.
    const asked: { from: number; to: number; ms: number }[] = [];
    const spans: { part: Part; from: number; to: number }[] = [];
    let part: Part | undefined;
    let partFrom = 0;
    const enter = (next: Part | undefined) => {
      const t = performance.now();
      if (s.counter) s.counter.part = next ?? 'between';
      if (part) spans.push({ part, from: partFrom, to: t });
      part = next;
      partFrom = t;
    };
    let asking = true;
    const asker = (async () => {
      for (let i = 0; asking; i++) {
        const from = performance.now();
        const r = await post(b, connector.serviceUrl, TEACHER, { type: 'message', text: QUESTIONS[i % QUESTIONS.length] });
        if (r.status !== 200) throw new Error(`question answered ${r.status}`);
        asked.push({ from, to: performance.now(), ms: r.ms });
        await sleep(gap);
      }
    })();
    for (let i = 0; i < 20; i++) await post(b, connector.serviceUrl, TEACHER, { type: 'message', text: QUESTIONS[i % QUESTIONS.length] });
    enter('quiet');
    await sleep(Number(arg('quiet-seconds', '15')) * 1000);

    enter('preview');
    let d0 = connector.deliveries.length;
    let u0 = connector.updates.length;
    let t0 = performance.now();
    void post(b, connector.serviceUrl, OWNER, { type: 'message', text: 'campaign start' });
    const previewActivity = await ownerSees(connector, 'Start this campaign?', d0, u0);
    const previewMs = performance.now() - t0;
    enter(undefined);
    const preview = cardOf(previewActivity)!;
    const start = executeActions(preview).find((a) => a.title === 'Start')!;
    const started = await post(b, connector.serviceUrl, OWNER, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: start.verb, data: pressData(preview, start) } } });
    if (started.status !== 200) throw new Error(`Start answered ${started.status}`);
    const startedAt = Date.now();
    enter('rollout');
    // A staff card, for the acknowledgement's data.
    let card: Record<string, unknown> | undefined;
    for (let i = 0; i < 3000 && !card; i++) {
      card = connector.deliveries.filter((d) => d.userId?.startsWith('bench-user-')).map((d) => cardOf(d.activity)).find((c) => c !== undefined);
      if (!card) await sleep(20);
    }
    if (!card) throw new Error('no staff card');
    await sleep(Number(arg('rollout-seconds', '20')) * 1000);

    // The owner asks for the status a few times, a second apart, during the roll-out.
    const statusTimes: number[] = [];
    let statusHttp = 0;
    for (let k = 0; k < Number(arg('statuses', '5')); k++) {
      enter('status');
      t0 = performance.now();
      const status = await post(b, connector.serviceUrl, OWNER, { type: 'message', text: 'campaign status' });
      statusTimes.push(performance.now() - t0);
      statusHttp = status.status;
      enter('rollout');
      await sleep(1000);
    }
    await sleep(2000);

    enter('export');
    d0 = connector.deliveries.length;
    u0 = connector.updates.length;
    t0 = performance.now();
    void post(b, connector.serviceUrl, OWNER, { type: 'message', text: 'campaign export' });
    await ownerSees(connector, 'Export ready', d0, u0);
    const exportMs = performance.now() - t0;
    enter('rollout');
    await sleep(3000);

    if (process.argv.includes('--acks-after-rollout')) {
      for (let i = 0; i < 6000 && connector.deliveries.filter((d) => d.userId?.startsWith('bench-user-')).length < s.staff; i++) await sleep(100);
      await sleep(1000);
    }
    enter('acks');
    // CPU each process spent in the acknowledgements part, per acknowledgement: on two cores, what bounds the rate.
    const cpu0 = { bot: cpuMs(b.child.pid), azurite: cpuMs(s.azurite?.pid), bench: process.cpuUsage() };
    const acks = await clicks(b, connector.serviceUrl, card, s.staff);
    const benchCpu = process.cpuUsage(cpu0.bench);
    const perAck = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? null : round((to - from) / Number(arg('clicks', '3000')), 2));
    const ackCpuMs = {
      bot: perAck(cpu0.bot, cpuMs(b.child.pid)), azurite: perAck(cpu0.azurite, cpuMs(s.azurite?.pid)),
      bench: perAck(0, (benchCpu.user + benchCpu.system) / 1000),
    };
    enter(undefined);
    asking = false;
    await asker;
    const sentDuring = connector.deliveries.filter((d) => d.userId?.startsWith('bench-user-') && d.at >= startedAt).length;
    const summary = (p: Part) => {
      const w = asked.filter((q) => spans.some((x) => x.part === p && q.from < x.to && q.to > x.from)).map((q) => q.ms).sort((a, c) => a - c);
      return { n: w.length, p50: round(quantile(w, 0.5)), p99: round(quantile(w, 0.99)), max: round(w[w.length - 1] ?? 0) };
    };
    return {
      build: s.label, store: s.store, staff: s.staff,
      previewMs: round(previewMs), statusMs: statusTimes.map((t) => round(t)), statusHttp, exportMs: round(exportMs),
      ...acks, ackCpuMs,
      teacher: Object.fromEntries(PARTS.map((p) => [p, summary(p)])),
      ...(s.counter ? { tableCalls: Object.fromEntries([...s.counter.counts].map(([p, m]) => [p, Object.fromEntries([...m].sort((a, c) => c[1] - a[1]))])) } : {}),
      partSeconds: Object.fromEntries(PARTS.map((p) => [p, round(spans.filter((x) => x.part === p).reduce((t, x) => t + x.to - x.from, 0) / 1000, 2)])),
      cardsPerSecond: round(sentDuring / ((Date.now() - startedAt) / 1000), 2), throttled429: connector.stats().throttled,
    };
  } finally {
    if (bot) {
      // SIGINT lets the profiler write its file; then make sure.
      const exited = new Promise((r) => bot!.child.once('exit', r));
      bot.child.kill(s.profDir ? 'SIGINT' : 'SIGKILL');
      await Promise.race([exited, sleep(15_000)]);
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    }
    await connector.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Acknowledgements by distinct staff (a tenth of them repeats) over a few keep-alive connections, closed loop. */
async function clicks(bot: Bot, serviceUrl: string, card: Record<string, unknown>, staff: number): Promise<Record<string, number>> {
  const total = Number(arg('clicks', '3000'));
  const connections = Number(arg('connections', '4'));
  const ack = executeActions(card).find((a) => a.verb === 'ack.acknowledge') ?? executeActions(card).find((a) => /acknowledge/i.test(a.title ?? ''));
  if (!ack) throw new Error(`no acknowledge button on the staff card: ${executeActions(card).map((a) => a.verb).join(', ')}`);
  const data = pressData(card, ack);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  // People from the end of the roster (the roll-out reaches them last), a tenth clicking twice.
  const unique = Math.round(total * 0.9);
  const who = (i: number) => staffId(staff - (i < unique ? i : (i * 7919) % unique));
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const one = (i: number) => new Promise<void>((resolve) => {
    const from = { id: `29:${who(i)}`, aadObjectId: who(i), name: 'Bench' };
    const body = activityBody(serviceUrl, from, { type: 'invoke', name: 'adaptiveCard/action', replyToId: `card-${i}`, value: { action: { type: 'Action.Execute', verb: ack.verb, data } } });
    const t0 = performance.now();
    const req = http.request(`http://127.0.0.1:${bot.port}/api/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { raw += c; });
      res.on('end', () => {
        latencies.push(performance.now() - t0);
        if (res.statusCode !== 200 || !/acknowledged this on|Acknowledged on/.test(raw)) {
          failures += 1;
          if (failures <= 2) process.stderr.write(`ack answered ${res.statusCode}: ${raw.slice(0, 300)}\n`);
        }
        resolve();
      });
    });
    req.on('error', () => { failures += 1; resolve(); });
    req.end(body);
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => { while (next < total) await one(next++); }));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, c) => a - c);
  return { acksPerSecond: round(total / seconds), ackP50Ms: round(quantile(latencies, 0.5)), ackP99Ms: round(quantile(latencies, 0.99)), ackFailures: failures };
}

async function main(): Promise<void> {
  const roots = arg('roots', HERE).split(',').map((r) => path.resolve(r));
  const store = arg('store', 'sqlite') as 'sqlite' | 'azure';
  const staff = Number(arg('staff', store === 'azure' ? '5000' : '50000'));
  const repeat = Number(arg('repeat', '1'));
  const prof = process.argv.includes('--prof') ? path.resolve(arg('prof', 'bench-profiles')) : undefined;
  const azurite = store === 'azure' ? await startAzuriteTables({ blobs: true }) : undefined;
  const results: Record<string, unknown>[] = [];
  try {
    for (let r = 0; r < repeat; r++) {
      // Alternate which build goes first.
      const order = r % 2 === 0 ? roots : [...roots].reverse();
      for (const root of order) {
        const label = roots.length > 1 ? `${path.basename(root)}@${gitHead(root)}` : gitHead(root);
        const profDir = prof ? path.join(prof, `${path.basename(root)}-${r}`) : undefined;
        const counter = azurite && !process.argv.includes('--direct') ? await startTableCounter(azurite.port) : undefined;
        const result = { ...(await runSession({ root, label, store, staff, azurite, counter, profDir }).finally(() => counter?.close())), repeat: r, loadAverage: round(os.loadavg()[0], 2) };
        results.push(result);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      }
    }
  } finally {
    await azurite?.stop();
  }
}

function gitHead(root: string): string {
  try {
    const head = fs.readFileSync(path.join(root, '.git'), 'utf8').trim();
    const gitDir = head.startsWith('gitdir:') ? head.slice(8).trim() : path.join(root, '.git');
    const ref = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!ref.startsWith('ref:')) return ref.slice(0, 7);
    const common = fs.existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    const refPath = ref.slice(5);
    for (const d of [gitDir, common]) if (fs.existsSync(path.join(d, refPath))) return fs.readFileSync(path.join(d, refPath), 'utf8').trim().slice(0, 7);
    return refPath;
  } catch {
    return path.basename(root);
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
