import { trimEndMatching, trimStartMatching } from '../../../shared/linearTrim';

/** A version of a policy an owner published from chat or the CLI, kept whole for the record. */
export interface PublishedPolicy {
  /** The document id it replaces ("liverpool-model"): citations and acknowledgements keep following it. */
  policyId: string;
  /** The file as the owner sent it ("Social media policy 2027.docx"); its extension says how to read it. */
  fileName: string;
  content: Buffer;
  /** The new version's content hash (PolicyDocument.metadata.contentHash). */
  contentHash: string;
  /**
   * The hash of the file POLICY_FILES names as it was when this was published. At start-up the published
   * version is used while that file is unchanged; once IT deploys a different file, the file wins. Empty for a
   * policy that came from chat with no file configured (its first version was sent by an owner).
   */
  configuredHash: string;
  publishedBy: string;
  publishedAt: string;
}

/** One step of publishing, for the record: who did what to which version, when. */
export interface PolicyAuditEntry {
  at: string;
  actor: string;
  action: 'version.received' | 'version.refused' | 'version.unreadable' | 'version.published' | 'version.discarded';
  policyId: string;
  details: Record<string, string | number | boolean>;
}

/** Port: where published versions and the publishing audit are kept; both append-only. */
export interface PublishedPolicyStore {
  publish(version: PublishedPolicy): Promise<void>;
  /** The newest published version of a policy. */
  latest(policyId: string): Promise<PublishedPolicy | undefined>;
  /** Every published version, oldest first, without the files. */
  history(policyId: string): Promise<Omit<PublishedPolicy, 'content'>[]>;
  /**
   * The newest version of each policy published so far, without the files, in the order each policy was first
   * published: with no POLICY_FILES, the policies owners sent in chat are found this way at start-up.
   */
  listPolicies(): Promise<Omit<PublishedPolicy, 'content'>[]>;
  appendAudit(entry: PolicyAuditEntry): Promise<void>;
  listAudit(policyId: string): Promise<PolicyAuditEntry[]>;
}

/**
 * The id a school's first policy keeps across all its versions when it came from chat or `publish` with no file
 * configured: its first file's name ("Social media policy.docx" gives "social-media-policy"), stored with every version.
 */
export function firstPolicyId(fileName: string): string {
  const slug = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const id = trimEndMatching(trimStartMatching(slug, /-/), /-/).slice(0, 80);
  return trimEndMatching(id, /-/) || 'policy';
}
