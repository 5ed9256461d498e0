/**
 * The whole bot in production mode on loopback, as an outside tester attacks it: Bot Framework tokens are checked
 * against a fake of the Bot Connector's OpenID metadata and signing keys (so a token this file signs is genuinely
 * valid and any other is forged), and the bot's outgoing calls reach a fake Bot Connector with a fixed token (the
 * Entra token endpoint cannot be reached from here; Graph calls carry a fixed token too and reach a closed port). Helpers
 * post activities with a valid token, as the Teams channel would, from any tenant a test names.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { ServiceClientCredentials } from 'botframework-connector';
import { freePort } from '../../scripts/playground';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { FileDownloader } from '../../src/teams/fileDownload';
import { AppLogger, createLogger } from '../../src/shared/logger';
import { FakeConnector, startFakeConnector } from './fakeConnector';
import { staticCredential } from '../adapters/graph/graphTestSupport';
import { productionEnv, SCHOOL_POLICY_FILE } from './productionEnv';

/** The bot's Entra app id in these tests. */
export const PRODUCTION_BOT_ID = '11111111-1111-1111-1111-111111111111';

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A fake of the Bot Connector's OpenID metadata and signing keys (endorsed for msteams). */
export interface BotKeyService {
  /** The metadata address to give the bot as BOT_OPENID_METADATA_URL. */
  url: string;
  /**
   * Signs claims with the published key: a valid Bot Framework token. An attacker's forgeries: another key id, another
   * private key, or `alg: none` (no signature).
   */
  sign(claims: Record<string, unknown>, forge?: { kid?: string; key?: crypto.KeyObject; alg?: string }): string;
  close(): Promise<void>;
}

/** Starts the fake key service on a free loopback port. */
export async function startBotKeyService(): Promise<BotKeyService> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/keys') {
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: 'good-key', n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `${base}/.well-known/openidconfiguration`,
    sign(claims, forge = {}) {
      const header = { alg: forge.alg ?? 'RS256', typ: 'JWT', kid: forge.kid ?? 'good-key' };
      const unsigned = `${b64(header)}.${b64(claims)}`;
      if (header.alg === 'none') return `${unsigned}.`;
      return `${unsigned}.${crypto.sign('RSA-SHA256', Buffer.from(unsigned), forge.key ?? privateKey).toString('base64url')}`;
    },
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/** Outgoing credentials that stamp a fixed token on every Bot Connector call (the fake connector accepts any). */
export class FixedTokenCredentials extends ConfigurationServiceClientCredentialFactory {
  override async createCredentials(): Promise<ServiceClientCredentials> {
    return {
      async signRequest(request) {
        request.headers.set('authorization', 'Bearer outgoing-test-token');
        return request;
      },
    };
  }
}

/** An HTTP answer from /api/messages. */
export interface ProductionPost {
  status: number;
  text: string;
  body: unknown;
}

/** A production-mode bot, its fake connector and key service. */
export interface ProductionBot {
  app: RunningApp;
  base: string;
  connector: FakeConnector;
  /** Posts an activity with a valid token; channel defaults (serviceUrl, channelId, recipient) are filled unless given. */
  post(activity: Record<string, unknown>): Promise<ProductionPost>;
  /** Row counts of every table in the database. */
  rowCounts(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * Starts the bot in production mode with the environment given on top of a complete production environment. A restart
 * test passes the connector of the run before (`options.connector`, left open by close) with its own SQLITE_PATH and
 * CONCERN_ENCRYPTION_KEY, so stored reports and the addresses they carry outlive the first bot. `fileDownload` stands in
 * for the sender's OneDrive, where Teams keeps a file sent in chat (production fetches only from Teams' file hosts).
 * The policy's rules for "check my post" are read at the first draft, not at start (about 0.85 s of CPU a start), unless
 * `readDraftRulesAtStart` asks for the product's own start.
 */
export async function startProductionBot(
  env: Record<string, string | undefined>, logger: AppLogger = createLogger('silent'),
  options: { connector?: FakeConnector; fileDownload?: FileDownloader; readDraftRulesAtStart?: boolean } = {},
): Promise<ProductionBot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-production-'));
  const keys = await startBotKeyService();
  const connector = options.connector ?? await startFakeConnector({ ratePerSecond: 0 });
  const closeConnector = () => (options.connector ? Promise.resolve() : connector.close());
  const dead = await freePort();
  let app: RunningApp;
  try {
    app = await startApp(loadConfig(productionEnv({
      BOT_ID: PRODUCTION_BOT_ID, PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dir, 'bot.sqlite'),
      POLICY_FILES: SCHOOL_POLICY_FILE,
      // Graph is never reached: a closed local port.
      GRAPH_BASE_URL: `https://127.0.0.1:${dead}`, BOT_SERVICE_URL: connector.serviceUrl, BOT_OPENID_METADATA_URL: keys.url,
      ...env,
    })), logger, {
      botCredentials: new FixedTokenCredentials({}), graphCredential: staticCredential, readDraftRulesAtStart: options.readDraftRulesAtStart ?? false,
      ...(options.fileDownload ? { fileDownload: options.fileDownload } : {}),
    });
  } catch (err) {
    await closeConnector();
    await keys.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const base = `http://127.0.0.1:${app.port}`;
  const now = (): number => Math.floor(Date.now() / 1000);
  let seq = 0;
  return {
    app, base, connector,
    async post(activity) {
      const body = {
        channelId: 'msteams', serviceUrl: connector.serviceUrl, id: `prod-${++seq}`, timestamp: new Date().toISOString(),
        recipient: { id: `28:${PRODUCTION_BOT_ID}`, name: 'School Policy Bot' }, locale: 'en-GB', ...activity,
      };
      const token = keys.sign({
        iss: 'https://api.botframework.com', aud: PRODUCTION_BOT_ID, iat: now() - 10, nbf: now() - 10, exp: now() + 600,
        serviceurl: body.serviceUrl,
      });
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      let parsed: unknown;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
      return { status: res.status, text, body: parsed };
    },
    rowCounts() {
      const tables = (app.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map((t) => t.name);
      return Object.fromEntries(tables.map((t) => [t, (app.db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]));
    },
    async close() {
      await app.close();
      await closeConnector();
      await keys.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
