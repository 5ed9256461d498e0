import { createHash } from 'node:crypto';
import type { PolicyDocument } from '../../policy';
import { AcknowledgementStore } from './acknowledgementStore';
import { PolicyVersion } from './acknowledgementTypes';
import { proposeKeyPoints } from './keyPoints';
import { describeChanges } from './versionChanges';
import { formatSchoolDate, formatSchoolTime } from '../../../shared/schoolTime';

const MONTHS = /\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b/g;

/**
 * sha256 of the policy's wording alone: lower-cased letters of titles and text, with numbers, month names,
 * punctuation and layout removed. Two versions with the same wording hash differ only in dates, numbering or
 * layout, which is not a material change.
 */
export function wordingHash(doc: PolicyDocument): string {
  const words = doc.sections
    .map((s) => `${s.title}\n${s.text}`)
    .join('\n')
    .toLowerCase()
    .replace(MONTHS, ' ')
    .replace(/[^a-z]+/g, ' ')
    .trim();
  return createHash('sha256').update(words).digest('hex');
}

/** The clearest rules of a policy for the card, as keyPoints.ts proposes them (the owner may change them per campaign). */
export function drawKeyPoints(doc: PolicyDocument, max = 5): string[] {
  return proposeKeyPoints(doc, max).proposed;
}

/**
 * The document's own version label, unless the version before had the same one (a new file whose version table
 * has no new row): people must be able to tell two versions apart, and the card then names the day it was published.
 */
function ownLabel(doc: PolicyDocument, previous: PolicyVersion | undefined, replaces: PolicyDocument | undefined): string | undefined {
  const label = doc.metadata.version?.trim();
  if (!label || !previous) return label || undefined;
  const before = [previous.versionLabel, replaces?.id === doc.id ? replaces.metadata.version : undefined];
  return before.some((b) => b !== undefined && b.trim().toLowerCase() === label.toLowerCase()) ? undefined : label;
}

/**
 * A version without a label of its own is named by the day it was published; a second one published the same day as
 * the version before it is named by the time too ("published 28 November 2026 at 14:05 GMT"), so that the two are told
 * apart on every card, status line and export.
 */
function sameDayLabel(previous: PolicyVersion | undefined, now: Date): string | undefined {
  const iso = now.toISOString();
  // The version before has a label of its own ("2 (February 2023)"): the day tells the two apart already.
  if (!previous || (previous.versionLabel && !/^published /.test(previous.versionLabel))) return undefined;
  if (formatSchoolDate(previous.publishedAt) !== formatSchoolDate(iso)) return undefined;
  const time = formatSchoolTime(iso).split(', ').pop();
  return `published ${formatSchoolDate(iso)} at ${time}`;
}

/** Options of registering a policy version. */
export interface RegisterVersionOptions {
  now: Date;
  /** Where staff read the whole policy; absent means the card offers the bot's own reader. */
  readUrl?: string;
  /**
   * The document this version replaces, when it is at hand (a version published in chat): what changed is then kept
   * with the version, for staff's next card and the owner's next round.
   */
  replaces?: PolicyDocument;
}

/** What registering found. */
export interface RegisteredVersion {
  version: PolicyVersion;
  /** The version that was the latest before, when this one is new. */
  previous?: PolicyVersion;
  isNew: boolean;
}

/**
 * Records the version of a policy the bot runs on. A version whose wording differs from the previous one is
 * material (staff must acknowledge it afresh); one that only changes dates or layout is not.
 */
export async function registerPolicyVersion(
  store: AcknowledgementStore, doc: PolicyDocument, options: RegisterVersionOptions,
): Promise<RegisteredVersion> {
  const existing = await store.getPolicyVersion(doc.id, doc.metadata.contentHash);
  if (existing) return { version: existing, isNew: false };
  const previous = await store.getLatestPolicyVersion(doc.id);
  const wording = wordingHash(doc);
  const label = ownLabel(doc, previous, options.replaces) ?? sameDayLabel(previous, options.now);
  const replaced = options.replaces && previous && options.replaces.id === doc.id && options.replaces.metadata.contentHash === previous.versionHash
    ? options.replaces : undefined;
  const version: PolicyVersion = {
    policyId: doc.id,
    versionHash: doc.metadata.contentHash,
    title: doc.metadata.title || doc.title,
    ...(label ? { versionLabel: label } : {}),
    ...(doc.metadata.nextReview ? { reviewDate: doc.metadata.nextReview } : {}),
    keyPoints: drawKeyPoints(doc),
    ...(options.readUrl ? { readUrl: options.readUrl } : {}),
    material: !previous || previous.wordingHash !== wording,
    wordingHash: wording,
    publishedAt: options.now.toISOString(),
    ...(replaced ? { changes: describeChanges(replaced, doc) } : {}),
  };
  await store.savePolicyVersion(version);
  await store.appendAudit({
    at: version.publishedAt, actor: 'system', action: 'policy.versionRegistered', subject: `${doc.id}@${version.versionHash}`,
    details: { material: version.material, keyPoints: version.keyPoints.length, ...(version.changes ? { changedSections: version.changes.sections.length } : {}) },
  });
  // Another instance may have registered it a moment earlier: read back what the store kept.
  const kept = (await store.getPolicyVersion(doc.id, version.versionHash)) ?? version;
  return { version: kept, ...(previous ? { previous } : {}), isNew: true };
}
