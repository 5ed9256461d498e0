import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/playground';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { AzuriteTables, startAzuriteTables } from '../support/azuriteServer';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';
import { staticCredential } from '../adapters/graph/graphTestSupport';
import { productionEnv } from '../support/productionEnv';

quietExpectedLibraryErrors();

describe('the app with STORAGE=azure', () => {
  let azurite: AzuriteTables;
  let dir: string;
  let app: RunningApp | undefined;
  beforeAll(async () => {
    azurite = await startAzuriteTables();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-on-azure-'));
  });
  afterAll(async () => {
    await app?.close();
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when it starts and stops, then it writes no local database file and says so if asked for one', async () => {
    // Outbound addresses on a closed local port, so nothing leaves this machine.
    const dead = await freePort();
    app = await startApp(loadConfig(productionEnv({
      STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: 'app',
      SQLITE_PATH: path.join(dir, 'data', 'policy-bot.sqlite'), PORT: '0', HOST: '127.0.0.1',
      GRAPH_BASE_URL: `https://127.0.0.1:${dead}`, BOT_SERVICE_URL: `http://127.0.0.1:${dead}/`,
    })), createLogger('silent'), { graphCredential: staticCredential });
    expect(app.port).toBeGreaterThan(0);
    expect(() => app!.db).toThrow(expect.objectContaining({ code: 'STORAGE_NOT_SQLITE' }));
    await app.close();
    app = undefined;
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
