/**
 * Teams delivers a message again when the bot's answer was slow or failed (an outside walk-through, 30 Nov, sent one
 * twice with the same id: the first was checked as a draft, the second answered as a question). A message is handled
 * once; one whose turn failed is handled when it comes again.
 */
import { BotFeature } from '../../src/teams/botFeature';
import { postActivity, startBotHost } from '../support/botHost';
import { startFakeConnector } from '../support/fakeConnector';

describe('a message Teams delivers again', () => {
  it('then it is handled once; a message whose turn failed is handled again; another id, conversation or an edit is its own', async () => {
    const connector = await startFakeConnector({ ratePerSecond: 0 });
    const handled: string[] = [];
    let failNext = false;
    const feature: BotFeature = {
      name: 'test',
      register(app) {
        app.message(/.*/, async (ctx) => {
          handled.push(`${ctx.activity.conversation.id}/${ctx.activity.id}`);
          if (failNext) { failNext = false; throw new Error('a feature failed'); }
          await ctx.sendActivity('ok');
        });
      },
    };
    const host = await startBotHost(() => [feature]);
    const post = (id: string, conversation = 'a:u1', type = 'message') => postActivity(host.botUrl, {
      type, text: 'hello', id, channelId: 'msteams', serviceUrl: connector.url, from: { id: 'u1', aadObjectId: 'aad-u1' }, recipient: { id: 'bot' },
      conversation: { id: conversation, conversationType: 'personal' },
    }).then((res) => res.status);
    try {
      expect(await post('m1')).toBe(200);
      expect(await post('m1')).toBe(200);
      expect(handled).toEqual(['a:u1/m1']);
      expect(connector.deliveries).toHaveLength(1);
      // The same id in another conversation, and another id, are other messages.
      expect(await post('m1', 'a:u2')).toBe(200);
      expect(await post('m2')).toBe(200);
      expect(handled).toEqual(['a:u1/m1', 'a:u2/m1', 'a:u1/m2']);
      // A turn that failed: Teams' next delivery of it is handled.
      failNext = true;
      await post('m3');
      expect(await post('m3')).toBe(200);
      expect(handled.filter((h) => h === 'a:u1/m3')).toHaveLength(2);
      // Sent at once, twice: handled once.
      await Promise.all([post('m4'), post('m4')]);
      expect(handled.filter((h) => h === 'a:u1/m4')).toHaveLength(1);
    } finally {
      await host.close();
      await connector.close();
    }
  });
});
