import type { Statement } from 'better-sqlite3';
import { PolicyVersion } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { Row, toPolicyVersion } from './sqliteAcknowledgementRows';

type Prepare = (sql: string) => Statement<unknown[]>;

/**
 * Policy versions in SQLite: written once (a second save of the same version changes nothing), read by version or
 * newest first. What changed from the version before is kept as JSON beside it.
 */

/** Records a version; the first save of a (policy, version) stays. */
export function savePolicyVersion(q: Prepare, v: PolicyVersion): void {
  q(`INSERT INTO ack_policy_versions (policy_id, version_hash, title, version_label, review_date,
    key_points, read_url, material, wording_hash, published_at, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (policy_id, version_hash) DO NOTHING`)
    .run(v.policyId, v.versionHash, v.title, v.versionLabel ?? null, v.reviewDate ?? null,
      JSON.stringify(v.keyPoints), v.readUrl ?? null, v.material ? 1 : 0, v.wordingHash ?? null, v.publishedAt,
      v.changes ? JSON.stringify(v.changes) : null);
}

/** One version of a policy. */
export function getPolicyVersion(q: Prepare, policyId: string, versionHash: string): PolicyVersion | undefined {
  const row = q('SELECT * FROM ack_policy_versions WHERE policy_id = ? AND version_hash = ?').get(policyId, versionHash) as Row | undefined;
  return row ? toPolicyVersion(row) : undefined;
}

/** The most recently published version of a policy. */
export function getLatestPolicyVersion(q: Prepare, policyId: string): PolicyVersion | undefined {
  const row = q(`SELECT * FROM ack_policy_versions WHERE policy_id = ?
    ORDER BY published_at DESC, rowid DESC LIMIT 1`).get(policyId) as Row | undefined;
  return row ? toPolicyVersion(row) : undefined;
}
