/**
 * A Graph request that never answers (or stops half-way through its answer) fails after the client's time limit,
 * rather than holding a staff sync or a round's sending until the process restarts.
 */
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { createGraphClient, GRAPH_CALL_TIMEOUT_MS } from '../../../src/adapters/graph/graphClient';
import { loopbackCertificate } from '../../support/loopbackCertificate';
import { staticCredential } from './graphTestSupport';

type Server = http.Server | https.Server;

/** Answers nothing (`silent`), or sends headers and half a body then stops (`halfway`). Counts requests. */
async function stuckServer(kind: 'silent' | 'halfway', secure: boolean): Promise<{ baseUrl: string; ca?: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const handler = (_request: http.IncomingMessage, response: http.ServerResponse) => {
    received += 1;
    if (kind === 'halfway') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"value":[');
    }
  };
  let server: Server;
  let ca: string | undefined;
  if (secure) {
    const pems = await loopbackCertificate();
    ca = pems.cert;
    server = https.createServer({ key: pems.private, cert: pems.cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`,
    ca,
    received: () => received,
    close: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())); },
  };
}

describe('a Graph request that does not finish', () => {
  it('has a time limit by default, long enough for a large page', () => {
    expect(GRAPH_CALL_TIMEOUT_MS).toBeGreaterThanOrEqual(30_000);
  });

  for (const secure of [false, true]) {
    for (const kind of ['silent', 'halfway'] as const) {
      it(`when the server ${kind === 'silent' ? 'never answers' : 'stops half-way through its answer'} (${secure ? 'trusted CA' : 'fetch'}), then the call fails at the limit, once`, async () => {
        const stuck = await stuckServer(kind, secure);
        try {
          const client = createGraphClient({ baseUrl: stuck.baseUrl, credential: staticCredential, trustedCa: stuck.ca, timeoutMs: 600, maxRetries: 0 });
          const started = Date.now();
          await expect(client.api('/users').get()).rejects.toBeDefined();
          const after = Date.now() - started;
          expect(after).toBeGreaterThanOrEqual(550);
          expect(after).toBeLessThan(5_000);
          expect(stuck.received()).toBe(1);
        } finally {
          await stuck.close();
        }
      });
    }
  }
});
