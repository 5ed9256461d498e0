import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAcknowledgementStore } from '../../src/compose/stores';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { AzuriteTables, startAzuriteTables } from '../support/azuriteServer';

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
