/**
 * Roll-out bench (issue 43, part 5), measured from outside as Teams would see the bot: the real bot runs as its own
 * process (dist/src/main.js, local mode, a SQLite file), staff are a roster of N with stored chats, and every request
 * it makes to Teams goes to the fake Bot Connector, which enforces 50 requests a second for the tenant (token bucket,
 * burst 5, 429 + Retry-After: 1 s) and counts every card. The owner starts the campaign the way an owner does: types
 * `campaign start`, gets the preview, presses Start. Prints ONE JSON line.
 *
 *   node dist/bench/rollout.js latency   [--staff 50000] [--questions 300] [--gap-ms 100]
 *     A question's reply through /api/messages, quiet (before the campaign) and during the roll-out, same run: p50/p99.
 *   node dist/bench/rollout.js throughput [--staff 3000] [--poll-seconds 5] [--kills 2] [--instances 1] [--sliding-window]
 *     Cards per second from Start to the last card, against the limit, with the owner asking `campaign status` every
 *     poll-seconds (0: never) and the bot SIGKILLed `kills` times during the roll-out and restarted at once: who was lost,
 *     who got two cards, how long each restart took to send again, every 429, the busiest sliding second of requests at
 *     the connector and where any second over 50 started. With `--instances 2` two bots share the SQLite file (each its
 *     own WORKER_ID, one Teams budget through the ledger), the owner talks to the first, and the kills take turns.
 *     `--sliding-window`: the connector refuses the 51st request in any sliding second, as Teams counts, rather than
 *     keeping a token bucket (burst 5).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteAcknowledgementStore } from '../src/adapters/sqlite/sqliteAcknowledgementStore';
import { freePort } from '../scripts/playground';
import { startFakeConnector, FakeConnector } from '../tests/support/fakeConnector';
import { executeActions, pressData } from '../tests/support/cardAssertions';

const REPO = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..')].find((r) => fs.existsSync(path.join(r, 'samples'))) ?? process.cwd();
const OWNER = { id: '29:bench-owner', aadObjectId: 'bench-owner-aad', name: 'Bench Owner' };
const TEACHER = { id: '29:bench-teacher', aadObjectId: 'bench-teacher-aad', name: 'Bench Teacher' };
const QUESTIONS = ['Can I accept a friend request from a parent?', 'Can I post photos of my class?', 'Where can I park?', 'Who do I tell if a pupil is being bullied online?',
  'Can I give my personal mobile number to parents?', 'What should I do if a parent posts abusive comments about me?'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 2) => Number(n.toFixed(d));
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : 0);
const staffId = (i: number) => `bench-user-${String(i).padStart(6, '0')}`;

interface Bot { child: ChildProcess; port: number }

/** The school: a roster of N, each with a stored 1:1 chat on the fake connector, and the owner. */
async function prepare(dir: string, staff: number, serviceUrl: string): Promise<{ env: Record<string, string> }> {
  const roster = ['aadObjectId,name,upn,department,school,manager'];
  for (let i = 1; i <= staff; i++) roster.push(`${staffId(i)},Person ${i},p${i}@bench.example,${['Maths', 'English', 'Science', 'Office'][i % 4]},,`);
  roster.push(`${OWNER.aadObjectId},${OWNER.name},owner@bench.example,Senior leadership,,`);
  fs.writeFileSync(path.join(dir, 'roster.csv'), `${roster.join('\n')}\n`);
  const db = path.join(dir, 'bot.sqlite');
  const store = createSqliteAcknowledgementStore(db);
  const now = new Date().toISOString();
  for (let i = 1; i <= staff; i++) {
    await store.saveConversationReference({ userId: staffId(i), conversationId: `a:${staffId(i)}`, serviceUrl, reference: {}, updatedAt: now });
  }
  await store.close();
  return {
    env: {
      APP_MODE: 'local', HOST: '127.0.0.1', SQLITE_PATH: db, POLICY_FILES: path.join(REPO, 'samples', 'policies', 'liverpool-model.txt'),
      ROSTER_FILE: path.join(dir, 'roster.csv'), POLICY_OWNERS: OWNER.aadObjectId, WORKER_ID: 'bench-bot', LOG_LEVEL: process.env.BENCH_BOT_LOG ?? 'warn',
      QUESTIONS_PER_PERSON_PER_HOUR: '100000', SEND_RATE_PER_SECOND: '50', PATH: process.env.PATH ?? '',
    },
  };
}

async function startBot(env: Record<string, string>, port: number, instance = 0): Promise<Bot> {
  // The first instance keeps the worker id the bench always gave the bot; a second has its own.
  if (instance > 0) env = { ...env, WORKER_ID: `${env.WORKER_ID}-${instance}` };
  const child = spawn(process.execPath, [path.join(REPO, 'dist', 'src', 'main.js')], { env: { ...env, PORT: String(port) }, stdio: ['ignore', process.env.BENCH_BOT_LOG ? 'inherit' : 'ignore', 'inherit'], cwd: REPO });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { child, port };
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error('bot did not start');
}

