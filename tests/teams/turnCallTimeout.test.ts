/**
 * An outside security test (29 Nov) found that a reply address that accepts a connection and never answers held the
 * turn, and the HTTP request that carried it, open for minutes. Every request the bot makes to Teams, in a turn or
 * proactively (a concern's alert), now gives up after TURN_CALL_TIMEOUT_MS.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { TurnContext } from 'botbuilder';
import { createAdapter, TURN_CALL_TIMEOUT_MS } from '../../src/teams/adapter';
import { startBotHost } from '../support/botHost';
import { loadConfig } from '../../src/config';

/** A server that takes every request and never answers it; counts what reached it. */
async function silentServer(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((_request, response) => { received += 1; held.push(response); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a reply address that never answers', () => {
  const config = loadConfig({ APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: ':memory:' });

  it('then the turn gives up after the time limit, answers the request with an error, and others are served meanwhile', async () => {
    const silent = await silentServer();
    const host = await startBotHost(() => [{ name: 'hello', register: (app) => app.message(/.*/, async (context) => { await context.sendActivity('hello'); }) }]);
    const { port } = host;
    try {
      const started = Date.now();
      const turn = fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(3 * TURN_CALL_TIMEOUT_MS),
        body: JSON.stringify({
          type: 'message', text: 'help', channelId: 'msteams', serviceUrl: silent.url, from: { id: '29:a', aadObjectId: 'a' },
          recipient: { id: '28:bot' }, conversation: { id: 'a:1', conversationType: 'personal', tenantId: 't' },
        }),
      }).then(async (res) => ({ status: res.status, text: await res.text(), after: Date.now() - started }));
      // While the turn waits, the bot still answers others.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      expect(health.status).toBe(200);
      const answer = await turn;
      expect(silent.received()).toBeGreaterThanOrEqual(1);
      expect(answer.status).toBe(500);
      expect(answer.text).toContain('The bot could not process this activity.');
      // It gave up at the limit, not before it, and not minutes after (one request: a time-out is not retried).
      expect(answer.after).toBeGreaterThanOrEqual(TURN_CALL_TIMEOUT_MS - 100);
      expect(answer.after).toBeLessThan(2 * TURN_CALL_TIMEOUT_MS);
      expect(silent.received()).toBe(1);
    } finally {
      await host.close();
      await silent.close();
    }
  }, 4 * TURN_CALL_TIMEOUT_MS);

  it('then a proactive message (as a concern alert is sent) fails after the time limit instead of waiting on', async () => {
    const silent = await silentServer();
    const adapter = createAdapter(config);
    try {
      const started = Date.now();
      const sent = adapter.continueConversationAsync('', {
        channelId: 'msteams', serviceUrl: silent.url, conversation: { id: '19:dsl@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' },
        bot: { id: '28:bot', name: 'bot' },
      }, async (context: TurnContext) => { await context.sendActivity('alert'); });
      await expect(sent).rejects.toThrow();
      const after = Date.now() - started;
      expect(silent.received()).toBe(1);
      expect(after).toBeGreaterThanOrEqual(TURN_CALL_TIMEOUT_MS - 100);
      expect(after).toBeLessThan(2 * TURN_CALL_TIMEOUT_MS);
    } finally {
      await silent.close();
    }
  }, 4 * TURN_CALL_TIMEOUT_MS);
});
