import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteAcknowledgementStore } from '../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { describeAcknowledgementStoreContract } from '../../support/contracts/acknowledgementStoreContract';

let dir: string;
let n = 0;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-sqlite-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describeAcknowledgementStoreContract('SQLite', async () => createSqliteAcknowledgementStore(path.join(dir, `c${n++}.sqlite`)));

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
