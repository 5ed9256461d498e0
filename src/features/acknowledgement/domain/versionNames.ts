import { Campaign, PolicyVersion } from './acknowledgementTypes';
import { describeAudience } from './campaignAudience';
import { formatSchoolDate } from '../../../shared/schoolTime';
import { formatVersionLabel as readableLabel } from '../../../shared/versionLabel';

/**
 * How people read a policy version and a campaign: the document's own label or the day it was published, the
 * campaign's policy, audience and start day. Never the fingerprint or the campaign's id (those are for the export's
 * proof and the audit). Here, not in the cards, because the export and the owners' messages name them too.
 */

/** "2026-09-14T10:03:00Z" or "2026-09-14" as "14 September 2026", in the school's time zone. */
export function formatDate(iso: string): string {
  return Number.isNaN(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).getTime()) ? iso : formatSchoolDate(iso);
}

/** A version label made readable: "2 (02 2023)" reads "2 (February 2023)" (the product's one formatter). */
export { formatVersionLabel as readableLabel } from '../../../shared/versionLabel';

/**
 * The most of a version label a card or message shows: a version table's cell can hold a paragraph (a Word file's
 * "Version 2" row with a note, a link and a mention in it), and every staff card names the version. The label is kept
 * whole with the version, and the export (the record an inspector reads) gives it whole.
 */
export const VERSION_LABEL_SHOWN = 60;

/** A version as staff read it: the document's own label made readable ("2 (February 2023)") and cut to VERSION_LABEL_SHOWN, else "published 26 November 2026". */
export function versionInWords(v: Pick<PolicyVersion, 'versionLabel' | 'publishedAt'>): string {
  const full = versionInFull(v);
  return full.length > VERSION_LABEL_SHOWN ? `${full.slice(0, VERSION_LABEL_SHOWN - 1).trimEnd()}\u2026` : full;
}

/** The version's whole label, made readable, on one line (the export's record of which version was acknowledged). */
export function versionInFull(v: Pick<PolicyVersion, 'versionLabel' | 'publishedAt'>): string {
  const label = v.versionLabel?.replace(/\s+/g, ' ').trim();
  if (label) return readableLabel(label);
  return `published ${formatDate(v.publishedAt)}`;
}

/**
 * The version in a sentence: "version 2 (February 2023)", or "the version published 26 November 2026" (also for a label
 * registration gave a second version of the same day: "the version published 26 November 2026 at 14:05 GMT").
 */
export function versionPhrase(v: Pick<PolicyVersion, 'versionLabel' | 'publishedAt'>): string {
  return v.versionLabel && !/^published /.test(v.versionLabel) ? `version ${versionInWords(v)}` : `the version ${versionInWords(v)}`;
}

/**
 * A campaign as its owner reads it: "Social Media Policy for Schools, version 2 (February 2023), all staff, started 26
 * November 2026" (", round 2" for a later round), never its id.
 */
export function campaignInWords(campaign: Pick<Campaign, 'audience' | 'startedAt' | 'round'>, version: Pick<PolicyVersion, 'title' | 'versionLabel' | 'publishedAt'>): string {
  return `${version.title}, ${versionPhrase(version).replace(/^the /, '')}, ${describeAudience(campaign.audience)}, started ${formatDate(campaign.startedAt)}`
    + (campaign.round > 1 ? `, round ${campaign.round}` : '');
}
