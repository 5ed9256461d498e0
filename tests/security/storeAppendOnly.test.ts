import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateConcernForm } from '../../src/features/concerns/domain/concernValidation';
import { createFieldCipher } from '../../src/shared/fieldEncryption';
import { createSqliteAcknowledgementStore } from '../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createSqliteConcernStore } from '../../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { formFor, ORIGIN, REPORTER, testKey } from '../features/concerns/domain/concernFakes';

/**
 * An attacker (or a careless script) with the database file in hand tries to overwrite stored records with the
 * statements SQLite offers for it. They run on a plain connection with SQLite's defaults, as the sqlite3 shell
 * would, not through the product's own connection settings.
 */
describe('append-only tables refuse to be overwritten through the database file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'append-only-'));
  const file = path.join(dir, 'school.sqlite');
  let reference = '';

  beforeAll(async () => {
    const db = openSqliteDatabase(file);
    const form = validateConcernForm(formFor('childSafety'));
    if (!form.ok) throw new Error('test form invalid');
    const concerns = createSqliteConcernStore(db, createFieldCipher(testKey()));
    reference = (await concerns.createConcern({ draft: form.draft, reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z', referencePrefix: 'SG' }, [])).reference;
    db.close();
    const acks = createSqliteAcknowledgementStore(file);
    await acks.appendAcknowledgement({ policyId: 'p', versionHash: 'h', userId: 'a', userPrincipalName: 'a@x', displayName: 'A', campaignId: 'c1', acknowledgedAt: '2026-09-01T00:00:01.000Z', channel: 'teams' });
    await acks.appendAudit({ at: '2026-09-01T00:00:02.000Z', actor: 'system', action: 'campaignStarted', subject: 'c1' });
    await acks.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const attacks: [string, (ref: string) => string][] = [
    ['INSERT OR REPLACE a report', (ref) => `INSERT OR REPLACE INTO concerns (id, reference, kind, immediate_danger, about_headteacher, submitted_at, origin, reporter_enc, what_happened_enc, when_happened_enc, where_enc, people_involved_enc) VALUES (1, '${ref}', 'other', 0, 0, 'x', 'chat', 'x', 'forged', 'x', 'x', 'x')`],
    ['REPLACE INTO a report by reference', (ref) => `REPLACE INTO concerns (reference, kind, immediate_danger, about_headteacher, submitted_at, origin, reporter_enc, what_happened_enc, when_happened_enc, where_enc, people_involved_enc) VALUES ('${ref}', 'other', 0, 0, 'x', 'chat', 'x', 'forged', 'x', 'x', 'x')`],
    ['REPLACE INTO the submitted event', () => "REPLACE INTO concern_events (seq, concern_id, type, at, actor_id, data_enc) VALUES (1, 1, 'closed', 'x', 'forger', 'x')"],
    ['INSERT OR REPLACE an acknowledgement by its key', () => "INSERT OR REPLACE INTO ack_acknowledgements (policy_id, version_hash, user_id, upn, display_name, campaign_id, acknowledged_at, channel) VALUES ('p', 'h', 'a', 'a@x', 'A', 'c1', 'forged', 'teams')"],
    ['REPLACE INTO an acknowledgement by seq', () => "REPLACE INTO ack_acknowledgements (seq, policy_id, version_hash, user_id, upn, display_name, campaign_id, acknowledged_at, channel) VALUES (1, 'p', 'h', 'b', 'b@x', 'B', 'c1', 'forged', 'teams')"],
    ['REPLACE INTO the audit trail', () => "REPLACE INTO ack_audit (seq, at, actor, action, subject) VALUES (1, 'forged', 'forger', 'x', 'c1')"],
    ['an upsert that updates a report', (ref) => `INSERT INTO concerns (reference, kind, immediate_danger, about_headteacher, submitted_at, origin, reporter_enc, what_happened_enc, when_happened_enc, where_enc, people_involved_enc) VALUES ('${ref}', 'other', 0, 0, 'x', 'chat', 'x', 'x', 'x', 'x', 'x') ON CONFLICT (reference) DO UPDATE SET what_happened_enc = 'forged'`],
  ];

  it.each(attacks)('when the file is given "%s", then SQLite refuses and nothing stored changes', (_name, sql) => {
    const raw = new Database(file);
    const before = {
      concerns: raw.prepare('SELECT * FROM concerns ORDER BY id').all(),
      events: raw.prepare('SELECT * FROM concern_events ORDER BY seq').all(),
      acks: raw.prepare('SELECT * FROM ack_acknowledgements ORDER BY seq').all(),
      audit: raw.prepare('SELECT * FROM ack_audit ORDER BY seq').all(),
    };
    expect(() => raw.prepare(sql(reference)).run()).toThrow(/append-only|APPEND_ONLY/i);
    expect({
      concerns: raw.prepare('SELECT * FROM concerns ORDER BY id').all(),
      events: raw.prepare('SELECT * FROM concern_events ORDER BY seq').all(),
      acks: raw.prepare('SELECT * FROM ack_acknowledgements ORDER BY seq').all(),
      audit: raw.prepare('SELECT * FROM ack_audit ORDER BY seq').all(),
    }).toEqual(before);
    raw.close();
  });

  it('when a member of staff acknowledges twice, then the first acknowledgement stands and the second records nothing', async () => {
    const acks = createSqliteAcknowledgementStore(file);
    const again = await acks.appendAcknowledgement({ policyId: 'p', versionHash: 'h', userId: 'a', userPrincipalName: 'a@x', displayName: 'A', campaignId: 'c1', acknowledgedAt: '2026-09-02T00:00:00.000Z', channel: 'teams' });
    expect(again).toMatchObject({ recorded: false, acknowledgement: { acknowledgedAt: '2026-09-01T00:00:01.000Z' } });
    await acks.close();
  });
});
