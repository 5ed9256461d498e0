import { startApp } from '../src/compose/startApp';
import { ConfigError, loadConfig } from '../src/config';
import { createLogger } from '../src/shared/logger';
import { localBanner } from './localBanner';
import { PLAYGROUND_USERS, playgroundConcernDefaults, startPlayground } from './playground';

const [alex] = PLAYGROUND_USERS;

/**
 * Who is who in the Playground's pretend school, so every feature can be tried from the browser: Alex (the person at
 * the keyboard) owns the policy and leads safeguarding, with Megan as deputy and the rest of the Playground's team on
 * the safeguarding team (its channel holds them all, so the route is clean); every kind of report goes somewhere the
 * Playground shows (the Safeguarding channel, or Alex's own chat), since it has no 1:1 chat for anyone else
 * (playgroundConcernDefaults). Any of these can be overridden from the environment.
 */
export const LOCAL_ROLE_DEFAULTS: Record<string, string> = { POLICY_OWNERS: alex.aadObjectId, ...playgroundConcernDefaults() };

/**
 * `npm run local`: the bot on the embedded defaults (bundled sample policy, SQLite file) plus the
 * Microsoft 365 Agents Playground, so anyone can chat with it in a browser without a Teams tenant.
 */
async function main(): Promise<void> {
  const env: Record<string, string | undefined> = { APP_MODE: 'local', ...LOCAL_ROLE_DEFAULTS, ...process.env };
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(78); }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL ?? 'warn');
  const running = await startApp(config, logger);
  const playground = await startPlayground({
    botEndpoint: `http://127.0.0.1:${running.port}/api/messages`,
    port: Number(env.PLAYGROUND_PORT ?? 56150),
    workDir: process.cwd(),
  });
  console.log(localBanner({
    documents: running.library.documents, botPort: running.port, playgroundUrl: playground.url,
    devKey: config.concerns.encryptionKeySource === 'localDevelopmentKey',
  }));
  const stop = async (): Promise<void> => {
    await playground.stop();
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: Error) => {
  console.error(`Failed to start: ${err.message}`);
  process.exit(1);
});
