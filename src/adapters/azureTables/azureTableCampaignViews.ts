import { AcknowledgementStore, DeliveryTally, ExportRecord } from '../../features/acknowledgement/domain/acknowledgementStore';
import { exportRecordPages, tallyRecords } from '../../features/acknowledgement/domain/campaignProgress';

/** The reads the owner's views are counted from. */
type CampaignReader = Pick<AcknowledgementStore, 'getCampaign' | 'listDeliveries' | 'listStaff' | 'listAcknowledgements'>;

/**
 * The owner's views on Table storage counted from the records on every call: what campaigns created before tallies
 * were kept (no `tallied` flag) still use, and what every export uses (it needs every record anyway). A status,
 * reminder pass or export reads every delivery of the campaign, the staff list and the version's acknowledgements.
 */
export function createCampaignViews(reader: CampaignReader) {
  async function campaignRecords(campaignId: string) {
    const campaign = await reader.getCampaign(campaignId);
    if (!campaign) return undefined;
    const [deliveries, staff, acks] = await Promise.all([
      reader.listDeliveries(campaignId), reader.listStaff(), reader.listAcknowledgements(campaign.policyId, campaign.versionHash),
    ]);
    return { campaign, deliveries, staff, acks };
  }

  return {
    /** Tallies by department, school, state and progress. */
    async tallyDeliveries(campaignId: string): Promise<DeliveryTally[]> {
      const r = await campaignRecords(campaignId);
      return r ? tallyRecords(r.campaign, r.deliveries, new Map(r.staff.map((m) => [m.userId, m])), r.acks) : [];
    },

    /** Export records, read whole, sorted in slices and handed out in pages. */
    async *exportRecords(campaignId: string, pageSize: number): AsyncIterable<ExportRecord[]> {
      const r = await campaignRecords(campaignId);
      if (r) yield* exportRecordPages(r.campaign, r.deliveries, r.staff, r.acks, pageSize);
    },

    /** Who has the card and has neither acknowledged nor been excused. */
    async listOutstanding(campaignId: string): Promise<string[]> {
      const r = await campaignRecords(campaignId);
      if (!r) return [];
      const outstanding: string[] = [];
      for await (const page of exportRecordPages(r.campaign, r.deliveries, [], r.acks, 1_000)) {
        for (const e of page) if (e.state === 'sent' && !e.excusedAt && !e.acknowledgement) outstanding.push(e.userId);
      }
      return outstanding.sort();
    },
  };
}
