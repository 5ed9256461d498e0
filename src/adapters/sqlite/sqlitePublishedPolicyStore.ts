import {
  PolicyAuditEntry, PublishCondition, PublishedPolicy, PublishedPolicyStore, PublishedVersionSummary, PublishOutcome, StoredPolicyVersion,
} from '../../features/policy/publishing/publishedPolicies';
import { migrate, SqliteDatabase } from './sqliteDatabase';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE policy_published (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, policy_id TEXT NOT NULL, file_name TEXT NOT NULL, content BLOB NOT NULL,
        content_hash TEXT NOT NULL, configured_hash TEXT NOT NULL, published_by TEXT NOT NULL, published_at TEXT NOT NULL);
      CREATE INDEX policy_published_by_policy ON policy_published (policy_id, seq);
      CREATE TABLE policy_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        policy_id TEXT NOT NULL, details TEXT NOT NULL);
      CREATE TRIGGER policy_published_no_update BEFORE UPDATE ON policy_published
        BEGIN SELECT RAISE(ABORT, 'POLICY_APPEND_ONLY: published versions are kept as they were'); END;
      CREATE TRIGGER policy_published_no_delete BEFORE DELETE ON policy_published
        BEGIN SELECT RAISE(ABORT, 'POLICY_APPEND_ONLY: published versions are kept for the record'); END;
      CREATE TRIGGER policy_published_no_replace BEFORE INSERT ON policy_published
        WHEN EXISTS (SELECT 1 FROM policy_published WHERE seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, 'POLICY_APPEND_ONLY: published versions are never replaced'); END;
      CREATE TRIGGER policy_audit_no_update BEFORE UPDATE ON policy_audit
        BEGIN SELECT RAISE(ABORT, 'POLICY_APPEND_ONLY: the audit is never changed'); END;
      CREATE TRIGGER policy_audit_no_delete BEFORE DELETE ON policy_audit
        BEGIN SELECT RAISE(ABORT, 'POLICY_APPEND_ONLY: the audit is never deleted'); END;
      CREATE TRIGGER policy_audit_no_replace BEFORE INSERT ON policy_audit
        WHEN EXISTS (SELECT 1 FROM policy_audit WHERE seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, 'POLICY_APPEND_ONLY: the audit is never replaced'); END;
    `,
  },
];

interface Row {
  seq: number; policy_id: string; file_name: string; content?: Buffer; content_hash: string; configured_hash: string; published_by: string; published_at: string;
}

const toStored = (r: Row): StoredPolicyVersion => ({
  policyId: r.policy_id, fileName: r.file_name, content: r.content ?? Buffer.alloc(0), contentHash: r.content_hash,
  configuredHash: r.configured_hash, publishedBy: r.published_by, publishedAt: r.published_at, number: r.seq,
});

const toSummary = (r: Row): PublishedVersionSummary => {
  const { content: _content, ...rest } = toStored(r);
  return rest;
};

const SUMMARY = 'seq, policy_id, file_name, content_hash, configured_hash, published_by, published_at';
const INSERT = 'INSERT INTO policy_published (policy_id, file_name, content, content_hash, configured_hash, published_by, published_at) SELECT ?, ?, ?, ?, ?, ?, ?';

/**
 * Published policy versions and their audit in the embedded database; rows are only ever inserted. A version's number is
 * its row's seq. A publish is one INSERT ... SELECT ... WHERE its condition, in a transaction that takes the write lock
 * as it begins, so a second connection (another process on the same file) cannot slip a version in between.
 */
export function createSqlitePublishedPolicyStore(db: SqliteDatabase): PublishedPolicyStore {
  migrate(db, 'policy-published', MIGRATIONS);
  const insertFirst = db.prepare(`${INSERT} WHERE NOT EXISTS (SELECT 1 FROM policy_published WHERE configured_hash = '')`);
  const insertAfter = db.prepare(`${INSERT} WHERE COALESCE((SELECT MAX(seq) FROM policy_published WHERE policy_id = ?), 0) = ?`);
  const latest = db.prepare('SELECT * FROM policy_published WHERE policy_id = ? ORDER BY seq DESC LIMIT 1');
  const latestSummary = db.prepare(`SELECT ${SUMMARY} FROM policy_published WHERE policy_id = ? ORDER BY seq DESC LIMIT 1`);
  const history = db.prepare(`SELECT ${SUMMARY} FROM policy_published WHERE policy_id = ? ORDER BY seq`);
  const byHash = db.prepare('SELECT * FROM policy_published WHERE policy_id = ? AND content_hash = ? ORDER BY seq DESC LIMIT 1');
  const policies = db.prepare(`SELECT ${SUMMARY.split(', ').map((c) => `p.${c}`).join(', ')}
    FROM policy_published p JOIN (SELECT policy_id, MIN(seq) AS first, MAX(seq) AS last FROM policy_published GROUP BY policy_id) g
    ON p.seq = g.last ORDER BY g.first`);
  const audit = db.prepare('INSERT INTO policy_audit (at, actor, action, policy_id, details) VALUES (?, ?, ?, ?, ?)');
  const listAudit = db.prepare('SELECT * FROM policy_audit WHERE policy_id = ? ORDER BY seq');
  /** The school's first policy from chat as it is now: the first such policy at its newest version. */
  const chatPolicy = (): PublishedVersionSummary | undefined => (policies.all() as Row[]).map(toSummary).find((p) => p.configuredHash === '');

  const publish = db.transaction((v: PublishedPolicy, condition: PublishCondition): PublishOutcome => {
    const values = [v.policyId, v.fileName, v.content, v.contentHash, v.configuredHash, v.publishedBy, v.publishedAt];
    const written = 'first' in condition ? insertFirst.run(...values) : insertAfter.run(...values, v.policyId, condition.after);
    if (written.changes === 1) return { published: true, number: Number(written.lastInsertRowid) };
    if ('first' in condition) return { published: false, live: chatPolicy() };
    const newest = latestSummary.get(v.policyId) as Row | undefined;
    return { published: false, live: newest ? toSummary(newest) : undefined };
  });

  return {
    async publish(v, condition) {
      return publish(v, condition);
    },
    async latest(policyId) {
      const row = latest.get(policyId) as Row | undefined;
      return row ? toStored(row) : undefined;
    },
    async newest(policyId) {
      const row = latestSummary.get(policyId) as Row | undefined;
      return row ? toSummary(row) : undefined;
    },
    async version(policyId, contentHash) {
      const row = byHash.get(policyId, contentHash) as Row | undefined;
      return row ? toStored(row) : undefined;
    },
    async history(policyId) {
      return (history.all(policyId) as Row[]).map(toSummary);
    },
    async listPolicies() {
      return (policies.all() as Row[]).map(toSummary);
    },
    async appendAudit(e) {
      audit.run(e.at, e.actor, e.action, e.policyId, JSON.stringify(e.details));
    },
    async listAudit(policyId) {
      return (listAudit.all(policyId) as { at: string; actor: string; action: PolicyAuditEntry['action']; policy_id: string; details: string }[])
        .map((r) => ({ at: r.at, actor: r.actor, action: r.action, policyId: r.policy_id, details: JSON.parse(r.details) as PolicyAuditEntry['details'] }));
    },
  };
}
