/**
 * `npm run bench:instances -- [--staff 2000] [--join-after 13] [--stay 15] [--refuse-past 50] [--kills 0]` (issue 51): two instances of the bot on one
 * Azurite, measured from outside as the issue measured them (bench/instancesSetup.ts: processes in local mode,
 * STORAGE=azure, a fake Bot Connector that refuses the 51st request in any second, a round-robin proxy in front for
 * links). Prints one JSON line per part, each with its baseline measured in the same run:
 * - reports: one person's twelve urgent reports alternating between A and B, filed and refused; baseline: a colleague's
 *   twelve on A alone.
 * - publish: an owner publishes a new Word version on A; ms until A quotes the new rule (baseline) and until B does, and
 *   whether B's reader opens that version.
 * - rollout: a campaign of `--staff` started on A alone; B is started `--join-after` s after Start, joins when it listens,
 *   and leaves (SIGTERM) `--stay` s after it listened; "both" runs from B's start, since B sends before it listens. With
 *   `--kills N`, B is killed with SIGKILL N times while both run, evenly over its stay, and started again at once under its
 *   worker id (issue 69: no sliding second over 50 through restarts). The connector refuses the request past `--refuse-past` in any second
 *   with a 429 as Teams does (0: refuses nothing, so the counts are what the instances sent). Requests to Teams in each second from Start, the busiest one-second window, 429s, cards per
 *   second, lost and duplicated cards, for A alone (baseline), both, and after B left.
 * - links: the campaign's export (asked on B) and a staff member's reader download link, fetched four times through the
 *   proxy; baseline: the same links fetched four times from the instance that made them. Whether the download was recorded.
 */
import { policyDocxFromText } from '../scripts/makePolicyDocuments';
import { Verbs } from '../src/teams/verbs';
import { FILE_DOWNLOAD_INFO } from '../src/teams/fileDownload';
import { executeActions, pressData } from '../tests/support/cardAssertions';
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SEND_RATE_KEY, SEND_RATE_SPACE, SendRateLedger } from '../src/teams/sharedSendRate';
import {
  BenchPerson, BenchWorld, COLLEAGUE, deliveredTo, fetchDirect, OWNER, POLICY_FILE, post, press, readable, REPORTER, round, sleep, staffId, startWorld, TEACHER,
} from './instancesSetup';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
const print = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
const ADDED = { heading: 'Artificial intelligence tools', rule: 'Staff must not put pupils\' names or work into public AI chatbots.', question: 'can i put a pupils work into chatgpt' };
/** A file link as an instance hands it out: its whole query (a reader's link carries what its download records). */
const LINK = /https?:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}\?[^"\s\\)]+/;

async function reports(world: BenchWorld): Promise<void> {
  const file = async (person: BenchPerson, onInstance: (n: number) => number) => {
    let filed = 0;
    let refused = 0;
    for (let n = 0; n < 12; n++) {
      const answer = readable((await press(world, onInstance(n), person, Verbs.concernSubmit, {
        kind: 'childSafety', whatHappened: `Bench report ${n}`, whenHappened: 'Today', where: 'Teams chat', link: '', peopleInvolved: 'not known',
        evidence: '', immediateDanger: 'true', aboutHeadteacher: 'false',
      })).body);
      if (/try again at \d{2}:\d{2}/i.test(answer)) refused += 1;
      else if (/Reference/.test(answer)) filed += 1;
    }
    return { filed, refused };
  };
  const alone = await file(COLLEAGUE, () => 0);
  const alternating = await file(REPORTER, (n) => n % 2);
  print({ part: 'reports', urgentReports: 12, baselineOneInstance: alone, alternatingAB: alternating });
}

async function publish(world: BenchWorld): Promise<void> {
  const docx = await policyDocxFromText(`${fs.readFileSync(POLICY_FILE, 'utf8').trimEnd()}\n\n99. ${ADDED.heading}\n\n${ADDED.rule}\n`, 'oakfield.txt');
  const url = world.oneDrive.put('Oakfield%20policy%202027.docx', docx);
  const before = world.connector.deliveries.length;
  await post(world, 0, OWNER, {
    type: 'message', text: '',
    attachments: [{ contentType: FILE_DOWNLOAD_INFO, name: 'Oakfield policy 2027.docx', contentUrl: url, content: { downloadUrl: url, uniqueId: url, fileType: 'docx' } }],
  });
  const draftId = /"draftId":"([^"]+)"/.exec(JSON.stringify(deliveredTo(world, OWNER, before).map((d) => d.activity)))?.[1];
  if (!draftId) throw new Error('no draft card');
  const published = await press(world, 0, OWNER, Verbs.publishVersion, { draftId });
  if (!readable(published.body).includes('Live now')) throw new Error(`publish answered: ${readable(published.body).slice(0, 300)}`);
  const at = Date.now();
  const quoted = async (i: number) => {
    const from = world.connector.deliveries.length;
    await post(world, i, TEACHER, { type: 'message', text: ADDED.question });
    return readable(deliveredTo(world, TEACHER, from).map((d) => d.activity)).includes(ADDED.rule);
  };
  const onA = await quoted(0) ? Date.now() - at : undefined;
  let onB: number | undefined;
  let asked = 0;
  while (onB === undefined && Date.now() - at < 60_000) {
    asked += 1;
    if (await quoted(1)) onB = Date.now() - at;
    else await sleep(500);
  }
  print({ part: 'publish', baselineMsUntilAQuotes: onA, msUntilBQuotes: onB ?? null, askedB: asked, targetMs: 30_000, met: onB !== undefined && onB <= 30_000 });
}

