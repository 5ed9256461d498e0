/**
 * The flooding member of staff of the press-flood bench (bench/pressFlood.ts), as its own process so that sending ten
 * thousand requests takes nothing from the bench's clock or its fake Bot Connector. Told by its parent where the bot is,
 * the token Teams would sign and the press to repeat, it sends every press at once over `connections` sockets and says
 * how each was answered: the HTTP status, and the invoke's answer in short ("Section 5 ... is below.", a slow-down).
 */
import http from 'node:http';

/** What the parent asks for. */
export interface FloodOrder {
  botUrl: string;
  token: string;
  presses: number;
  connections: number;
  /** The press as Teams posts it; each copy gets its own id. */
  activity: Record<string, unknown>;
  timeoutMs: number;
}

/** What the flooder reports when every press was answered (or timed out). */
export interface FloodOutcome {
  startedAt: number;
  allSentAt: number;
  allAnsweredAt: number;
  statuses: Record<string, number>;
  /** The invoke answers' text, cut to their first words, with how often each came back. */
  answers: Record<string, number>;
}

function postOnce(order: FloodOrder, agent: http.Agent, n: number): Promise<{ status: string; answer: string }> {
  const body = JSON.stringify({ ...order.activity, id: `flood-${n}`, timestamp: new Date().toISOString() });
  return new Promise((resolve) => {
    const req = http.request(order.botUrl, {
      method: 'POST', agent, timeout: order.timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${order.token}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let answer = '(no body)';
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value?: unknown; type?: string };
          answer = typeof parsed.value === 'string' ? parsed.value : `(${parsed.type ?? 'other'})`;
        } catch { /* not JSON */ }
        resolve({ status: String(res.statusCode), answer: answer.replace(/\d+:\d+/g, 'HH:MM').replace(/\d+ minutes?/g, 'N minutes').slice(0, 70) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: err.message === 'timeout' ? 'timeout' : 'error', answer: '(none)' }));
    req.end(body);
  });
}

async function flood(order: FloodOrder): Promise<FloodOutcome> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: order.connections });
  const statuses: Record<string, number> = {};
  const answers: Record<string, number> = {};
  const startedAt = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < order.presses; i++) {
    pending.push(postOnce(order, agent, i).then(({ status, answer }) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      answers[answer] = (answers[answer] ?? 0) + 1;
    }));
  }
  const allSentAt = Date.now();
  await Promise.all(pending);
  agent.destroy();
  return { startedAt, allSentAt, allAnsweredAt: Date.now(), statuses, answers };
}

process.on('message', (order: FloodOrder) => {
  process.send?.({ started: Date.now() });
  flood(order).then((outcome) => {
    process.send?.({ outcome });
    process.disconnect();
  }, (err: Error) => {
    console.error(`flooder failed: ${err.message}`);
    process.exit(1);
  });
});
