import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/policyBot';
import { createAcknowledgePolicy } from '../../src/features/acknowledgement/domain/acknowledgePolicy';
import { DEFAULT_CAMPAIGN_RULES } from '../../src/features/acknowledgement/domain/campaignPorts';
import { createCampaignService } from '../../src/features/acknowledgement/domain/campaignService';
import { manualClock, memoryStore, person, policyVersion } from '../features/acknowledgement/domain/ackTestKit';

const SECRET = 'an-export-key-of-the-school-0123';

/** An export as an owner downloads it: three people, one acknowledged, written to a file under the name the bot gives it. */
async function exported(dir: string, exportSecret?: string): Promise<string> {
  const store = memoryStore();
  const clock = manualClock('2026-09-01T08:00:00.000Z');
  await store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
  await store.upsertStaff([person(1), person(2), person(3)]);
  const service = createCampaignService({
    store, clock: clock.now, rules: { ...DEFAULT_CAMPAIGN_RULES, ...(exportSecret ? { exportSecret } : {}) }, owners: ['owner'], primaryPolicyId: 'social-media',
  });
  const { campaign } = await service.startCampaign({ actorId: 'owner', audience: { kind: 'all' } });
  await createAcknowledgePolicy({ store, clock: clock.now })({ user: { userId: 'aad-2' }, policyId: 'social-media', versionHash: 'hash-v1', campaignId: campaign.id, channel: 'teams' });
  const { csv, fileName } = await service.exportCampaign({ actorId: 'owner' });
  expect(csv.split('\r\n')[1]).toContain(`,${campaign.id},`);
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, csv);
  return file;
}

describe('policy-bot verify-export', () => {
  let dir: string;
  let output: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-export-'));
    output = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when an export is checked with the key it was sealed with, then every row verifies, each with the campaign it names', async () => {
    const file = await exported(dir, SECRET);
    expect(await main(['verify-export', file], { ACK_EXPORT_SECRET: SECRET })).toBe(0);
    expect(output.join('\n')).toMatch(/all 3 rows verify \(sealed with the export key/);
  });

  it('when a row was changed after the export (an acknowledgement added by hand), or the key is another, then it fails and names the rows', async () => {
    const file = await exported(dir, SECRET);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    const edited = lines.findIndex((l) => l.includes('not sent yet'));
    lines[edited] = lines[edited].replace('not sent yet', 'acknowledged');
    fs.writeFileSync(file, lines.join('\r\n'));
    expect(await main(['verify-export', file], { ACK_EXPORT_SECRET: SECRET })).toBe(1);
    expect(output.join('\n')).toContain(`1 of 3 rows do NOT verify`);
    expect(output.join('\n')).toContain(`rows ${edited}`);
    output = [];
    const untouched = await exported(fs.mkdtempSync(path.join(dir, 'b-')), SECRET);
    expect(await main(['verify-export', untouched], { ACK_EXPORT_SECRET: 'another-key-entirely-0123456789' })).toBe(1);
    expect(output.join('\n')).toContain('3 of 3 rows do NOT verify');
  });

  it('when the export was made without a key, then it says the hashes are plain and catch accidental edits only', async () => {
    const file = await exported(dir);
    expect(await main(['verify-export', file], {})).toBe(0);
    expect(output.join('\n')).toContain('plain hashes: ACK_EXPORT_SECRET is not set here');
  });
});