/** Requests to Teams in each second from `from` to `to`, the busiest one-second window among them, and the 429s. */
function perSecond(world: BenchWorld, from: number, to: number) {
  const calls = world.connector.calls.filter((c) => c.at >= from && c.at < to);
  const seconds = Array.from({ length: Math.ceil((to - from) / 1000) }, () => 0);
  for (const c of calls) seconds[Math.floor((c.at - from) / 1000)] += 1;
  let busiest = 0;
  for (let end = 0, start = 0; end < calls.length; end++) {
    while (calls[end].at - calls[start].at >= 1000) start++;
    busiest = Math.max(busiest, end - start + 1);
  }
  const full = seconds.slice(0, Math.floor((to - from) / 1000));
  return {
    seconds: round((to - from) / 1000, 1), requests: calls.length, meanPerSecond: round(calls.length / Math.max(0.001, (to - from) / 1000), 1),
    busiestWindow: busiest, secondsOver50: full.filter((n) => n > 50).length, throttled429: calls.filter((c) => c.status === 429).length,
    windowsOver50StartAt: windowsOver(calls.map((c) => c.at), 50).map((t) => round((t - from) / 1000)),
  };
}

async function rollout(world: BenchWorld, staff: number): Promise<{ policyId: string; versionHash: string; campaignId: string }> {
  const joinAfter = arg('join-after', 13) * 1000;
  const stay = arg('stay', 15) * 1000;
  world.connector.setRatePerSecond(arg('refuse-past', 50));
  await world.stop(1);
  const before = world.connector.deliveries.length;
  await post(world, 0, OWNER, { type: 'message', text: 'campaign start' });
  let preview: unknown;
  for (let i = 0; i < 600 && !preview; i++) {
    preview = deliveredTo(world, OWNER, before).map((d) => (d.activity.attachments as { content: unknown }[] | undefined)?.[0]?.content)
      .find((c) => JSON.stringify(c ?? {}).includes('Start this campaign?'));
    if (!preview) await sleep(50);
  }
  if (!preview) throw new Error('no preview card');
  const start = executeActions(preview).find((a) => a.title === 'Start')!;
  const started = Date.now();
  // The connector's arrival times are only as good as this process's turns: how late its event loop ran, to read them by.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const answer = await press(world, 0, OWNER, start.verb, pressData(preview, start));
  if (answer.status !== 200) throw new Error(`Start answered ${answer.status}`);
  const cards = () => world.connector.deliveries.filter((d) => d.at >= started && d.userId?.startsWith('bench-user-'));
  await sleep(Math.max(0, started + joinAfter - Date.now()));
  const joining = Date.now();
  const seat = seatTaken(world, 'instance-1', joining);
  const b = await world.start(1);
  const { seatAt, grantFrom } = await seat;
  const kills = arg('kills', 0);
  const restarts: { killedAfterSeconds: number; listeningAgainAfterSeconds: number }[] = [];
  for (let k = 1; k <= kills; k++) {
    await sleep(Math.max(0, b.listeningAt + (stay * k) / (kills + 1) - Date.now()));
    const killedAt = Date.now();
    await world.kill(1);
    const again = await world.start(1);
    restarts.push({ killedAfterSeconds: round((killedAt - started) / 1000), listeningAgainAfterSeconds: round((again.listeningAt - killedAt) / 1000) });
  }
  await sleep(Math.max(0, b.listeningAt + stay - Date.now()));
  const leaving = Date.now();
  await world.stop(1);
  const left = Date.now();
  for (let i = 0; new Set(cards().map((c) => c.userId)).size < staff && i < 6_000; i++) await sleep(50);
  const sent = cards();
  const last = Math.max(...sent.map((c) => c.at));
  const reached = new Set(sent.map((c) => c.userId)).size;
  const stats = world.connector.stats();
  print({
    part: 'rollout', staff, connectorRefusesPast: arg('refuse-past', 50), reached, lost: staff - reached, duplicates: sent.length - reached,
    secondsFromStart: round((last - started) / 1000), cardsPerSecond: round(reached / ((last - started) / 1000)), limit: 50,
    // B takes its seat in the ledger early in its start, before it loads its models and listens.
    bSeatAfterSeconds: round((seatAt - started) / 1000), bSeatSecondsAfterProcessStart: round((seatAt - joining) / 1000),
    bFirstShareAfterSeconds: round((grantFrom - started) / 1000),
    bListeningAfterSeconds: round((b.listeningAt - started) / 1000), bStartingSeconds: round((b.listeningAt - joining) / 1000),
    bLeftAfterSeconds: round((left - started) / 1000), bStoppingSeconds: round((left - leaving) / 1000), bKilledAndRestarted: restarts,
    // B sends from its first seconds, before it listens (a restarted instance resumes a roll-out at once): both from its start.
    baselineAAlone: perSecond(world, started, joining), both: perSecond(world, joining, leaving), afterBLeft: perSecond(world, left, last + 1),
    whole: perSecond(world, started, last + 1), requestsEachSecond: eachSecond(world, started, last + 1),
    connectorLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6, 1), max: round(loopDelay.max / 1e6, 1) },
    connectorBusiestWindowAllRun: stats.maxArrivalsPerSecond, connector429AllRun: stats.throttled,
  });
  // The version the staff card names (its "Read the policy" button), for the reader on B.
  const reader = sent.map((d) => executeActions(d.activity).find((x) => x.verb === Verbs.readPolicy)).find((x) => x)?.data ?? {};
  const campaignId = /ack-\d{8}-[0-9a-f]+/.exec(readable(answer.body))?.[0] ?? '';
  return { policyId: String(reader.policyId ?? ''), versionHash: String(reader.versionHash ?? ''), campaignId };
}

