/**
 * Start-up to the first answer: spawns the bot as a new process (`node dist/src/main.js`, local mode, the
 * bundled sample policy, a temporary SQLite file), posts one question as soon as it listens, and times the
 * moment the answer card reaches a fake Bot Connector on loopback. The baseline, measured in the same run,
 * is a bare `node -e` process that listens and answers at once: the difference is the bot's own start-up
 * (loading policies, the learnt model and WordNet, opening storage). Prints one JSON line.
 *
 *   node dist/bench/startup.js [--runs 3]
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../scripts/playground';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const root = path.resolve(__dirname, '..', '..');

/** A fake connector that resolves when the first activity reaches it. */
function connector(port: number): { firstReply: Promise<number>; close(): void } {
  let resolve: (t: number) => void = () => undefined;
  const firstReply = new Promise<number>((r) => (resolve = r));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && /\/activities/.test(req.url ?? '')) resolve(performance.now());
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'reply-1' }));
    });
  });
  server.listen(port, '127.0.0.1');
  return { firstReply, close: () => { server.close(); server.closeAllConnections(); } };
}

async function postWhenListening(port: number, serviceUrl: string, started: number): Promise<void> {
  const activity = {
    type: 'message', id: 'm1', channelId: 'msteams', serviceUrl, text: 'Can I accept a friend request from a parent?', textFormat: 'plain',
    from: { id: '29:staff', name: 'Staff', aadObjectId: '00000000-0000-0000-0000-0000000000099' }, recipient: { id: '28:bot', name: 'Bot' },
    conversation: { id: 'a:personal', conversationType: 'personal', tenantId: 't' }, channelData: { tenant: { id: 't' } },
  };
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      return;
    } catch {
      if (performance.now() - started > 30_000) throw new Error('the process never listened');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const BASELINE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => {
  const b = JSON.stringify({ type: 'message', text: 'echo' });
  const r = require('node:http').request(process.env.REPLY_URL, { method: 'POST', headers: { 'content-type': 'application/json' } }, (x) => x.resume());
  r.end(b); s.end('{}'); }); }).listen(Number(process.env.PORT), '127.0.0.1');`;

async function once(kind: 'bot' | 'baseline'): Promise<number> {
  const [port, connectorPort] = [await freePort(), await freePort()];
  const serviceUrl = `http://127.0.0.1:${connectorPort}/`;
  const fake = connector(connectorPort);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-'));
  const env = { ...process.env, APP_MODE: 'local', HOST: '127.0.0.1', PORT: String(port), SQLITE_PATH: path.join(dir, 'b.sqlite'), LOG_LEVEL: 'silent', REPLY_URL: `${serviceUrl}v3/conversations/a/activities/m1` };
  const started = performance.now();
  const child: ChildProcess = kind === 'bot'
    ? spawn(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], { env, cwd: root, stdio: 'ignore' })
    : spawn(process.execPath, ['-e', BASELINE], { env, stdio: 'ignore' });
  try {
    await postWhenListening(port, serviceUrl, started);
    return (await fake.firstReply) - started;
  } finally {
    child.kill('SIGTERM');
    fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bot: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(await once('baseline'));
    bot.push(await once('bot'));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r = (n: number) => Math.round(n);
  console.log(JSON.stringify({ bench: 'startup-to-first-answer', runs, botMs: bot.map(r), baselineMs: baseline.map(r), botMedianMs: r(median(bot)), baselineMedianMs: r(median(baseline)), targetMs: 5000 }));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
