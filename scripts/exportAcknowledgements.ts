/**
 * Server-side export of a campaign's acknowledgements, for exports too large for chat, and verification of an
 * export an inspector was given (the same check as `policy-bot verify-export`, which it runs).
 *
 *   node dist/scripts/exportAcknowledgements.js <campaignId> [--out file.csv]
 *   node dist/scripts/exportAcknowledgements.js --verify file.csv [<campaignId>]
 *
 * Reads the same environment as the bot: STORAGE, SQLITE_PATH, AZURE_STORAGE_CONNECTION_STRING or
 * AZURE_STORAGE_ACCOUNT_URL, AZURE_TABLE_PREFIX, ACK_EXPORT_SECRET. The export is audited as "server-cli".
 */
import fs from 'node:fs';
import { verifyExport } from '../src/cli/verifyExportCommand';
import { DEFAULT_CAMPAIGN_RULES } from '../src/features/acknowledgement/domain/campaignPorts';
import { createCampaignService } from '../src/features/acknowledgement/domain/campaignService';
import { parseAcknowledgementSettings } from '../src/config/acknowledgementSettings';
import { parseCoreSettings } from '../src/config/coreSettings';
import { createAcknowledgementStore } from '../src/compose/stores';

const CLI_ACTOR = 'server-cli';

async function main(argv: string[]): Promise<number> {
  const env = { ...process.env, APP_MODE: process.env.APP_MODE ?? 'local' };
  const core = parseCoreSettings(env);
  const ack = parseAcknowledgementSettings(env, core.value.mode);
  const problems = [...core.errors.filter((e) => /STORAGE|SQLITE|AZURE/.test(e)), ...ack.errors];
  if (problems.length) {
    process.stderr.write(`Configuration problems:\n  - ${problems.join('\n  - ')}\n`);
    return 2;
  }
  if (argv[0] === '--verify') {
    const [, file, campaignId] = argv;
    if (!file || !fs.existsSync(file)) return usage();
    return verifyExport([file, ...(campaignId ? ['--campaign', campaignId] : [])], { ACK_EXPORT_SECRET: ack.value.exportSecret ?? '' });
  }
  const campaignId = argv[0];
  if (!campaignId || campaignId.startsWith('-')) return usage();
  const outIndex = argv.indexOf('--out');
  const store = await createAcknowledgementStore({ storage: core.value.storage, azureTablePrefix: ack.value.azureTablePrefix });
  try {
    const service = createCampaignService({
      store, clock: () => new Date(), owners: [CLI_ACTOR], primaryPolicyId: '',
      rules: { ...DEFAULT_CAMPAIGN_RULES, ...(ack.value.exportSecret ? { exportSecret: ack.value.exportSecret } : {}) },
    });
    const exp = await service.exportCampaign({ actorId: CLI_ACTOR, campaignId });
    if (outIndex >= 0 && argv[outIndex + 1]) {
      fs.writeFileSync(argv[outIndex + 1], exp.csv);
      process.stderr.write(`Wrote ${exp.rows} rows to ${argv[outIndex + 1]}\n`);
    } else {
      process.stdout.write(exp.csv);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function usage(): number {
  process.stderr.write('Usage:\n  exportAcknowledgements <campaignId> [--out file.csv]\n  exportAcknowledgements --verify file.csv [<campaignId>]\n');
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
