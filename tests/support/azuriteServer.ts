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


async function startOnce(port: number): Promise<ChildProcess> {
  const bin = path.join(process.cwd(), 'node_modules', '.bin', 'azurite-table');
  const child = spawn(bin, ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence',
    '--disableTelemetry'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${out}`)), 20000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/successfully (started|listens)/.test(out)) { clearTimeout(timer); resolve(); }
      if (/EADDRINUSE|error/i.test(out)) { clearTimeout(timer); reject(new Error(out)); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Azurite exited ${code}: ${out}`)); });
  });
  // Once started, its output is drained unread: searching a log that grows with every request cost the test's own
  // process more CPU per request than the bot's work (seen when measuring the bot's CPU per click).
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.removeAllListeners('data');
    stream.resume();
  }
  return child;
}

/** Starts an in-memory Azurite Table service on a free loopback port. */
export async function startAzuriteTables(): Promise<AzuriteTables> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const child = await startOnce(port);
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
