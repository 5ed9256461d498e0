import { DraftConcernId } from '../../features/policy/drafts/draftConcerns';
import { RuleStep, RuleStepAction, SchoolRuleStore } from '../../features/policy/drafts/schoolRules';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    // Beside the published versions: each version's rules for "check my post", step by step; never changed, never deleted.
    version: 1,
    sql: `CREATE TABLE policy_school_rules (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, policy_id TEXT NOT NULL, content_hash TEXT NOT NULL, concern TEXT,
      action TEXT NOT NULL, quote TEXT, citation TEXT, document_title TEXT, section INTEGER,
      by TEXT NOT NULL, at TEXT NOT NULL, reason TEXT);
    CREATE INDEX policy_school_rules_by_version ON policy_school_rules (policy_id, content_hash, seq);
    CREATE TRIGGER policy_school_rules_no_update BEFORE UPDATE ON policy_school_rules
      BEGIN SELECT RAISE(ABORT, 'RULES_APPEND_ONLY: a rule step is never changed'); END;
    CREATE TRIGGER policy_school_rules_no_delete BEFORE DELETE ON policy_school_rules
      BEGIN SELECT RAISE(ABORT, 'RULES_APPEND_ONLY: a rule step is never deleted'); END;
    -- REPLACE INTO deletes the row it replaces without firing the delete trigger: a colliding insert is refused.
    CREATE TRIGGER policy_school_rules_no_replace BEFORE INSERT ON policy_school_rules
      WHEN EXISTS (SELECT 1 FROM policy_school_rules WHERE seq = NEW.seq)
      BEGIN SELECT RAISE(ABORT, 'RULES_APPEND_ONLY: a rule step is never replaced'); END;`,
  },
];

interface Row {
  policy_id: string; content_hash: string; concern: string | null; action: string; quote: string | null; citation: string | null;
  document_title: string | null; section: number | null; by: string; at: string; reason: string | null;
}

/**
 * The school's rules for "check my post" in the embedded database (issue 71): every step (the bot's proposal, an
 * owner's decision, a refusal) is a row, inserted and never changed; a version's rules are its rows in order. What is
 * kept is the policy's own sentences, where they are, and who decided when: nothing of any draft.
 */
export function createSqliteSchoolRuleStore(db: SqliteDatabase): SchoolRuleStore {
  migrate(db, 'policy-school-rules', MIGRATIONS);
  // A plain INSERT, never OR REPLACE: seq is the record's own order.
  const insert = db.prepare(`INSERT INTO policy_school_rules (policy_id, content_hash, concern, action, quote, citation, document_title, section, by, at, reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const list = db.prepare('SELECT * FROM policy_school_rules WHERE policy_id = ? AND content_hash = ? ORDER BY seq');
  return {
    async append(s) {
      insert.run(s.policyId, s.contentHash, s.concern, s.action, s.rule?.quote ?? null, s.rule?.citation ?? null, s.rule?.documentTitle ?? null,
        s.rule?.section ?? null, s.by, s.at, s.reason ?? null);
    },
    async steps(policyId, contentHash) {
      return (list.all(policyId, contentHash) as Row[]).map((r): RuleStep => ({
        policyId: r.policy_id, contentHash: r.content_hash, concern: r.concern as DraftConcernId | null, action: r.action as RuleStepAction,
        rule: r.quote === null ? null : { quote: r.quote, citation: r.citation ?? '', documentTitle: r.document_title ?? '', section: r.section ?? 0 },
        by: r.by, at: r.at, ...(r.reason === null ? {} : { reason: r.reason }),
      }));
    },
  };
}
