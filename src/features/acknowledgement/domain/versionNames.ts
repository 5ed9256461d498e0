import { Campaign, PolicyVersion } from './acknowledgementTypes';
import { describeAudience } from './campaignAudience';
import { formatSchoolDate } from '../../../shared/schoolTime';

/**
 * How people read a policy version and a campaign: the document's own label or the day it was published, the
 * campaign's policy, audience and start day. Never the fingerprint or the campaign's id (those are for the export's
 * proof and the audit). Here, not in the cards, because the export and the owners' messages name them too.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-09-14T10:03:00Z" or "2026-09-14" as "14 September 2026", in the school's time zone. */
export function formatDate(iso: string): string {
  return Number.isNaN(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).getTime()) ? iso : formatSchoolDate(iso);
}

/**
 * A version label made readable: a version-history row's "2 (02 2023)" reads "2 (February 2023)", so that "version 2
 * (February 2023)" is one thing in a line of facts; any other label as written. (The policy feature's formatVersion does
 * the same; this keeps the card renderer, which the sending thread loads, clear of the policy
 * feature and its model.)
 */
export function readableLabel(label: string): string {
  const open = label.lastIndexOf('(');
  if (open < 0 || !label.endsWith(')')) return label;
  const [mm, yyyy, ...rest] = label.slice(open + 1, -1).split(/[\s/.-]+/);
  const month = Number(mm);
  if (rest.length > 0 || !/^\d{1,2}$/.test(mm ?? '') || !/^\d{4}$/.test(yyyy ?? '') || month < 1 || month > 12) return label;
  return `${label.slice(0, open).trim()} (${MONTHS[month - 1]} ${yyyy})`;
}

/** A version as staff read it: the document's own label made readable ("2 (February 2023)"), else "published 26 November 2026". */
export function versionInWords(v: Pick<PolicyVersion, 'versionLabel' | 'publishedAt'>): string {
  if (v.versionLabel) return readableLabel(v.versionLabel);
  return `published ${formatDate(v.publishedAt)}`;
}

/** The version in a sentence: "version 2 (February 2023)", or "the version published 26 November 2026". */
export function versionPhrase(v: Pick<PolicyVersion, 'versionLabel' | 'publishedAt'>): string {
  return v.versionLabel ? `version ${versionInWords(v)}` : `the version ${versionInWords(v)}`;
}

/**
 * A campaign as its owner reads it: "Social Media Policy for Schools, version 2 (February 2023), all staff, started 26
 * November 2026" (", round 2" for a later round), never its id.
 */
export function campaignInWords(campaign: Pick<Campaign, 'audience' | 'startedAt' | 'round'>, version: Pick<PolicyVersion, 'title' | 'versionLabel' | 'publishedAt'>): string {
  return `${version.title}, ${versionPhrase(version).replace(/^the /, '')}, ${describeAudience(campaign.audience)}, started ${formatDate(campaign.startedAt)}`
    + (campaign.round > 1 ? `, round ${campaign.round}` : '');
}
