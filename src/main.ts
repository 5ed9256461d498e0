import { startEarlySending } from './compose/earlySending';
import { seated } from './teams/sharedSendRate';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './shared/logger';

/** Composition root: the only place that reads process.env. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.mode === 'local') {
    logger.warn({ event: 'mode.local', host: config.host }, 'LOCAL MODE: requests are NOT authenticated. Never expose this to a network.');
  }
  if (config.allowedTenantIds) {
    // Organisation ids, not people's: IT checks here which tenants the bot answers (ALLOWED_TENANT_IDS).
    logger.info({ event: 'tenants.allowed', tenants: config.allowedTenantIds }, 'only people of these Entra tenants reach the bot');
  }
  // Sending starts before the rest of the app is loaded (its modules alone take seconds on a small plan), so a bot
  // restarted during a roll-out sends again at once; startApp is imported only then.
  const early = startEarlySending(config, logger);
  // Its seat in the ledger of the Teams limit first (a read and a write, or 2 s if the ledger does not answer): loading
  // the app's modules holds this thread for seconds, and the seat's round trips would wait behind it.
  await seated(early.sendRate, 2_000);
  const { startApp } = await import('./compose/startApp');
  const running = await startApp(config, logger, { early });
  logger.info({ event: 'server.listening', port: running.port, mode: config.mode }, `listening on http://${config.host}:${running.port}/api/messages`);
  const stop = (): void => {
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error & { code?: string }) => {
  console.error(`Failed to start: ${err.code ? `[${err.code}] ` : ''}${err.message}`);
  process.exit(1);
});