/** Where one-second windows holding more than `limit` start (ms), each run of them once. */
function windowsOver(times: number[], limit: number): number[] {
  const starts: number[] = [];
  for (let start = 0, end = 0; start < times.length; start++) {
    while (end < times.length && times[end] - times[start] < 1000) end++;
    if (end - start > limit && (starts.length === 0 || times[start] - starts[starts.length - 1] >= 1000)) starts.push(times[start]);
  }
  return starts;
}

/**
 * When instance `id` first holds a seat in the send rate ledger (polled every 20 ms from `since`), and when the first
 * share it used started (a share it reserved for later may be planned again earlier, so only one in force counts).
 */
async function seatTaken(world: BenchWorld, id: string, since: number): Promise<{ seatAt: number; grantFrom: number }> {
  for (let seatAt = 0; Date.now() - since < 60_000; await sleep(20)) {
    const member = (await world.shared.read<SendRateLedger>(SEND_RATE_SPACE, SEND_RATE_KEY))?.value.members[id];
    if (member && member.seen >= since) {
      seatAt ||= Date.now();
      const inForce = member.grants.filter((g) => g.rate > 0 && g.from <= Date.now()).sort((x, y) => x.from - y.from)[0];
      if (inForce) return { seatAt, grantFrom: inForce.from };
    }
  }
  throw new Error(`${id} took no seat in the ledger within 60 s`);
}

