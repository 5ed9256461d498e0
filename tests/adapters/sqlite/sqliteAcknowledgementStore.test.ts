import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteAcknowledgementStore } from '../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { describeAcknowledgementStoreContract } from '../../support/contracts/acknowledgementStoreContract';
import { describeAcknowledgementPeopleContract } from '../../support/contracts/acknowledgementPeopleContract';
import { describeAcknowledgementLeaversContract } from '../../support/contracts/acknowledgementLeaversContract';

let dir: string;
let n = 0;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-sqlite-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describeAcknowledgementStoreContract('SQLite', async () => createSqliteAcknowledgementStore(path.join(dir, `c${n++}.sqlite`)));
describeAcknowledgementPeopleContract('SQLite', async () => createSqliteAcknowledgementStore(path.join(dir, `c${n++}.sqlite`)));
describeAcknowledgementLeaversContract('SQLite', async () => createSqliteAcknowledgementStore(path.join(dir, `c${n++}.sqlite`)));

describe('SQLite acknowledgement store', () => {
  it('when the database is reopened, then everything written is still there', async () => {
    const file = path.join(dir, 'reopen.sqlite');
    const first = createSqliteAcknowledgementStore(file);
    await first.addDeliveries('c1', ['a', 'b'], '2026-09-01T00:00:00.000Z');
    await first.appendAcknowledgement({
      policyId: 'p', versionHash: 'h', userId: 'a', userPrincipalName: 'a@x', displayName: 'A',
      acknowledgedAt: '2026-09-01T00:00:01.000Z', channel: 'teams',
    });
    await first.close();
    const second = createSqliteAcknowledgementStore(file);
    expect((await second.listDeliveries('c1')).length).toBe(2);
    expect(await second.getAcknowledgement('p', 'h', 'a')).toMatchObject({ acknowledgedAt: '2026-09-01T00:00:01.000Z' });
    await second.close();
  });

  it('when a large staff list is listed, then every person comes back once in id order, and other work gets turns while it is read', async () => {
    const store = createSqliteAcknowledgementStore(':memory:');
    const ids = Array.from({ length: 4_500 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
    await store.upsertStaff([...ids].reverse().map((userId) => ({
      userId, userPrincipalName: `${userId}@x`, displayName: userId, active: true, source: 'graph' as const, updatedAt: 't',
    })));
    // setImmediate work queued now runs only if listStaff yields before it finishes.
    let ranDuring = false;
    setImmediate(() => { ranDuring = true; });

    const listed = await store.listStaff();
    const ranBeforeEnd = ranDuring;

    expect(listed.map((m) => m.userId)).toEqual(ids);
    expect(ranBeforeEnd).toBe(true);
    await store.close();
  });

  it('when anything tries to update or delete an acknowledgement or audit line, then the database refuses', async () => {
    const file = path.join(dir, 'append-only.sqlite');
    const store = createSqliteAcknowledgementStore(file);
    await store.appendAcknowledgement({
      policyId: 'p', versionHash: 'h', userId: 'a', userPrincipalName: 'a@x', displayName: 'A',
      acknowledgedAt: '2026-09-01T00:00:01.000Z', channel: 'teams',
    });
    await store.appendAudit({ at: '2026-09-01T00:00:02.000Z', actor: 'system', action: 'x', subject: 's' });
    await store.close();
    const db = openSqliteDatabase(file);
    expect(() => db.prepare("UPDATE ack_acknowledgements SET acknowledged_at = 'forged'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ack_acknowledgements').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ack_audit').run()).toThrow(/append-only/);
    db.close();
  });

  it('when two connections claim from the same file, then no delivery goes to both', async () => {
    const file = path.join(dir, 'two-processes.sqlite');
    const a = createSqliteAcknowledgementStore(file);
    const b = createSqliteAcknowledgementStore(file);
    await a.addDeliveries('c1', Array.from({ length: 300 }, (_, i) => `r${i}`), '2026-09-01T00:00:00.000Z');
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const now = '2026-09-01T00:00:01.000Z';
      for (const s of [a, b]) {
        const got = await s.claimDeliveries({ campaignId: 'c1', workerId: s === a ? 'A' : 'B', limit: 17, leaseMs: 60000, now });
        seen.push(...got.map((d) => d.userId));
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(300);
    await a.close();
    await b.close();
  });
});

describe('SQLite acknowledgement store upgrade', () => {
  it('when a database from before the tallies is opened, then its running campaign is counted once, departments and acknowledgements included', async () => {
    const { ACKNOWLEDGEMENT_MIGRATIONS } = await import('../../../src/adapters/sqlite/sqliteAcknowledgementSchema');
    const { migrate } = await import('../../../src/adapters/sqlite/sqliteDatabase');
    const file = path.join(dir, 'upgrade.sqlite');
    const db = openSqliteDatabase(file);
    migrate(db, 'acknowledgement', ACKNOWLEDGEMENT_MIGRATIONS.filter((m) => m.version <= 4));
    db.prepare(`INSERT INTO ack_campaigns (id, policy_id, version_hash, audience, due_date, started_at, started_by, round, series_id, status)
      VALUES ('c1', 'p', 'h', '{"kind":"all"}', '2026-09-30', '2026-09-01T00:00:00.000Z', 'owner', 1, 'c1', 'active')`).run();
    const person = db.prepare(`INSERT INTO ack_staff (user_id, upn, display_name, department, school, active, source, updated_at)
      VALUES (?, ?, ?, ?, NULL, 1, 'graph', '2026-09-01T00:00:00.000Z')`);
    const delivery = db.prepare(`INSERT INTO ack_deliveries (campaign_id, user_id, state, updated_at, opened_at) VALUES ('c1', ?, ?, '2026-09-01T00:00:00.000Z', ?)`);
    const rows: [string, string, string, string | null][] = [
      ['a', 'Maths', 'sent', null], ['b', 'Maths', 'sent', '2026-09-02T00:00:00.000Z'], ['c', 'Art', 'pending', null],
    ];
    for (const [id, dept, state, opened] of rows) {
      person.run(id, `${id}@x`, id.toUpperCase(), dept);
      delivery.run(id, state, opened);
    }
    db.prepare(`INSERT INTO ack_acknowledgements (policy_id, version_hash, user_id, upn, display_name, department, school, campaign_id, acknowledged_at, channel)
      VALUES ('p', 'h', 'a', 'a@x', 'A', 'Maths', NULL, 'c1', '2026-09-03T00:00:00.000Z', 'teams')`).run();
    db.close();

    const store = createSqliteAcknowledgementStore(file);
    const tallies = await store.tallyDeliveries('c1');
    expect(tallies).toEqual(expect.arrayContaining([
      { department: 'Maths', state: 'sent', acknowledged: true, excused: false, opened: false, count: 1 },
      { department: 'Maths', state: 'sent', acknowledged: false, excused: false, opened: true, count: 1 },
      { department: 'Art', state: 'pending', acknowledged: false, excused: false, opened: false, count: 1 },
    ]));
    expect(tallies).toHaveLength(3);
    expect(await store.listOutstanding('c1')).toEqual(['b']);
    await store.close();
  });

  it('when names tie and differ only in case across export pages, then each person comes once, by folded name then id', async () => {
    const store = createSqliteAcknowledgementStore(':memory:');
    const names: [string, string][] = [['u5', 'anna'], ['u2', 'Anna'], ['u9', 'ANNA'], ['u1', 'bob'], ['u3', 'Anna'], ['u4', 'Aaron'], ['u7', 'Bob']];
    await store.upsertStaff(names.map(([userId, displayName]) => ({
      userId, displayName, userPrincipalName: `${userId}@school.example`, active: true, source: 'graph' as const, updatedAt: '2026-09-01T00:00:00.000Z',
    })));
    await store.addDeliveries('c1', names.map(([id]) => id), '2026-09-01T00:00:00.000Z');
    await store.createCampaign({
      id: 'c1', policyId: 'p', versionHash: 'h', audience: { kind: 'all' }, dueDate: '2026-10-01', startedAt: '2026-09-01T00:00:00.000Z',
      startedBy: 'o', round: 1, seriesId: 'c1', status: 'active',
    });
    const seen: string[] = [];
    for await (const page of store.exportRecords('c1', 2)) seen.push(...page.map((r) => r.userId));
    expect(seen).toEqual(['u4', 'u2', 'u3', 'u5', 'u9', 'u1', 'u7']);
    await store.close();
  });
});