let seq = 0;
/** Posts an activity from a person, as the Playground or Teams would; resolves with the wall time and the response body. */
async function post(bot: Bot, serviceUrl: string, from: typeof OWNER, activity: Record<string, unknown>): Promise<{ ms: number; status: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${bot.port}/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    // No tenant named: the fake connector then counts the bot's replies and its cards in one tenant budget.
    body: JSON.stringify({ channelId: 'msteams', serviceUrl, id: `bench-${++seq}`, from, recipient: { id: '28:bot' }, conversation: { id: `a:${from.aadObjectId}`, conversationType: 'personal' }, ...activity }),
  });
  const text = await res.text();
  return { ms: performance.now() - t0, status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The owner types `campaign start`, reads the preview and presses Start; returns when Start was answered. */
async function startCampaign(bot: Bot, connector: FakeConnector): Promise<number> {
  const before = connector.deliveries.length;
  await post(bot, connector.serviceUrl, OWNER, { type: 'message', text: 'campaign start' });
  let preview: Record<string, unknown> | undefined;
  for (let i = 0; i < 400 && !preview; i++) {
    preview = connector.deliveries.slice(before).map((d) => (d.activity.attachments as { content: Record<string, unknown> }[] | undefined)?.[0]?.content)
      .find((c) => JSON.stringify(c ?? {}).includes('Start this campaign?'));
    if (!preview) await sleep(50);
  }
  if (!preview) throw new Error('no preview card');
  const start = executeActions(preview).find((a) => a.title === 'Start')!;
  const res = await post(bot, connector.serviceUrl, OWNER, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: start.verb, data: pressData(preview, start) } } });
  if (res.status !== 200) throw new Error(`Start answered ${res.status}`);
  return Date.now();
}

/** Cards of the campaign that reached staff (not the owner's or teacher's chats), read incrementally: the fake's own loop must not stall. */
const seen = { upTo: 0, cards: [] as { userId: string; at: number }[], people: new Set<string>() };
function staffCards(connector: FakeConnector): { userId: string; at: number }[] {
  for (; seen.upTo < connector.deliveries.length; seen.upTo++) {
    const d = connector.deliveries[seen.upTo];
    if (d.userId?.startsWith('bench-user-')) {
      seen.cards.push({ userId: d.userId, at: d.at });
      seen.people.add(d.userId);
    }
  }
  return seen.cards;
}
const reachedSoFar = (connector: FakeConnector): number => { staffCards(connector); return seen.people.size; };

async function latency(dir: string, connector: FakeConnector): Promise<Record<string, unknown>> {
  const staff = arg('staff', 50_000);
  const questions = arg('questions', 300);
  const gap = arg('gap-ms', 100);
  const { env } = await prepare(dir, staff, connector.serviceUrl);
  const bot = await startBot(env, await freePort());
  const ask = async (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await post(bot, connector.serviceUrl, TEACHER, { type: 'message', text: QUESTIONS[i % QUESTIONS.length] });
      if (r.status !== 200) throw new Error(`question answered ${r.status}`);
      times.push(r.ms);
      await sleep(gap);
    }
    return times.sort((a, b) => a - b);
  };
  try {
    // The staff sync at start (50,000 from the roster) finishes first: quiet means quiet.
    await sleep(3000);
    await ask(20);
    const quiet = await ask(questions);
    const started = await startCampaign(bot, connector);
    const during = await ask(questions);
    const sentDuring = staffCards(connector).filter((c) => c.at >= started).length;
    const seconds = (Date.now() - started) / 1000;
    const stats = connector.stats();
    return {
      mode: 'latency', staff, questions, gapMs: gap,
      quietP50Ms: round(quantile(quiet, 0.5)), quietP99Ms: round(quantile(quiet, 0.99)),
      rolloutP50Ms: round(quantile(during, 0.5)), rolloutP99Ms: round(quantile(during, 0.99)), rolloutMaxMs: round(during[during.length - 1]),
      p99ExtraMs: round(quantile(during, 0.99) - quantile(quiet, 0.99)),
      target: 'roll-out p99 <= quiet p99 + 250 ms', met: quantile(during, 0.99) <= quantile(quiet, 0.99) + 250,
      cardsSentWhileAsking: sentDuring, cardsPerSecondWhileAsking: round(sentDuring / seconds), throttled429: stats.throttled,
    };
  } finally {
    bot.child.kill('SIGKILL');
  }
}

