/**
 * What the flood benches share (bench/pressFlood.ts, bench/draftFlood.ts): the bot as its own process in production
 * mode (tokens checked against the bench's signing keys, the school's own policy, the safeguarding team's channel as
 * the route, checked at start-up), the fake Bot Connector at Teams' 50 a second, a colleague's urgent child-safety report
 * with its alert's, receipt's and /healthz's delays, and the activities the flooding person sends.
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../scripts/playground';
import { FakeConnector, startFakeConnector } from '../tests/support/fakeConnector';
import { BotKeyService, PRODUCTION_BOT_ID, startBotKeyService } from '../tests/support/productionBot';
import { productionEnv } from '../tests/support/productionEnv';
import type { FloodOrder, FloodOutcome } from './pressFlooder';

export const REPO = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..')].find((r) => fs.existsSync(path.join(r, 'samples'))) ?? process.cwd();
/** The school's own policy (the sample adopted under the school's name: production refuses the sample itself). */
export const SCHOOL_POLICY = path.join(REPO, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt');
export const CHANNEL = '19:safeguarding@thread.tacv2';
export const TENANT = 'tenant-1';
export const DSL = { id: '29:dsl', aadObjectId: 'aad-dsl', name: 'Dana DSL' };
export const DEPUTY = { id: '29:deputy', aadObjectId: 'aad-deputy', name: 'Dev Deputy' };
export const FLOODER = { id: '29:flooder', aadObjectId: 'aad-flooder', name: 'Fran Flooder' };
export const REFERENCE = /[A-Z]{1,6}-\d{4}-[0-9A-Z]{6}/;
export const FORM = {
  kind: 'childSafety', whatHappened: 'A pupil showed me messages from an adult asking to meet.', whenHappened: 'Just now', where: 'Classroom',
  peopleInvolved: 'not known', link: '', evidence: '', immediateDanger: 'true', aboutHeadteacher: 'false',
};

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Connections the kernel dropped because a listen queue was full (the whole machine's count: other work adds to it). */
export function listenOverflows(): number | undefined {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const [names, values] = lines.map((l) => l.split(/\s+/));
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return undefined;
  }
}
export const round = (n: number) => Math.round(n);

export interface Bot { child: ChildProcess; base: string; events: Map<string, number>; lines: string[] }
export interface Person { id: string; aadObjectId: string; name: string }

export async function startBot(dir: string, connector: FakeConnector, keys: BotKeyService): Promise<Bot> {
  const dead = await freePort();
  const env = productionEnv({
    BOT_ID: PRODUCTION_BOT_ID, PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dir, 'bot.sqlite'), POLICY_FILES: SCHOOL_POLICY,
    GRAPH_BASE_URL: `https://127.0.0.1:${dead}`, BOT_SERVICE_URL: connector.serviceUrl, BOT_OPENID_METADATA_URL: keys.url,
    SAFEGUARDING_TEAM: `${DSL.aadObjectId}=${DSL.name},${DEPUTY.aadObjectId}=${DEPUTY.name}`, SAFEGUARDING_DESTINATION: 'team-channel',
    SAFEGUARDING_CHANNEL_ID: CHANNEL, CONCERN_DSL_CHANNEL_ID: undefined, CONCERN_DEPUTY_DSL: DEPUTY.aadObjectId, ALLOWED_TENANT_IDS: TENANT,
    LOG_LEVEL: 'info', PATH: process.env.PATH,
  });
  const execArgv = process.env.BENCH_BOT_NODE_ARGS ? process.env.BENCH_BOT_NODE_ARGS.split(' ') : [];
  const child = fork(path.join(__dirname, 'pressFloodBot.js'), [], { env: env as NodeJS.ProcessEnv, cwd: REPO, execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const bot: Bot = { child, base: '', events: new Map(), lines: [] };
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    bot.lines.push(line);
    try {
      const event = (JSON.parse(line) as { event?: string }).event;
      if (event) bot.events.set(event, (bot.events.get(event) ?? 0) + 1);
    } catch { /* not a log line */ }
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)));
  });
  bot.base = `http://127.0.0.1:${port}`;
  // The start-up route check reads the channel's members: the channel is the route once it has.
  for (let i = 0; i < 200; i++) {
    const detail = await (await fetch(`${bot.base}/healthz?detail=1`)).json() as { safeguardingRoute?: { state?: string } };
    if (detail.safeguardingRoute?.state && detail.safeguardingRoute.state !== 'unchecked') break;
    await sleep(50);
  }
  return bot;
}

export function signer(keys: BotKeyService, serviceUrl: string): () => string {
  const now = () => Math.floor(Date.now() / 1000);
  // One token for every request, as Teams reuses its token for an hour.
  const token = keys.sign({ iss: 'https://api.botframework.com', aud: PRODUCTION_BOT_ID, iat: now() - 10, nbf: now() - 10, exp: now() + 3600, serviceurl: serviceUrl });
  return () => token;
}

