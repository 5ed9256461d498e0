/**
 * A fake Azure OpenAI chat-completions endpoint over https on 127.0.0.1 and a free port, with a self-signed
 * certificate whose SAN is 127.0.0.1 (teams-ai only accepts an https Azure endpoint). It serves
 * `POST /openai/deployments/{deployment}/chat/completions?api-version=...`, checks the `api-key` header, and
 * answers each call with whatever the test scripted: a reply text, an error status, or a slow reply.
 */
import https from 'node:https';
import { loopbackCertificate } from './loopbackCertificate';
import { freePort } from '../../scripts/playground';

/** One chat message as the client sent it. */
export interface FakeChatMessage {
  role: string;
  content: string;
}

/** One chat-completions request the fake received. */
export interface FakeCompletionRequest {
  deployment: string;
  apiVersion: string | null;
  apiKeyMatched: boolean;
  messages: FakeChatMessage[];
  responseFormat?: unknown;
}

/** How the fake answers a call: model content (200), or an error status; optionally after a delay. */
export type FakeCompletionBehaviour = { content: string; delayMs?: number } | { status: number; delayMs?: number };

/** A running fake Azure OpenAI. */
export interface FakeAzureOpenAI {
  /** The resource endpoint, for AZURE_OPENAI_ENDPOINT. */
  readonly endpoint: string;
  /** PEM of the self-signed certificate, to trust it. */
  readonly ca: string;
  readonly requests: readonly FakeCompletionRequest[];
  /** Sets how every following call is answered (default: an empty JSON object, which is ungrounded). */
  respondWith(behaviour: FakeCompletionBehaviour | ((request: FakeCompletionRequest) => FakeCompletionBehaviour)): void;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 on a free port; `apiKey` is the key it accepts. */
export async function startFakeAzureOpenAI(apiKey: string): Promise<FakeAzureOpenAI> {
  const pems = await loopbackCertificate();
  const requests: FakeCompletionRequest[] = [];
  let behave: (request: FakeCompletionRequest) => FakeCompletionBehaviour = () => ({ content: '{}' });
  const timers = new Set<NodeJS.Timeout>();

  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://fake');
      const send = (status: number, body: unknown): void => {
        if (res.destroyed) return;
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const m = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
      if (req.method !== 'POST' || !m) return send(404, { error: { code: '404', message: 'Resource not found' } });
      let body: { messages?: FakeChatMessage[]; response_format?: unknown } = {};
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* answered below as a 400 */ }
      const request: FakeCompletionRequest = {
        deployment: decodeURIComponent(m[1]),
        apiVersion: url.searchParams.get('api-version'),
        apiKeyMatched: req.headers['api-key'] === apiKey,
        messages: (body.messages ?? []).map((x) => ({ role: x.role, content: String(x.content) })),
        responseFormat: body.response_format,
      };
      requests.push(request);
      if (!request.apiKeyMatched) return send(401, { error: { code: '401', message: 'Access denied due to invalid subscription key.' } });
      if (!Array.isArray(body.messages)) return send(400, { error: { code: 'BadRequest', message: 'messages is required' } });
      const behaviour = behave(request);
      const answer = (): void => {
        if ('status' in behaviour) return send(behaviour.status, { error: { code: String(behaviour.status), message: 'The server had an error.' } });
        send(200, {
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: request.deployment,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: behaviour.content } }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      };
      if (!behaviour.delayMs) return answer();
      const timer = setTimeout(() => { timers.delete(timer); answer(); }, behaviour.delayMs);
      timers.add(timer);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca: pems.cert,
    requests,
    respondWith(behaviour) {
      behave = typeof behaviour === 'function' ? behaviour : () => behaviour;
    },
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
