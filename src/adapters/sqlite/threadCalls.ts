import { Worker } from 'node:worker_threads';

/** A call's answer from a thread: its result, or the error it met (message and code). */
export type ThreadReply = { id: number; result: unknown } | { id: number; error: { message: string; code?: string } };

/** The reply a thread sends for a call that failed. */
export function errorReply(id: number, err: unknown): ThreadReply {
  const e = err as { message?: string; code?: string };
  return { id, error: { message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) } };
}

/** Calls into a worker thread, each answered by the reply with its id. */
export interface ThreadCalls {
  /** Posts the request (given its id here) and settles with the thread's reply. */
  ask<T>(request: object): Promise<T>;
  /** Ends the thread. */
  close(): Promise<void>;
}

/**
 * The bot's side of a SQLite worker thread: started on the first call (again, once asked, if it ever ends), keeping
 * the process alive only while an answer is owed, and failing what is owed with STORE_CLOSED when it stops. With
 * `refuseAfterClose`, a call after close() fails at once rather than starting the thread again.
 */
export function startThreadCalls(
  script: string, workerData: unknown, options: { stopped: string; refuseAfterClose?: string },
): ThreadCalls {
  let worker: Worker | undefined;
  let closed = false;
  let nextId = 1;
  const waiting = new Map<number, { resolve(result: unknown): void; reject(err: Error): void }>();

  const spawn = (): Worker => {
    const w = new Worker(script, { eval: true, workerData });
    w.unref();
    w.on('message', (reply: ThreadReply) => {
      const p = waiting.get(reply.id);
      if (!p) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) w.unref();
      if ('result' in reply) p.resolve(reply.result);
      else p.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    });
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of waiting.values()) p.reject(Object.assign(new Error(options.stopped), { code: 'STORE_CLOSED' }));
      waiting.clear();
    });
    return w;
  };

  return {
    ask<T>(request: object) {
      return new Promise<T>((resolve, reject) => {
        if (closed && options.refuseAfterClose) {
          reject(Object.assign(new Error(options.refuseAfterClose), { code: 'STORE_CLOSED' }));
          return;
        }
        worker ??= spawn();
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (r: unknown) => void, reject });
        // Kept alive while an answer is owed.
        worker.ref();
        worker.postMessage({ ...request, id });
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
