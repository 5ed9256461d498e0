/**
 * The bot of the press-flood bench (bench/pressFlood.ts) as its own process: the product's startApp in production mode,
 * exactly as src/main.ts starts it, except that outgoing Bot Connector calls carry a fixed token (the fake connector
 * accepts any; the Entra token endpoint cannot be reached from here). Incoming tokens are checked as in Azure, against
 * the bench's own signing keys (BOT_OPENID_METADATA_URL). Logs go to stdout as JSON lines, for the bench to read.
 * Tells its parent the port it listens on.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEarlySending } from '../src/compose/earlySending';
import { startApp } from '../src/compose/startApp';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/shared/logger';
import { FixedTokenCredentials } from '../tests/support/productionBot';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const early = startEarlySending(config, logger);
  const running = await startApp(config, logger, { early, botCredentials: new FixedTokenCredentials({}) });
  process.send?.({ port: running.port });
  // The bench asks for the event loop's worst delay over a stretch (the flood): what every request waited at most.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  process.on('message', (m: { loopDelay?: 'start' | 'stop' }) => {
    if (m.loopDelay === 'start') {
      delay.reset();
      delay.enable();
    } else if (m.loopDelay === 'stop') {
      delay.disable();
      process.send?.({ loopDelayMs: { p50: Math.round(delay.percentile(50) / 1e6), p99: Math.round(delay.percentile(99) / 1e6), max: Math.round(delay.max / 1e6) } });
    }
  });
  // Stopped by the bench: exit at once (a profile asked for with --cpu-prof is written on exit).
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((err: Error) => {
  console.error(`bench bot failed to start: ${err.message}`);
  process.exit(1);
});
