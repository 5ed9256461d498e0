import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/playground';

/** Azurite's well-known development account key (public, documented by Microsoft). */
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite Table service the test started and must stop. */
export interface AzuriteTables {
  port: number;
  connectionString: string;
  stop(): Promise<void>;
}


async function startOnce(port: number, startTimeoutMs: number): Promise<ChildProcess> {
  const bin = path.join(process.cwd(), 'node_modules', '.bin', 'azurite-table');
  const child = spawn(bin, ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence',
    '--disableTelemetry'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${out}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/successfully (started|listens)/.test(out)) { clearTimeout(timer); resolve(); }
      if (/EADDRINUSE|error/i.test(out)) { clearTimeout(timer); reject(new Error(out)); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Azurite exited ${code}: ${out}`)); });
  });
  try {
    await started;
  } catch (err) {
    // A start that failed or took too long (a busy machine) leaves no process behind: a running Azurite holds this
    // worker's pipes open, and Jest then reports that the worker "failed to exit gracefully" and kills it.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    throw err;
  }
  // Once started, its output is drained unread: searching a log that grows with every request cost the test's own
  // process more CPU per request than the bot's work (seen when measuring the bot's CPU per click).
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.removeAllListeners('data');
    stream.resume();
  }
  return child;
}

/** Starts an in-memory Azurite Table service on a free loopback port (three tries, each given `startTimeoutMs`). */
export async function startAzuriteTables(options: { startTimeoutMs?: number } = {}): Promise<AzuriteTables> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const child = await startOnce(port, options.startTimeoutMs ?? 20_000);
      return {
        port,
        connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};` +
          `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
        stop: () => new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
      };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
