import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFieldCipher } from '../../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase, SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { validateConcernForm } from '../../../src/features/concerns/domain/concernValidation';
import { ConcernDraft } from '../../../src/features/concerns/domain/concernTypes';
import { describeConcernStoreContract } from '../../support/contracts/concernStoreContract';
import { sharedSqliteFiles } from '../../support/contracts/sharedSqliteFile';
import { formFor, ORIGIN, REPORTER, SECRET_TEXT, testKey } from '../../features/concerns/domain/concernFakes';

function draft(kind = 'childSafety'): ConcernDraft {
  const r = validateConcernForm(formFor(kind));
  if (!r.ok) throw new Error('test form invalid');
  return r.draft;
}

describe('createSqliteConcernStore', () => {
  let dir: string;
  let dbs: SqliteDatabase[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concern-store-'));
    dbs = [];
  });
  afterEach(() => {
    for (const db of dbs) if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = (file = path.join(dir, 'c.sqlite')) => {
    const db = openSqliteDatabase(file);
    dbs.push(db);
    return db;
  };
  const newConcern = (submittedAt = '2026-03-02T09:00:00.000Z') => ({
    draft: draft(), reporter: REPORTER, origin: ORIGIN, submittedAt, referencePrefix: 'SG',
  });

  test('when a reference cannot be drawn unused, then the report is refused with a coded error and nothing is stored', async () => {
    const db = open();
    const store = createSqliteConcernStore(db, createFieldCipher(testKey()), { newReference: () => 'SG-2026-7KQ4MX' });
    await store.createConcern(newConcern(), []);
    await expect(store.createConcern(newConcern(), [])).rejects.toMatchObject({ code: 'CONCERN_REFERENCE_EXHAUSTED' });
    expect((db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n).toBe(1);
  });

  test('when two stores share one database file, then references never collide', async () => {
    const file = path.join(dir, 'shared.sqlite');
    const key = testKey();
    const a = createSqliteConcernStore(open(file), createFieldCipher(key));
    const b = createSqliteConcernStore(open(file), createFieldCipher(key));
    const refs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).createConcern(newConcern(), [])));
    expect(new Set(refs.map((r) => r.reference)).size).toBe(10);
  });

  test('when a report is stored, then none of its text is in the database file, and it reads back whole', async () => {
    const file = path.join(dir, 'enc.sqlite');
    const db = open(file);
    const store = createSqliteConcernStore(db, createFieldCipher(testKey()));
    const report = await store.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
    await store.append(report.id, [{ type: 'noteAdded', at: '2026-03-02T10:00:00.000Z', actorId: 'x', actorName: 'Dee', data: { note: SECRET_TEXT.note } }]);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const raw = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
    for (const fragment of ['PUPIL-ZEBRA', 'QUOKKA', 'PLATYPUS', 'KESTREL', 'OTTER', 'NARWHAL', 'Robin Reporter']) {
      expect(raw).not.toContain(fragment);
    }
    const back = await store.getCase(report.reference.toLowerCase());
    expect(back?.report.details.whatHappened).toBe(SECRET_TEXT.whatHappened);
    expect(back?.report.reporter.name).toBe('Robin Reporter');
    expect(back?.events.map((e) => e.type)).toEqual(['submitted', 'noteAdded']);
    expect(back?.events[1].data.note).toBe(SECRET_TEXT.note);
  });

  test('when the database is opened with another key, then reading a report fails rather than returning garbage', async () => {
    const file = path.join(dir, 'key.sqlite');
    const store = createSqliteConcernStore(open(file), createFieldCipher(testKey()));
    const report = await store.createConcern(newConcern(), []);
    const other = createSqliteConcernStore(open(file), createFieldCipher(testKey()));
    await expect(other.getCase(report.reference)).rejects.toMatchObject({ code: 'FIELD_DECRYPT_FAILED' });
  });

  test('when anything tries to update or delete a report or an event, then SQLite refuses', async () => {
    const db = open();
    const store = createSqliteConcernStore(db, createFieldCipher(testKey()));
    await store.createConcern(newConcern(), []);
    expect(() => db.prepare("UPDATE concerns SET kind = 'other'").run()).toThrow(/CONCERN_APPEND_ONLY/);
    expect(() => db.prepare('DELETE FROM concerns').run()).toThrow(/CONCERN_APPEND_ONLY/);
    expect(() => db.prepare("UPDATE concern_events SET type = 'closed'").run()).toThrow(/CONCERN_APPEND_ONLY/);
    expect(() => db.prepare('DELETE FROM concern_events').run()).toThrow(/CONCERN_APPEND_ONLY/);
    expect((db.prepare('SELECT COUNT(*) AS n FROM concern_events').get() as { n: number }).n).toBe(1);
  });

  test('when a report is stored with a routing task, then both are there or neither is', async () => {
    const db = open();
    const store = createSqliteConcernStore(db, createFieldCipher(testKey()));
    const report = await store.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
    const due = await store.dueOutbox('2026-03-02T09:00:00.000Z');
    expect(due).toEqual([expect.objectContaining({ concernId: report.id, state: 'pending', task: { kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' } })]);

    // A task the schema rejects makes the whole creation roll back: no report without its routing record.
    const bad = { kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' } as const;
    db.exec("CREATE TRIGGER reject_outbox BEFORE INSERT ON concern_outbox BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;");
    // A store opened after the trigger exists prepares its statements against the new schema.
    const failing = createSqliteConcernStore(db, createFieldCipher(testKey()));
    // Matched by message: SQLite's error class can come from another test file's realm in a shared jest worker.
    await expect(failing.createConcern(newConcern(), [bad])).rejects.toMatchObject({ message: expect.stringMatching(/simulated failure/) });
    expect((db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n).toBe(1);
  });

  test('when a case is closed, then it leaves the open list', async () => {
    const store = createSqliteConcernStore(open(), createFieldCipher(testKey()));
    const a = await store.createConcern(newConcern(), []);
    const b = await store.createConcern(newConcern(), []);
    await store.append(a.id, [{ type: 'closed', at: '2026-03-03T09:00:00.000Z', data: { outcome: 'done' } }]);
    expect((await store.listOpenCases()).map((c) => c.report.reference)).toEqual([b.reference]);
    expect((await store.getCase(a.reference))?.status).toBe('closed');
  });
});

const shared = sharedSqliteFiles();
afterAll(() => shared.cleanUp());
describeConcernStoreContract('SQLite', (options) => createSqliteConcernStore(openSqliteDatabase(':memory:'), createFieldCipher(testKey()), options), async () => {
  const [a, b] = shared.openTwo();
  const key = testKey();
  return [createSqliteConcernStore(a, createFieldCipher(key)), createSqliteConcernStore(b, createFieldCipher(key))];
});
