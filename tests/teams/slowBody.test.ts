/**
 * An outside security test (29 Nov) sent headers saying 1,000 bytes of body and then 8 bytes: the request was held open
 * for as long as it waited. A body that stops arriving is answered 408 and its connection closed.
 */
import net from 'node:net';
import { createAdapter } from '../../src/teams/adapter';
import { createBotApp } from '../../src/teams/botApp';
import { BODY_DEADLINE_MS, HEADERS_DEADLINE_MS, createServer } from '../../src/teams/server';
import { startBotHost } from '../support/botHost';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';

/** Sends headers and `sent` of the `declared` bytes, then waits; resolves with the answer and when the socket closed. */
function stalledPost(port: number, declared: number, sent: string, line = 'POST /api/messages'): Promise<{ answer: string; closedAfter: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const giveUp = setTimeout(() => socket.destroy(), 3 * BODY_DEADLINE_MS);
    socket.on('data', (chunk) => { answer += chunk.toString('latin1'); });
    socket.on('close', () => { clearTimeout(giveUp); resolve({ answer, closedAfter: Date.now() - started }); });
    socket.on('error', () => undefined);
    socket.write(`${line} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${sent}`);
  });
}

describe('a request body that stops arriving', () => {
  it('then it is answered 408 at the deadline and the connection closed, while others are served', async () => {
    const host = await startBotHost(() => []);
    const { port } = host;
    try {
      const stalled = [stalledPost(port, 1000, '{"type":'), stalledPost(port, 200_000, '')];
      await new Promise((resolve) => setTimeout(resolve, 300));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      expect(health.status).toBe(200);
      for (const { answer, closedAfter } of await Promise.all(stalled)) {
        expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
        expect(answer).toContain('The request body did not arrive in time.');
        expect(closedAfter).toBeGreaterThanOrEqual(BODY_DEADLINE_MS - 100);
        expect(closedAfter).toBeLessThan(2 * BODY_DEADLINE_MS);
      }
    } finally {
      await host.close();
    }
  }, 4 * BODY_DEADLINE_MS);

  it('when a body is promised to an address that takes none (a download link, /healthz), then it is refused at once, not waited for', async () => {
    const host = await startBotHost(() => []);
    try {
      for (const line of ['GET /files/0123456789abcdef', 'GET /healthz', 'POST /healthz']) {
        const { answer, closedAfter } = await stalledPost(host.port, 200_000, '', line);
        expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
        expect(answer).toContain('This address takes no request body.');
        expect(closedAfter).toBeLessThan(BODY_DEADLINE_MS);
      }
    } finally {
      await host.close();
    }
  }, 4 * BODY_DEADLINE_MS);

  it('then headers that stop arriving are answered within Node\'s check of its deadline, ten seconds, not its default minute', () => {
    const adapter = createAdapter(loadConfig({ APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: ':memory:' }));
    const server = createServer({ adapter, app: createBotApp({ adapter, logger: createLogger('silent'), features: [] }), logger: createLogger('silent') });
    expect(server.server.headersTimeout).toBe(HEADERS_DEADLINE_MS);
    expect(HEADERS_DEADLINE_MS).toBeLessThanOrEqual(10_000);
    // Node answers 408 itself once its deadline for the whole request has passed: it must not be under the headers'.
    expect(server.server.requestTimeout === 0 || server.server.requestTimeout >= HEADERS_DEADLINE_MS).toBe(true);
  });
});
