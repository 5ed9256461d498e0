/**
 * `npm run build && node dist/bench/recordStores.js [--reports 200] [--school 2000]`: what the record stores cost on
 * SQLite and on Azure Tables (an in-memory Azurite the bench starts and stops), and what moving a school's file costs.
 *
 * - concern writes: a report with its delivery task, the outbox claim, its completion; per operation, in ms, and in
 *   calls to the table service (each one HTTP round trip; a query counts once per page);
 * - two instances filing reports at once on one store (each write races for the counter row and retries);
 * - `storage copy-to-azure` of a synthetic school (`--school` staff, as many deliveries, a tenth of them as concerns,
 *   twice as many questions), first run and second run, with the worst event-loop delay while each ran.
 *
 * Baseline in the same run: an idle wait, the floor of the delay measurement.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { createAzureTableAcknowledgementStore } from '../src/adapters/azureTables/azureTableAcknowledgementStore';
import { createAzureTableConcernStoreOn } from '../src/adapters/azureTables/azureTableConcernStore';
import { createFieldCipher } from '../src/shared/fieldEncryption';
import { createSqliteAcknowledgementStoreOn } from '../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createSqliteConcernStore } from '../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase } from '../src/adapters/sqlite/sqliteDatabase';
import { createSqlitePublishedPolicyStore } from '../src/adapters/sqlite/sqlitePublishedPolicyStore';
import { createSqliteQuestionLog } from '../src/adapters/sqlite/sqliteQuestionLog';
import { createQuestionSealing } from '../src/adapters/questionSealing';
import { copySqliteToAzure } from '../src/adapters/storageCopy/copySqliteToAzure';
import { ConcernStore, NewConcern } from '../src/features/concerns/domain/concernPorts';
import { startAzuriteTables } from '../tests/support/azuriteServer';
import { measureWithLoopDelay } from './loopDelay';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const KEY = Buffer.alloc(32, 3);
const print = (o: object) => console.log(JSON.stringify(o));

const concern = (i: number): NewConcern => ({
  draft: {
    kind: 'childSafety', immediateDanger: false, aboutHeadteacher: false,
    details: { whatHappened: `A pupil said something worrying, case ${i}. `.repeat(20), whenHappened: 'this morning', where: 'classroom', peopleInvolved: 'a pupil' },
  },
  reporter: { aadObjectId: `aad-${i}`, name: `Teacher ${i}`, address: { userId: `29:teacher-${i}`, personal: true } },
  origin: { serviceUrl: 'https://smba.example/', tenantId: 't', channelId: 'msteams', source: 'chat' },
  submittedAt: new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(), referencePrefix: 'SG',
});

/** A table client whose calls to the service are counted. */
function counted(client: TableClient): { client: TableClient; calls: () => number } {
  let calls = 0;
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'listEntities') {
        return (...args: unknown[]) => {
          const iter = (value as (...a: unknown[]) => { byPage(o?: object): AsyncIterable<unknown[]> }).apply(target, args);
          return {
            async *[Symbol.asyncIterator]() { for await (const page of iter.byPage()) { calls++; yield* page; } },
            byPage: (o?: object) => (async function* () { for await (const page of iter.byPage(o)) { calls++; yield page; } })(),
          };
        };
      }
      if (['getEntity', 'createEntity', 'updateEntity', 'upsertEntity', 'submitTransaction', 'deleteEntity'].includes(String(prop))) {
        return (...args: unknown[]) => { calls++; return (value as (...a: unknown[]) => unknown).apply(target, args); };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { client: wrapped, calls: () => calls };
}

async function concernOps(store: ConcernStore, name: string, reports: number, calls: () => number): Promise<void> {
  const per = async (op: string, n: number, fn: (i: number) => Promise<unknown>) => {
    const c0 = calls();
    const m = await measureWithLoopDelay(async () => { for (let i = 0; i < n; i++) await fn(i); });
    print({ op, store: name, n, msPerOp: +(m.ms / n).toFixed(2), callsPerOp: +((calls() - c0) / n).toFixed(2), worstLoopDelayMs: m.worstLoopDelayMs });
  };
  await per('file a report with its delivery task', reports, (i) => store.createConcern(concern(i), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]));
  const due = await store.dueOutbox('2026-12-31T00:00:00.000Z');
  await per('claim an outbox entry', due.length, (i) => store.claimOutbox(due[i], '2026-03-03T00:00:00.000Z'));
  await per('complete an outbox entry with its event', due.length, (i) => store.completeOutbox(due[i].id, due[i].concernId,
    [{ type: 'routed', at: '2026-03-03T00:00:01.000Z', data: { role: 'dslChannel', stage: 'primary' } }]));
  await per('read a case', 20, (i) => store.getCaseById(due[i].concernId));
}

