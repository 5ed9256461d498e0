import net from 'node:net';
import nodeUrl from 'node:url';
import { createAdapter } from '../../src/teams/adapter';
import { createBotApp } from '../../src/teams/botApp';
import { createServer, listen } from '../../src/teams/server';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';

/** Sends a request line as written, byte for byte, and returns the status line of the answer (or '' on none). */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(answer.split('\r\n')[0] ?? ''); }, 3_000);
    socket.on('data', (chunk) => { answer += chunk.toString('latin1'); });
    socket.on('close', () => { clearTimeout(timer); resolve(answer.split('\r\n')[0] ?? ''); });
    socket.on('error', () => undefined);
    socket.write(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

describe('a request line the URL parser cannot read', () => {
  it('when an absolute URL is malformed ("GET http://[/healthz"), then it is answered 400 at once, without a deprecation warning, and the server keeps serving', async () => {
    const config = loadConfig({ APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: ':memory:' });
    const adapter = createAdapter(config);
    const app = createBotApp({ adapter, logger: createLogger('silent'), features: [] });
    const server = createServer({ adapter, app, logger: createLogger('silent') });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      expect(await rawRequest(port, 'GET http://[/healthz HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
      expect(await rawRequest(port, 'POST http://[/api/messages HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
      // Node's legacy parser (url.parse, which restify reads the URL with) takes these with a deprecation warning
      // (DEP0170, printed on the console) rather than refusing them: they are refused before it sees them.
      const legacyParse = jest.spyOn(nodeUrl, 'parse');
      try {
        for (const line of ['POST http://[::1/api/messages HTTP/1.1', 'GET //[/healthz HTTP/1.1', 'GET http://%zz/healthz HTTP/1.1']) {
          expect(await rawRequest(port, line)).toBe('HTTP/1.1 400 Bad Request');
        }
        expect(legacyParse.mock.calls.map((call) => call[0]).filter((u) => !URL.canParse(String(u), 'http://localhost'))).toEqual([]);
      } finally {
        legacyParse.mockRestore();
      }
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      server.close();
      server.server.closeAllConnections();
    }
  });
});
