import http from 'node:http';
import { concernForm, PEOPLE, Person, personalConversation, SecurityBot, startSecurityBot, TENANT } from './securityHarness';
import { Verbs } from '../../src/teams/verbs';

/**
 * Issue 40, hole 7: local mode has no authentication and listens on loopback only, but a web page can still reach it
 * through DNS rebinding (evil.example resolving to 127.0.0.1: the browser sends `Host: evil.example`) or post to it
 * from another origin. Only a loopback Host and, when there is one, a loopback Origin are answered.
 */
interface Answer { status: number; text: string }

/** Posts with exactly the headers given (fetch would not let a test set Host). */
function post(port: number, path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(port: number, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: '' }));
    }).on('error', reject);
  });
}

describe('local mode answers only requests addressed to this machine', () => {
  let bot: SecurityBot;
  let port: number;
  let reference: string;

  const invoke = (person: Person, verb: string, data: unknown): string => JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl: bot.connector.serviceUrl, id: `host-${Math.random()}`,
    from: person, recipient: { id: '28:school-policy-bot' }, conversation: personalConversation(person), channelData: { tenant: { id: TENANT } },
    replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  const filed = (): number => (bot.app.db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n;

  beforeAll(async () => {
    // Every case here files a report as the same person: a budget that none of them reaches.
    bot = await startSecurityBot({ env: { REPORTS_PER_PERSON_PER_HOUR: '50' } });
    port = bot.app.port;
    const res = await post(port, '/api/messages', invoke(PEOPLE.reporter, Verbs.concernSubmit, concernForm({ whatHappened: 'The genuine report' })), { host: `127.0.0.1:${port}` });
    expect(res.status).toBe(200);
    reference = (bot.app.db.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;
  });
  afterAll(async () => { await bot?.close(); });

  it.each([
    ['Host: evil.example', { host: 'evil.example' }],
    ['Host: evil.example with the bot\'s port', () => ({ host: `evil.example:${port}` })],
    ['Host: 127.0.0.1.evil.example', { host: '127.0.0.1.evil.example' }],
    ['Host: localhost on another port', () => ({ host: `localhost:${port + 1}` })],
    ['a loopback Host and Origin: http://evil.example', () => ({ host: `127.0.0.1:${port}`, origin: 'http://evil.example' })],
    ['a loopback Host and Origin: null (a sandboxed page)', () => ({ host: `127.0.0.1:${port}`, origin: 'null' })],
  ])('when a report is posted with %s, then it is refused with 403 and nothing is filed', async (_what, headers) => {
    const before = filed();
    const res = await post(port, '/api/messages', invoke(PEOPLE.reporter, Verbs.concernSubmit, concernForm()), typeof headers === 'function' ? headers() : headers);
    expect(res.status).toBe(403);
    expect(filed()).toBe(before);
  });

  it('when a forged Open as the DSL comes with Host: evil.example, then it is 403 and the response holds nothing of the case', async () => {
    const res = await post(port, '/api/messages', invoke(PEOPLE.dsl, Verbs.concernOpen, { reference }), { host: 'evil.example' });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('The genuine report');
    expect(res.text).not.toContain(reference);
  });

  it('when the health check or a download link is asked for with Host: evil.example, then it is 403 too', async () => {
    expect((await get(port, '/healthz', { host: 'evil.example' })).status).toBe(403);
    expect((await get(port, '/files/any-export', { host: 'evil.example' })).status).toBe(403);
    expect((await get(port, '/healthz', { host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  it.each([
    ['Host 127.0.0.1 with the port (the Agents Playground)', () => ({ host: `127.0.0.1:${port}`, 'x-ms-agents-playground': 'true' })],
    ['Host localhost with the port', () => ({ host: `localhost:${port}` })],
    ['Host LOCALHOST without a port', () => ({ host: 'LOCALHOST' })],
    ['Host [::1] with the port', () => ({ host: `[::1]:${port}` })],
    ['a loopback Origin on another port (a local tool)', () => ({ host: `127.0.0.1:${port}`, origin: 'http://localhost:56150' })],
  ])('when a report is posted with %s, then it is filed', async (_what, headers) => {
    const before = filed();
    const res = await post(port, '/api/messages', invoke(PEOPLE.reporter, Verbs.concernSubmit, concernForm()), headers());
    expect(res.status).toBe(200);
    expect(filed()).toBe(before + 1);
  });
});
