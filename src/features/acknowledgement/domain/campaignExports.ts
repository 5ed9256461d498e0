import { ExportSink, acknowledgementCsvHeader, toAcknowledgementCsvRows } from './acknowledgementExport';
import { exportFileName, exportRow } from './campaignExportRows';
import { AcknowledgementStore } from './acknowledgementStore';
import { Campaign, PolicyVersion } from './acknowledgementTypes';
import { CampaignRules } from './campaignPorts';
import { yieldToEventLoop } from './eventLoop';
import { CampaignExport, WrittenExport } from './campaignServiceTypes';

/** Export rows read and written at once: big enough that the pages cost little, small enough that none blocks the loop. */
const EXPORT_PAGE = 100;

/** What writing an export needs: the store, the rules (the export secret), and the campaign it is for, checked. */
export interface CampaignExportsDeps {
  store: AcknowledgementStore;
  rules: CampaignRules;
  now: () => Date;
  /** The campaign named (the newest active one by default) and its version, after the owner check. */
  campaignFor(input: { actorId: string; campaignId?: string }): Promise<{ campaign: Campaign; version: PolicyVersion }>;
}

/**
 * The CSV an inspector reads: everyone in the campaign with their acknowledgement if any, each row saying which version
 * (as people read it, and its hash) and which round it is for, sealed row by row.
 */
export function createCampaignExports(deps: CampaignExportsDeps) {
  const { store } = deps;

  /** The export written page by page to a sink, a yield to the event loop after each page. */
  async function writeExport(
    input: { actorId: string; campaignId?: string }, sink: ExportSink, onPage?: (rows: number) => Promise<void>,
  ): Promise<WrittenExport> {
    const { campaign, version } = await deps.campaignFor(input);
    await sink.write(acknowledgementCsvHeader());
    let rows = 0;
    for await (const page of store.exportRecords(campaign.id, EXPORT_PAGE)) {
      rows += page.length;
      await sink.write(toAcknowledgementCsvRows(page.map((r) => exportRow(campaign, version, r)), campaign.id, deps.rules.exportSecret));
      if (onPage) await onPage(rows);
      else await yieldToEventLoop();
    }
    await store.appendAudit({ at: deps.now().toISOString(), actor: input.actorId, action: 'campaign.exported', subject: campaign.id, details: { rows } });
    return { campaign, rows, fileName: exportFileName(campaign, version), sealed: deps.rules.exportSecret !== undefined };
  }

  return {
    writeExport,

    /** The whole export as one string (the command line, tests); the bot writes it to a file with writeExport. */
    async exportCampaign(input: { actorId: string; campaignId?: string }): Promise<CampaignExport> {
      const parts: string[] = [];
      const written = await writeExport(input, { write: async (chunk) => { parts.push(chunk); } });
      return { ...written, csv: parts.join('') };
    },
  };
}
