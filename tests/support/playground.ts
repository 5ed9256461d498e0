import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { RunningApp, startApp, StartAppOptions } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { AppLogger, createLogger } from '../../src/shared/logger';
import { sendingStepOf, shownText } from './cardAssertions';
import { PLAYGROUND_USERS, RunningPlayground, startPlayground } from '../../scripts/playground';
import { REPO_ROOT } from './repoRoot';

export { PLAYGROUND_USERS, PLAYGROUND_SAFEGUARDING_CHANNEL_ID, PLAYGROUND_TEAM_ID } from '../../scripts/playground';

/** A message the bot posted, as the Playground streams it to its chat UI. */
export interface BotMessage {
  conversationId: string;
  text?: string;
  attachments?: { contentType: string; content: unknown }[];
  messageId?: string;
  raw: unknown;
}

/** Drives the Playground over HTTP and collects what the bot posts, from the moment it connects. */
export interface PlaygroundClient {
  playground: RunningPlayground;
  conversations: { personal: string; group: string; team: string };
  messages: BotMessage[];
  /** Sends a chat message as a user (default: the current user) into a conversation. */
  say(text: string, options?: { conversationId?: string; fromUserId?: string; mentionBot?: boolean }): Promise<void>;
  /** Sends an Action.Execute invoke and returns the synchronous invoke response body. */
  execute(verb: string, data: Record<string, unknown>, options?: { conversationId?: string; fromUserId?: string; replyToId?: string }): Promise<{ status: number; body: any }>;
  /** Posts a whole activity as any user. */
  custom(activity: Record<string, unknown>): Promise<Response>;
  /** Waits until a bot message satisfying the predicate has arrived after index `from`. */
  waitFor(predicate: (m: BotMessage) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<BotMessage>;
  close(): Promise<void>;
}

/** Starts the Playground against a bot endpoint and connects to its message stream before anything is sent. */
export async function startPlaygroundClient(botEndpoint: string): Promise<PlaygroundClient> {
  const playground = await startPlayground({ botEndpoint });
  const base = `http://127.0.0.1:${playground.port}`;
  const cfg = (await (await fetch(`${base}/_internal/v1/config`)).json()) as any;
  const messages: BotMessage[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${playground.port}/_ws_conversation/v1/conversations/stream`);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  ws.on('message', (data) => {
    try {
      const event = JSON.parse(String(data));
      if (event.action === 'createMessage' || event.action === 'updateMessage') {
        const m = event.message ?? {};
        messages.push({ conversationId: event.actionConversationId, text: m.text, attachments: m.attachments, messageId: m.messageId, raw: event });
      }
    } catch { /* not a JSON frame */ }
  });
  const conversations = {
    personal: cfg?.config?.personalChat?.id ?? 'personal-chat-id',
    group: cfg?.config?.groupChat?.id ?? 'group-chat-id',
    team: cfg?.config?.team?.id ?? 'team-id',
  };
  const json = (path: string, body: unknown): Promise<Response> =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const userRef = (id: string) => {
    const u = PLAYGROUND_USERS.find((x) => x.id === id) ?? PLAYGROUND_USERS[0];
    return { id: u.id, name: u.name, aadObjectId: u.aadObjectId };
  };

  return {
    playground,
    conversations,
    messages,
    async say(text, options = {}) {
      const conversationId = options.conversationId ?? conversations.personal;
      const body: Record<string, unknown> = { type: 'text', text, textFormat: 'plain', from: userRef(options.fromUserId ?? 'user-id-0') };
      if (options.mentionBot) {
        body.text = `<at>School Policy Bot</at> ${text}`;
        body.mentions = [{ mentioned: { id: cfg?.config?.bot?.id, name: 'School Policy Bot' }, text: '<at>School Policy Bot</at>' }];
      }
      const res = await json(`/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body);
      if (!res.ok) throw new Error(`Playground refused the message: ${res.status} ${await res.text()}`);
    },
    async execute(verb, data, options = {}) {
      const res = await json('/_conversation/v1/invoke', {
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data } },
        from: userRef(options.fromUserId ?? 'user-id-0'),
        conversation: { id: options.conversationId ?? conversations.personal },
        replyToId: options.replyToId,
      });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* plain text */ }
      return { status: res.status, body };
    },
    custom: (activity) => json('/_internal/v1/customActivities', {
      channelId: 'msteams',
      serviceUrl: `http://localhost:${playground.port}/_connector`,
      recipient: { id: cfg?.config?.bot?.id, name: cfg?.config?.bot?.name },
      channelData: { tenant: { id: cfg?.config?.tenantId } },
      ...activity,
    }),
    async waitFor(predicate, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 15_000);
      const from = options.from ?? 0;
      while (Date.now() < deadline) {
        const found = messages.slice(from).find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`No matching bot message within the time allowed; got: ${JSON.stringify(messages.slice(from).map((m) => m.text ?? m.attachments?.[0]?.contentType))}`);
    },
    async close() {
      ws.close();
      await playground.stop();
    },
  };
}

/** All the text an Adaptive Card shows, for assertions about what a person would read. */
export function cardText(m: BotMessage | { attachments?: { content: unknown }[] }): string {
  return (m.attachments ?? []).map((a) => shownText(a.content)).join('\n');
}

/** The fully wired bot and the Playground in front of it, stopped together. */
/**
 * Sends the question of `reply` to the policy owners as the reply offers it (issue 69: a question is kept only when its
 * asker sends it): Send at once on "the policy doesn't cover that", or after No or "None of these". `typed` is what
 * the box holds. Returns Send's answer; throws when the reply offers no way to send.
 */
export async function sendToOwnersFrom(pg: PlaygroundClient, reply: BotMessage, typed: string): Promise<{ status: number; body: any }> {
  const options = { replyToId: reply.messageId };
  let { send, first } = sendingStepOf(reply.attachments);
  if (!send && first) send = sendingStepOf((await pg.execute(first.verb, first.data, options)).body).send;
  if (!send) throw new Error('the reply offered no way to send its question to the policy owners');
  return pg.execute(send.verb, { ...send.data, question: typed }, options);
}

export interface BotInPlayground {
  bot: RunningApp;
  pg: PlaygroundClient;
  close(): Promise<void>;
}

/**
 * Starts the real app in local mode (temp SQLite file, the bundled Liverpool sample policy unless
 * overridden) and the Playground pointed at it; stops both, and removes the temp folder, on close.
 */
export async function startBotInPlayground(
  env: Record<string, string | undefined> = {},
  options: { app?: StartAppOptions; logger?: AppLogger } = {},
): Promise<BotInPlayground> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-in-playground-'));
  const config = loadConfig({
    APP_MODE: 'local', PORT: '0', SQLITE_PATH: path.join(dir, 'bot.sqlite'),
    POLICY_FILES: path.resolve(REPO_ROOT, 'samples/policies/liverpool-model.txt'),
    ...env,
  });
  const bot = await startApp(config, options.logger ?? createLogger('silent'), options.app);
  let pg: PlaygroundClient;
  try {
    pg = await startPlaygroundClient(`http://127.0.0.1:${bot.port}/api/messages`);
  } catch (err) {
    await bot.close();
    throw err;
  }
  return {
    bot,
    pg,
    async close() {
      await pg.close();
      await bot.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
