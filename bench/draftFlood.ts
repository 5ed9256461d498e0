/**
 * Issue 69, item 1: can one member of staff pasting drafts into "check my post" hold up everyone else? Measured from
 * outside as the outside tester did (bench/floodHarness.ts: the bot as its own process in production mode, the fake Bot
 * Connector at Teams' 50 a second). Each scenario runs on a fresh bot:
 *
 * - baseline: no drafts; three colleagues each file an urgent child-safety report, one after another;
 * - a flood: one person sends N `check: <draft>` messages at once (3,000 characters each: `hostile`, capitalised
 *   hyphenated words, what made the names finder slow; or `plain`, ordinary prose), and after `--report-after-ms` a
 *   colleague files an urgent child-safety report, /healthz asked at that moment and every 250 ms throughout.
 *
 * For each: the alert's, the receipt's and /healthz's delays (and /healthz's slowest), the bot's event loop's worst
 * delay over the flood, and how long the drafts' verdicts took to come back. Targets (issue 69): the alert and /healthz
 * within 1 s however many drafts. Prints one JSON object.
 *
 *   npm run bench:drafts [-- --drafts 10,40] [--kinds hostile,plain] [--report-after-ms 1000] [--flood-wait-s 120]
 */
import os from 'node:os';
import { arg, baselineReports, FLOODER, floodWithReport, TENANT, withBot } from './floodHarness';
import type { FloodOrder } from './pressFlooder';
import { PRODUCTION_BOT_ID } from '../tests/support/productionBot';

const DRAFT_CHARS = 3000;
/** Capitalised, hyphenated words from end to end: every one a candidate name with parts on both sides. */
const hostile = (): string => 'Ab-Cd-Ef '.repeat(Math.ceil(DRAFT_CHARS / 9)).slice(0, DRAFT_CHARS);
/** Ordinary end-of-term news. */
const plain = (): string => 'What a week it has been in Year 5, with the museum trip, the class assembly and the reading challenge all done. '
  .repeat(Math.ceil(DRAFT_CHARS / 110)).slice(0, DRAFT_CHARS);

function message(serviceUrl: string, text: string): Record<string, unknown> {
  return {
    type: 'message', channelId: 'msteams', serviceUrl, from: FLOODER, recipient: { id: `28:${PRODUCTION_BOT_ID}`, name: 'School Policy Bot' },
    conversation: { id: `a:${FLOODER.aadObjectId}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } },
    locale: 'en-GB', text, textFormat: 'plain',
  };
}

async function floodScenario(kind: 'hostile' | 'plain', drafts: number, reportAfterMs: number, floodWaitS: number) {
  return withBot(async (bot, connector, token) => {
    const order: FloodOrder = {
      botUrl: `${bot.base}/api/messages`, token: token(), presses: drafts, connections: drafts, timeoutMs: 300_000,
      activity: message(connector.serviceUrl, `check: ${kind === 'hostile' ? hostile() : plain()}`),
    };
    const { outcome, report, probes, loopDelayMs } = await floodWithReport(bot, connector, token, order, reportAfterMs, floodWaitS);
    const verdicts = connector.deliveries.filter((d) => d.conversationId === `a:${FLOODER.aadObjectId}`).length;
    return {
      kind, drafts, ...report, healthzMaxMs: Math.max(report.healthzMs, ...probes), healthzProbes: probes.length, botEventLoopDelayMs: loopDelayMs,
      draftsAnswered: outcome ? { allAnsweredAfterMs: outcome.allAnsweredAt - outcome.startedAt, statuses: outcome.statuses } : `not all answered within ${floodWaitS} s`,
      verdictsToTeams: verdicts,
    };
  });
}

async function main(): Promise<void> {
  const counts = arg('drafts', '10,40').split(',').map(Number).filter((n) => n > 0);
  const kinds = arg('kinds', 'hostile,plain').split(',').filter((k): k is 'hostile' | 'plain' => k === 'hostile' || k === 'plain');
  const reportAfterMs = Number(arg('report-after-ms', '1000'));
  const floodWaitS = Number(arg('flood-wait-s', '120'));
  const out: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))) },
    draftChars: DRAFT_CHARS, targets: 'alertMs and healthzMs (at the report and the slowest) each within 1000, however many drafts',
    baseline: await baselineReports(),
  };
  const results = [];
  for (const kind of kinds) for (const n of counts) results.push(await floodScenario(kind, n, reportAfterMs, floodWaitS));
  out.floods = results;
  out.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  out.met = results.every((r) => [r.alertMs, r.healthzMs, r.healthzMaxMs].every((ms) => typeof ms === 'number' && ms <= 1000));
  console.log(JSON.stringify(out, null, 2));
  // The flood's wait timer would hold the process for its full length.
  process.exit(0);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
