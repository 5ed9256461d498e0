import { createAdapter } from '../../src/teams/adapter';
import { sendAsSafeguarding } from '../../src/teams/budgetedTurns';
import { inChannel } from '../../src/teams/proactive';
import { createBotApp } from '../../src/teams/botApp';
import { createServer, listen } from '../../src/teams/server';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { BotFeature } from '../../src/teams/botFeature';
import { startFakeConnector } from '../support/fakeConnector';

describe('replies draw from the app\'s one outbound budget', () => {
  it('when a turn replies twice and answers an invoke, then two requests are counted, the invoke response none', async () => {
    const connector = await startFakeConnector({ ratePerSecond: 0 });
    const asked: string[] = [];
    const budget = { acquire: async (priority: 'reply' | 'bulk') => { asked.push(priority); } };
    const config = loadConfig({ APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: ':memory:' });
    const adapter = createAdapter(config, undefined, budget);
    const feature: BotFeature = {
      name: 'echo',
      register(app) {
        app.message(/.*/, async (ctx) => {
          await ctx.sendActivity('one');
          await ctx.sendActivity('two');
        });
        app.adaptiveCards.actionExecute('test.verb', async () => 'done');
      },
    };
    const app = createBotApp({ adapter, logger: createLogger('silent'), features: [feature] });
    const server = createServer({ adapter, app, logger: createLogger('silent') });
    const port = await listen(server, 0, '127.0.0.1');
    const post = (activity: Record<string, unknown>) => fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: 'msteams', serviceUrl: connector.url, id: 'a1', from: { id: 'u1', aadObjectId: 'aad-u1' }, recipient: { id: 'bot' },
        conversation: { id: 'c1', conversationType: 'personal' }, ...activity,
      }),
    });
    try {
      expect((await post({ type: 'message', text: 'hello' })).status).toBe(200);
      expect(asked).toEqual(['reply', 'reply']);
      expect(connector.deliveries).toHaveLength(2);
      expect((await post({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'test.verb', data: {} } } })).status).toBe(200);
      expect(asked).toHaveLength(2);
    } finally {
      server.close();
      server.server.closeAllConnections();
      await connector.close();
    }
  });

  it('when a proactive turn is marked as a safeguarding alert\'s, then its post and card update wait in the alerts\' line; an unmarked one in the replies\'', async () => {
    const connector = await startFakeConnector({ ratePerSecond: 0 });
    const asked: string[] = [];
    const budget = { acquire: async (priority: 'safeguarding' | 'reply' | 'bulk') => { asked.push(priority); } };
    const config = loadConfig({ APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: ':memory:' });
    const adapter = createAdapter(config, undefined, budget);
    const origin = { channelId: 'msteams', serviceUrl: connector.url, tenantId: 'tenant-1' };
    try {
      await inChannel(adapter, '', origin, '19:team@thread.tacv2', async (ctx) => {
        sendAsSafeguarding(ctx);
        const sent = await ctx.sendActivity('alert');
        await ctx.updateActivity({ type: 'message', id: sent?.id, text: 'alert, updated' });
      });
      expect(asked).toEqual(['safeguarding', 'safeguarding']);
      await inChannel(adapter, '', origin, '19:team@thread.tacv2', async (ctx) => {
        await ctx.sendActivity('a reply');
      });
      expect(asked).toEqual(['safeguarding', 'safeguarding', 'reply']);
      expect(connector.deliveries.map((d) => d.activity.text)).toEqual(['alert', 'a reply']);
      expect(connector.updates.map((u) => u.activity.text)).toEqual(['alert, updated']);
    } finally {
      await connector.close();
    }
  });
});
