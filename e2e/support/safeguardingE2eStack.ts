import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { RunningPlayground, startPlayground } from '../../scripts/playground';
import { CHROMIUM_PATH, isLocal, REPO_ROOT } from './e2eStack';

/**
 * The safeguarding route's browser walks (issue 42) keep their screenshots apart from the main walk's: that one empties
 * test-artifacts/e2e/ when it starts, whichever order jest runs the two files in.
 */
export const ROUTE_ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'e2e-safeguarding');

/** A bot with the given concern settings, the Playground and a headless browser on its UI, all on loopback. */
export interface RouteE2eStack {
  bot: RunningApp;
  playground: RunningPlayground;
  page: Page;
  /** Saves what is on screen as test-artifacts/e2e-safeguarding/<name>.png. */
  screenshot(name: string): Promise<void>;
  /** Asks the Playground to add the bot to a conversation (the team, a channel, the group chat), as installing the app does. */
  install(conversationId: string): Promise<void>;
  stop(): Promise<void>;
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

/** Starts the stack in local mode with `env` on top of the sample policy and a fresh SQLite file. */
export async function startRouteE2eStack(name: string, env: Record<string, string>): Promise<RouteE2eStack> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`No chromium at ${CHROMIUM_PATH}. Install it with: bash scripts/installBrowser.sh`);
  fs.mkdirSync(ROUTE_ARTIFACTS_DIR, { recursive: true });
  for (const f of fs.readdirSync(ROUTE_ARTIFACTS_DIR).filter((f) => f.startsWith(`${name}-`))) fs.rmSync(path.join(ROUTE_ARTIFACTS_DIR, f), { force: true });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `policy-bot-e2e-${name}-`));
  const logger = createLogger('info', pino.destination({ dest: path.join(ROUTE_ARTIFACTS_DIR, `${name}-bot.log`), sync: true }));
  const bot = await startApp(loadConfig({
    APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: path.join(workDir, 'policy-bot.sqlite'),
    POLICY_FILES: path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), ROSTER_FILE: path.join(REPO_ROOT, 'samples', 'roster.csv'),
    LOG_LEVEL: 'info', ...env,
  }), logger);
  let playground: RunningPlayground | undefined;
  let context: BrowserContext | undefined;
  try {
    playground = await startPlayground({ botEndpoint: `http://127.0.0.1:${bot.port}/api/messages`, workDir });
    context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
      executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 }, timezoneId: 'Europe/London', locale: 'en-GB',
    });
    context.setDefaultTimeout(15_000);
    await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${playground.port}/`);
    await page.locator('[data-lexical-editor="true"]').waitFor({ timeout: 30_000 });
    const started = { playground, context };
    return {
      bot, playground, page,
      async screenshot(shot) {
        await page.screenshot({ path: path.join(ROUTE_ARTIFACTS_DIR, `${name}-${shot}.png`) });
      },
      async install(conversationId) {
        const res = await fetch(`http://127.0.0.1:${started.playground.port}/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
        });
        if (!res.ok) throw new Error(`The Playground did not install the bot in ${conversationId}: ${res.status}`);
      },
      async stop() {
        await started.context.close().catch(() => undefined);
        await started.playground.stop();
        await bot.close();
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
