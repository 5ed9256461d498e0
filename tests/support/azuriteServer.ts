import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/playground';

/** Azurite's well-known development account key (public, documented by Microsoft). */
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite Table service (and Blob service, when asked for) the test started and must stop. */
export interface AzuriteTables {
  port: number;
  /** The Table service's process (benches read its CPU time). */
  pid?: number;
  /** The Blob service's port, when it was started. */
  blobPort?: number;
  connectionString: string;
  stop(): Promise<void>;
}

type AzuriteService = 'table' | 'blob';

async function startOnce(port: number, service: AzuriteService, startTimeoutMs: number): Promise<ChildProcess> {
  const bin = path.join(process.cwd(), 'node_modules', '.bin', `azurite-${service}`);
  const child = spawn(bin, [`--${service}Host`, '127.0.0.1', `--${service}Port`, String(port), '--inMemoryPersistence', '--silent',
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

/** Starts one in-memory Azurite service on a free loopback port (three tries, each given `startTimeoutMs`). */
async function startService(service: AzuriteService, startTimeoutMs: number): Promise<{ port: number; child: ChildProcess }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return { port, child: await startOnce(port, service, startTimeoutMs) };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

const stopChild = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null) return resolve();
  child.once('exit', () => resolve());
  child.kill('SIGTERM');
});

/**
 * Starts an in-memory Azurite Table service on a free loopback port; with `blobs`, a Blob service beside it, named in
 * the same connection string (the account's files: exports and policy documents, with STORAGE=azure).
 */
export async function startAzuriteTables(options: { blobs?: boolean; startTimeoutMs?: number } = {}): Promise<AzuriteTables> {
  const timeout = options.startTimeoutMs ?? 20_000;
  const table = await startService('table', timeout);
  const blob = options.blobs ? await startService('blob', timeout).catch(async (err) => { await stopChild(table.child); throw err; }) : undefined;
  return {
    port: table.port,
    ...(table.child.pid !== undefined ? { pid: table.child.pid } : {}),
    ...(blob ? { blobPort: blob.port } : {}),
    connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};` +
      `TableEndpoint=http://127.0.0.1:${table.port}/devstoreaccount1;` + (blob ? `BlobEndpoint=http://127.0.0.1:${blob.port}/devstoreaccount1;` : ''),
    stop: async () => {
      await Promise.all([stopChild(table.child), ...(blob ? [stopChild(blob.child)] : [])]);
    },
  };
}
