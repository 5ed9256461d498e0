import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createBotConnectorSender } from '../../../../src/adapters/botConnector/botConnectorSender';
import { freePort } from '../../../../scripts/playground';

describe('delivery in local mode', () => {
  let playground: ChildProcess | undefined;

  afterEach(() => {
    if (playground?.pid && playground.exitCode === null) process.kill(-playground.pid, 'SIGTERM');
  });

  it('when a card is sent to the Playground personal chat through its connector, then it shows in that chat', async () => {
    const port = await freePort();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-'));
    playground = spawn(path.resolve('node_modules/.bin/agentsplayground'),
      ['-e', 'http://127.0.0.1:9/api/messages', '-c', 'msteams', '--dt', '-p', String(port)],
      { cwd, env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: 'ignore', detached: true });
    let config: { config: { personalChat: { id: string } } } | undefined;
    for (let i = 0; i < 100 && !config; i++) {
      config = await fetch(`http://127.0.0.1:${port}/_internal/v1/config`).then((r) => r.json() as Promise<typeof config>).catch(() => undefined);
      if (!config) await new Promise((r) => setTimeout(r, 100));
    }
    const chatId = config!.config.personalChat.id;
    const stream = new WebSocket(`ws://127.0.0.1:${port}/_ws_conversation/v1/conversations/stream`);
    const shown: { action: string; actionConversationId: string; message: { messageId: string; attachments?: unknown[] } }[] = [];
    stream.on('message', (m) => shown.push(JSON.parse(String(m))));
    await new Promise((resolve) => stream.once('open', resolve));
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Please read the policy' }] };

    const result = await createBotConnectorSender().send(
      { serviceUrl: `http://127.0.0.1:${port}/_connector`, conversationId: chatId },
      { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] },
    );
    for (let i = 0; i < 50 && shown.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    stream.close();

    expect(result.status).toBe(201);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ action: 'createMessage', actionConversationId: chatId, message: { messageId: result.activityId } });
    expect(shown[0].message.attachments).toEqual([{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }]);
  });
});
