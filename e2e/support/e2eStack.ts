import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import {
  PLAYGROUND_SAFEGUARDING_CHANNEL_ID, PLAYGROUND_USERS, RunningPlayground, startPlayground,
} from '../../scripts/playground';

/** The repository root, so the run does not depend on the directory jest was started from. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where screenshots, the bot's log and the list of blocked requests are kept (git-ignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'e2e');

/** Debian's chromium; CHROMIUM_PATH overrides it on machines that keep it elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The person at the keyboard in the Playground (Alex Wilber): policy owner and on the safeguarding team. */
export const KEYBOARD_USER = PLAYGROUND_USERS[0];
/** The deputy DSL (Megan Bowen): the fallback route, so a failed channel post still reaches a person. */
export const DEPUTY_DSL = PLAYGROUND_USERS[1];

/** The flags docs/development.md explains, plus a resolver that cannot resolve anything but loopback. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  // A second wall behind context.route: requests the route does not see (service workers, prefetch) cannot leave either.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The bot, the Playground and a headless browser on its UI, all on loopback, all stopped by `stop()`. */
export interface E2eStack {
  bot: RunningApp;
  playground: RunningPlayground;
  context: BrowserContext;
  page: Page;
  /** Every request the browser tried to send off this machine (the UI asks a CDN for fonts); all were refused. */
  blockedRequests: string[];
  stop(): Promise<void>;
}

/** The environment the bot runs on: local mode, a fresh SQLite file, the sample policy and roster, Playground people. */
export function e2eEnvironment(workDir: string): Record<string, string> {
  return {
    APP_MODE: 'local',
    HOST: '127.0.0.1',
    PORT: '0',
    SQLITE_PATH: path.join(workDir, 'policy-bot.sqlite'),
    POLICY_FILES: path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'),
    ROSTER_FILE: path.join(REPO_ROOT, 'samples', 'roster.csv'),
    POLICY_OWNERS: KEYBOARD_USER.aadObjectId,
    SAFEGUARDING_TEAM: `${KEYBOARD_USER.aadObjectId}=${KEYBOARD_USER.name}`,
    CONCERN_DSL_CHANNEL_ID: PLAYGROUND_SAFEGUARDING_CHANNEL_ID,
    CONCERN_DEPUTY_DSL: DEPUTY_DSL.aadObjectId,
    LOG_LEVEL: 'info',
  };
}

/** Starts everything on loopback and opens the Playground UI in headless chromium; the page shows the personal chat. */
export async function startE2eStack(): Promise<E2eStack> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No chromium at ${CHROMIUM_PATH}. Install it with: bash scripts/installBrowser.sh (Debian chromium), or set CHROMIUM_PATH.`);
  }
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS_DIR)) fs.rmSync(path.join(ARTIFACTS_DIR, f), { recursive: true, force: true });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-bot-e2e-'));

  const logger = createLogger('info', pino.destination({ dest: path.join(ARTIFACTS_DIR, 'bot.log'), sync: true }));
  const bot = await startApp(loadConfig(e2eEnvironment(workDir)), logger);
  let playground: RunningPlayground | undefined;
  let context: BrowserContext | undefined;
  const blockedRequests: string[] = [];
  try {
    playground = await startPlayground({ botEndpoint: `http://127.0.0.1:${bot.port}/api/messages`, workDir });
    context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
      timezoneId: 'Europe/London',
      locale: 'en-GB',
    });
    // Every wait and click fails with Playwright's own message well inside jest's 30 s per step.
    context.setDefaultTimeout(15_000);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      blockedRequests.push(url);
      return route.abort('blockedbyclient');
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${playground.port}/`);
    await page.locator('[data-lexical-editor="true"]').waitFor({ timeout: 30_000 });

    const started = { bot, playground, context };
    return {
      bot, playground, context, page, blockedRequests,
      async stop() {
        fs.writeFileSync(path.join(ARTIFACTS_DIR, 'blocked-requests.txt'), blockedRequests.join('\n') + '\n');
        await started.context.close().catch(() => undefined);
        await started.playground.stop();
        const playgroundLog = path.join(workDir, 'devTools', 'm365agentsplayground.log');
        if (fs.existsSync(playgroundLog)) fs.copyFileSync(playgroundLog, path.join(ARTIFACTS_DIR, 'playground.log'));
        await started.bot.close();
        fs.rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    await playground?.stop();
    await bot.close();
    throw err;
  }
}

/** True for loopback http(s)/ws(s) addresses and for in-page data: and blob: URLs, which never leave the browser. */
export function isLocal(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return LOOPBACK_HOSTS.has(parsed.hostname);
}
