/**
 * Issue 42: how long the safeguarding route takes to recover, measured from outside over real HTTP (the product's bot
 * app and server, the fake Bot Connector refusing the way Teams does). Prints JSON:
 *
 * - refusedToDslMs: from the moment Teams refuses the report's post in the channel (the refused request reaching the
 *   connector) to the DSL team's first 1:1 alert reaching it; a fresh bot each run, so each run is a first refusal.
 * - unreachedToReporterMs: from the report being sent to the reporter's "it has NOT reached anyone" notice, when
 *   every route refuses it; the product's own default wait (two minutes) and timer, so this run takes that long.
 *
 * npm run build && node dist/bench/safeguardingRoute.js [--runs 10] [--skip-unreached]
 */
import { composeConcerns } from '../src/compose/concerns';
import { parseConcernSettings } from '../src/config/concernSettings';
import { createFieldCipher } from '../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase } from '../src/adapters/sqlite/sqliteDatabase';
import { createLogger } from '../src/shared/logger';
import { Verbs } from '../src/teams/verbs';
import { startBotHost } from '../tests/support/botHost';
import { FakeConnector, startFakeConnector, TEAMS_REFUSALS } from '../tests/support/fakeConnector';

const CHANNEL = '19:safeguarding@thread.tacv2';
const ENV = {
  SAFEGUARDING_TEAM: 'aad-dsl=Dana DSL,aad-deputy=Dev Deputy', SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: CHANNEL,
  CONCERN_DEPUTY_DSL: 'aad-deputy', CONCERN_SENIOR_MANAGER: 'aad-sm', CONCERN_HEADTEACHER: 'aad-head', CONCERN_CHAIR_OF_GOVERNORS: 'aad-chair',
  // The name schools have today: the bench then also runs against a release that knows only this one.
  CONCERN_DSL_CHANNEL_ID: CHANNEL,
};
const REPORTER = { id: '29:reporter', aadObjectId: 'aad-reporter', name: 'Robin Reporter' };
const FORM = {
  kind: 'childSafety', whatHappened: 'bench report', whenHappened: 'now', where: 'bench', peopleInvolved: 'not known', immediateDanger: 'false', aboutHeadteacher: 'false',
};

/** Starts the concern feature behind the real server, with the product's own waits (real sleep, the two-minute watch). */
async function startBot(connector: FakeConnector) {
  const { value: settings, errors } = parseConcernSettings(ENV, 'local');
  if (errors.length) throw new Error(errors.join('; '));
  const db = openSqliteDatabase(':memory:');
  let stopTimers = () => undefined as void;
  const host = await startBotHost((adapter) => {
    const feature = composeConcerns({
      settings, store: createSqliteConcernStore(db, createFieldCipher(settings.encryptionKey)), adapter, botAppId: '', logger: createLogger('silent'),
      teamsOrigin: { channelId: 'msteams', serviceUrl: connector.url, tenantId: 'tenant-1' },
    });
    stopTimers = feature.startOutboxTimer(60_000);
    return [feature];
  });
  const submit = () => fetch(host.botUrl, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl: connector.url, id: `bench-${Date.now()}`, replyToId: 'form-1',
      from: REPORTER, recipient: { id: '28:bot' }, conversation: { id: 'a:personal-reporter', conversationType: 'personal', tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' } }, value: { action: { type: 'Action.Execute', verb: Verbs.concernSubmit, data: FORM } },
    }),
  }).then((r) => r.text());
  return { submit, close: async () => { stopTimers(); await host.close(); db.close(); } };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function refusedToDsl(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const connector = await startFakeConnector({ ratePerSecond: 0 });
    connector.refusing.set(CHANNEL, TEAMS_REFUSALS.notInRoster);
    const bot = await startBot(connector);
    try {
      await bot.submit();
      const refused = connector.calls.find((c) => c.conversationId.startsWith(CHANNEL) && c.status === 403);
      const alert = connector.deliveries.find((d) => /^a:aad-(dsl|deputy)$/.test(d.conversationId) && JSON.stringify(d.activity).includes('Safeguarding concern'));
      if (!refused || !alert) throw new Error('the refused post or the 1:1 alert did not happen');
      times.push(alert.at - refused.at);
    } finally {
      await bot.close();
      await connector.close();
    }
  }
  return times;
}

async function unreachedToReporter(): Promise<number> {
  const connector = await startFakeConnector({ ratePerSecond: 0 });
  connector.refusing.set(CHANNEL, TEAMS_REFUSALS.notInRoster);
  connector.refusing.set('a:aad-', TEAMS_REFUSALS.disabledByAdmin);
  const bot = await startBot(connector);
  try {
    const sent = Date.now();
    await bot.submit();
    for (;;) {
      const told = connector.deliveries.find((d) => d.conversationId === 'a:personal-reporter' && String(d.activity.text ?? '').includes('has NOT reached anyone'));
      if (told) return told.at - sent;
      if (Date.now() - sent > 10 * 60_000) throw new Error('the reporter was not told within 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await bot.close();
    await connector.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(args[args.indexOf('--runs') + 1]) || 10;
  const refused = await refusedToDsl(runs);
  const out: Record<string, unknown> = {
    refusedToDslMs: { runs, p50: percentile(refused, 50), max: Math.max(...refused), all: refused },
  };
  if (!args.includes('--skip-unreached')) out.unreachedToReporterMs = await unreachedToReporter();
  console.log(JSON.stringify(out, null, 2));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
