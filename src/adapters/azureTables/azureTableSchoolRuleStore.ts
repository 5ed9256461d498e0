import { odata, TableClient } from '@azure/data-tables';
import { DraftConcernId } from '../../features/policy/drafts/draftConcerns';
import { RuleStep, RuleStepAction, SchoolRuleStore } from '../../features/policy/drafts/schoolRules';
import { AzureTableConnection, backoff, getLong, httpStatusOf, openRecordTable, padKey, putLong, queryAll, safeKey } from './azureTableRecords';

/** The table's name after the prefix: `<prefix>Rules`. */
export const SCHOOL_RULES_TABLE = 'Rules';
const TRIES = 30;

/** A step's entity under its number within its version: what the store writes, and what the storage copy writes. */
export function schoolRuleEntity(s: RuleStep, seq: number): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  const entity: Record<string, unknown> = {
    policyId: s.policyId, contentHash: s.contentHash, concern: s.concern ?? '', action: s.action, by: s.by, at: s.at,
    ...(s.rule ? { citation: s.rule.citation, documentTitle: s.rule.documentTitle, section: s.rule.section } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
  };
  putLong(entity, 'quote', s.rule?.quote);
  return { partitionKey: safeKey(s.policyId), rowKey: `${s.contentHash}|${padKey(seq, 8)}`, seq, ...entity };
}

/**
 * The school's rules for "check my post" in Azure Table storage (issue 71), beside the published versions: one partition
 * per policy, a row per step under `<content hash>|<number>`, numbered in order within the version. A step is created
 * under the number after the last one read, and only if that number is free: two instances writing at once both keep
 * theirs, one under the next number. Rows are created, never updated or deleted.
 */
export async function createAzureTableSchoolRuleStore(connection: AzureTableConnection): Promise<SchoolRuleStore> {
  return createAzureTableSchoolRuleStoreOn(await openRecordTable(connection, SCHOOL_RULES_TABLE));
}

/** The store over an open table client. */
export function createAzureTableSchoolRuleStoreOn(client: TableClient): SchoolRuleStore {
  const rows = (policyId: string, contentHash: string) => queryAll(client,
    odata`PartitionKey eq ${safeKey(policyId)} and RowKey ge ${`${contentHash}|`} and RowKey lt ${`${contentHash}|~`}`);

  return {
    async append(s) {
      for (let attempt = 0; ; attempt++) {
        const seq = (await rows(s.policyId, s.contentHash)).reduce((n, e) => Math.max(n, Number(e.seq ?? 0)), 0) + 1;
        try {
          await client.createEntity(schoolRuleEntity(s, seq));
          return;
        } catch (err) {
          if (httpStatusOf(err) !== 409 || attempt >= TRIES) throw err;
          await backoff(attempt);
        }
      }
    },
    async steps(policyId, contentHash) {
      return (await rows(policyId, contentHash)).sort((a, b) => Number(a.seq) - Number(b.seq)).map((e): RuleStep => {
        const quote = getLong(e, 'quote');
        return {
          policyId: String(e.policyId), contentHash: String(e.contentHash), concern: e.concern ? (String(e.concern) as DraftConcernId) : null,
          action: String(e.action) as RuleStepAction,
          rule: quote === undefined ? null : { quote, citation: String(e.citation ?? ''), documentTitle: String(e.documentTitle ?? ''), section: Number(e.section ?? 0) },
          by: String(e.by), at: String(e.at), ...(e.reason ? { reason: String(e.reason) } : {}),
        };
      });
    },
  };
}