async function throughput(dir: string, connector: FakeConnector): Promise<Record<string, unknown>> {
  const staff = arg('staff', 3000);
  const pollSeconds = arg('poll-seconds', 5);
  const kills = arg('kills', 2);
  const count = Math.max(1, Math.floor(arg('instances', 1)));
  const { env } = await prepare(dir, staff, connector.serviceUrl);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const bots: Bot[] = [];
  for (let i = 0; i < count; i++) bots.push(await startBot(env, ports[i], i));
  let bot = bots[0];
  await sleep(1500);
  const started = await startCampaign(bot, connector);
  let polls = 0;
  let polling = pollSeconds > 0;
  const poller = (async () => {
    while (polling) {
      await sleep(pollSeconds * 1000);
      if (!polling) break;
      await post(bot, connector.serviceUrl, OWNER, { type: 'message', text: 'campaign status' }).then(() => { polls += 1; }, () => undefined);
    }
  })();
  const restarts: { instance: number; killedAt: number; listeningAfterSeconds: number; sendingAfterSeconds: number }[] = [];
  for (let k = 1; k <= kills; k++) {
    while (reachedSoFar(connector) < (staff * k) / (kills + 1)) await sleep(5);
    // The kills take turns among the instances.
    const i = (k - 1) % count;
    const killed = bots[i];
    killed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => killed.child.once('exit', r));
    bots[i] = await startBot(env, ports[i], i);
    if (i === 0) bot = bots[0];
    const listening = Date.now();
    for (let from = staffCards(connector).length; !staffCards(connector).slice(from).some((c) => c.at > listening); from = Math.max(0, staffCards(connector).length - 1)) await sleep(5);
    restarts.push({ instance: i, killedAt, listeningAfterSeconds: round((listening - killedAt) / 1000), sendingAfterSeconds: round((Date.now() - killedAt) / 1000) });
  }
  for (let i = 0; reachedSoFar(connector) < staff && i < 30_000; i++) await sleep(10);
  polling = false;
  await poller;
  const cards = staffCards(connector);
  const reached = new Set(cards.map((c) => c.userId)).size;
  const last = Math.max(...cards.map((c) => c.at));
  const seconds = (last - started) / 1000;
  const stats = connector.stats();
  for (const b of bots) b.child.kill('SIGKILL');
  const arrivals = connector.calls.map((c) => c.at).sort((a, b) => a - b);
  return {
    mode: 'throughput', staff, instances: count, connector: process.argv.includes('--sliding-window') ? 'slidingWindow' : 'tokenBucket',
    pollSeconds, statusPolls: polls, kills,
    reached, lost: staff - reached, duplicates: cards.length - reached,
    secondsFromStart: round(seconds), cardsPerSecond: round(reached / seconds), limit: 50, ofLimit: round(reached / seconds / 50, 3),
    target: kills > 0 || pollSeconds > 0 ? '>= 0.93 of the limit, no sliding second over 50, no 429' : '>= 0.95 of the limit, no sliding second over 50, no 429',
    restarts: restarts.map(({ instance, killedAt, listeningAfterSeconds, sendingAfterSeconds }) => ({
      instance, listeningAfterSeconds, sendingAfterSeconds, noCardForSeconds: round(gapAround(cards.map((c) => c.at), killedAt) / 1000),
    })),
    throttled429: stats.throttled, connectorRequests: stats.requests, maxArrivalsPerSecond: stats.maxArrivalsPerSecond,
    windowsOver50StartAt: windowsOver(arrivals, 50).map((t) => round((t - started) / 1000)),
    requestsEachSecond: eachSecond(arrivals, started, last + 1),
  };
}

/** Requests at the connector in each second from `from` to `to`. */
function eachSecond(times: number[], from: number, to: number): number[] {
  const out = Array.from({ length: Math.ceil((to - from) / 1000) }, () => 0);
  for (const t of times) if (t >= from && t < to) out[Math.floor((t - from) / 1000)] += 1;
  return out;
}

/** The longest stretch without a card that spans `at` (ms): what a kill cost the roll-out. */
function gapAround(times: number[], at: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const after = sorted.findIndex((t) => t > at);
  if (after <= 0) return 0;
  return sorted[after] - sorted[after - 1];
}

/** Where sliding seconds holding more than `limit` requests start (seconds from Start), each run of them once. */
function windowsOver(times: number[], limit: number): number[] {
  const starts: number[] = [];
  for (let start = 0, end = 0; start < times.length; start++) {
    while (end < times.length && times[end] - times[start] < 1000) end++;
    if (end - start > limit && (starts.length === 0 || times[start] - starts[starts.length - 1] >= 1000)) starts.push(times[start]);
  }
  return starts;
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'latency' && mode !== 'throughput') throw new Error('usage: rollout.js latency|throughput [options]');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-bench-'));
  // The fake stands in for Teams, which a busy machine does not slow: raised priority where allowed (as broadcast.ts).
  try { os.setPriority(-10); } catch { /* left as it is */ }
  const connector = await startFakeConnector({ ratePerSecond: 50, retryAfterSeconds: 1, enforcement: process.argv.includes('--sliding-window') ? 'slidingWindow' : 'tokenBucket' });
  const loadBefore = os.loadavg()[0];
  try {
    const result = mode === 'latency' ? await latency(dir, connector) : await throughput(dir, connector);
    process.stdout.write(`${JSON.stringify({ ...result, loadAverage: [round(loadBefore), round(os.loadavg()[0])], cpus: os.cpus().length })}\n`);
  } finally {
    await connector.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
