/**
 * What bench/severalInstances.ts runs on: one in-memory Azurite with tables and blobs, a fake Bot Connector counting
 * every request, a round-robin proxy in front for links (PUBLIC_URL points at it), a stand-in for the owner's OneDrive,
 * a roster of N staff each with a stored chat, and the bot's instances as processes of their own (dist/src/main.js,
 * local mode, STORAGE=azure, one table prefix and one concern key, a WORKER_ID each), started and stopped as App Service
 * starts and stops instances.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { createAzureTableAcknowledgementStore } from '../src/adapters/azureTables/azureTableAcknowledgementStore';
import { AcknowledgementStore } from '../src/features/acknowledgement/domain/acknowledgementStore';
import { createAzureTableSharedRecords } from '../src/adapters/azureTables/azureTableSharedRecords';
import { SharedRecords } from '../src/shared/sharedRecords';
import { freePort } from '../scripts/playground';
import { AzuriteTables, startAzuriteTables } from '../tests/support/azuriteServer';
import { FakeConnector, startFakeConnector } from '../tests/support/fakeConnector';
import { RoundRobinProxy, startRoundRobinProxy } from '../tests/support/roundRobinProxy';

export const REPO = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..')].find((r) => fs.existsSync(path.join(r, 'samples'))) ?? process.cwd();
/** A school's own policy (production and publishing in chat refuse the bundled samples). */
export const POLICY_FILE = path.join(REPO, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt');

/** Someone who talks to the bot. */
export interface BenchPerson { id: string; aadObjectId: string; name: string }
export const OWNER: BenchPerson = { id: '29:bench-owner', aadObjectId: 'bench-owner-aad', name: 'Bench Owner' };
export const TEACHER: BenchPerson = { id: '29:bench-teacher', aadObjectId: 'bench-teacher-aad', name: 'Bench Teacher' };
export const REPORTER: BenchPerson = { id: '29:bench-reporter', aadObjectId: 'bench-reporter-aad', name: 'Bench Reporter' };
export const COLLEAGUE: BenchPerson = { id: '29:bench-colleague', aadObjectId: 'bench-colleague-aad', name: 'Bench Colleague' };
export const staffId = (i: number) => `bench-user-${String(i).padStart(6, '0')}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (n: number, d = 2) => Number(n.toFixed(d));

/** A running instance: its process and port. */
export interface BenchInstance { child: ChildProcess; port: number; base: string; startedAt: number; listeningAt: number }

/** The shared stand-ins and the instances. */
export interface BenchWorld {
  azurite: AzuriteTables;
  connector: FakeConnector;
  proxy: RoundRobinProxy;
  /** The owner's OneDrive: files put here are downloadable by the instances (loopback http, allowed in local mode). */
  oneDrive: { put(name: string, body: Buffer): string };
  instances: (BenchInstance | undefined)[];
  start(i: number): Promise<BenchInstance>;
  /** Stops instance i as App Service does (SIGTERM: it finishes, gives back its share of the Teams limit, and exits). */
  stop(i: number): Promise<void>;
  /** Kills instance i with SIGKILL (kill -9: it says nothing to anyone) and waits for it to be gone. */
  kill(i: number): Promise<void>;
  acknowledgements: AcknowledgementStore;
  /** The records the instances share (the send rate ledger among them), read as they are. */
  shared: SharedRecords;
  close(): Promise<void>;
}

/** Starts Azurite, the connector (Teams' 50 a second, the 51st in any second refused), the proxy, and seeds the school. */
export async function startWorld(staff: number): Promise<BenchWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-instances-'));
  const azurite = await startAzuriteTables({ blobs: true });
  const connector = await startFakeConnector({ ratePerSecond: 50, enforcement: 'slidingWindow' });
  const proxy = await startRoundRobinProxy();
  const files = new Map<string, Buffer>();
  const drive = http.createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404).end(body ?? '');
  });
  await new Promise<void>((resolve) => drive.listen(0, '127.0.0.1', resolve));
  const drivePort = (drive.address() as AddressInfo).port;
  const tablePrefix = `bench${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const roster = ['aadObjectId,name,upn,department,school,manager'];
  for (let i = 1; i <= staff; i++) roster.push(`${staffId(i)},Person ${i},p${i}@bench.example,${['Maths', 'English', 'Science', 'Office'][i % 4]},,`);
  for (const p of [OWNER, TEACHER, REPORTER, COLLEAGUE]) roster.push(`${p.aadObjectId},${p.name},${p.aadObjectId}@bench.example,Senior leadership,,`);
  fs.writeFileSync(path.join(dir, 'roster.csv'), `${roster.join('\n')}\n`);
  const acknowledgements = await createAzureTableAcknowledgementStore({ connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix });
  const shared = await createAzureTableSharedRecords({ connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix });
  const now = new Date().toISOString();
  for (let i = 1; i <= staff; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, staff - i + 1) }, (_, k) => acknowledgements.saveConversationReference({
      userId: staffId(i + k), conversationId: `a:${staffId(i + k)}`, serviceUrl: connector.serviceUrl, reference: {}, updatedAt: now,
    })));
  }
  const env: Record<string, string> = {
    APP_MODE: 'local', HOST: '127.0.0.1', STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: tablePrefix,
    CONCERN_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'), PUBLIC_URL: proxy.url, POLICY_FILES: POLICY_FILE,
    ROSTER_FILE: path.join(dir, 'roster.csv'), POLICY_OWNERS: OWNER.aadObjectId, LOG_LEVEL: process.env.BENCH_BOT_LOG ?? 'error',
    QUESTIONS_PER_PERSON_PER_HOUR: '100000', SEND_RATE_PER_SECOND: '50', PATH: process.env.PATH ?? '',
  };
  const instances: (BenchInstance | undefined)[] = [];
  const retarget = () => { proxy.targets = instances.filter((b): b is BenchInstance => b !== undefined).map((b) => b.base); };
  const world: BenchWorld = {
    azurite, connector, proxy, instances, acknowledgements, shared,
    oneDrive: {
      put(name, body) {
        files.set(`/${name}`, body);
        return `http://127.0.0.1:${drivePort}/${name}`;
      },
    },
    async start(i) {
      const port = await freePort();
      const startedAt = Date.now();
      const child = spawn(process.execPath, [path.join(REPO, 'dist', 'src', 'main.js')], {
        env: { ...env, PORT: String(port), WORKER_ID: `instance-${i}`, SQLITE_PATH: path.join(dir, `instance-${i}.sqlite`) },
        stdio: ['ignore', 'ignore', 'inherit'], cwd: REPO,
      });
      for (let n = 0; n < 1200; n++) {
        if (child.exitCode !== null) throw new Error(`instance ${i} exited with ${child.exitCode}`);
        try {
          if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) {
            const instance = { child, port, base: `http://127.0.0.1:${port}`, startedAt, listeningAt: Date.now() };
            instances[i] = instance;
            retarget();
            return instance;
          }
        } catch { /* not listening yet */ }
        await sleep(50);
      }
      child.kill('SIGKILL');
      throw new Error(`instance ${i} did not start`);
    },
    async stop(i) {
      const instance = instances[i];
      instances[i] = undefined;
      retarget();
      if (!instance || instance.child.exitCode !== null) return;
      const exited = new Promise((r) => instance.child.once('exit', r));
      instance.child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
    },
    async kill(i) {
      const instance = instances[i];
      instances[i] = undefined;
      retarget();
      if (!instance || instance.child.exitCode !== null) return;
      const exited = new Promise((r) => instance.child.once('exit', r));
      instance.child.kill('SIGKILL');
      await exited;
    },
    async close() {
      for (const instance of instances) instance?.child.kill('SIGKILL');
      await acknowledgements.close();
      await proxy.close();
      await connector.close();
      await new Promise<void>((resolve) => { drive.close(() => resolve()); drive.closeAllConnections(); });
      await azurite.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

let seq = 0;
/** Posts an activity from a person to an instance, as the Playground or Teams would; the wall time and the answer. */
export async function post(world: BenchWorld, i: number, from: BenchPerson, activity: Record<string, unknown>): Promise<{ ms: number; status: number; body: unknown }> {
  const instance = world.instances[i];
  if (!instance) throw new Error(`instance ${i} is not running`);
  const t0 = performance.now();
  const res = await fetch(`${instance.base}/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    // No tenant named: the fake connector counts the replies and the cards of both instances in one budget, as Teams does.
    body: JSON.stringify({
      channelId: 'msteams', serviceUrl: world.connector.serviceUrl, id: `bench-${++seq}`, from, recipient: { id: '28:bot' },
      conversation: { id: `a:${from.aadObjectId}`, conversationType: 'personal' }, locale: 'en-GB', ...activity,
    }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { ms: performance.now() - t0, status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A card button pressed by a person on an instance. */
export const press = (world: BenchWorld, i: number, from: BenchPerson, verb: string, data: unknown) => post(world, i, from, {
  type: 'invoke', name: 'adaptiveCard/action', replyToId: `card-${++seq}`, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
});

/** Everything the connector delivered to a person's chat since `from` (an index into its deliveries). */
export const deliveredTo = (world: BenchWorld, person: BenchPerson, from = 0) =>
  world.connector.deliveries.slice(from).filter((d) => d.conversationId === `a:${person.aadObjectId}`);

/** Every string in a value (message text and card text), joined. */
export function readable(value: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (typeof n === 'string') out.push(n);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') Object.values(n as Record<string, unknown>).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}

/** Fetches a URL directly (not through the proxy). */
export async function fetchDirect(url: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}
