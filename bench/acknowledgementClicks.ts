/**
 * Acknowledgement clicks through HTTP, for bench:scale: the product's bot app and restify server (tests/support/botHost)
 * serve /api/messages on loopback with the acknowledgement feature over the bench's store; a forked load generator
 * (its own process, so its CPU is not the bot's) posts `adaptiveCard/action` invokes from `concurrency` people at once
 * (closed loop), or at a fixed rate of arrivals (`--rate`, open loop), and times each answer. Reported: acknowledgements per second, p50/p99 ms, the bot's CPU per click
 * (process.cpuUsage of the bot's process; Azurite runs in its own), and on Azure the round trips per click: one first
 * click and one repeated click counted alone, with what they were, then the average over the whole run.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { AcknowledgementStore } from '../src/features/acknowledgement/domain/acknowledgementStore';
import { createAcknowledgementModule } from '../src/features/acknowledgement/teams/acknowledgementModule';
import { parseAcknowledgementSettings } from '../src/config/acknowledgementSettings';
import { Verbs } from '../src/teams/verbs';
import { startBotHost } from '../tests/support/botHost';
import { TurnLimits } from '../src/teams/turnLimits';

/** Counts the store's HTTP requests (createRequestCounter), when the store is on Azure. */
export interface ClickRequestCounter {
  readonly total: number;
  kinds(): Record<string, number>;
  reset(): void;
}

/** What to click: people who have not acknowledged yet, a campaign and its policy version. */
export interface ClickBenchInput {
  store: AcknowledgementStore;
  requests?: ClickRequestCounter;
  /** People's budgets as the product takes them (each click counts against its person's presses); none when left out. */
  limits?: TurnLimits;
  policyId: string;
  versionHash: string;
  campaignId: string;
  /** People with the card who have not acknowledged; each clicks once, then `repeatShare` of clicks are repeats. */
  userIds: readonly string[];
  /** Someone with the card whose chat the store does not hold (counted alone, on Azure): the dearest click. */
  newChatUserId?: string;
  clicks: number;
  concurrency: number;
  /**
   * Clicks per second arriving whatever the answers (open loop), each timed from when it was due, so time spent queued
   * counts; 0 for the closed loop of `concurrency` clickers, whose latency follows from how many are in flight.
   */
  rate?: number;
  repeatShare: number;
}

interface ClientReport {
  latencies: number[];
  confirmed: number;
  failures: string[];
  seconds: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function invoke(userId: string, data: Record<string, string>, n: number): string {
  return JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', id: `click-${n}`,
    from: { id: `29:${userId}`, aadObjectId: userId, name: 'Bench' }, recipient: { id: '28:bot' },
    conversation: { id: `a:${userId}`, conversationType: 'personal', tenantId: 't' }, replyToId: `card-${userId}`,
    value: { action: { type: 'Action.Execute', verb: Verbs.acknowledge, data }, trigger: 'manual' },
  });
}

