import { ConfigurationServiceClientCredentialFactory, Storage, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp } from '../../src/teams/botApp';
import { BoundedMemoryStorage, DEFAULT_STATE_ENTRIES } from '../../src/teams/boundedMemoryStorage';
import { createLogger } from '../../src/shared/logger';

describe('bot app turn state', () => {
  it('when more people talk to the bot than the state bound, then the app keeps at most the bound, and a live conversation keeps its state', async () => {
    const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
    const counts: number[] = [];
    const app = createBotApp({
      adapter, logger: createLogger('silent'),
      features: [{
        name: 'counter',
        register: (bot) => bot.message(/.*/, async (_ctx, state) => {
          const n = ((state.conversation as Record<string, unknown>).turns as number | undefined ?? 0) + 1;
          (state.conversation as Record<string, unknown>).turns = n;
          counts.push(n);
        }),
      }],
    });
    const turn = (person: number) => app.run(new TurnContext(adapter, {
      type: 'message', text: 'hello', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/',
      from: { id: `user-${person}`, name: 'Person' }, recipient: { id: 'bot', name: 'Bot' },
      conversation: { id: `a:chat-${person}`, conversationType: 'personal', isGroup: false, name: '' },
    }));

    const people = DEFAULT_STATE_ENTRIES + 500;
    for (let person = 0; person < people; person++) await turn(person);
    await turn(people - 1);

    const storage = app.options.storage as Storage;
    expect(storage).toBeInstanceOf(BoundedMemoryStorage);
    expect((storage as BoundedMemoryStorage).size).toBe(DEFAULT_STATE_ENTRIES);
    expect(counts).toHaveLength(people + 1);
    expect(counts.at(-1)).toBe(2);
  });
});
