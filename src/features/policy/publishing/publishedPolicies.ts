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

/** A version as the store keeps it, with its number: a later version of the same policy has a higher one. */
export interface StoredPolicyVersion extends PublishedPolicy {
  number: number;
}

/** A kept version without its file. */
export type PublishedVersionSummary = Omit<StoredPolicyVersion, 'content'>;

/**
 * What a publish expects still to be so when it is written. The store checks it and writes in one step (an insert that
 * only happens while the condition holds), so of two publishes made on the same view, from one instance or two, exactly
 * one is kept.
 */
export type PublishCondition =
  /** The school's first policy from chat or the CLI: kept only while no policy has come that way (configuredHash ''). */
  | { first: true }
  /** A new version: kept only while the policy's newest version is still number `after` (0: it has none yet). */
  | { after: number };

/** What came of a publish: kept, with its number; or not, with what is kept instead (undefined when nothing can be read). */
export type PublishOutcome =
  | { published: true; number: number }
  | { published: false; live: PublishedVersionSummary | undefined };

/** One step of publishing, for the record: who did what to which version, when. */
export interface PolicyAuditEntry {
  at: string;
  actor: string;
  action: 'version.received' | 'version.refused' | 'version.unreadable' | 'version.published' | 'version.notPublished' | 'version.discarded';
  policyId: string;
  details: Record<string, string | number | boolean>;
}

/** Port: where published versions and the publishing audit are kept; both append-only. */
export interface PublishedPolicyStore {
  /** Keeps a version if the condition still holds; says which happened, and what is there when it did not. */
  publish(version: PublishedPolicy, condition: PublishCondition): Promise<PublishOutcome>;
  /** The newest published version of a policy. */
  latest(policyId: string): Promise<StoredPolicyVersion | undefined>;
  /** The newest published version of a policy without its file: the cheap look every instance takes to follow publishes. */
  newest(policyId: string): Promise<PublishedVersionSummary | undefined>;
  /** A published version of a policy by its content hash (the newest with that hash), with its file. */
  version(policyId: string, contentHash: string): Promise<StoredPolicyVersion | undefined>;
  /** Every published version, oldest first, without the files. */
  history(policyId: string): Promise<PublishedVersionSummary[]>;
  /**
   * The newest version of each policy published so far, without the files, in the order each policy was first
   * published: with no POLICY_FILES, the policies owners sent in chat are found this way at start-up.
   */
  listPolicies(): Promise<PublishedVersionSummary[]>;
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
