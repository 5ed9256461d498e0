import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { createFieldCipher } from '../../../src/shared/fieldEncryption';
import { CONCERN_PARTITION, createAzureTableConcernStore, concernKeys } from '../../../src/adapters/azureTables/azureTableConcernStore';
import { createConcernOutbox } from '../../../src/features/concerns/domain/concernOutbox';
import { validateConcernForm } from '../../../src/features/concerns/domain/concernValidation';
import { ConcernStore, NewConcern } from '../../../src/features/concerns/domain/concernPorts';
import { ConcernReferenceDraw } from '../../../src/features/concerns/domain/concernReference';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { describeConcernStoreContract } from '../../support/contracts/concernStoreContract';
import {
  capturedLogger, formFor, noSleep, ORIGIN, RecordingDelivery, RecordingNotifier, REPORTER, SECRET_TEXT, testKey, testRouting,
} from '../../features/concerns/domain/concernFakes';

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

/** One key for the whole file: instances sharing a table share the school's key. */
const KEY = testKey();
const freshPrefix = () => `c${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const open = (tablePrefix: string, workerId: string, key = KEY, options: { newReference?: ConcernReferenceDraw } = {}) => createAzureTableConcernStore({
  connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix, cipher: createFieldCipher(key), workerId, ...options,
});
const table = (tablePrefix: string) => TableClient.fromConnectionString(azurite.connectionString, `${tablePrefix}Concerns`, { allowInsecureConnection: true });

function newConcern(submittedAt = '2026-03-02T09:00:00.000Z'): NewConcern {
  const r = validateConcernForm(formFor('childSafety'));
  if (!r.ok) throw new Error('test form invalid');
  return { draft: r.draft, reporter: REPORTER, origin: ORIGIN, submittedAt, referencePrefix: 'SG' };
}

// Each test gets its own table through a fresh prefix, so tests never see each other's rows.
describeConcernStoreContract('Azure Table (Azurite)', (options) => open(freshPrefix(), 'instance-a', KEY, options), async () => {
  const prefix = freshPrefix();
  return [await open(prefix, 'instance-a'), await open(prefix, 'instance-b')];
});

describe('Azure Table concern store', () => {
  it('when a report is stored, then no text of it, nor who made it, is readable in the table without the key', async () => {
    const prefix = freshPrefix();
    const store = await open(prefix, 'a');
    const report = await store.createConcern(newConcern(), []);
    await store.append(report.id, [{ type: 'noteAdded', at: '2026-03-02T09:05:00.000Z', actorId: 'aad-dsl-secret', data: { note: 'the pupil said more' } }]);
    const raw: string[] = [];
    for await (const e of table(prefix).listEntities()) raw.push(JSON.stringify(e));
    const all = raw.join('\n');
    for (const secret of [...Object.values(SECRET_TEXT), REPORTER.aadObjectId, REPORTER.name, 'aad-dsl-secret', 'the pupil said more']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain(report.reference);
    // Another key cannot open it.
    const other = await open(prefix, 'a', Buffer.alloc(32, 9));
    await expect(other.getCase(report.reference)).rejects.toMatchObject({ code: 'FIELD_DECRYPT_FAILED' });
  });

  it('when a report or an event entity is written again, then the table refuses it: they are insert-only', async () => {
    const prefix = freshPrefix();
    const store = await open(prefix, 'a');
    const report = await store.createConcern(newConcern(), []);
    const client = table(prefix);
    const stored = await client.getEntity(CONCERN_PARTITION, concernKeys.concern(report.id));
    await expect(client.createEntity({ ...stored, partitionKey: CONCERN_PARTITION, rowKey: concernKeys.concern(report.id) }))
      .rejects.toMatchObject({ statusCode: 409 });
    // A report written from a lost race never replaces the one that won: the next one gets its own reference.
    const next = await store.createConcern(newConcern('2026-03-02T10:00:00.000Z'), []);
    expect(next.reference).not.toBe(report.reference);
    expect(next.id).toBe(report.id + 1);
    expect((await store.getCase(report.reference))?.report).toEqual(report);
  });

  it('when a text is longer than one table property holds, then it is kept whole', async () => {
    const store = await open(freshPrefix(), 'a');
    const long = 'ü'.repeat(16_000); // an urgent report may keep up to twice the form's limit; sealed, this passes 64 KiB
    const input = newConcern();
    input.draft = { ...input.draft, details: { ...input.draft.details, whatHappened: long } };
    const report = await store.createConcern(input, []);
    await store.append(report.id, [{ type: 'noteAdded', at: '2026-03-02T09:05:00.000Z', data: { note: long } }]);
    const kase = await store.getCase(report.reference);
    expect(kase?.report.details.whatHappened).toBe(long);
    expect(kase?.events[1].data.note).toBe(long);
  });

  it('when another instance holds an entry in flight, then it is not due here until that claim lapses', async () => {
    const prefix = freshPrefix();
    const a = await createAzureTableConcernStore({
      connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: prefix, cipher: createFieldCipher(KEY), workerId: 'a', claimLeaseMs: 60_000,
    });
    const b = await createAzureTableConcernStore({
      connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: prefix, cipher: createFieldCipher(KEY), workerId: 'b', claimLeaseMs: 60_000,
    });
    await a.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
    const [entry] = await a.dueOutbox('2026-03-02T09:00:00.000Z');
    expect(await a.claimOutbox(entry, '2026-03-02T09:00:00.000Z')).toBe(true);
    expect(await b.dueOutbox('2026-03-02T09:00:30.000Z')).toEqual([]);
    // Instance a restarted (same worker id): its own entry is due at once, marked in flight.
    expect(await (await open(prefix, 'a')).dueOutbox('2026-03-02T09:00:30.000Z')).toEqual([expect.objectContaining({ id: entry.id, state: 'inFlight' })]);
    // Instance a never came back: after the lease, b takes it over.
    expect(await b.dueOutbox('2026-03-02T09:01:00.000Z')).toEqual([expect.objectContaining({ id: entry.id, state: 'inFlight' })]);
  });

  it('when two instances run the outbox at once over one report, then it is posted exactly once', async () => {
    const prefix = freshPrefix();
    const delivery = new RecordingDelivery();
    const outboxOf = (store: ConcernStore) => createConcernOutbox({
      store, delivery, notifier: new RecordingNotifier(), routing: testRouting(), log: capturedLogger().logger,
      now: () => new Date('2026-03-02T09:00:05.000Z'), sleep: noSleep,
    });
    const [a, b] = [await open(prefix, 'a'), await open(prefix, 'b')];
    const report = await a.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
    await Promise.all([outboxOf(a).processDue(), outboxOf(b).processDue(), outboxOf(a).processDue(), outboxOf(b).processDue()]);
    expect(delivery.posts).toEqual([expect.objectContaining({ reference: report.reference, possibleDuplicate: false })]);
    expect((await b.getCase(report.reference))?.events.filter((e) => e.type === 'routed')).toHaveLength(1);
  });
});