async function main(): Promise<void> {
  const reports = Number(arg('reports', '200'));
  const school = Number(arg('school', '2000'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-records-'));
  const azurite = await startAzuriteTables();
  const cipher = createFieldCipher(KEY);
  const table = (prefix: string) => TableClient.fromConnectionString(azurite.connectionString, `${prefix}Concerns`, { allowInsecureConnection: true });
  try {
    print({ op: 'baseline: idle 100 ms', ...(await measureWithLoopDelay(() => new Promise((r) => setTimeout(r, 100)))) });

    // Concern writes, SQLite (a file, as in production) then Azurite.
    await concernOps(createSqliteConcernStore(openSqliteDatabase(path.join(dir, 'ops.sqlite')), cipher), 'sqlite', reports, () => 0);
    const one = table('ops');
    await one.createTable();
    const c = counted(one);
    await concernOps(createAzureTableConcernStoreOn(c.client, { cipher, workerId: 'a' }), 'azure', reports, c.calls);

    // Two instances filing at once on one table.
    const shared = table('race');
    await shared.createTable();
    const a = counted(shared);
    const b = counted(table('race'));
    const [sa, sb] = [createAzureTableConcernStoreOn(a.client, { cipher, workerId: 'a' }), createAzureTableConcernStoreOn(b.client, { cipher, workerId: 'b' })];
    const half = Math.floor(reports / 2);
    const m = await measureWithLoopDelay(() => Promise.all([
      (async () => { for (let i = 0; i < half; i++) await sa.createConcern(concern(i), []); })(),
      (async () => { for (let i = 0; i < half; i++) await sb.createConcern(concern(half + i), []); })(),
    ]));
    const refs = new Set((await sa.listOpenCases()).map((k) => k.report.reference));
    print({ op: 'two instances file reports at once', store: 'azure', n: 2 * half, ms: m.ms, msPerReport: +(m.ms / (2 * half)).toFixed(2),
      callsPerReport: +((a.calls() + b.calls()) / (2 * half)).toFixed(2), distinctReferences: refs.size, worstLoopDelayMs: m.worstLoopDelayMs });

    // A synthetic school's file, moved.
    const file = path.join(dir, 'school.sqlite');
    const db = openSqliteDatabase(file);
    const concerns = createSqliteConcernStore(db, cipher);
    for (let i = 0; i < Math.ceil(school / 10); i++) {
      const r = await concerns.createConcern(concern(i), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
      await concerns.append(r.id, [{ type: 'acknowledged', at: '2026-03-03T09:00:00.000Z', actorId: 'dsl', data: {} }, { type: 'noteAdded', at: '2026-03-03T09:01:00.000Z', actorId: 'dsl', data: { note: 'spoke to them' } }]);
    }
    const questions = createSqliteQuestionLog(db, createQuestionSealing(KEY));
    for (let i = 0; i < school * 2; i++) {
      const id = await questions.recordQuestion({ question: `question ${i}?`, answered: i % 3 !== 0, citedSection: i % 3 ? 'policy#2' : null, askedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() });
      if (i % 4 === 0) await questions.recordFeedback(id, i % 8 === 0, new Date(Date.UTC(2026, 0, 2, 0, 0, i)).toISOString());
    }
    await createSqlitePublishedPolicyStore(db).publish({ policyId: 'p', fileName: 'p.docx', content: Buffer.alloc(1_000_000, 1), contentHash: 'h', configuredHash: 'c', publishedBy: 'o', publishedAt: '2026-01-01T00:00:00.000Z' }, { after: 0 });
    const ack = createSqliteAcknowledgementStoreOn(db);
    const t0 = '2026-09-01T08:00:00.000Z';
    await ack.savePolicyVersion({ policyId: 'p', versionHash: 'h', title: 'Policy', keyPoints: ['Be kind.'], material: true, publishedAt: t0 });
    await ack.upsertStaff(Array.from({ length: school }, (_, i) => ({ userId: `u${i}`, userPrincipalName: `u${i}@s.example`, displayName: `P ${i}`, department: `D${i % 20}`, active: true, source: 'graph' as const, updatedAt: t0 })));
    await ack.createCampaign({ id: 'c1', policyId: 'p', versionHash: 'h', audience: { kind: 'all' }, dueDate: '2026-09-30', startedAt: t0, startedBy: 'o', round: 1, seriesId: 'c1', status: 'active' });
    await ack.addDeliveries('c1', Array.from({ length: school }, (_, i) => `u${i}`), t0);
    for (const d of await ack.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: school, leaseMs: 60_000, now: t0 })) {
      await ack.completeDelivery('c1', d.userId, 'w', { state: 'sent', activityId: `a${d.userId}` }, t0);
    }
    for (let i = 0; i < school / 2; i++) {
      await ack.appendAcknowledgement({ policyId: 'p', versionHash: 'h', userId: `u${i}`, userPrincipalName: `u${i}@s.example`, displayName: `P ${i}`, campaignId: 'c1', acknowledgedAt: '2026-09-02T08:00:00.000Z', channel: 'teams' });
    }
    db.close();

    const connection = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: 'moved' };
    for (const run of ['first', 'second']) {
      const source = openSqliteDatabase(file);
      const azureAck = await createAzureTableAcknowledgementStore(connection);
      const kinds: Record<string, number> = {};
      let last = performance.now();
      let verified = false;
      const measured = await measureWithLoopDelay(async () => {
        const counts = await copySqliteToAzure({
          db: source, connection, cipher, acknowledgement: azureAck, questionSealing: createQuestionSealing(KEY),
          progress: (k) => { const now = performance.now(); kinds[`${k.kind} (${k.sqlite})`] = Math.round(now - last); last = now; },
        });
        verified = counts.every((k) => k.ok);
      });
      print({ op: `copy-to-azure, ${run} run`, school, concerns: Math.ceil(school / 10), questions: school * 2, deliveries: school, verified, ...measured, msPerKind: kinds });
      source.close();
    }
  } finally {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
