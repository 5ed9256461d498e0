/**
 * Several instances of the bot, one storage account (issue 51): each instance the whole product (startApp) in local mode
 * on its own port, all on one Azurite with tables and blobs (STORAGE=azure, one table prefix, one concern key), one fake
 * Bot Connector for Teams, and a round-robin proxy in front as App Service spreads a browser's requests (PUBLIC_URL points
 * at it, so every link an instance hands out is fetched through it). Each instance has its own WORKER_ID, as App
 * Service's instances do. Local mode, as the issue measured it: no token on either side, so the test drives what the
 * instances share rather than their sign-in (tests/security covers that on one instance).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAzureTableAcknowledgementStore } from '../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { AcknowledgementStore } from '../../src/features/acknowledgement/domain/acknowledgementStore';
import { FileDownloader } from '../../src/teams/fileDownload';
import { AppLogger, createLogger } from '../../src/shared/logger';
import { AzuriteTables, startAzuriteTables } from './azuriteServer';
import { FakeConnector, FakeConnectorOptions, startFakeConnector } from './fakeConnector';
import { RoundRobinProxy, startRoundRobinProxy } from './roundRobinProxy';

/** A member of staff on the instances' roster. */
export interface StaffMemberRow {
  aadObjectId: string;
  name: string;
}

/** An HTTP answer from an instance's /api/messages. */
export interface InstancePost {
  status: number;
  text: string;
  body: unknown;
}

/** One running instance. */
export interface Instance {
  app: RunningApp;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Posts an activity as the Teams channel would (channel defaults filled unless given). */
  post(activity: Record<string, unknown>): Promise<InstancePost>;
}

/** The instances and what they share. */
export interface SeveralInstances {
  azurite: AzuriteTables;
  connector: FakeConnector;
  proxy: RoundRobinProxy;
  /** Instance i, once started (undefined after it stopped). */
  bots: (Instance | undefined)[];
  /** Starts instance i (WORKER_ID instance-i) and adds it to the proxy's turns. */
  start(i: number): Promise<Instance>;
  /** Stops instance i as App Service stops an instance (its close), and takes it out of the proxy's turns. */
  stop(i: number): Promise<void>;
  /** The acknowledgement records every instance reads (for checking what was recorded). */
  acknowledgements(): Promise<AcknowledgementStore>;
  close(): Promise<void>;
}

/** Options: the staff roster, the connector's limits, settings on top of the harness's, the sender's OneDrive. */
export interface SeveralInstancesOptions {
  staff: readonly StaffMemberRow[];
  connector?: FakeConnectorOptions;
  env?: Record<string, string | undefined>;
  fileDownload?: FileDownloader;
  logger?: (i: number) => AppLogger;
  /** How often each instance looks for a version another published (the product's 10 s by default). */
  followPublishedMs?: number;
}

/** Starts the shared stand-ins; instances start with `start(i)`. */
export async function startSeveralInstances(options: SeveralInstancesOptions): Promise<SeveralInstances> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'several-instances-'));
  const roster = path.join(dir, 'roster.csv');
  fs.writeFileSync(roster, ['aadObjectId,name,upn,department', ...options.staff.map((p) => `${p.aadObjectId},${p.name},${p.aadObjectId}@school.example,Teaching`)].join('\n'));
  const azurite = await startAzuriteTables({ blobs: true });
  const connector = await startFakeConnector(options.connector ?? { ratePerSecond: 0 });
  const proxy = await startRoundRobinProxy();
  const tablePrefix = `multi${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;
  // One key for every instance, as Key Vault gives each the same: reports, questions and links are readable by all.
  const env = {
    APP_MODE: 'local', HOST: '127.0.0.1', PORT: '0', BOT_SERVICE_URL: connector.serviceUrl,
    STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: tablePrefix,
    CONCERN_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'), PUBLIC_URL: proxy.url, ROSTER_FILE: roster, ...options.env,
  };
  const bots: (Instance | undefined)[] = [];
  let store: AcknowledgementStore | undefined;
  const retarget = () => { proxy.targets = bots.filter((b): b is Instance => b !== undefined).map((b) => b.base); };
  const instances: SeveralInstances = {
    azurite, connector, proxy, bots,
    async start(i) {
      // Each instance its own SQLite file for what stays local (its own jobs' scratch), as each App Service instance has its own disk.
      const app = await startApp(loadConfig({ ...env, WORKER_ID: `instance-${i}`, SQLITE_PATH: path.join(dir, `instance-${i}.sqlite`) }),
        options.logger?.(i) ?? createLogger('silent'), {
          ...(options.fileDownload ? { fileDownload: options.fileDownload } : {}),
          ...(options.followPublishedMs ? { followPublishedMs: options.followPublishedMs } : {}),
          // No draft is checked here: the policy's rules are left to the first draft (about 0.85 s of CPU a start).
          readDraftRulesAtStart: false,
        });
      const base = `http://127.0.0.1:${app.port}`;
      let seq = 0;
      const bot: Instance = {
        app, base,
        async post(activity) {
          const body = {
            channelId: 'msteams', serviceUrl: connector.serviceUrl, id: `i${i}-${++seq}`, timestamp: new Date().toISOString(),
            recipient: { id: '28:school-policy-bot', name: 'School Policy Bot' }, locale: 'en-GB', ...activity,
          };
          const res = await fetch(`${base}/api/messages`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
          });
          const text = await res.text();
          let parsed: unknown;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
          return { status: res.status, text, body: parsed };
        },
      };
      bots[i] = bot;
      retarget();
      return bot;
    },
    async stop(i) {
      const bot = bots[i];
      bots[i] = undefined;
      retarget();
      await bot?.app.close();
    },
    async acknowledgements() {
      store ??= await createAzureTableAcknowledgementStore({ connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix });
      return store;
    },
    async close() {
      for (let i = 0; i < bots.length; i++) await instances.stop(i).catch(() => undefined);
      await store?.close();
      await proxy.close();
      await connector.close();
      await azurite.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return instances;
}