export function press(person: Person, serviceUrl: string, verb: string, data: unknown): Record<string, unknown> {
  return {
    type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl, from: person, recipient: { id: `28:${PRODUCTION_BOT_ID}`, name: 'School Policy Bot' },
    conversation: { id: `a:${person.aadObjectId}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } },
    replyToId: `card-${person.aadObjectId}`, locale: 'en-GB', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value?: T; failed?: string }> {
  const t0 = performance.now();
  try {
    const value = await run();
    return { ms: performance.now() - t0, value };
  } catch (err) {
    return { ms: performance.now() - t0, failed: (err as Error).name };
  }
}

export const healthz = (bot: Bot) => timed(async () => (await fetch(`${bot.base}/healthz`, { signal: AbortSignal.timeout(60_000) })).status);

/** Files an urgent child-safety report as `reporter`; resolves with the receipt's and the alert's delays and /healthz's at that moment. */
export async function fileReport(bot: Bot, connector: FakeConnector, token: () => string, reporter: Person) {
  const health = healthz(bot);
  const sentAt = Date.now();
  const receipt = await timed(async () => {
    const res = await fetch(`${bot.base}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
      body: JSON.stringify({ ...press(reporter, connector.serviceUrl, 'concern.submit', FORM), id: `report-${reporter.aadObjectId}` }),
      signal: AbortSignal.timeout(120_000),
    });
    return res.text();
  });
  const reference = REFERENCE.exec(receipt.value ?? '')?.[0];
  if (!reference) throw new Error(`the receipt carried no reference: ${receipt.failed ?? receipt.value?.slice(0, 200)}`);
  let alertAt: number | undefined;
  for (let i = 0; i < 1200 && alertAt === undefined; i++) {
    alertAt = connector.deliveries.find((d) => d.conversationId.startsWith(CHANNEL) && JSON.stringify(d.activity).includes(reference))?.at;
    if (alertAt === undefined) await sleep(100);
  }
  const h = await health;
  // Teams' 429s to the alert's own posts (each costs the connector client's wait for Retry-After before it tries again).
  const alert429s = connector.calls.filter((c) => c.at >= sentAt && c.conversationId.startsWith(CHANNEL) && c.status === 429).length;
  return { alertMs: alertAt === undefined ? 'none within 120 s' : alertAt - sentAt, receiptMs: round(receipt.ms), healthzMs: round(h.ms), alert429s };
}

export async function withBot<T>(run: (bot: Bot, connector: FakeConnector, token: () => string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-flood-'));
  const connector = await startFakeConnector({ ratePerSecond: 50 });
  connector.setMembers(CHANNEL, [DSL, DEPUTY].map((p) => ({ ...p, userRole: 'user' as const, tenantId: TENANT })));
  const keys = await startBotKeyService();
  const bot = await startBot(dir, connector, keys);
  const token = signer(keys, connector.serviceUrl);
  try {
    // Warm the paths measured (first section read, first report) so that neither the baseline nor a flood pays for them.
    const warm = { id: '29:warm', aadObjectId: 'aad-warm', name: 'Warm Up' };
    await fetch(`${bot.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` }, body: JSON.stringify({ ...press(warm, connector.serviceUrl, 'policy.readSection', { section: '5' }), id: 'warm-1' }) });
    await fileReport(bot, connector, token, warm);
    return await run(bot, connector, token);
  } finally {
    bot.child.kill('SIGTERM');
    await Promise.race([new Promise((r) => bot.child.once('exit', r)), sleep(5000)]);
    bot.child.kill('SIGKILL');
    await connector.close();
    await keys.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Three colleagues' urgent reports one after another on a bot with no flood: the baseline of the same run. */
export async function baselineReports() {
  return withBot(async (bot, connector, token) => {
    const runs = [];
    for (let i = 1; i <= 3; i++) runs.push(await fileReport(bot, connector, token, { id: `29:colleague-${i}`, aadObjectId: `aad-colleague-${i}`, name: `Colleague ${i}` }));
    return runs;
  });
}

/**
 * One flood against a running bot: the flooder (its own process) sends `order`; /healthz is asked in turn throughout, as
 * App Service's health check asks it; `reportAfterMs` after the flood starts a colleague files an urgent report; then
 * the flood is given `floodWaitS` to be answered, and the bot's event-loop delay over the whole of it is read.
 */
export async function floodWithReport(bot: Bot, connector: FakeConnector, token: () => string, order: FloodOrder, reportAfterMs: number, floodWaitS: number) {
  const flooder = fork(path.join(__dirname, 'pressFlooder.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let outcome: FloodOutcome | undefined;
  const done = new Promise<void>((resolve) => {
    flooder.on('message', (m: { outcome?: FloodOutcome }) => { if (m.outcome) { outcome = m.outcome; resolve(); } });
    flooder.once('exit', () => resolve());
  });
  bot.child.send({ loopDelay: 'start' });
  const started = await new Promise<number>((resolve) => {
    flooder.once('message', (m: { started: number }) => resolve(m.started));
    flooder.send(order);
  });
  let probing = true;
  const probes: number[] = [];
  const prober = (async () => { while (probing) { probes.push(round((await healthz(bot)).ms)); await sleep(250); } })();
  await sleep(Math.max(0, started + reportAfterMs - Date.now()));
  const report = await fileReport(bot, connector, token, { id: '29:colleague', aadObjectId: 'aad-colleague', name: 'Colleague' });
  await Promise.race([done, sleep(floodWaitS * 1000)]);
  probing = false;
  await prober;
  const loopDelayMs = await new Promise<unknown>((resolve) => {
    bot.child.on('message', (m: { loopDelayMs?: unknown }) => { if (m.loopDelayMs) resolve(m.loopDelayMs); });
    bot.child.send({ loopDelay: 'stop' });
  });
  flooder.kill('SIGKILL');
  return { outcome: outcome as FloodOutcome | undefined, report, probes, loopDelayMs };
}

