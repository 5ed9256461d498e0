import { TeamsAdapter } from '@microsoft/teams-ai';
import { loadConfig } from '../../src/config';
import { createAdapter } from '../../src/teams/adapter';
import { createBotApp } from '../../src/teams/botApp';
import { BotFeature } from '../../src/teams/botFeature';
import { createServer, listen } from '../../src/teams/server';
import { AppLogger, createLogger } from '../../src/shared/logger';
import { TurnLimits } from '../../src/teams/turnLimits';

/** A bot served over real HTTP for component tests: the product's own app, server and local-mode adapter. */
export interface BotHost {
  adapter: TeamsAdapter;
  /** http://127.0.0.1:{port}/api/messages */
  botUrl: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the real bot app (`createBotApp`: the same application options, fallback and error handler as the
 * product) with the features given, behind the real restify server, on a free loopback port; with `limits`, people's
 * budgets as the product takes them (invokes counted by the server, messages by the app).
 */
export async function startBotHost(
  makeFeatures: (adapter: TeamsAdapter) => readonly BotFeature[],
  logger: AppLogger = createLogger('silent'),
  limits?: TurnLimits,
): Promise<BotHost> {
  // The product's own adapter in local mode (its clients kept per service URL, each request to Teams time-limited).
  const adapter = createAdapter(loadConfig({ APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: ':memory:' }));
  const app = createBotApp({ adapter, logger, features: makeFeatures(adapter), ...(limits ? { limits } : {}) });
  const server = createServer({ adapter, app, logger, ...(limits ? { limits } : {}) });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    adapter,
    botUrl: `http://127.0.0.1:${port}/api/messages`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.server.closeAllConnections();
    }),
  };
}

/**
 * The fields Teams sets on an activity a person sends in their 1:1 chat with the bot, through the connector at
 * `serviceUrl`, with the activity id given; add `type` and its text or value.
 */
export function personalChatActivity(serviceUrl: string, from: { id: string; aadObjectId: string; name: string }, id: string): Record<string, unknown> {
  return {
    channelId: 'msteams', serviceUrl, id, timestamp: new Date().toISOString(), from,
    recipient: { id: '28:bot', name: 'School Policy Bot' }, channelData: { tenant: { id: 'tenant-1' } },
    conversation: { id: `a:personal-${from.id}`, conversationType: 'personal', tenantId: 'tenant-1' },
  };
}

/** Posts one activity to the bot as the Teams channel would, and returns the HTTP status and the parsed body. */
export async function postActivity(botUrl: string, activity: Record<string, unknown>): Promise<{ status: number; body: { type?: string; value?: unknown } & Record<string, unknown> }> {
  const res = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}
