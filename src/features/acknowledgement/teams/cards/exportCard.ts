import { formatSchoolTime } from '../../../../shared/schoolTime';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/exportReady.json';

/** What the export card shows: the file, its size and the link, with when the link stops working. */
export interface ExportCardInput {
  campaignId: string;
  fileName: string;
  rows: number;
  bytes: number;
  url: string;
  expiresAt: string;
  /** Whether the rows are sealed with the school's export key. */
  sealed: boolean;
}

/** What the card says of the rows' hashes: how to check them, or that without the key they prove nothing. */
const SEALED = 'Every row is sealed with the school\'s export key: `npx policy-bot verify-export "FILE"`, run where the bot\'s settings are, names any row changed since.';
const NOT_SEALED = 'The rows are not sealed: ACK_EXPORT_SECRET is not set, so their hashes catch accidental edits only (anyone can make them again). Ask IT to set it (docs/settings.md).';

/** Renders the owner's export card: a Download button for the short-lived link the bot serves. */
export function renderExportCard(input: ExportCardInput): AdaptiveCardJson {
  return expandCardTemplate(template, {
    campaignId: input.campaignId,
    fileName: input.fileName,
    rows: String(input.rows),
    size: input.bytes >= 1024 * 1024 ? `${(input.bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(input.bytes / 1024))} KB`,
    until: formatSchoolTime(input.expiresAt),
    url: input.url,
    sealing: input.sealed ? SEALED : NOT_SEALED,
  });
}
