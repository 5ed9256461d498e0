import type { Statement } from 'better-sqlite3';
import { ExportRecord } from '../../features/acknowledgement/domain/acknowledgementStore';
import { Campaign, DeliveryState } from '../../features/acknowledgement/domain/acknowledgementTypes';
import { Row, toAcknowledgement } from './sqliteAcknowledgementRows';

/**
 * A campaign's export records a page at a time (SqliteAcknowledgementStore.exportRecords): everyone in the staff list
 * by name, then anyone no longer in it by id; nobody marked as having left since they were added (state `left`). `q`
 * prepares (and caches) a statement on the store's database.
 */
export async function* exportCampaignRecords(q: (sql: string) => Statement<unknown[]>, campaign: Campaign, pageSize: number): AsyncIterable<ExportRecord[]> {
  // Keyset pages walking the staff list's name index: each page reads about pageSize rows, never sorts the campaign.
  // The plain >= on the name is what lets SQLite seek into the index (a row-value comparison alone scanned it from the
  // start on every page, so an export cost the square of the staff count); the row value then skips the ties before.
  const byName = q(`SELECT d.user_id, d.state, d.opened_at, d.excused_at, d.excused_by, d.acknowledged_at, s.display_name, s.upn, s.department
    FROM ack_staff s INDEXED BY ack_staff_by_name JOIN ack_deliveries d ON d.campaign_id = @campaign AND d.user_id = s.user_id
    WHERE s.display_name COLLATE NOCASE >= @name AND (s.display_name COLLATE NOCASE, s.user_id) > (@name, @user)
    ORDER BY s.display_name COLLATE NOCASE, s.user_id LIMIT @limit`);
  // Then anyone no longer in the staff list, by id, in slices of the campaign's key.
  const byId = q(`SELECT d.user_id, d.state, d.opened_at, d.excused_at, d.excused_by, d.acknowledged_at,
      EXISTS (SELECT 1 FROM ack_staff s WHERE s.user_id = d.user_id) AS known
    FROM ack_deliveries d WHERE d.campaign_id = @campaign AND d.user_id > @user ORDER BY d.user_id LIMIT @limit`);
  const ackOf = q(`SELECT * FROM ack_acknowledgements WHERE policy_id = @policy AND version_hash = @version AND user_id = @user
    AND (campaign_id = @campaign OR acknowledged_at >= @startedAt) ORDER BY campaign_id = @campaign DESC, acknowledged_at, seq LIMIT 1`);
  const toRecord = (r: Row): ExportRecord => {
    const ack = r.acknowledged_at != null ? ackOf.get({
      policy: campaign.policyId, version: campaign.versionHash, user: r.user_id, campaign: campaign.id, startedAt: campaign.startedAt,
    }) as Row | undefined : undefined;
    return {
      userId: String(r.user_id), state: r.state as DeliveryState,
      ...(r.display_name != null ? { staff: {
        displayName: String(r.display_name), userPrincipalName: String(r.upn), ...(r.department != null ? { department: String(r.department) } : {}),
      } } : {}),
      ...(r.opened_at != null ? { openedAt: String(r.opened_at) } : {}), ...(r.excused_at != null ? { excusedAt: String(r.excused_at) } : {}),
      ...(r.excused_by != null ? { excusedBy: String(r.excused_by) } : {}),
      ...(ack ? { acknowledgement: toAcknowledgement(ack) } : {}),
    };
  };
  for (let name = '', user = ''; ;) {
    const rows = byName.all({ campaign: campaign.id, name, user, limit: pageSize }) as Row[];
    if (rows.length > 0) yield rows.map(toRecord);
    if (rows.length < pageSize) break;
    ({ display_name: name, user_id: user } = rows[rows.length - 1] as { display_name: string; user_id: string });
  }
  for (let user = ''; ;) {
    const rows = byId.all({ campaign: campaign.id, user, limit: pageSize }) as Row[];
    // Yielded even when empty: the caller yields to the event loop between pages, and this pass reads the whole campaign.
    yield rows.filter((r) => r.known === 0).map(toRecord);
    if (rows.length < pageSize) break;
    user = String(rows[rows.length - 1].user_id);
  }
}
