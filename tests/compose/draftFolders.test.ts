import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultDraftFolders, DRAFTS_DIR } from '../../src/compose/drafts';

/**
 * Which draft models a check reads (issue 71): where the larger model's folder is shipped it decides and the draft model
 * points to the evidence; without it the draft model does both, as before it existed.
 */
describe('the draft models a check reads by default', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drafts-larger-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when the larger model\'s folder has its manifest, then it decides and the draft model points', () => {
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
    expect(defaultDraftFolders(dir)).toEqual({ dir, pointerDir: DRAFTS_DIR });
  });

  it('when the larger model is not shipped (no folder, or a folder without its manifest), then the draft model alone reads drafts', () => {
    expect(defaultDraftFolders(dir)).toEqual({ dir: DRAFTS_DIR });
    expect(defaultDraftFolders(path.join(dir, 'absent'))).toEqual({ dir: DRAFTS_DIR });
  });
});
