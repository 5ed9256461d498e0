import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/policyBot';
import { AppConfig } from '../../src/config';
import { loadPolicyLibrary } from '../../src/compose/policy';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { createSqlitePublishedPolicyStore } from '../../src/adapters/sqlite/sqlitePublishedPolicyStore';
import { PublishCondition } from '../../src/features/policy/publishing/publishedPolicies';
import { createLogger } from '../../src/shared/logger';
import { createSqliteTeachingLinkStore } from '../../src/adapters/sqlite/sqliteTeachingLinkStore';
import { createQuestionSealing } from '../../src/adapters/questionSealing';
import { readPolicyFileIsolated } from '../../src/features/policy/ingest/isolatedIngest';
import { PolicyDocument } from '../../src/features/policy/policyDocument';
import { REPO_ROOT } from '../support/repoRoot';

const SCHOOL = path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt');
const SAMPLE = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');
/** The bot's key: taught questions are sealed with it, and a new version carries them. */
const KEY = Buffer.alloc(32, 7).toString('base64');
const KEYED = { CONCERN_ENCRYPTION_KEY: KEY };

/** `policy-bot publish` with no POLICY_FILES: IT adds the school's policy from the server, as an owner does in chat. */
describe('policy-bot publish', () => {
  let dir: string;
  let db: string;
  let output: string[];
  let errors: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-cli-'));
    db = path.join(dir, 'bot.sqlite');
    output = [];
    errors = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const published = () => {
    const database = openSqliteDatabase(db);
    try {
      return database.prepare('SELECT policy_id, file_name, configured_hash, published_by FROM policy_published ORDER BY seq').all();
    } finally {
      database.close();
    }
  };

  it('when nothing is configured, then without --yes it shows what it read and keeps nothing; with --yes it adds the first version, which the bot starts on', async () => {
    expect(await main(['publish', SCHOOL, '--db', db], {})).toBe(0);
    expect(output[0]).toBe('The school\'s policy, first version: Social Media Policy for Schools');
    expect(output).toContain('5. Acceptable use');
    expect(output.at(-1)).toBe('Not published: run again with --yes to publish it.');

    expect(await main(['publish', SCHOOL, '--db', db, '--by', 'it-lead', '--yes'], {})).toBe(0);
    expect(output.at(-1)).toBe('Published oakfield-social-media-policy.txt as oakfield-social-media-policy, the school\'s policy: running bots answer from it within a minute, and a bot started later from the start.');
    expect(published()).toEqual([{ policy_id: 'oakfield-social-media-policy', file_name: 'oakfield-social-media-policy.txt', configured_hash: '', published_by: 'cli:it-lead' }]);

    const database = openSqliteDatabase(db);
    try {
      const { library } = await loadPolicyLibrary({ policyFiles: [] } as unknown as AppConfig, createLogger('silent'), createSqlitePublishedPolicyStore(database));
      expect(library.primary?.id).toBe('oakfield-social-media-policy');
    } finally {
      database.close();
    }
  });

  it('when the school\'s policy is already kept, then a file of another name is its next version: the changes are shown and it keeps the id', async () => {
    await main(['publish', SCHOOL, '--db', db, '--yes'], {});
    const next = path.join(dir, 'Policy 2027.txt');
    fs.writeFileSync(next, `${fs.readFileSync(SCHOOL, 'utf8').trimEnd()}\n\n12. Artificial intelligence tools\n\nStaff must not put pupils' names into public AI chatbots.\n`);
    output = [];
    expect(await main(['publish', next, '--db', db, '--yes'], KEYED)).toBe(0);
    expect(output[0]).toMatch(/^1 changed section\(s\), \d+ unchanged/);
    expect(output).toContain('added    12. Artificial intelligence tools');
    expect(published().map((r) => (r as { policy_id: string }).policy_id)).toEqual(['oakfield-social-media-policy', 'oakfield-social-media-policy']);
  });

  it('when POLICY_FILES is set and --replaces is not given, then it is a usage error saying what to do, and nothing is kept', async () => {
    expect(await main(['publish', SCHOOL, '--db', db, '--yes'], { POLICY_FILES: 'policies/ours.docx' })).toBe(2);
    expect(errors.join('')).toContain('policy-bot: POLICY_FILES is set (policies/ours.docx): publish a new version with --replaces and the file it replaces.');
    expect(fs.existsSync(db)).toBe(false);
  });

  it('when the file is a bundled sample, then it is refused with what to do instead, except for a local bot', async () => {
    expect(await main(['publish', SAMPLE, '--db', db, '--yes'], {})).toBe(1);
    expect(errors.join('')).toContain('is the sample policy bundled with the app (samples/policies/liverpool-model.txt), not the school\'s policy. Leave POLICY_FILES empty');
    expect(fs.existsSync(db)).toBe(false);
    expect(await main(['publish', SAMPLE, '--db', db, '--yes'], { APP_MODE: 'local' })).toBe(0);
    expect(published()).toHaveLength(1);
  });

  /**
   * An owner publishes in chat while the command runs (issue 49): the command's console.log is where it has shown what it
   * read and not yet kept it, so the owner's version is kept there, through a second connection to the same file.
   */
  const ownerPublishesWhenShown = (shown: RegExp, version: { policyId: string; fileName: string }, condition: PublishCondition) => {
    const other = openSqliteDatabase(db);
    const store = createSqlitePublishedPolicyStore(other);
    jest.spyOn(console, 'log').mockImplementation((line: string) => {
      output.push(line);
      if (shown.test(line)) {
        void store.publish({ ...version, content: fs.readFileSync(SCHOOL), contentHash: 'from-chat', configuredHash: '', publishedBy: 'aad-owner', publishedAt: '2026-11-21T09:00:00.000Z' }, condition);
      }
    });
    return () => other.close();
  };
  const audit = () => {
    const database = openSqliteDatabase(db);
    try {
      return (database.prepare('SELECT actor, action, policy_id, details FROM policy_audit ORDER BY seq').all() as { actor: string; action: string; policy_id: string; details: string }[])
        .map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
    } finally {
      database.close();
    }
  };

  it('when an owner publishes the school\'s first policy in chat while the command shows its own, then nothing is kept, it says what is live, and the attempt is audited', async () => {
    const close = ownerPublishesWhenShown(/^The school's policy, first version/, { policyId: 'ours-from-chat', fileName: 'Ours from chat.docx' }, { first: true });
    try {
      expect(await main(['publish', SCHOOL, '--db', db, '--by', 'it-lead', '--yes'], {})).toBe(1);
    } finally {
      close();
    }
    expect(errors.join('')).toContain('policy-bot: [PUBLISH_LOST] Not published: Ours from chat.docx was published (by a policy owner in Teams, 2026-11-21T09:00:00.000Z) '
      + 'as the school\'s policy while this ran, and is live. Run the command again without --yes to see what your file changes against it.');
    expect(published()).toEqual([{ policy_id: 'ours-from-chat', file_name: 'Ours from chat.docx', configured_hash: '', published_by: 'aad-owner' }]);
    expect(audit()).toEqual([{ actor: 'cli:it-lead', action: 'version.notPublished', policy_id: 'oakfield-social-media-policy',
      details: expect.objectContaining({ via: 'cli', first: true, livePolicyId: 'ours-from-chat' }) }]);
  });

  it('when an owner publishes a new version in chat while the command shows what its file changes, then the file is not kept over it', async () => {
    await main(['publish', SCHOOL, '--db', db, '--yes'], {});
    const next = path.join(dir, 'Policy 2027.txt');
    fs.writeFileSync(next, `${fs.readFileSync(SCHOOL, 'utf8').trimEnd()}\n\n12. Artificial intelligence tools\n\nStaff must not put pupils' names into public AI chatbots.\n`);
    const first = openSqliteDatabase(db);
    const [{ seq }] = first.prepare('SELECT seq FROM policy_published').all() as { seq: number }[];
    first.close();
    const close = ownerPublishesWhenShown(/changed section\(s\)/, { policyId: 'oakfield-social-media-policy', fileName: 'From chat 2027.docx' }, { after: seq });
    try {
      expect(await main(['publish', next, '--db', db, '--by', 'it-lead', '--yes'], KEYED)).toBe(1);
    } finally {
      close();
    }
    expect(errors.join('')).toContain('Not published: From chat 2027.docx was published (by a policy owner in Teams, 2026-11-21T09:00:00.000Z) as the newest version of oakfield-social-media-policy while this ran');
    expect(published().map((r) => (r as { file_name: string }).file_name)).toEqual(['oakfield-social-media-policy.txt', 'From chat 2027.docx']);
    expect(audit().map((e) => [e.actor, e.action])).toEqual([['cli:unknown', 'version.published'], ['cli:it-lead', 'version.notPublished']]);
  });

  /** A small policy of three sections; the next version adds one before the second and drops the last. */
  const V1 = 'Staff social media policy\n\n1. Introduction\n\nThis policy applies to all staff of the school.\n\n2. Photographs\n\n'
    + 'Staff must not post photographs of pupils on personal accounts.\n\n3. Friend requests\n\nStaff must not accept friend requests from pupils or parents.\n';
  const V2 = 'Staff social media policy\n\n1. Introduction\n\nThis policy applies to all staff of the school.\n\n2. Purpose\n\n'
    + 'This policy keeps pupils and staff safe online.\n\n3. Photographs\n\nStaff must not post photographs of pupils on personal accounts.\n';
  const teachingLinks = (fn: (store: ReturnType<typeof createSqliteTeachingLinkStore>) => Promise<unknown>) => {
    const database = openSqliteDatabase(db);
    return fn(createSqliteTeachingLinkStore(database, createQuestionSealing(KEY))).finally(() => database.close());
  };

  it('when a new version moves and drops sections, then what owners taught follows its section (never the old number) and the command says what moved and what lost its section', async () => {
    const first = path.join(dir, 'Staff policy.txt');
    fs.writeFileSync(first, V1);
    expect(await main(['publish', first, '--db', db, '--yes'], KEYED)).toBe(0);
    const v1 = await readPolicyFileIsolated(first);
    const ordinal = (doc: PolicyDocument, title: string) => doc.sections.find((sec) => sec.title === title)!.ordinal;
    const id = 'staff-policy';
    await teachingLinks(async (store) => {
      await store.add({ question: 'can i put photos of my class on my facebook', section: `${id}#${ordinal(v1, 'Photographs')}`, taughtBy: 'owner', taughtAt: '2026-11-20T09:00:00.000Z' });
      await store.add({ question: 'a parent added me on facebook', section: `${id}#${ordinal(v1, 'Friend requests')}`, taughtBy: 'owner', taughtAt: '2026-11-20T09:00:00.000Z' });
    });
    const next = path.join(dir, 'Staff policy 2027.txt');
    fs.writeFileSync(next, V2);
    output = [];
    expect(await main(['publish', next, '--db', db, '--by', 'it-lead', '--yes'], KEYED)).toBe(0);
    const v2 = await readPolicyFileIsolated(next);
    expect(ordinal(v2, 'Photographs')).not.toBe(ordinal(v1, 'Photographs'));
    const links = await teachingLinks((store) => store.list()) as { question: string; section: string }[];
    expect(links.map((l) => [l.question, l.section]).sort()).toEqual([
      ['a parent added me on facebook', `${id}#gone`],
      ['can i put photos of my class on my facebook', `${id}#${ordinal(v2, 'Photographs')}`],
    ]);
    expect(output).toContain('1 taught question(s) follow their sections to where this version has them.');
    expect(output).toContain('1 taught question(s) were linked to a section this version no longer has: answered by the model again until an owner teaches them again (type taught in chat to see them).');
  });

  it('when IT publishes over the configured file (--replaces), then taught questions follow their sections from the file, and from a version published over it before', async () => {
    const configured = path.join(dir, 'staff-policy.txt');
    fs.writeFileSync(configured, V1);
    const v1 = await readPolicyFileIsolated(configured);
    const photos = v1.sections.find((sec) => sec.title === 'Photographs')!.ordinal;
    await teachingLinks((store) => store.add({ question: 'class photos on instagram', section: `${v1.id}#${photos}`, taughtBy: 'owner', taughtAt: '2026-11-20T09:00:00.000Z' }));
    const next = path.join(dir, 'Staff policy 2027.txt');
    fs.writeFileSync(next, V2);
    expect(await main(['publish', next, '--replaces', configured, '--db', db, '--yes'], KEYED)).toBe(0);
    const sectionOf = async () => ((await teachingLinks((store) => store.list())) as { section: string }[]).map((l) => l.section);
    expect(await sectionOf()).toEqual([`${v1.id}#${photos + 1}`]);
    // A third version, back to the first's layout: the link moves from the version kept above, not from the file.
    const third = path.join(dir, 'Staff policy 2028.txt');
    fs.writeFileSync(third, V1);
    expect(await main(['publish', third, '--replaces', configured, '--db', db, '--yes'], KEYED)).toBe(0);
    expect(await sectionOf()).toEqual([`${v1.id}#${photos}`]);
  });

  it('when a new version is published without the bot\'s key, then it is refused before anything is kept, saying why (taught questions could not follow their sections)', async () => {
    const first = path.join(dir, 'Staff policy.txt');
    fs.writeFileSync(first, V1);
    expect(await main(['publish', first, '--db', db, '--yes'], {})).toBe(0);
    const next = path.join(dir, 'Staff policy 2027.txt');
    fs.writeFileSync(next, V2);
    expect(await main(['publish', next, '--db', db, '--yes'], {})).toBe(2);
    expect(errors.join('')).toContain('set CONCERN_ENCRYPTION_KEY to the key the bot runs with (APP_MODE=local for a local bot): a new version carries what owners taught');
    expect(published()).toHaveLength(1);
    const configured = path.join(dir, 'ours.txt');
    fs.writeFileSync(configured, V1);
    expect(await main(['publish', next, '--replaces', configured, '--db', db, '--yes'], {})).toBe(2);
    expect(published()).toHaveLength(1);
  });

  it('when the new file shares no section with the live policy, then the command warns it is most likely the wrong file, as the publish card does', async () => {
    const first = path.join(dir, 'Staff policy.txt');
    fs.writeFileSync(first, V1);
    expect(await main(['publish', first, '--db', db, '--yes'], KEYED)).toBe(0);
    const list = path.join(dir, 'Shopping.txt');
    fs.writeFileSync(list, 'Shopping\n\n1. Fruit\n\nApples, pears and plums for the week.\n\n2. Bakery\n\nTwo loaves and a dozen rolls.\n');
    output = [];
    expect(await main(['publish', list, '--db', db], KEYED)).toBe(0);
    expect(output).toContainEqual(expect.stringMatching(/^warning \[NOTHING_IN_COMMON\] Nothing in this file matches a section of the live policy \(Staff social media policy\)/));
    const configured = path.join(dir, 'ours.txt');
    fs.writeFileSync(configured, V1);
    output = [];
    expect(await main(['publish', list, '--replaces', configured, '--db', db], KEYED)).toBe(0);
    expect(output).toContainEqual(expect.stringMatching(/^warning \[NOTHING_IN_COMMON\]/));
    expect(output.at(-1)).toBe('Not published: run again with --yes to publish it.');
  });
});