function eachSecond(world: BenchWorld, from: number, to: number): number[] {
  const out = Array.from({ length: Math.ceil((to - from) / 1000) }, () => 0);
  for (const c of world.connector.calls) if (c.at >= from && c.at < to) out[Math.floor((c.at - from) / 1000)] += 1;
  return out;
}

async function links(world: BenchWorld, version: { policyId: string; versionHash: string; campaignId: string }): Promise<void> {
  await world.start(1);
  const fourTimes = async (url: string, direct?: string) => {
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) statuses.push(direct ? (await fetchDirect(url.replace(world.proxy.url, direct))).status : (await world.proxy.get(url)).status);
    return statuses;
  };
  const asked = Date.now();
  await post(world, 1, OWNER, { type: 'message', text: `campaign export ${version.campaignId}`.trim() });
  let exportLink: string | undefined;
  for (let i = 0; i < 600 && !exportLink; i++) {
    const seen = JSON.stringify([...world.connector.updates.filter((u) => u.at >= asked).map((u) => u.activity), ...world.connector.deliveries.filter((d) => d.at >= asked).map((d) => d.activity)]);
    exportLink = LINK.exec(seen)?.[0]?.replace(/&amp;/g, '&');
    if (!exportLink) await sleep(100);
  }
  const reader = await press(world, 1, { id: `29:${staffId(1)}`, aadObjectId: staffId(1), name: 'Person 1' }, Verbs.readPage, { policyId: version.policyId, versionHash: version.versionHash, campaignId: version.campaignId, page: '0' });
  const readerLink = LINK.exec(JSON.stringify(reader.body))?.[0]?.replace(/&amp;/g, '&');
  const served = world.proxy.served.length;
  const line: Record<string, unknown> = { part: 'links' };
  for (const [name, link] of [['export', exportLink], ['readerDownload', readerLink]] as const) {
    if (!link) {
      line[name] = { found: false };
      continue;
    }
    line[name] = { baselineFromOneInstance: await fourTimes(link, world.instances[0]!.base), throughProxy: await fourTimes(link) };
  }
  const read = version.policyId ? await world.acknowledgements.getPolicyRead(version.policyId, version.versionHash, staffId(1)) : undefined;
  line.instancesThatServed = new Set(world.proxy.served.slice(served).map((s) => s.target)).size;
  line.readerDownloadRecorded = Boolean(read?.documentAt);
  line.readerOpensVersionOnB = !readable(reader.body).includes('not loaded here');
  print(line);
}

async function main(): Promise<void> {
  const staff = arg('staff', 2000);
  const world = await startWorld(staff);
  try {
    await world.start(0);
    await world.start(1);
    // Each instance syncs the roster at start: quiet means quiet.
    await sleep(3_000);
    await reports(world);
    await publish(world);
    const version = await rollout(world, staff);
    await links(world, version);
  } finally {
    await world.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
