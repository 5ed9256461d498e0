import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/playground';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { productionEnv, SCHOOL_POLICY_FILE } from '../support/productionEnv';
import { BotKeyService, startBotKeyService } from '../support/productionBot';
import { createQuestionSealing } from '../../src/adapters/questionSealing';
import { createSqliteQuestionLog } from '../../src/adapters/sqlite/sqliteQuestionLog';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';
import { staticCredential } from '../adapters/graph/graphTestSupport';

/**
 * Attacks on /api/messages as an outside tester sent them: forged and expired tokens, bodies the bot must never
 * parse before the token is valid, and local mode driven by a web page. The Bot Connector's signing keys come
 * from a fake OpenID service on loopback, so a token the fake signs is valid and every other one is forged.
 */
const BOT_ID = '11111111-1111-1111-1111-111111111111';
/** A school's own policy: production refuses the bundled samples. */
const POLICY = SCHOOL_POLICY_FILE;
function activity(serviceUrl: unknown, text = 'Can I accept a friend request from a parent?'): Record<string, unknown> {
  return {
    type: 'message', id: `a-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl, text, textFormat: 'plain',
    from: { id: '29:staff', name: 'A Teacher', aadObjectId: '99999999-9999-9999-9999-999999999999' },
    recipient: { id: `28:${BOT_ID}`, name: 'School Policy Bot' },
    conversation: { id: 'a:personal-chat', conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
  };
}

const now = (): number => Math.floor(Date.now() / 1000);

describe('HTTP authentication as an attacker tries it', () => {
  // The library prints each refused token and unreachable token endpoint these tests cause on purpose.
  quietExpectedLibraryErrors();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-auth-'));
  let keys: BotKeyService;
  let app: RunningApp;
  let base: string;
  let serviceUrl: string;
  let concernKey: string;

  beforeAll(async () => {
    keys = await startBotKeyService();
    const dead = await freePort();
    serviceUrl = `http://127.0.0.1:${dead}/`;
    const env = productionEnv({
      BOT_ID, POLICY_FILES: POLICY, PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dir, 'p.sqlite'),
      GRAPH_BASE_URL: `https://127.0.0.1:${dead}`, BOT_SERVICE_URL: serviceUrl, BOT_OPENID_METADATA_URL: keys.url,
    });
    concernKey = env.CONCERN_ENCRYPTION_KEY!;
    // No test here checks a draft: the policy's rules for "check my post" are not read at start (about 1 s of CPU a bot).
    app = await startApp(loadConfig(env), createLogger('silent'), { graphCredential: staticCredential, readDraftRulesAtStart: false });
    base = `http://127.0.0.1:${app.port}`;
  });

  afterAll(async () => {
    await app?.close();
    await keys?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const valid = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    iss: 'https://api.botframework.com', aud: BOT_ID, iat: now() - 10, nbf: now() - 10, exp: now() + 600, serviceurl: serviceUrl, ...overrides,
  });
  const post = async (body: string | Buffer | FormData, headers: Record<string, string>): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text() };
  };
  /** The questions the bot logged, read back through the store with the key (the text is sealed at rest). */
  const asked = async (): Promise<string[]> => {
    const log = createSqliteQuestionLog(app.db!, createQuestionSealing(concernKey));
    const ids = (app.db!.prepare('SELECT id FROM policy_questions').all() as { id: number | string }[]).map((r) => String(r.id));
    return Promise.all(ids.map(async (id) => (await log.getQuestion(id))?.question ?? ''));
  };
  /**
   * Every question the bot took in: those it kept, and those it kept only the day of (read as possibly about a child by
   * the disclosure detector, which a question carrying a random marker may be).
   */
  const received = (): number => ['policy_questions', 'policy_disclosure_like']
    .reduce((n, t) => n + (app.db!.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n, 0);

  const forged: [string, () => string][] = [
    ['alg=none', () => keys.sign(valid(), { alg: 'none' })],
    ['a self-signed key the service never published', () => keys.sign(valid(), { kid: 'attacker-key', key: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['the published key id but another key', () => keys.sign(valid(), { key: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['an expired token', () => keys.sign(valid({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }))],
    ['a token for another bot', () => keys.sign(valid({ aud: '99999999-0000-0000-0000-000000000000' }))],
    ['another issuer', () => keys.sign(valid({ iss: 'https://evil.example' }))],
    ['a bare "x"', () => 'x'],
  ];

  it.each(forged)('when the token is %s, then the answer is 401 with no detail, and the bot never saw the question', async (name, token) => {
    const marker = `forged ${name} ${crypto.randomUUID()}`;
    const before = received();
    const res = await post(JSON.stringify(activity(serviceUrl, marker)), { 'content-type': 'application/json', authorization: `Bearer ${token()}` });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: 'Unauthorized' });
    expect(await asked()).not.toContain(marker);
    expect(received()).toBe(before);
  });

  it('when a badly shaped JSON body comes with a forged token, then it is 401 before the body is looked at (no 400 with details)', async () => {
    const res = await post(JSON.stringify({ nonsense: true }), { 'content-type': 'application/json', authorization: 'Bearer x' });
    expect(res.status).toBe(401);
  });

  it('when a multipart file comes with any bearer header, then it is refused at once and nothing is written to the temp folder', async () => {
    const before = new Set(fs.readdirSync(os.tmpdir()));
    const form = new FormData();
    form.append('f', new Blob([crypto.randomBytes(2 * 1024 * 1024)]), 'big.bin');
    const res = await post(form, { authorization: 'Bearer x' });
    expect(res.status).toBe(415);
    const added = fs.readdirSync(os.tmpdir()).filter((f) => !before.has(f) && /^upload_|^[0-9a-f]{32}$/.test(f));
    expect(added).toEqual([]);
  });

  it('when a valid token names another serviceUrl than the activity, then it is 401', async () => {
    const res = await post(JSON.stringify(activity('https://attacker.example/')), { 'content-type': 'application/json', authorization: `Bearer ${keys.sign(valid())}` });
    expect(res.status).toBe(401);
  });

  it('when the token is valid, then the bot receives the question', async () => {
    const marker = `genuine question ${crypto.randomUUID()}`;
    const before = received();
    const res = await post(JSON.stringify(activity(serviceUrl, marker)), { 'content-type': 'application/json', authorization: `Bearer ${keys.sign(valid())}` });
    expect([401, 403, 415]).not.toContain(res.status);
    expect(received()).toBe(before + 1);
  });

  it('when the signing keys can be fetched, then /healthz says ok; when they cannot, it says the bot cannot authenticate', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    // A second bot whose key service is down (nothing listens at its metadata address).
    const dead = await freePort();
    const second = await startApp(loadConfig(productionEnv({
      BOT_ID, POLICY_FILES: POLICY, PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dir, 'q.sqlite'),
      GRAPH_BASE_URL: `https://127.0.0.1:${dead}`, BOT_SERVICE_URL: `http://127.0.0.1:${dead}/`,
      BOT_OPENID_METADATA_URL: `http://127.0.0.1:${dead}/.well-known/openidconfiguration`,
    })), createLogger('silent'), { graphCredential: staticCredential, readDraftRulesAtStart: false });
    try {
      const res = await fetch(`http://127.0.0.1:${second.port}/healthz`);
      expect(res.status).toBe(503);
      expect((await res.json() as { status: string }).status).toMatch(/cannot authenticate/);
    } finally {
      await second.close();
    }
  });
});

describe('local mode as a web page in the developer\'s browser tries to drive it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-attack-'));
  let app: RunningApp;
  let base: string;

  beforeAll(async () => {
    app = await startApp(loadConfig({ APP_MODE: 'local', POLICY_FILES: POLICY, PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dir, 'l.sqlite') }), createLogger('silent'), { readDraftRulesAtStart: false });
    base = `http://127.0.0.1:${app.port}`;
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a form is posted (no CORS check applies to it), then it is refused with 415', async () => {
    const body = new URLSearchParams({ type: 'message', text: 'concern export SG-2026-0001' });
    const res = await fetch(`${base}/api/messages`, { method: 'POST', body });
    expect(res.status).toBe(415);
  });

  it('when the activity names a serviceUrl off this machine, then it is refused and nothing is sent there', async () => {
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity('https://attacker.example/')) });
    expect(res.status).toBe(400);
  });

  it.each([
    ['a null serviceUrl', { ...activity(null) }],
    ['a serviceUrl that is not a URL', { ...activity('not a url') }],
    ['a conversationType that is an array', { ...activity('http://127.0.0.1:9/'), conversation: { id: 'a:x', conversationType: ['personal'] } }],
    ['channelData that is a string', { ...activity('http://127.0.0.1:9/'), channelData: 'x' }],
    ['entities that are an object', { ...activity('http://127.0.0.1:9/'), entities: { a: 1 } }],
  ])('when the activity has %s, then it is 400 at once', async (_what, body) => {
    const started = Date.now();
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
