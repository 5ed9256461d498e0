import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateConcernForm } from '../../src/features/concerns/domain/concernValidation';
import { createFieldCipher } from '../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { formFor, ORIGIN, REPORTER, testKey } from '../features/concerns/domain/concernFakes';

/** Someone with the database file but not the key must not learn who reported what. */
describe('who reported a concern is not readable without the key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reporter-identity-'));
  const key = testKey();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const draft = () => {
    const r = validateConcernForm(formFor('allegation'));
    if (!r.ok) throw new Error('test form invalid');
    return r.draft;
  };
  const fileBytes = (file: string): string => {
    const db = openSqliteDatabase(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
  };

  it('when a report is stored, then no event row holds the reporter\'s id in clear, and the key still tells who reported', async () => {
    const file = path.join(dir, 'new.sqlite');
    const db = openSqliteDatabase(file);
    const store = createSqliteConcernStore(db, createFieldCipher(key));
    const report = await store.createConcern({ draft: draft(), reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z', referencePrefix: 'AL' }, []);
    expect((db.prepare('SELECT COUNT(*) AS n FROM concern_events WHERE actor_id IS NOT NULL').get() as { n: number }).n).toBe(0);
    const back = await store.getCase(report.reference);
    expect(back?.events[0]).toMatchObject({ type: 'submitted', actorId: REPORTER.aadObjectId });
    db.close();
    expect(fileBytes(file)).not.toContain(REPORTER.aadObjectId);
  });

  it('when a database written before this holds actor ids in clear, then opening it encrypts them and the history reads the same', async () => {
    const file = path.join(dir, 'legacy.sqlite');
    const db = openSqliteDatabase(file);
    const cipher = createFieldCipher(key);
    const store = createSqliteConcernStore(db, cipher);
    const report = await store.createConcern({ draft: draft(), reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z', referencePrefix: 'AL' }, []);
    // Rewrite the submitted event as the earlier version stored it: actor id in its own clear column.
    const row = db.prepare("SELECT seq, concern_id, type, at FROM concern_events WHERE type = 'submitted'").get() as { seq: number; concern_id: number; type: string; at: string };
    const context = `event:${row.concern_id}:${row.type}:${row.at}`;
    const legacyPayload = cipher.encrypt(JSON.stringify({ actorName: REPORTER.name, data: {} }), context);
    const guard = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'concern_events_no_update'").get() as { sql: string }).sql;
    db.exec('DROP TRIGGER concern_events_no_update');
    db.prepare('UPDATE concern_events SET actor_id = ?, data_enc = ? WHERE seq = ?').run(REPORTER.aadObjectId, legacyPayload, row.seq);
    db.exec(guard);
    db.close();

    const reopened = openSqliteDatabase(file);
    const again = createSqliteConcernStore(reopened, createFieldCipher(key));
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM concern_events WHERE actor_id IS NOT NULL').get() as { n: number }).n).toBe(0);
    expect((await again.getCase(report.reference))?.events[0]).toMatchObject({ type: 'submitted', actorId: REPORTER.aadObjectId, actorName: REPORTER.name });
    // The guard is back: events still cannot be changed.
    expect(() => reopened.prepare("UPDATE concern_events SET type = 'closed'").run()).toThrow(/CONCERN_APPEND_ONLY/);
    reopened.close();
  });
});
