import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFolderFileStore } from '../../src/teams/fileStore';
import { describeFileStoreContract } from '../support/contracts/fileStoreContract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-file-store-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Two stores over one folder, as two instances beside one SQLite file have.
describeFileStoreContract('a folder beside the SQLite file', async () => [createFolderFileStore(path.join(dir, 'files')), createFolderFileStore(path.join(dir, 'files'))]);

describe('the folder file store', () => {
  it('when it is the folder beside the database, then it is private to the bot\'s user and outlives the store that opened it', async () => {
    const store = createFolderFileStore(path.join(dir, 'kept'));
    await store.put('a'.repeat(32), { fileName: 'x.pdf', contentType: 'application/pdf', expiresAt: Number.MAX_SAFE_INTEGER, kept: 'k' }, Buffer.from('%PDF'));
    store.close();
    expect(fs.statSync(path.join(dir, 'kept')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'kept', 'a'.repeat(32))).mode & 0o777).toBe(0o600);
  });
});
