import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { composeAcknowledgement } from '../../src/compose/acknowledgement';
import { loadPolicyLibrary } from '../../src/compose/policy';
import { createSqliteAcknowledgementStore } from '../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../../src/features/acknowledgement/domain/acknowledgementStore';
import { createLogger } from '../../src/shared/logger';
import { waitFor } from '../support/waitFor';

const row = (n: number) => `id-${n},Person ${n},p${n}@school.example,Teaching,Northfield Primary,\n`;

describe('acknowledgement wiring: staff sync', () => {
  let dir: string;
  let store: AcknowledgementStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staff-sync-'));
    store = createSqliteAcknowledgementStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the app runs, then staff are synced at start and again every STAFF_SYNC_MINUTES, and once it stops no further sync happens', async () => {
    const roster = path.join(dir, 'roster.csv');
    fs.writeFileSync(roster, `aadObjectId,name,upn,department,school,manager\n${row(1)}${row(2)}`);
    // 0.0005 minutes: a turn every 30 ms, so the test sees several.
    const config = loadConfig({ APP_MODE: 'local', ROSTER_FILE: roster, STAFF_SYNC_MINUTES: '0.0005' });
    const logger = createLogger('silent');
    const { library } = await loadPolicyLibrary(config, logger);
    const stop = await composeAcknowledgement(config, store, library, logger).start();

    expect((await store.listStaff()).map((m) => m.userId)).toEqual(['id-1', 'id-2']);
    fs.appendFileSync(roster, row(3));
    await waitFor(async () => (await store.getStaff('id-3'))?.active === true, { what: 'a later sync to add id-3 from the roster' });

    await stop();
    fs.appendFileSync(roster, row(4));
    // Several intervals pass with the app stopped: the newcomer is not picked up. This one must be a time window: the
    // schedule runs on the real clock's timer, and a sync that is never started leaves no signal to wait for. 200 ms is
    // six of its 30 ms turns, with room for a sync on a busy machine.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.getStaff('id-4')).toBeUndefined();
  });

  it('when a sync adds a new starter while a campaign runs, then they are in it at that sync, not at the scheduler\'s next pass', async () => {
    const roster = path.join(dir, 'roster.csv');
    fs.writeFileSync(roster, `aadObjectId,name,upn,department,school,manager\n${row(1)}${row(2)}`);
    // The scheduler's pass (every 60 minutes here) would add them too; the sync, every 30 ms, must do it first.
    const config = loadConfig({ APP_MODE: 'local', ROSTER_FILE: roster, STAFF_SYNC_MINUTES: '0.0005', ACK_SCHEDULE_MINUTES: '60' });
    const logger = createLogger('silent');
    const { library } = await loadPolicyLibrary(config, logger);
    const campaign = {
      id: 'ack-joiners', policyId: library.primary!.id, versionHash: library.primary!.metadata.contentHash, audience: { kind: 'all' as const },
      dueDate: '2099-01-01', startedAt: new Date().toISOString(), startedBy: 'owner', round: 1, seriesId: 'ack-joiners', status: 'active' as const,
    };
    await store.createCampaign(campaign);
    const stop = await composeAcknowledgement(config, store, library, logger).start();
    try {
      await store.addDeliveries(campaign.id, ['id-1', 'id-2'], new Date().toISOString());
      fs.appendFileSync(roster, row(3));
      await waitFor(async () => (await store.getDelivery(campaign.id, 'id-3')) !== undefined, { what: 'the sync to add the new starter to the running campaign' });
      expect((await store.listAudit(campaign.id)).map((a) => a.action)).toContain('campaign.joinersAdded');
    } finally {
      await stop();
    }
  });
});
