import { ExportRow } from './acknowledgementExport';
import { ExportRecord } from './acknowledgementStore';
import { Campaign, PolicyVersion } from './acknowledgementTypes';
import { formatDate, versionInFull, versionPhrase } from './versionNames';

/**
 * The export's file name, as an owner reads it in the download list: the policy, the version, the round and the day
 * the campaign started ("Social Media Policy for Schools - version 2 (February 2023) - acknowledgements started 26
 * November 2026.csv"), without the characters a file system refuses.
 */
export function exportFileName(campaign: Campaign, version: PolicyVersion): string {
  const round = campaign.round > 1 ? ` round ${campaign.round}` : '';
  const name = `${version.title} - ${versionPhrase(version).replace(/^the /, '')} - acknowledgements${round} started ${formatDate(campaign.startedAt)}`;
  return `${name.replace(/[\\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 180)}.csv`;
}

/** One person's export line: the version and round it is for, their card's status in words, and their acknowledgement when it counts. */
export function exportRow(campaign: Campaign, version: PolicyVersion, r: ExportRecord): ExportRow {
  const a = r.acknowledgement;
  return {
    name: r.staff?.displayName ?? a?.displayName ?? r.userId,
    upn: r.staff?.userPrincipalName ?? a?.userPrincipalName ?? '',
    department: r.staff?.department ?? a?.department ?? '',
    // The whole label: the card shows it cut, the record keeps what the document says.
    version: versionInFull(version),
    versionHash: campaign.versionHash,
    round: campaign.round,
    acknowledgedAt: a?.acknowledgedAt ?? '',
    channel: a?.channel ?? '',
    readAt: a?.readAt ?? '',
    userId: r.userId,
    // An acknowledgement counts over an excusal: the excusal is shown only where it stands.
    ...(r.excusedAt && !a ? { excusedAt: r.excusedAt, ...(r.excusedBy ? { excusedBy: r.excusedBy } : {}) } : {}),
    // Someone who has left the staff list since the campaign reached them stays in the record, with what they did.
    cardStatus: r.state === 'left' ? (a ? 'acknowledged, has since left the staff list' : 'left the staff list before acknowledging')
      : a ? 'acknowledged' : r.excusedAt ? 'excused' : r.state !== 'sent' ? (r.state === 'pending' || r.state === 'claimed' ? 'not sent yet' : 'not reached')
      : r.openedAt ? 'opened, not acknowledged' : 'not opened',
  };
}
