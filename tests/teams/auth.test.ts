import crypto from 'node:crypto';
import fs from 'node:fs';
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/playground';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { startFakeConnector } from '../support/fakeConnector';
import { productionEnv, SCHOOL_POLICY_FILE } from '../support/productionEnv';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';
import { staticCredential } from '../adapters/graph/graphTestSupport';

/** A school's own policy: production refuses the bundled samples. */
const POLICY = SCHOOL_POLICY_FILE;
const BOT_ID = '11111111-1111-1111-1111-111111111111';

/** A loopback port nothing listens on, so any outbound call the bot makes fails fast and stays on this machine. */
const closedPort = freePort;

/** A Teams message activity as the Bot Framework Connector would post it. */
function messageActivity(serviceUrl: string): Record<string, unknown> {
  return {
    type: 'message',
    id: `activity-${crypto.randomUUID()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:staff-member', name: 'A Teacher', aadObjectId: '99999999-9999-9999-9999-999999999999' },
    recipient: { id: `28:${BOT_ID}`, name: 'School Policy Bot' },
    conversation: { id: 'a:personal-chat', conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
    text: 'Can I accept a friend request from a parent?',
    textFormat: 'plain',
    locale: 'en-GB',
  };
}

async function post(base: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

/** How many questions the bot has logged as asked (their text is sealed at rest, so tests compare counts). */
function loggedQuestions(app: RunningApp): number {
  return (app.db.prepare('SELECT COUNT(*) AS n FROM policy_questions').get() as { n: number }).n;
}

const malformedBodies: [string, string][] = [
  ['a body that is not JSON', '{"type": "message", '],
  ['a JSON array', JSON.stringify([{ type: 'message', text: 'hi' }])],
  ['a JSON object without a type', JSON.stringify({ text: 'hi', channelId: 'msteams' })],
  ['a JSON string', JSON.stringify('message')],
  ['an activity over 256 KB', JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) })],
];

describe('HTTP authentication of /api/messages', () => {
  // The library prints each refused token and unreachable token endpoint these tests cause on purpose.
  quietExpectedLibraryErrors();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-auth-'));
  let deadPort: number;

  beforeAll(async () => {
    deadPort = await closedPort();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('in production', () => {
    let app: RunningApp;
    let base: string;

    beforeAll(async () => {
      // Everything production requires, with outbound addresses on a closed local port so nothing leaves this machine.
      const config = loadConfig(productionEnv({
        BOT_ID,
        BOT_PASSWORD: 'x',
        POLICY_FILES: POLICY,
        PORT: '0',
        HOST: '127.0.0.1',
        SQLITE_PATH: path.join(dir, 'production.sqlite'),
        GRAPH_CLIENT_ID: BOT_ID,
        GRAPH_BASE_URL: `https://127.0.0.1:${deadPort}`,
        BOT_SERVICE_URL: `http://127.0.0.1:${deadPort}/`,
      }));
      // Graph's token is a fixed one: Entra cannot be reached from here. No draft is checked here, so the policy's rules
      // for "check my post" are not read at start (about 0.85 s of CPU, still running when the tests were done).
      app = await startApp(config, createLogger('silent'), { graphCredential: staticCredential, readDraftRulesAtStart: false });
      base = `http://127.0.0.1:${app.port}`;
    });

    afterAll(async () => {
      await app?.close();
    });

    it('when a message arrives with no Authorization header, then it is refused with 401', async () => {
      const res = await post(base, JSON.stringify(messageActivity(`http://127.0.0.1:${deadPort}/`)));
      expect(res.status).toBe(401);
      expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
    });

    it('when a message arrives with a garbage bearer token, then it is refused with 401', async () => {
      const res = await post(base, JSON.stringify(messageActivity(`http://127.0.0.1:${deadPort}/`)), { authorization: 'Bearer abc' });
      expect(res.status).toBe(401);
      expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
    });

    it('when a refused request carried a question, then the bot never saw it: nothing is logged', async () => {
      const before = loggedQuestions(app);
      const res = await post(base, JSON.stringify({ ...messageActivity(`http://127.0.0.1:${deadPort}/`), text: 'unauthenticated question marker' }));
      expect(res.status).toBe(401);
      expect(loggedQuestions(app)).toBe(before);
    });

    it('when the health check is called and the signing keys cannot be fetched (no network here), then it says so and nothing but its status', async () => {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(503);
      const body = await res.json() as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['status']);
      expect(JSON.stringify(body)).not.toContain(BOT_ID);
    });

    it.each(malformedBodies)('when the body is %s, then it is refused with a 4xx, never a 5xx', async (_what, body) => {
      const res = await post(base, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('in local mode', () => {
    let app: RunningApp;
    let base: string;

    beforeAll(async () => {
      const config = loadConfig({
        APP_MODE: 'local', POLICY_FILES: POLICY, PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dir, 'local.sqlite'),
        BOT_SERVICE_URL: `http://127.0.0.1:${deadPort}/`,
      });
      app = await startApp(config, createLogger('silent'), { readDraftRulesAtStart: false });
      base = `http://127.0.0.1:${app.port}`;
    });

    afterAll(async () => {
      await app?.close();
    });

    it('when the same unauthenticated message arrives, then it is accepted and answered', async () => {
      const connector = await startFakeConnector({ ratePerSecond: 0 });
      try {
        const before = loggedQuestions(app);
        const res = await post(base, JSON.stringify({ ...messageActivity(connector.serviceUrl), text: 'What counts as social media?' }));
        expect([200, 201, 202]).toContain(res.status);
        expect(loggedQuestions(app)).toBe(before + 1);
        expect(connector.deliveries.some((d) => d.conversationId === 'a:personal-chat')).toBe(true);
      } finally {
        await connector.close();
      }
    });

    it('when the reply cannot reach the Bot Connector, then the incoming message was still accepted, not refused', async () => {
      // At the serviceUrl is something that does not speak HTTP, so the reply fails as it would at a closed port, but at
      // once: the connector client retries a refused connection after about 1, 2 and 4 s, and the bot's error message
      // after that again, which held this test up for 10 s. botbuilder answers 500 because it could not deliver the
      // reply; that is not a refusal.
      const notHttp = net.createServer((socket) => { socket.on('error', () => undefined); socket.end('not http\r\n\r\n', () => socket.destroy()); });
      await new Promise<void>((resolve) => notHttp.listen(0, '127.0.0.1', resolve));
      try {
        const before = loggedQuestions(app);
        const serviceUrl = `http://127.0.0.1:${(notHttp.address() as AddressInfo).port}/`;
        const res = await post(base, JSON.stringify({ ...messageActivity(serviceUrl), text: 'Can I post photos of pupils?' }));
        expect([401, 403]).not.toContain(res.status);
        expect(res.status).toBe(500);
        expect(loggedQuestions(app)).toBe(before + 1);
      } finally {
        await new Promise((resolve) => notHttp.close(resolve));
      }
    });

    it.each(malformedBodies)('when the body is %s, then it is refused with a 4xx, never a 5xx', async (_what, body) => {
      const res = await post(base, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });
});
