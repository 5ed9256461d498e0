import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { moduleScript } from '../../shared/moduleScript';
import { EncodeOptions, PairEncoder, SentenceEncoder } from '../../shared/sentenceEncoder';
import { EncoderLoadError, loadOnnxSentenceEncoder } from './onnxSentenceEncoder';

/**
 * The sentence encoders run in a thread of their own (issue 69). ONNX Runtime runs a model synchronously: a 3,000-character
 * draft read sentence by sentence held the event loop for hundreds of milliseconds, so ten pasted drafts from one person
 * held up everyone's answers, urgent child-safety alerts and /healthz with them. Here the bot's thread only posts texts
 * and receives vectors; the models, their tokenizers and every run live in this thread, one text at a time. Work asked
 * for now (a message's disclosure reading, a question) goes before work in the background (a draft's sentences, a policy's
 * passages for the rule reader), so a teacher's question waits for at most one text of someone's draft.
 */

type Request =
  | { type: 'open'; id: number; dir: string }
  | { type: 'encode'; id: number; dir: string; texts: string[]; background: boolean }
  | { type: 'pairs'; id: number; dir: string; pairs: [string, string][]; background: boolean };

type Reply =
  | { type: 'opened'; id: number; dimensions: number; model: { name: string; sha256: string } }
  | { type: 'vectors'; id: number; vectors: Float32Array[] }
  | { type: 'failed'; id: number; name: string; message: string };

/** Thread side: the encoders it has opened, and the work queued for them, now first. */
function serveEncoders(): void {
  const port = parentPort!;
  const encoders = new Map<string, Promise<SentenceEncoder & PairEncoder>>();
  const open = (dir: string): Promise<SentenceEncoder & PairEncoder> => {
    let e = encoders.get(dir);
    if (!e) {
      e = loadOnnxSentenceEncoder(dir);
      encoders.set(dir, e);
      e.catch(() => encoders.delete(dir));
    }
    return e;
  };
  interface Job { id: number; dir: string; items: (string | [string, string])[]; done: Float32Array[] }
  const now: Job[] = [];
  const later: Job[] = [];
  let running = false;
  const fail = (id: number, err: unknown) => port.postMessage({ type: 'failed', id, name: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err) } satisfies Reply);

  /** One text of the first job waiting (now before later), then the next: so work asked for now never waits long. */
  const work = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (let job = now[0] ?? later[0]; job; job = now[0] ?? later[0]) {
        try {
          const encoder = await open(job.dir);
          const item = job.items[job.done.length];
          const [vector] = typeof item === 'string' ? await encoder.encode([item]) : await encoder.encodePairs([item]);
          job.done.push(vector);
        } catch (err) {
          (now[0] === job ? now : later).shift();
          fail(job.id, err);
          continue;
        }
        if (job.done.length === job.items.length) {
          (now[0] === job ? now : later).shift();
          port.postMessage({ type: 'vectors', id: job.id, vectors: job.done } satisfies Reply, job.done.map((v) => v.buffer as ArrayBuffer));
        }
      }
    } finally {
      running = false;
    }
  };

  port.on('message', (m: Request) => {
    if (m.type === 'open') {
      open(m.dir).then(
        (e) => port.postMessage({ type: 'opened', id: m.id, dimensions: e.dimensions, model: e.model } satisfies Reply),
        (err: unknown) => fail(m.id, err),
      );
      return;
    }
    const items = m.type === 'encode' ? m.texts : m.pairs;
    if (items.length === 0) {
      port.postMessage({ type: 'vectors', id: m.id, vectors: [] } satisfies Reply);
      return;
    }
    (m.background ? later : now).push({ id: m.id, dir: m.dir, items, done: [] });
    void work();
  });
}

/** The bot's side of the encoder thread: opens encoders in it and hands their work over. */
export interface EncoderThread {
  open(dir: string): Promise<SentenceEncoder & PairEncoder>;
}

/**
 * Starts the encoder thread. It does not keep the process alive while it has nothing to do (a CLI that has its answers
 * exits), and is started again, once asked, if it ever ends.
 */
export function startEncoderThread(): EncoderThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, { resolve(reply: Reply): void; reject(err: Error): void }>();

  const spawn = (): Worker => {
    const w = new Worker(moduleScript(__filename, 'encoderThread'), { eval: true, workerData: { kind: 'sentenceEncoders' } });
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = waiting.get(reply.id);
      if (!p) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) w.unref();
      p.resolve(reply);
    });
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of waiting.values()) p.reject(new EncoderLoadError('the encoder thread stopped'));
      waiting.clear();
    });
    return w;
  };

  type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
  const ask = (request: WithoutId<Request>): Promise<Reply> => new Promise<Reply>((resolve, reject) => {
    worker ??= spawn();
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    // Kept alive while an answer is owed, so a script awaiting vectors does not end before they come.
    worker.ref();
    worker.postMessage({ ...request, id });
  });
  const answer = (reply: Reply): Float32Array[] => {
    if (reply.type === 'failed') throw Object.assign(new Error(reply.message), { name: reply.name });
    if (reply.type !== 'vectors') throw new Error(`the encoder thread answered ${reply.type}`);
    return reply.vectors;
  };

  return {
    async open(dir) {
      const key = path.resolve(dir);
      const opened = await ask({ type: 'open', dir: key });
      if (opened.type === 'failed') throw new EncoderLoadError(opened.message);
      if (opened.type !== 'opened') throw new EncoderLoadError(`the encoder thread answered ${opened.type}`);
      const { dimensions, model } = opened;
      return {
        dimensions,
        model,
        encode: async (texts: readonly string[], options: EncodeOptions = {}) => answer(await ask({ type: 'encode', dir: key, texts: [...texts], background: options.background === true })),
        encodePairs: async (pairs: readonly (readonly [string, string])[], options: EncodeOptions = {}) =>
          answer(await ask({ type: 'pairs', dir: key, pairs: pairs.map(([a, b]) => [a, b] as [string, string]), background: options.background === true })),
      };
    },
  };
}

if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === 'sentenceEncoders') serveEncoders();
