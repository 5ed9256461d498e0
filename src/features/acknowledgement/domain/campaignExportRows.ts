import { ExportRow } from './acknowledgementExport';
import { ExportRecord } from './acknowledgementStore';
import { Campaign } from './acknowledgementTypes';

/** The export's file name. */
export function exportFileName(campaign: Campaign): string {
  return `acknowledgements-${campaign.id}.csv`;
}

/** One person's export line: their card's status in words, and their acknowledgement when it counts. */
export function exportRow(campaign: Campaign, r: ExportRecord): ExportRow {
  const a = r.acknowledgement;
  return {
    name: r.staff?.displayName ?? a?.displayName ?? r.userId,
    upn: r.staff?.userPrincipalName ?? a?.userPrincipalName ?? '',
    department: r.staff?.department ?? a?.department ?? '',
    versionHash: campaign.versionHash,
    acknowledgedAt: a?.acknowledgedAt ?? '',
    channel: a?.channel ?? '',
    readAt: a?.readAt ?? '',
    cardStatus: a ? 'acknowledged' : r.excusedAt ? 'excused' : r.state !== 'sent' ? (r.state === 'pending' || r.state === 'claimed' ? 'not sent yet' : 'not reached')
      : r.openedAt ? 'opened, not acknowledged' : 'not opened',
  };
}
