import { createHash } from 'node:crypto';
import type { PolicyDocument } from '../../policy';
import { AcknowledgementStore } from './acknowledgementStore';
import { PolicyVersion } from './acknowledgementTypes';
import { trimEndMatching } from '../../../shared/linearTrim';

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

const MODAL = /\b(must not|must never|should not|should never|do not|never|not permitted|are not allowed|must|will not|should|always|only)\b/i;
const WEIGHTS: [RegExp, number][] = [
  [/\b(must not|must never|never|do not|not permitted|are not allowed|will not)\b/i, 3],
  [/\bmust\b/i, 2],
  [/\b(should not|should never)\b/i, 2],
  [/\b(should|always|only)\b/i, 1],
];
/** "(i) ", "a) ", "3. " before a sentence. */
const LIST_MARKER = /^\(?(?:[ivx]{1,4}|[a-z]|\d{1,2})[.)]\s+/i;
/** Sentences about the document or its background rather than a rule for staff. */
const BACKGROUND = /^(this policy|the policy|this document|the purpose|difficulties|personal communications which)\b|\b(scope of this policy|read alongside)\b/i;
const MIN_POINT = 35;
const MAX_POINT = 170;

/** The clearest rules of a policy for the card: short "must"/"never" sentences, one per top-level section. */
export function drawKeyPoints(doc: PolicyDocument, max = 5): string[] {
  const topOf = new Map<number, number>();
  for (const s of doc.sections) topOf.set(s.ordinal, s.parent === null ? s.ordinal : topOf.get(s.parent) ?? s.ordinal);
  const candidates: { text: string; score: number; top: number; order: number }[] = [];
  let order = 0;
  for (const section of doc.sections) {
    for (const raw of splitSentences(section.text)) {
      order += 1;
      const text = raw.replace(/^-\s+/, '').replace(LIST_MARKER, '').replace(/\s+/g, ' ').trim();
      if (text.length < MIN_POINT || text.length > MAX_POINT || !MODAL.test(text)) continue;
      // Placeholders and cross-references make poor key points.
      if (/\[[^\][]*\]|\bsee (section|appendix|paragraph)\b|\.\.\.|…/i.test(text)) continue;
      if (!/^[A-Z"'(]/.test(text) || BACKGROUND.test(text)) continue;
      const score = WEIGHTS.reduce((sum, [re, w]) => sum + (re.test(text) ? w : 0), 0);
      candidates.push({ text: finishSentence(text), score, top: topOf.get(section.ordinal) ?? section.ordinal, order });
    }
  }
  const best = new Map<number, (typeof candidates)[number]>();
  for (const c of candidates) {
    const held = best.get(c.top);
    if (!held || c.score > held.score) best.set(c.top, c);
  }
  const picked = [...best.values()].sort((a, b) => b.score - a.score || a.order - b.order).slice(0, max);
  const seen = new Set<string>();
  return picked
    .sort((a, b) => a.order - b.order)
    .map((c) => c.text)
    .filter((t) => (seen.has(t.toLowerCase()) ? false : (seen.add(t.toLowerCase()), true)));
}

function splitSentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((para) => para.split(/(?<=[.!?])\s+(?=[A-Z"'(])/))
    .filter((s) => s.trim().length > 0);
}

function finishSentence(text: string): string {
  const trimmed = trimEndMatching(text, /[;:,\s]/);
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Options of registering a policy version. */
export interface RegisterVersionOptions {
  now: Date;
  /** Where staff read the whole policy; absent means the card offers the bot's own reader. */
  readUrl?: string;
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
  const version: PolicyVersion = {
    policyId: doc.id,
    versionHash: doc.metadata.contentHash,
    title: doc.metadata.title || doc.title,
    ...(doc.metadata.version ? { versionLabel: doc.metadata.version } : {}),
    ...(doc.metadata.nextReview ? { reviewDate: doc.metadata.nextReview } : {}),
    keyPoints: drawKeyPoints(doc),
    ...(options.readUrl ? { readUrl: options.readUrl } : {}),
    material: !previous || previous.wordingHash !== wording,
    wordingHash: wording,
    publishedAt: options.now.toISOString(),
  };
  await store.savePolicyVersion(version);
  await store.appendAudit({
    at: version.publishedAt, actor: 'system', action: 'policy.versionRegistered', subject: `${doc.id}@${version.versionHash}`,
    details: { material: version.material, keyPoints: version.keyPoints.length },
  });
  // Another instance may have registered it a moment earlier: read back what the store kept.
  const kept = (await store.getPolicyVersion(doc.id, version.versionHash)) ?? version;
  return { version: kept, ...(previous ? { previous } : {}), isNew: true };
}
