import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAcknowledgementStore, openStores } from '../../src/compose/stores';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { loadConfig } from '../../src/config';
import { validateConcernForm } from '../../src/features/concerns/domain/concernValidation';
import { AzuriteTables, startAzuriteTables } from '../support/azuriteServer';
import { productionEnv } from '../support/productionEnv';
import { formFor, ORIGIN, REPORTER } from '../features/concerns/domain/concernFakes';

describe('acknowledgement store factory', () => {
  let azurite: AzuriteTables;
  let dir: string;
  beforeAll(async () => {
    azurite = await startAzuriteTables();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-factory-'));
  });
  afterAll(async () => {
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when STORAGE=sqlite, then the file is created with the acknowledgement schema and data persists', async () => {
    const file = path.join(dir, 'nested', 'bot.sqlite');
    const store = await createAcknowledgementStore({ storage: { kind: 'sqlite', sqlitePath: file }, azureTablePrefix: 'x' });
    await store.setSyncState('k', 'v');
    await store.close();
    const db = openSqliteDatabase(file);
    expect(db.prepare("SELECT value FROM ack_sync_state WHERE key = 'k'").get()).toEqual({ value: 'v' });
    db.close();
  });

  it('when sharing an open database, then closing the store leaves the database open for the others', async () => {
    const db = openSqliteDatabase(path.join(dir, 'shared.sqlite'));
    const store = await createAcknowledgementStore({ storage: { kind: 'sqlite', sqlitePath: 'unused' }, azureTablePrefix: 'x', sqliteDb: db });
    await store.setSyncState('k', 'v');
    await store.close();
    expect(db.open).toBe(true);
    db.close();
  });

  it('when STORAGE=azure with an Azurite connection string, then tables are created and used', async () => {
    const settings = { storage: { kind: 'azure' as const, sqlitePath: '', azureConnectionString: azurite.connectionString }, azureTablePrefix: 'factory' };
    const store = await createAcknowledgementStore(settings);
    await store.setSyncState('graph.deltaLink', 'https://graph.example/delta?x=1');
    const again = await createAcknowledgementStore(settings);
    expect(await again.getSyncState('graph.deltaLink')).toBe('https://graph.example/delta?x=1');
  });
});

describe('openStores', () => {
  let azurite: AzuriteTables;
  let dir: string;
  beforeAll(async () => {
    azurite = await startAzuriteTables();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-stores-'));
  });
  afterAll(async () => {
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when STORAGE=azure, then no SQLite file is opened and every store keeps its records in the account, for any instance', async () => {
    const sqliteDir = path.join(dir, 'data');
    const env = productionEnv({
      STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: 'whole',
      SQLITE_PATH: path.join(sqliteDir, 'policy-bot.sqlite'),
    });
    const first = await openStores(loadConfig({ ...env, WORKER_ID: 'instance-1' }));
    expect(first.db).toBeUndefined();
    const form = validateConcernForm(formFor('childSafety'));
    if (!form.ok) throw new Error('test form invalid');
    const report = await first.concerns.createConcern({ draft: form.draft, reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z', referencePrefix: 'SG' }, []);
    const question = await first.questions.recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-03-02T09:00:00.000Z' });
    await first.teaching.add({ question: 'can i post the fair', section: 'policy#4', taughtBy: 'owner', taughtAt: '2026-03-02T09:00:00.000Z' });
    await first.published.publish({
      policyId: 'liverpool-model', fileName: 'v2.docx', content: Buffer.from('docx bytes'), contentHash: 'h2', configuredHash: 'h1',
      publishedBy: 'owner', publishedAt: '2026-03-02T09:00:00.000Z',
    }, { after: 0 });
    await first.acknowledgement.setSyncState('k', 'v');

    // A second instance, with its own worker id and no shared disk, sees all of it.
    const second = await openStores(loadConfig({ ...env, WORKER_ID: 'instance-2' }));
    expect((await second.concerns.getCase(report.reference))?.report).toEqual(report);
    expect((await second.questions.getQuestion(question))?.question).toBe('parking?');
    expect((await second.teaching.list()).map((l) => l.question)).toEqual(['can i post the fair']);
    expect((await second.published.latest('liverpool-model'))?.content.toString()).toBe('docx bytes');
    expect(await second.acknowledgement.getSyncState('k')).toBe('v');
    expect(fs.existsSync(sqliteDir)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('when STORAGE=sqlite, then every store shares the one file', async () => {
    const file = path.join(dir, 'sqlite', 'bot.sqlite');
    const stores = await openStores(loadConfig(productionEnv({ SQLITE_PATH: file })));
    const id = await stores.questions.recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-03-02T09:00:00.000Z' });
    // The question is in the shared file, sealed under the key derived from CONCERN_ENCRYPTION_KEY (issue 40, hole 5).
    expect(stores.db?.prepare('SELECT id, question FROM policy_questions').all()).toEqual([{ id, question: expect.stringMatching(/^gcm1\./) }]);
    expect(await stores.questions.getQuestion(id)).toMatchObject({ question: 'parking?' });
    stores.db?.close();
    expect(fs.existsSync(file)).toBe(true);
  });
});
