import { TableClient } from '@azure/data-tables';
import { safeKey } from '../azureTables/azureTableRecords';
import { schoolRuleEntity } from '../azureTables/azureTableSchoolRuleStore';
import { SqliteDatabase } from '../sqlite/sqliteDatabase';
import { createSqliteSchoolRuleStore } from '../sqlite/sqliteSchoolRuleStore';
import { countRange, CopyCount, createAll, result } from './copyHelpers';

/**
 * The school's rules for "check my post" (issue 71), every step of every version, numbered within its version in
 * SQLite's order as the Azure store numbers them; a step already there is left as it is, so a second run copies nothing.
 */
export async function copySchoolRules(db: SqliteDatabase, client: TableClient, done: (c: CopyCount) => void): Promise<void> {
  // The table, in a file from before the rules were kept: then there is nothing to copy.
  const store = createSqliteSchoolRuleStore(db);
  const versions = db.prepare('SELECT policy_id, content_hash FROM policy_school_rules GROUP BY policy_id, content_hash ORDER BY MIN(seq)')
    .all() as { policy_id: string; content_hash: string }[];
  let sqlite = 0;
  let copied = 0;
  let alreadyThere = 0;
  let azure = 0;
  for (const v of versions) {
    const steps = await store.steps(v.policy_id, v.content_hash);
    sqlite += steps.length;
    const r = await createAll(client, steps.map((s, i) => schoolRuleEntity(s, i + 1)), ['action', 'at', 'by'], 'rule step');
    copied += r.copied;
    alreadyThere += r.alreadyThere;
    azure += await countRange(client, safeKey(v.policy_id), `${v.content_hash}|`);
  }
  done(result('rules for check my post (steps)', sqlite, { copied, alreadyThere }, azure));
}
