import { startApp } from '../src/compose/startApp';
import { ConfigError, loadConfig } from '../src/config';
import { createLogger } from '../src/shared/logger';
import { BusyPort, localBanner, notLoopbackMessage, portsInUseMessage } from './localBanner';
import { PLAYGROUND_USERS, PlaygroundNotLoopbackError, PlaygroundPortInUseError, playgroundConcernDefaults, portIsFree, startPlayground } from './playground';

const [alex] = PLAYGROUND_USERS;

/**
 * Who is who in the Playground's pretend school, so every feature can be tried from the browser: Alex (the person at
 * the keyboard) owns the policy and leads safeguarding, with Megan as deputy and the rest of the Playground's team on
 * the safeguarding team (its channel holds them all, so the route is clean); every kind of report goes somewhere the
 * Playground shows (the Safeguarding channel, or Alex's own chat), since it has no 1:1 chat for anyone else
 * (playgroundConcernDefaults). Any of these can be overridden from the environment.
 */
export const LOCAL_ROLE_DEFAULTS: Record<string, string> = { POLICY_OWNERS: alex.aadObjectId, ...playgroundConcernDefaults() };

/** The Playground's port when PLAYGROUND_PORT is not set: the address the README gives. */
export const DEFAULT_PLAYGROUND_PORT = 56150;

/** `npm run local` did not start: a port it needs is taken, or a setting is wrong; the message says what to change. */
export class LocalStartRefused extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'LocalStartRefused';
  }
}

/** What `npm run local` started: the banner to print, and a way to stop both. */
export interface RunningLocal {
  banner: string;
  stop(): Promise<void>;
}

/** The ports `npm run local` needs that another program holds, each with the variable that moves it. */
async function portsInUse(host: string, botPort: number, playgroundPort: number): Promise<BusyPort[]> {
  const busy: BusyPort[] = [];
  // PORT=0 asks for any free port: nothing to check.
  if (botPort !== 0 && !(await portIsFree(botPort, host))) busy.push({ port: botPort, variable: 'PORT', what: 'the bot' });
  if (!(await portIsFree(playgroundPort))) busy.push({ port: playgroundPort, variable: 'PLAYGROUND_PORT', what: 'the Agents Playground' });
  return busy;
}

/**
 * `npm run local`: the bot on the embedded defaults (bundled sample policy, SQLite file) plus the Microsoft 365 Agents
 * Playground, so anyone can chat with it in a browser without a Teams tenant. Both ports are checked before anything
 * starts: a taken one is refused with the variable to set (PORT, PLAYGROUND_PORT), because the Playground would otherwise
 * move to a random port while the banner gave the taken address, often an earlier run's Playground.
 */
export async function startLocal(processEnv: Record<string, string | undefined> = process.env): Promise<RunningLocal> {
  const env: Record<string, string | undefined> = { APP_MODE: 'local', ...LOCAL_ROLE_DEFAULTS, ...processEnv };
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new LocalStartRefused(err.message, 78);
    throw err;
  }
  const playgroundPort = Number(env.PLAYGROUND_PORT ?? DEFAULT_PLAYGROUND_PORT);
  if (!Number.isInteger(playgroundPort) || playgroundPort < 1 || playgroundPort > 65535) {
    throw new LocalStartRefused(`PLAYGROUND_PORT must be a port number from 1 to 65535 (got "${env.PLAYGROUND_PORT}")`, 78);
  }
  const busy = await portsInUse(config.host, config.port, playgroundPort);
  if (busy.length > 0) throw new LocalStartRefused(portsInUseMessage(busy), 69);
  const logger = createLogger(env.LOG_LEVEL ?? 'warn');
  const running = await startApp(config, logger);
  let playground;
  try {
    playground = await startPlayground({ botEndpoint: `http://127.0.0.1:${running.port}/api/messages`, port: playgroundPort, workDir: process.cwd() });
  } catch (err) {
    await running.close();
    // Taken between the check and the Playground's start: the same refusal.
    if (err instanceof PlaygroundPortInUseError) throw new LocalStartRefused(portsInUseMessage([{ port: err.port, variable: 'PLAYGROUND_PORT', what: 'the Agents Playground' }]), 69);
    if (err instanceof PlaygroundNotLoopbackError) throw new LocalStartRefused(notLoopbackMessage(err.address, err.port), 70);
    throw err;
  }
  const started = playground;
  return {
    banner: localBanner({
      documents: running.library.documents, botPort: running.port, playgroundUrl: started.url, playgroundHost: started.host,
      devKey: config.concerns.encryptionKeySource === 'localDevelopmentKey',
    }),
    async stop() {
      await started.stop();
      await running.close();
    },
  };
}

async function main(): Promise<void> {
  const local = await startLocal();
  console.log(local.banner);
  const stop = async (): Promise<void> => {
    await local.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((err: Error) => {
    if (err instanceof LocalStartRefused) {
      console.error(err.message);
      process.exit(err.exitCode);
    }
    console.error(`Failed to start: ${err.message}`);
    process.exit(1);
  });
}
