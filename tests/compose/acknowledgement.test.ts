import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { composeAcknowledgement } from '../../src/compose/acknowledgement';
import { loadPolicyLibrary } from '../../src/compose/policy';
import { createSqliteAcknowledgementStore } from '../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../../src/features/acknowledgement/domain/acknowledgementStore';
import { createLogger } from '../../src/shared/logger';

const row = (n: number) => `id-${n},Person ${n},p${n}@school.example,Teaching,Northfield Primary,\n`;

/** Waits until `check` holds (the schedule's next turn), giving up after `tries` looks. */
async function eventually(check: () => Promise<boolean>, tries = 400): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

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
    expect(await eventually(async () => (await store.getStaff('id-3'))?.active === true)).toBe(true);

    await stop();
    fs.appendFileSync(roster, row(4));
    // Several intervals pass with the app stopped: the newcomer is not picked up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.getStaff('id-4')).toBeUndefined();
  });
});
