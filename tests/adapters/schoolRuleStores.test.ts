import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { createAzureTableSchoolRuleStoreOn } from '../../src/adapters/azureTables/azureTableSchoolRuleStore';
import { createSqliteSchoolRuleStore } from '../../src/adapters/sqlite/sqliteSchoolRuleStore';
import { openSqliteDatabase, SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { RuleStep, SchoolRuleStore } from '../../src/features/policy/drafts/schoolRules';
import { AzuriteTables, startAzuriteTables } from '../support/azuriteServer';
import { copySchoolRules } from '../../src/adapters/storageCopy/copySchoolRules';

/** The school's rules (issue 71) in both stores: steps read back per version, in order, and nothing is ever changed. */
const base = { policyId: 'oakfield', contentHash: 'a1b2c3', at: '2027-01-10T09:00:00.000Z' };
const rule = { quote: 'Staff must never post a photograph of a pupil on a personal account.', citation: '2. Acceptable use', documentTitle: 'Social Media Policy', section: 2 };
const steps: RuleStep[] = [
  { ...base, concern: 'pupil-images', action: 'proposed', rule, by: 'bot' },
  { ...base, concern: 'political', action: 'proposed', rule: null, by: 'bot' },
  { ...base, concern: null, action: 'refused', rule: null, by: 'aad-outsider', reason: 'not an owner' },
  { ...base, concern: 'pupil-images', action: 'changed', rule: { ...rule, quote: 'x'.repeat(40_000) }, by: 'aad-owner' },
];

const contract = (name: string, open: () => Promise<SchoolRuleStore>) => {
  it(`${name}: when steps are appended for two versions, then each version reads back its own, in order, as written`, async () => {
    const store = await open();
    for (const s of steps) await store.append(s);
    await store.append({ ...base, contentHash: 'ffee00', concern: 'contact', action: 'removed', rule: null, by: 'aad-owner' });
    expect(await store.steps('oakfield', 'a1b2c3')).toEqual(steps);
    expect(await store.steps('oakfield', 'ffee00')).toHaveLength(1);
    expect(await store.steps('other', 'a1b2c3')).toEqual([]);
  });
};

describe('the school\'s rules in SQLite', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-')); db = openSqliteDatabase(path.join(dir, 'r.sqlite')); });
  afterAll(() => { db.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  contract('SQLite', async () => createSqliteSchoolRuleStore(db));

  it('when anyone tries to change or delete a step, then the database refuses', async () => {
    createSqliteSchoolRuleStore(db);
    expect(() => db.prepare('UPDATE policy_school_rules SET quote = ?').run('changed')).toThrow(/RULES_APPEND_ONLY/);
    expect(() => db.prepare('DELETE FROM policy_school_rules').run()).toThrow(/RULES_APPEND_ONLY/);
    expect(() => db.prepare('REPLACE INTO policy_school_rules (seq, policy_id, content_hash, action, by, at) VALUES (1, ?, ?, ?, ?, ?)').run('p', 'h', 'removed', 'x', 'y')).toThrow(/RULES_APPEND_ONLY/);
  });
});

describe('the school\'s rules on Azure Tables (Azurite)', () => {
  let azurite: AzuriteTables;
  beforeAll(async () => { azurite = await startAzuriteTables(); });
  afterAll(async () => { await azurite?.stop(); });
  const table = () => TableClient.fromConnectionString(azurite.connectionString, `t${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}Rules`, { allowInsecureConnection: true });

  contract('Azure Tables', async () => {
    const client = table();
    await client.createTable();
    return createAzureTableSchoolRuleStoreOn(client);
  });

  it('when two instances append at once, then both steps are kept', async () => {
    const client = table();
    await client.createTable();
    const [a, b] = [createAzureTableSchoolRuleStoreOn(client), createAzureTableSchoolRuleStoreOn(client)];
    await Promise.all([a.append(steps[0]), b.append(steps[1]), a.append(steps[2])]);
    expect(await a.steps('oakfield', 'a1b2c3')).toHaveLength(3);
  });
});

describe('copying the school\'s rules from SQLite to Azure Tables (Azurite)', () => {
  let azurite: AzuriteTables;
  let dir: string;
  beforeAll(async () => { azurite = await startAzuriteTables(); dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-copy-')); });
  afterAll(async () => { await azurite?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('when a school moves to Azure, then every version\'s steps read back the same there, and a second run copies nothing', async () => {
    const db = openSqliteDatabase(path.join(dir, 'c.sqlite'));
    const sqlite = createSqliteSchoolRuleStore(db);
    for (const s of steps) await sqlite.append(s);
    await sqlite.append({ ...base, contentHash: 'ffee00', concern: 'contact', action: 'removed', rule: null, by: 'aad-owner' });
    const client = TableClient.fromConnectionString(azurite.connectionString, `t${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}Rules`, { allowInsecureConnection: true });
    await client.createTable();
    const counts: { copied: number; alreadyThere: number; ok: boolean }[] = [];
    await copySchoolRules(db, client, (c) => counts.push(c));
    await copySchoolRules(db, client, (c) => counts.push(c));
    expect(counts.map((c) => [c.copied, c.alreadyThere, c.ok])).toEqual([[5, 0, true], [0, 5, true]]);
    const azure = createAzureTableSchoolRuleStoreOn(client);
    expect(await azure.steps('oakfield', 'a1b2c3')).toEqual(steps);
    expect(await azure.steps('oakfield', 'ffee00')).toEqual(await sqlite.steps('oakfield', 'ffee00'));
    db.close();
  });
});
