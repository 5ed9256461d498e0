import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { createAzureTableOwnerJobStore } from '../../../src/adapters/azureTables/azureTableOwnerJobStore';
import { createAzureTableAcknowledgementStore } from '../../../src/adapters/azureTables/azureTableAcknowledgementStore';
import { createCampaignJobHandlers } from '../../../src/features/acknowledgement/domain/campaignJobs';
import { createCampaignService } from '../../../src/features/acknowledgement/domain/campaignService';
import { CampaignMessenger, DEFAULT_CAMPAIGN_RULES } from '../../../src/features/acknowledgement/domain/campaignPorts';
import { createOwnerJobRunner, OwnerJobKind } from '../../../src/features/acknowledgement/domain/ownerJobs';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';
import { person, policyVersion } from '../../features/acknowledgement/domain/ackTestKit';

let azurite: AzuriteTables;
beforeAll(async () => { azurite = await startAzuriteTables(); });
afterAll(async () => { await azurite?.stop(); });

const OWNER = 'aad-owner';

describe('owner jobs on Azure Table storage', () => {
  it('when two instances start together and both look for unfinished jobs, then one resumes the reminder pass and nobody is reminded twice', async () => {
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const opts = { connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: prefix };
    const reminded: string[] = [];
    const messenger: CampaignMessenger = { deliver: () => undefined, remind: async (_c, ids) => { reminded.push(...ids); } };
    // Each instance's clock: the one that left the job ran a minute earlier, so its one-millisecond claim has lapsed by
    // the time A and B look, without the test waiting for it.
    const instance = async (workerId: string, clock = () => new Date()) => {
      const store = await createAzureTableAcknowledgementStore(opts);
      const jobs = await createAzureTableOwnerJobStore(TableClient.fromConnectionString(azurite.connectionString, `${prefix}Jobs`, { allowInsecureConnection: true }));
      const runner = createOwnerJobRunner({ jobs, clock, workerId, sliceMs: 0, leaseMs: 1 });
      const campaigns = createCampaignService({ store, clock, rules: DEFAULT_CAMPAIGN_RULES, owners: [OWNER], primaryPolicyId: 'social-media', messenger });
      for (const [kind, handler] of Object.entries(createCampaignJobHandlers({ store, campaigns, rules: DEFAULT_CAMPAIGN_RULES, clock, messenger }))) {
        runner.register(kind as OwnerJobKind, handler);
      }
      return { store, jobs, runner, campaigns };
    };
    const setup = await instance('setup', () => new Date(Date.now() - 60_000));
    await setup.store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
    await setup.store.upsertStaff(Array.from({ length: 150 }, (_, i) => person(i + 1)));
    const { campaign } = await setup.campaigns.startCampaign({ actorId: OWNER, audience: { kind: 'all' } });
    const now = new Date().toISOString();
    for (const d of await setup.store.claimDeliveries({ campaignId: campaign.id, workerId: 'w', limit: 150, leaseMs: 60_000, now })) {
      await setup.store.completeDelivery(campaign.id, d.userId, 'w', { state: 'sent' }, now);
    }
    // A job left running by an instance that has gone (its claim lapsed at once: leaseMs 1).
    const left = await setup.runner.enqueue({ kind: 'remind', campaignId: campaign.id, actorId: OWNER });
    await setup.runner.stop();
    expect(reminded).toEqual([]);

    const [a, b] = await Promise.all([instance('A'), instance('B')]);
    const resumed = await Promise.all([a.runner.resume(), b.runner.resume()]);
    await Promise.all([a.runner.idle(), b.runner.idle()]);
    // Each may take the job in turn once the other's one-millisecond claim lapses, but marks keep reminders single.
    expect(resumed[0] + resumed[1]).toBeGreaterThanOrEqual(1);
    expect(reminded.length).toBe(150);
    expect(new Set(reminded).size).toBe(150);
    expect(await a.jobs.getJob(left.id)).toMatchObject({ state: 'done', done: 150 });
  });
});
