import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteTeachingLinkStore } from '../../../src/adapters/sqlite/sqliteTeachingLinkStore';
import { createInMemoryTeachingLinkStore, TeachingAuditEntry } from '../../../src/features/policy/teaching/teachingLinks';

const REFUSED: TeachingAuditEntry = { at: '2026-11-21T09:00:00.000Z', actor: 'aad-outsider', action: 'owner.refused', command: 'teach' };

describe('the teaching audit (owner-only commands refused)', () => {
  it.each([
    ['SQLite', () => createSqliteTeachingLinkStore(openSqliteDatabase(':memory:'))],
    ['in memory', () => createInMemoryTeachingLinkStore()],
  ])('when refusals are appended (%s), then they read back in order, apart from the links', async (_name, make) => {
    const store = make();
    await store.appendAudit(REFUSED);
    await store.appendAudit({ ...REFUSED, at: '2026-11-21T09:01:00.000Z', command: 'unanswered' });

    expect(await store.listAudit()).toEqual([REFUSED, { ...REFUSED, at: '2026-11-21T09:01:00.000Z', command: 'unanswered' }]);
    expect(await store.list()).toEqual([]);
  });

  it('when someone with the file tries to change or delete an audit line, then SQLite refuses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teaching-audit-'));
    try {
      const file = path.join(dir, 'bot.sqlite');
      const db = openSqliteDatabase(file);
      await createSqliteTeachingLinkStore(db).appendAudit(REFUSED);
      db.close();

      const raw = new Database(file);
      expect(() => raw.prepare("UPDATE policy_teaching_audit SET actor = 'someone-else'").run()).toThrow(/APPEND_ONLY/);
      expect(() => raw.prepare('DELETE FROM policy_teaching_audit').run()).toThrow(/APPEND_ONLY/);
      expect(() => raw.prepare("REPLACE INTO policy_teaching_audit (seq, at, actor, action, command) VALUES (1, 'x', 'forger', 'owner.refused', 'teach')").run()).toThrow(/APPEND_ONLY/);
      expect(raw.prepare('SELECT actor FROM policy_teaching_audit').all()).toEqual([{ actor: 'aad-outsider' }]);
      raw.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
