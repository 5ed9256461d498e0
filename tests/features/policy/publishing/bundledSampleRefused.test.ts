import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { main } from '../../../../src/cli/policyBot';
import { loadPolicyLibrary } from '../../../../src/compose/policy';
import { AppConfig, loadConfig } from '../../../../src/config';
import { createLogger } from '../../../../src/shared/logger';
import { quietExpectedLibraryErrors } from '../../../support/expectedLibraryErrors';
import { startProductionBot } from '../../../support/productionBot';
import { productionEnv, SCHOOL_POLICY_FILE } from '../../../support/productionEnv';
import { REPO_ROOT } from '../../../support/repoRoot';

const SAMPLE = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');
const SAMPLE_WORDS = 'the sample policy bundled with the app (samples/policies/liverpool-model.txt), not the school\'s policy';
const ADVICE = 'Leave POLICY_FILES empty and send the school\'s policy (.docx, .pdf, .txt or .md) to the bot in a 1:1 chat in Teams as a policy owner (POLICY_OWNERS)';

/**
 * Issue 49, item 4, at start-up and in `policy-bot publish`: the bundled sample is refused by what it reads as, so the
 * sample with a line added, saved as Word, or as PDF stops a production start and is not published from the server,
 * as the sample itself is; the school's own adoption of the same model still starts and publishes.
 */
describe('the bundled sample in another form, at start-up and from the server', () => {
  quietExpectedLibraryErrors();
  let dir: string;
  const variants: Record<string, string> = {};
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-forms-'));
    const text = fs.readFileSync(SAMPLE, 'utf8');
    variants['with a line added'] = path.join(dir, 'Our policy.txt');
    fs.writeFileSync(variants['with a line added'], `${text}\n`);
    variants['as Word'] = path.join(dir, 'Social media policy.docx');
    fs.writeFileSync(variants['as Word'], await policyDocxFromText(text, 'liverpool-model.txt'));
    variants['as PDF'] = path.join(dir, 'Social media policy.pdf');
    fs.copyFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'documents', 'liverpool-model.pdf'), variants['as PDF']);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['with a line added', 'as Word', 'as PDF'])('when POLICY_FILES names the sample %s, then production does not start and says what to do instead', async (form) => {
    const file = variants[form];
    const error = await startProductionBot({ POLICY_FILES: file }).then(async (bot) => { await bot.close(); return undefined; }, (err: unknown) => err);
    expect(error).toMatchObject({ code: 'POLICY_SAMPLE' });
    expect((error as Error).message).toBe(`POLICY_FILES names ${file}, which is ${SAMPLE_WORDS}: production does not start on a sample. ${ADVICE}: the first `
      + 'version is kept in the bot\'s database or storage, and later versions are sent the same way. Or point POLICY_FILES at the school\'s own policy file, deployed with the app.');
  });

  it('when POLICY_FILES names the school\'s file and a renamed copy of a sample, then the start names only the copy, by its content', async () => {
    const copy = path.join(dir, 'Our School Social Media Policy.txt');
    fs.copyFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'north-star-trust.txt'), copy);
    const config = loadConfig(productionEnv({ POLICY_FILES: `${SCHOOL_POLICY_FILE}, ${copy}` }));
    const error = await loadPolicyLibrary(config, createLogger('silent')).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'POLICY_SAMPLE' });
    expect((error as Error).message).toMatch(new RegExp(`^POLICY_FILES names ${copy.replace(/[.\\]/g, '\\$&')}, which is the sample policy bundled with the app \\(samples/policies/north-star-trust\\.txt\\)`));
    expect((error as Error).message).not.toContain(SCHOOL_POLICY_FILE);

    // The school's edit of it (one word changed) is the school's own policy; local mode runs on the samples themselves.
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8').replace(/North Star/, 'Oakfield'));
    expect((await loadPolicyLibrary(loadConfig(productionEnv({ POLICY_FILES: copy })), createLogger('silent'))).library.primary?.source).toBe(path.basename(copy));
    const local = { mode: 'local', policyFiles: [variants['as Word']] } as unknown as AppConfig;
    expect((await loadPolicyLibrary(local, createLogger('silent'))).library.documents).toHaveLength(1);
  });

  describe('policy-bot publish', () => {
    let errors: string[];
    beforeEach(() => {
      errors = [];
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });
    });
    afterEach(() => jest.restoreAllMocks());

    it.each(['with a line added', 'as Word', 'as PDF'])('when the file is the sample %s, then it is refused with what to do instead, and nothing is kept', async (form) => {
      const file = variants[form];
      const db = path.join(dir, `cli-${form.replace(/\W+/g, '-')}.sqlite`);
      expect(await main(['publish', file, '--db', db, '--yes'], {})).toBe(1);
      expect(errors.join('')).toBe(`policy-bot: ${file} is ${SAMPLE_WORDS}. ${ADVICE}: the first version is kept in the bot's database or storage, and later `
        + 'versions are sent the same way. Or point POLICY_FILES at the school\'s own policy file, deployed with the app.\n');
      expect(fs.existsSync(db)).toBe(false);
      // As a new version of a configured file, too.
      expect(await main(['publish', file, '--replaces', SCHOOL_POLICY_FILE, '--db', db, '--yes'], { POLICY_FILES: SCHOOL_POLICY_FILE })).toBe(1);
      expect(fs.existsSync(db)).toBe(false);
    });

    it('when the file is the school\'s adoption of the model, as Word, then it is published', async () => {
      const file = path.join(dir, 'Oakfield policy.docx');
      fs.writeFileSync(file, await policyDocxFromText(fs.readFileSync(SCHOOL_POLICY_FILE, 'utf8'), 'oakfield.txt'));
      const db = path.join(dir, 'cli-school.sqlite');
      expect(await main(['publish', file, '--db', db, '--yes'], {})).toBe(0);
      expect(errors).toEqual([]);
    });
  });
});
