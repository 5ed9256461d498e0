import { Verbs } from '../../../../src/teams/verbs';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import WebSocket from 'ws';
import { PLAYGROUND_SAFEGUARDING_CHANNEL_ID, PLAYGROUND_USERS, startPlayground } from '../../../../scripts/playground';
import { formFor, SECRET_TEXT } from '../domain/concernFakes';
import { referenceIn, startBotServer } from './concernBotDriver';

/** A message the Playground streams to its chat UI (what the bot posted or updated). */
interface StreamMessage {
  action: string;
  conversationId: string;
  messageId?: string;
  text?: string;
  attachments?: unknown[];
}

/**
 * Starts the Playground (scripts/playground.ts: its config has a team with a private "Safeguarding" channel) and
 * connects to its stream. The port opens a moment before HTTP is served (an immediate request can be reset),
 * so this waits for the config endpoint to answer before anything is sent.
 */
async function startPlaygroundDriver(botUrl: string) {
  const running = await startPlayground({ botEndpoint: botUrl });
  const base = `http://127.0.0.1:${running.port}`;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`${base}/_internal/v1/config`)).ok) break;
      } catch (err) {
        if (attempt >= 100) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await running.stop();
    throw err;
  }
  const messages: StreamMessage[] = [];
  const waiters: { match: (m: StreamMessage) => boolean; resolve: (m: StreamMessage) => void }[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${running.port}/_ws_conversation/v1/conversations/stream`);
  ws.on('message', (raw) => {
    const e = JSON.parse(raw.toString()) as { action: string; actionConversationId: string; message?: Omit<StreamMessage, 'action' | 'conversationId'> };
    if (e.action !== 'createMessage' && e.action !== 'updateMessage') return;
    const m: StreamMessage = { action: e.action, conversationId: e.actionConversationId, ...e.message };
    messages.push(m);
    for (const w of [...waiters]) if (w.match(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const post = async (p: string, body: object) => {
    const res = await fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as unknown : undefined };
  };
  return {
    messages,
    /** Sends a chat message as a Playground user. */
    say: (userId: string, conversationId: string, text: string) =>
      post(`/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { type: 'text', text, textFormat: 'plain', from: { id: userId } }),
    /** Presses an Action.Execute button as a Playground user; returns the invoke response. */
    execute: (userId: string, conversationId: string, replyToId: string | undefined, verb: string, data: object) =>
      post('/_conversation/v1/invoke', {
        name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } },
        from: { id: userId }, conversation: { id: conversationId }, replyToId,
      }),
    /** Resolves with the first streamed message at or after index `from` that matches (jest's timeout bounds the wait). */
    next: (match: (m: StreamMessage) => boolean, from = 0) => new Promise<StreamMessage>((resolve) => {
      const seen = messages.slice(from).find(match);
      if (seen) resolve(seen);
      else waiters.push({ match: (m) => messages.indexOf(m) >= from && match(m), resolve });
    }),
    stop: async () => {
      ws.close();
      await running.stop();
    },
  };
}

/**
 * The same journey through the Microsoft 365 Agents Playground (its mocked Teams connector, HTTP API and
 * websocket stream), whose team has a private "Safeguarding" channel: that channel is the DSL destination.
 */
