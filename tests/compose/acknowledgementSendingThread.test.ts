import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startSendingThread } from '../../src/compose/acknowledgementSendingThread';
import { createOutboundBudget } from '../../src/teams/outboundBudget';
import { createLogger } from '../../src/shared/logger';

/**
 * A bot's close waits for its sending thread to stop, and the thread is asked, not told: a close once took over a
 * minute under load (issue 52). Whatever the thread is doing, the stop ends it within the grace period and says so.
 */
const GRACE_MS = 300;

function capture(): { lines: () => Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const written: string[] = [];
  return {
    lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>),
    logger: createLogger('info', { write: (s: string) => { written.push(s); } }),
  };
}

const budget = () => createOutboundBudget({ ratePerSecond: 50, granted: true }).memory;

describe('the sending thread\'s stop', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sending-thread-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when the thread never answers (its Azure storage accepts the connection and says nothing), then the stop ends it after the grace period and logs that it did', async () => {
    // Table storage that holds every request open: the thread's start never gets past opening its store.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => { sockets.add(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const accepted = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    try {
      const config = loadConfig({
        APP_MODE: 'local', STORAGE: 'azure',
        AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('k'.repeat(32)).toString('base64')};`
          + `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
      });
      const { lines, logger } = capture();
      const thread = startSendingThread(config, budget(), logger, { stopGraceMs: GRACE_MS });
      await accepted;

      // Without the grace period this never returns (the test's own time-out fails it).
      await thread.stop();
      expect(lines().filter((l) => l.event === 'sending.stopTimedOut')).toEqual([
        // 40: pino's warn.
        expect.objectContaining({ level: 40, graceMs: GRACE_MS, msg: 'the sending thread did not stop in time; ending it' }),
      ]);
      // Ended, not restarted as a thread that died would be. No wait is needed to see that: the stop returns once the
      // thread's exit has been handled (Worker.terminate resolves on its 'exit' event, after the listener that would
      // log the restart), and a restart is logged there and then, before its own timer starts the new thread.
      expect(lines().filter((l) => l.event === 'sending.threadRestarted')).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 30_000);

  it('when the thread answers, then the stop returns as soon as it has closed its store, with no warning', async () => {
    const config = loadConfig({ APP_MODE: 'local', SQLITE_PATH: path.join(dir, 'bot.sqlite') });
    const { lines, logger } = capture();
    const thread = startSendingThread(config, budget(), logger, { stopGraceMs: 60_000 });
    await thread.messenger.idle();
    await thread.stop();
    expect(lines().map((l) => l.event)).not.toContain('sending.stopTimedOut');
  });
});