function post(agent: http.Agent, url: string, body: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { raw += c; });
      // A click is confirmed by the card that says "You acknowledged this on"; anything else is a failure, kept as a sample.
      res.on('end', () => resolve(res.statusCode === 200 && raw.includes('You acknowledged this on') ? undefined : `${res.statusCode} ${raw.slice(0, 160)}`));
    });
    req.on('error', (err) => resolve(`request error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    req.end(body);
  });
}

/** Runs the clicks through HTTP and returns one record per figure (printed as JSON lines by bench:scale). */
export async function measureClicks(input: ClickBenchInput): Promise<Record<string, unknown>[]> {
  const { value: settings } = parseAcknowledgementSettings({}, 'local');
  const mod = createAcknowledgementModule({
    store: input.store, settings, owners: ['owner'], primaryPolicyId: input.policyId, channel: 'teams',
    logger: { info: () => undefined, warn: () => undefined },
  });
  const host = await startBotHost(() => [mod.feature], undefined, input.limits);
  const data = { policyId: input.policyId, versionHash: input.versionHash, campaignId: input.campaignId };
  const out: Record<string, unknown>[] = [];
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const [warmUser, firstUser, ...rest] = input.userIds;
    // Warm-up: JIT, the HTTP connection, and whatever the click path keeps between clicks (version, campaign).
    for (let i = 0; i < 20; i++) await post(agent, host.botUrl, invoke(warmUser, data, -1 - i));
    if (input.requests) {
      const singles: [string, string][] = [['first click', firstUser], ['repeated click', firstUser]];
      if (input.newChatUserId) singles.push(['first click, chat not stored', input.newChatUserId]);
      for (const [label, user] of singles) {
        input.requests.reset();
        const failed = await post(agent, host.botUrl, invoke(user, data, 0));
        out.push({ op: `round trips: ${label}`, roundTrips: input.requests.total, requests: input.requests.kinds(), ...(failed ? { failed } : {}) });
      }
    }
    agent.destroy();

    const firsts = rest.slice(0, Math.max(1, Math.round(input.clicks * (1 - input.repeatShare))));
    const order: string[] = [...firsts];
    for (let i = 0; order.length < input.clicks; i++) order.push(firsts[(i * 7919) % firsts.length]);
    // Baseline in the same run: the bot process's CPU while nobody clicks (timers, the store's background work).
    const idle0 = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = process.cpuUsage(idle0);
    input.requests?.reset();
    const cpu0 = process.cpuUsage();
    const child = fork(__filename, ['--click-client', host.botUrl, JSON.stringify(data), String(input.concurrency), String(input.rate ?? 0)],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const report = await new Promise<ClientReport>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ClientReport));
      child.once('exit', (code) => reject(new Error(`click client exited ${code}`)));
      child.send(order);
    });
    const cpu = process.cpuUsage(cpu0);
    const latencies = report.latencies.sort((a, b) => a - b);
    out.push({
      op: input.rate ? `acknowledgements through HTTP at ${input.rate}/s arriving` : 'acknowledgements through HTTP',
      clicks: order.length, firstClicks: firsts.length, ...(input.rate ? { offeredPerSecond: input.rate } : { concurrency: input.concurrency }),
      confirmed: report.confirmed, failed: report.failures.length, seconds: report.seconds,
      acksPerSecond: Number((order.length / report.seconds).toFixed(1)),
      p50Ms: Number(quantile(latencies, 0.5).toFixed(1)), p99Ms: Number(quantile(latencies, 0.99).toFixed(1)),
      botCpuMsPerClick: Number(((cpu.user + cpu.system) / 1000 / order.length).toFixed(2)),
      botIdleCpuMsPerSecond: Number(((idle.user + idle.system) / 1000 / 2).toFixed(1)),
      ...(input.requests ? { roundTripsPerClick: Number((input.requests.total / order.length).toFixed(2)), requests: input.requests.kinds() } : {}),
      ...(report.failures.length ? { failureSamples: [...new Set(report.failures)].slice(0, 3) } : {}),
    });
  } finally {
    await host.close();
  }
  return out;
}

/**
 * The forked load generator: `concurrency` clickers take the next click in the order until none is left; or, with a
 * rate, click n is sent at n / rate seconds whether or not earlier ones were answered, and timed from then.
 */
async function runClient(url: string, data: Record<string, string>, concurrency: number, rate: number, order: string[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: rate > 0 ? 512 : concurrency });
  const latencies: number[] = [];
  const failures: string[] = [];
  let confirmed = 0;
  let next = 0;
  const start = performance.now();
  if (rate > 0) {
    const inFlight: Promise<void>[] = [];
    for (let n = 0; n < order.length; n++) {
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(post(agent, url, invoke(order[n], data, n)).then((failed) => {
        latencies.push(performance.now() - due);
        if (failed) failures.push(failed); else confirmed += 1;
      }));
    }
    await Promise.all(inFlight);
  } else await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < order.length) {
      const n = next++;
      const t0 = performance.now();
      const failed = await post(agent, url, invoke(order[n], data, n));
      latencies.push(performance.now() - t0);
      if (failed) failures.push(failed); else confirmed += 1;
    }
  }));
  const report: ClientReport = { latencies, confirmed, failures, seconds: Number(((performance.now() - start) / 1000).toFixed(2)) };
  agent.destroy();
  process.send!(report, () => process.exit(0));
}

if (process.argv[2] === '--click-client') {
  const [url, data, concurrency, rate] = process.argv.slice(3);
  process.once('message', (order) => {
    runClient(url, JSON.parse(data) as Record<string, string>, Number(concurrency), Number(rate), order as string[]).catch((err) => {
      console.error(JSON.stringify({ error: (err as Error).message }));
      process.exit(1);
    });
  });
}