describe('concern feature in the Microsoft 365 Agents Playground', () => {
  const [reporter, megan, adele, , patti] = PLAYGROUND_USERS;
  const CHANNEL_ID = PLAYGROUND_SAFEGUARDING_CHANNEL_ID;
  const PERSONAL = 'personal-chat-id';
  let db: SqliteDatabase;
  let bot: Awaited<ReturnType<typeof startBotServer>>;
  let pg: Awaited<ReturnType<typeof startPlaygroundDriver>>;

  beforeAll(async () => {
    db = openSqliteDatabase(':memory:');
    bot = await startBotServer(db, {
      SAFEGUARDING_TEAM: `${megan.aadObjectId}=${megan.name},${adele.aadObjectId}=${adele.name}`,
      CONCERN_DSL_CHANNEL_ID: CHANNEL_ID,
      CONCERN_DEPUTY_DSL: adele.aadObjectId,
    }, 60_000);
    pg = await startPlaygroundDriver(bot.botUrl);
  });
  afterAll(async () => {
    await pg?.stop();
    await bot.host.close();
    db.close();
  });

  const cardJson = (m: StreamMessage) => JSON.stringify(m.attachments ?? []);

  test('when a report is submitted, then it appears in the Safeguarding channel, is acknowledged and closed by the team, and the reporter is told each step', async () => {
    await pg.say(reporter.id, PERSONAL, 'report a concern');
    const form = await pg.next((m) => m.conversationId === PERSONAL && cardJson(m).includes('Report a concern'));

    const submitted = await pg.execute(reporter.id, PERSONAL, form.messageId, Verbs.concernSubmit, formFor('childSafety', { immediateDanger: 'true' }));
    const ref = referenceIn(db);
    expect(submitted.status).toBe(200);
    expect(JSON.stringify(submitted.body)).toContain(ref);
    expect(JSON.stringify(submitted.body)).toContain('It has reached the Designated Safeguarding Lead team');

    const alert = await pg.next((m) => m.conversationId.startsWith(CHANNEL_ID) && cardJson(m).includes(ref));
    expect(cardJson(alert)).not.toContain(SECRET_TEXT.whatHappened);
    const thread = `${CHANNEL_ID};messageid=${alert.messageId}`;

    // Someone in the channel who is not on the safeguarding team sees only the minimum and is refused on opening.
    const peek = await pg.execute(patti.id, thread, alert.messageId, Verbs.concernOpen, { reference: ref });
    expect(peek.body).toMatchObject({ value: expect.stringContaining(`No concern was found with the reference ${ref}.`) });
    // A member opens it and sees the details.
    const opened = await pg.execute(megan.id, thread, alert.messageId, Verbs.concernOpen, { reference: ref });
    expect(JSON.stringify(opened.body)).toContain(SECRET_TEXT.whatHappened);

    const refused = await pg.execute(patti.id, thread, alert.messageId, Verbs.concernAcknowledge, { reference: ref });
    expect(refused.body).toMatchObject({ value: expect.stringContaining(`No concern was found with the reference ${ref}.`) });

    const mark = pg.messages.length;
    const acked = await pg.execute(megan.id, thread, alert.messageId, Verbs.concernAcknowledge, { reference: ref });
    expect(JSON.stringify(acked.body)).toContain(`${megan.name}: Acknowledged`);
    await pg.next((m) => m.action === 'updateMessage' && m.messageId === alert.messageId && cardJson(m).includes('Acknowledged, being dealt with'), mark);
    await pg.next((m) => m.conversationId === PERSONAL && (m.text ?? '').includes(`${ref} has been read by the Designated Safeguarding Lead team`), mark);

    const closed = await pg.execute(adele.id, thread, alert.messageId, Verbs.concernClose, { reference: ref, outcome: SECRET_TEXT.outcome });
    expect(JSON.stringify(closed.body)).toContain(`${adele.name}: Closed. Outcome`);
    await pg.next((m) => m.action === 'updateMessage' && m.messageId === alert.messageId && cardJson(m).includes('Closed'), mark);
    await pg.next((m) => m.conversationId === PERSONAL && (m.text ?? '').includes(`${ref} has been closed`), mark);

    // No message anyone can see, in the channel or outside it, carries the report, the triage or its people.
    for (const secret of [...Object.values(SECRET_TEXT), megan.name, adele.name]) expect(JSON.stringify(pg.messages)).not.toContain(secret);
    for (const secret of Object.values(SECRET_TEXT)) expect(bot.logLines()).not.toContain(secret);
  });
});
