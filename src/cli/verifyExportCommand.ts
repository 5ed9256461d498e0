import fs from 'node:fs';
import { verifyAcknowledgementCsv } from '../features/acknowledgement/domain/acknowledgementExport';
import { parseArgs, UsageError } from './cliArgs';

/**
 * `verify-export FILE [--campaign ID]`: checks every row of an acknowledgement export against its seal, with the export
 * key the bot uses (ACK_EXPORT_SECRET in the environment); each row names its campaign (`--campaign` for an export made
 * before rows did, or to check every row is of that campaign). Prints what it
 * found and resolves with 0 when every row verifies, 1 when any does not.
 */
export function verifyExport(args: string[], env: NodeJS.ProcessEnv): number {
  const p = parseArgs(args, ['campaign']);
  const file = p.positional[0];
  if (!file) throw new UsageError('verify-export needs the exported FILE');
  if (!fs.existsSync(file)) throw new UsageError(`no file at ${file}`);
  const campaignId = p.flags.get('campaign')?.[0];
  const secret = env.ACK_EXPORT_SECRET || undefined;
  const csv = fs.readFileSync(file, 'utf8');
  const rows = Math.max(0, csv.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1);
  const bad = verifyAcknowledgementCsv(csv, campaignId, secret);
  const how = secret ? 'sealed with the export key (ACK_EXPORT_SECRET)' : 'plain hashes: ACK_EXPORT_SECRET is not set here, so this shows accidental edits only';
  if (bad.includes(0)) {
    console.log(`${file}: its header is not an export's of this version of the bot (an older export: give its campaign with --campaign ID; or the file was changed): nothing checked.`);
    return 1;
  }
  if (bad.length === 0) {
    console.log(`${file}: all ${rows} rows verify${campaignId ? ` for campaign ${campaignId}` : ''} (${how}).`);
    return 0;
  }
  console.log(`${file}: ${bad.length} of ${rows} rows do NOT verify${campaignId ? ` for campaign ${campaignId}` : ''} (${how}): rows ${bad.slice(0, 50).join(', ')}${bad.length > 50 ? ', ...' : ''} (1 = the first after the header).`);
  console.log('A row that does not verify was changed after the export, or the key is not the one the bot used when it was made.');
  return 1;
}
