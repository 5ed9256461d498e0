import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { createAzureTablePublishedPolicyStore } from '../../../../src/adapters/azureTables/azureTablePublishedPolicyStore';
import { createSqlitePublishedPolicyStore } from '../../../../src/adapters/sqlite/sqlitePublishedPolicyStore';
import { openSqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { PolicyAuditEntry, PublishedVersionSummary } from '../../../../src/features/policy/publishing/publishedPolicies';
import { FILE_DOWNLOAD_INFO, FileDownloader } from '../../../../src/teams/fileDownload';
import { Verbs } from '../../../../src/teams/verbs';
import { AzuriteTables, startAzuriteTables } from '../../../support/azuriteServer';
import { quietExpectedLibraryErrors } from '../../../support/expectedLibraryErrors';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { ProductionBot, startProductionBot } from '../../../support/productionBot';
import { REPO_ROOT } from '../../../support/repoRoot';
import { PEOPLE, Person, readableText } from '../../../security/securityHarness';

/**
 * Issue 49, item 2, over HTTP in production mode with no POLICY_FILES: two owners press Publish at the same moment, on
 * SQLite and on Azure Table storage (Azurite), on one instance and on two sharing the tables. Exactly one version is
 * kept; the other owner is told another went live first, what is live, and what to do; both attempts are in the audit;
 * and after a restart /healthz?detail=1 shows one document and staff are answered from it.
 */
const TENANT = 'tenant-1';
const QUESTION = 'Can I accept a friend request from a parent?';
const ONEDRIVE = 'https://oakfield-my.sharepoint.com/personal/owner/Documents/Microsoft%20Teams%20Chat%20Files/';
const OWNERS = [PEOPLE.owner, PEOPLE.head] as const;
const text = (file: string): string => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
/** The text of a first policy (Oakfield's is sent as Word, Brookside's as text), for writing its next version. */
const firstText = (i: number): string => (i === 0 ? text('tests/fixtures/policies/oakfield-social-media-policy.txt')
  : text('samples/policies/lancashire-model.txt').replace('LANCASHIRE COUNTY COUNCIL', 'BROOKSIDE ACADEMY').replace(/\[establishment name\]/g, 'Brookside Academy'));
/** Two schools' first policies: Oakfield's (the Liverpool model under its name) as Word, Brookside's (Lancashire's) as text. */
const FIRST = [
  { name: 'Oakfield social media policy.docx', id: 'oakfield-social-media-policy', content: () => policyDocxFromText(text('tests/fixtures/policies/oakfield-social-media-policy.txt'), 'oakfield.txt') },
  { name: 'Brookside social media policy.txt', id: 'brookside-social-media-policy', content: async () => Buffer.from(firstText(1)) },
];
/** A new version of a policy: its text with one section added. */
const withSection = (policy: string, added: { heading: string; rule: string }): Buffer => Buffer.from(`${policy.trimEnd()}\n\n99. ${added.heading}\n\n${added.rule}\n`);
/** Two new versions of whichever policy won, each adding its own rule. */
const NEXT = [
  { name: 'Policy 2027 (AI).txt', rule: 'Staff must not put pupils\' names or work into public AI chatbots.', question: 'can i put a pupils work into chatgpt', heading: 'Artificial intelligence tools' },
  { name: 'Policy 2027 (drones).txt', rule: 'Staff must not fly drones over the school grounds to film pupils.', question: 'can i fly a drone over the school field', heading: 'Drones' },
];

const personal = (p: Person) => ({ id: `a:${p.aadObjectId}`, conversationType: 'personal', tenantId: TENANT });
const channelData = { tenant: { id: TENANT } };

/** A production bot and how to act on it as a person of the school. */
function actor(bot: () => ProductionBot, connector: FakeConnector, oneDrive: Map<string, Buffer>) {
  const saidTo = (p: Person) => connector.deliveries.filter((d) => d.conversationId === `a:${p.aadObjectId}`);
  return {
    async say(p: Person, message: string): Promise<string> {
      const before = saidTo(p).length;
      expect((await bot().post({ type: 'message', text: message, textFormat: 'plain', from: p, conversation: personal(p), channelData })).status).toBe(200);
      return readableText(saidTo(p).slice(before).map((d) => d.activity));
    },
    async sendFile(p: Person, name: string, content: Buffer): Promise<string> {
      const url = `${ONEDRIVE}${crypto.randomUUID()}/${encodeURIComponent(name)}`;
      oneDrive.set(url, content);
      const before = saidTo(p).length;
      await bot().post({
        type: 'message', text: '', from: p, conversation: personal(p), channelData,
        attachments: [{ contentType: FILE_DOWNLOAD_INFO, name, contentUrl: url, content: { downloadUrl: url, uniqueId: url, fileType: path.extname(name).slice(1) } }],
      });
      const draftId = /"draftId":"([^"]+)"/.exec(JSON.stringify(saidTo(p).slice(before)))?.[1];
      if (!draftId) throw new Error(`no draft for ${name}: ${readableText(saidTo(p).slice(before).map((d) => d.activity))}`);
      return draftId;
    },
    async publish(p: Person, draftId: string): Promise<string> {
      const res = await bot().post({
        type: 'invoke', name: 'adaptiveCard/action', from: p, conversation: personal(p), channelData, replyToId: 'card-1',
        value: { action: { type: 'Action.Execute', verb: Verbs.publishVersion, data: { draftId } }, trigger: 'manual' },
      });
      expect(res.status).toBe(200);
      return readableText(res.body);
    },
    async health(): Promise<Record<string, unknown>> {
      return (await (await fetch(`${bot().base}/healthz?detail=1`)).json() as { policy: Record<string, unknown> }).policy;
    },
  };
}

/** What two owners pressing Publish at once were told: the one whose version was kept, and the other. */
function decide(replies: string[]): { won: number; lost: number } {
  const published = replies.map((r) => /Published: /.test(r) && /Live now/.test(r));
  expect(published.filter(Boolean)).toHaveLength(1);
  const won = published.indexOf(true);
  const lost = 1 - won;
  expect(replies[lost]).toContain('Not published: ');
  expect(replies[lost]).not.toMatch(/something went wrong/i);
  return { won, lost };
}

/** Where a storage kind keeps the records, as a second instance or the next start sees them. */
interface Storage {
  env(): Record<string, string>;
  audit(policyId: string): Promise<PolicyAuditEntry[]>;
  versions(): Promise<PublishedVersionSummary[]>;
  close(): Promise<void>;
}

async function sqliteStorage(): Promise<Storage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-race-'));
  const file = path.join(dir, 'bot.sqlite');
  const withStore = async <T>(read: (store: ReturnType<typeof createSqlitePublishedPolicyStore>) => Promise<T>): Promise<T> => {
    const db = openSqliteDatabase(file);
    try { return await read(createSqlitePublishedPolicyStore(db)); } finally { db.close(); }
  };
  return {
    env: () => ({ SQLITE_PATH: file }),
    audit: (policyId) => withStore((s) => s.listAudit(policyId)),
    versions: () => withStore(async (s) => (await Promise.all((await s.listPolicies()).map((p) => s.history(p.policyId)))).flat()),
    close: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function azureStorage(): Promise<Storage> {
  const azurite: AzuriteTables = await startAzuriteTables();
  const tablePrefix = `race${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const store = await createAzureTablePublishedPolicyStore({ connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix });
  return {
    env: () => ({ STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: tablePrefix }),
    audit: (policyId) => store.listAudit(policyId),
    versions: async () => (await Promise.all((await store.listPolicies()).map((p) => store.history(p.policyId)))).flat(),
    close: () => azurite.stop(),
  };
}

describe.each([['SQLite', sqliteStorage], ['Azure Table storage (Azurite)', azureStorage]])('two owners publishing at the same moment, on %s (issue 49)', (_kind, open) => {
  quietExpectedLibraryErrors();
  let storage: Storage;
  let connector: FakeConnector;
  let bot: ProductionBot;
  const oneDrive = new Map<string, Buffer>();
  const fileDownload: FileDownloader = async (file) => oneDrive.get(file.downloadUrl) ?? Buffer.alloc(0);
  const start = () => startProductionBot({
    POLICY_FILES: undefined, POLICY_OWNERS: OWNERS.map((o) => o.aadObjectId).join(','), ROSTER_FILE: path.join(REPO_ROOT, 'samples', 'roster.csv'), ...storage.env(),
  }, undefined, { connector, fileDownload });
  const as = () => actor(() => bot, connector, oneDrive);
  let winner: { id: string; title: string; hash: string };
  /** The new version that won the second race, and the one that lost. */
  let next: { won: (typeof NEXT)[number]; lost: (typeof NEXT)[number] };

  beforeAll(async () => {
    storage = await open();
    connector = await startFakeConnector({ ratePerSecond: 0 });
    bot = await start();
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
    await storage?.close();
  });

  it('when each sends a different first policy and both press Publish together, then one is the school\'s policy, the other is told which and what to do, and both attempts are audited', async () => {
    const drafts = await Promise.all(OWNERS.map(async (owner, i) => as().sendFile(owner, FIRST[i].name, await FIRST[i].content())));
    const replies = await Promise.all(OWNERS.map((owner, i) => as().publish(owner, drafts[i])));
    const { won, lost } = decide(replies);
    const doc = bot.app.library.primary!;
    winner = { id: FIRST[won].id, title: doc.title, hash: doc.metadata.contentHash };
    expect(bot.app.library.documents.map((d) => d.id)).toEqual([FIRST[won].id]);
    expect(replies[lost]).toContain('Another policy owner published a file as the school\'s policy while this one waited, so this one was not published');
    expect(replies[lost]).toContain(`Live now: ${doc.title} (${FIRST[won].name}), published `);
    expect(replies[lost]).toContain('If yours should replace it, send your file again');
    expect(await as().health()).toMatchObject({ state: 'loaded', documents: 1 });

    expect((await storage.versions()).map((v) => v.policyId)).toEqual([FIRST[won].id]);
    expect((await storage.audit(FIRST[won].id)).filter((e) => e.action === 'version.published').map((e) => e.actor)).toEqual([OWNERS[won].aadObjectId]);
    const lostAudit = (await storage.audit(FIRST[lost].id)).filter((e) => e.action !== 'version.received');
    expect(lostAudit).toEqual([expect.objectContaining({
      action: 'version.notPublished', actor: OWNERS[lost].aadObjectId,
      details: expect.objectContaining({ first: true, reason: 'another policy was published first', livePolicyId: FIRST[won].id }),
    })]);
  });

  it('when each sends a new version of the live policy and both press Publish together, then one is live and the other is told to send theirs again', async () => {
    const live = firstText(FIRST.findIndex((f) => f.id === winner.id));
    const drafts = await Promise.all(OWNERS.map((owner, i) => as().sendFile(owner, NEXT[i].name, withSection(live, NEXT[i]))));
    const replies = await Promise.all(OWNERS.map((owner, i) => as().publish(owner, drafts[i])));
    const { won, lost } = decide(replies);
    expect(replies[lost]).toContain('as a new version of this policy while this one waited, so this one was not published');
    expect(replies[lost]).toContain('Send your file again to see what it changes against the live version');
    expect(replies[lost]).toContain(`Live now: ${winner.title} (${NEXT[won].name}), published `);
    expect(await as().say(PEOPLE.reporter, NEXT[won].question)).toContain(NEXT[won].rule);
    expect(await as().say(PEOPLE.reporter, NEXT[lost].question)).not.toContain(NEXT[lost].rule);

    expect((await storage.versions()).map((v) => v.fileName)).toEqual([FIRST.find((f) => f.id === winner.id)!.name, NEXT[won].name]);
    const audit = await storage.audit(winner.id);
    expect(audit.filter((e) => e.action === 'version.published').map((e) => e.actor).slice(-1)).toEqual([OWNERS[won].aadObjectId]);
    expect(audit.filter((e) => e.action === 'version.notPublished')).toEqual([expect.objectContaining({
      actor: OWNERS[lost].aadObjectId, details: expect.objectContaining({ first: false, reason: 'another version was published first' }),
    })]);
    winner.hash = bot.app.library.primary!.metadata.contentHash;
    next = { won: NEXT[won], lost: NEXT[lost] };
  });

  it('when the bot restarts, then /healthz?detail=1 shows one document and staff are answered from the version that won', async () => {
    await bot.close();
    bot = await start();
    expect(await as().health()).toMatchObject({ state: 'loaded', loaded: true, documents: 1 });
    expect(bot.app.library.documents.map((d) => [d.id, d.metadata.contentHash])).toEqual([[winner.id, winner.hash]]);
    expect(await as().say(PEOPLE.reporter, next.won.question)).toContain(next.won.rule);
    expect(await as().say(PEOPLE.reporter, next.lost.question)).not.toContain(next.lost.rule);
    const answer = await as().say(PEOPLE.reporter, QUESTION);
    expect(answer).toContain(winner.title);
  });
});

describe('two instances on the same Azure tables, an owner on each publishing a first policy at the same moment (issue 49)', () => {
  quietExpectedLibraryErrors();
  let storage: Storage;
  let connector: FakeConnector;
  const bots: ProductionBot[] = [];
  const oneDrive = new Map<string, Buffer>();
  const fileDownload: FileDownloader = async (file) => oneDrive.get(file.downloadUrl) ?? Buffer.alloc(0);
  const start = () => startProductionBot({
    POLICY_FILES: undefined, POLICY_OWNERS: OWNERS.map((o) => o.aadObjectId).join(','), ROSTER_FILE: path.join(REPO_ROOT, 'samples', 'roster.csv'), ...storage.env(),
  }, undefined, { connector, fileDownload });
  const on = (i: number) => actor(() => bots[i], connector, oneDrive);

  beforeAll(async () => {
    storage = await azureStorage();
    connector = await startFakeConnector({ ratePerSecond: 0 });
    bots.push(await start(), await start());
  });
  afterAll(async () => {
    for (const bot of bots) await bot.close();
    await connector?.close();
    await storage?.close();
  });

  it('when both press Publish together, then exactly one is kept, the instance that lost answers from it too, and its owner can publish the next version there', async () => {
    // Owner i on instance i: each instance holds only its own owner's draft.
    const drafts = await Promise.all(OWNERS.map(async (owner, i) => on(i).sendFile(owner, FIRST[i].name, await FIRST[i].content())));
    const replies = await Promise.all(OWNERS.map((owner, i) => on(i).publish(owner, drafts[i])));
    const { won, lost } = decide(replies);
    const title = bots[won].app.library.primary!.title;
    expect(replies[lost]).toContain('Another policy owner published a file as the school\'s policy while this one waited');
    expect(replies[lost]).toContain(`Live now: ${title} (${FIRST[won].name}), published `);
    for (const i of [0, 1]) {
      expect(bots[i].app.library.documents.map((d) => d.id)).toEqual([FIRST[won].id]);
      expect(await on(i).health()).toMatchObject({ state: 'loaded', documents: 1 });
      expect(await on(i).say(PEOPLE.reporter, QUESTION)).toContain(title);
    }
    expect((await storage.versions()).map((v) => v.policyId)).toEqual([FIRST[won].id]);
    expect((await storage.audit(FIRST[lost].id)).map((e) => [e.action, e.actor])).toEqual([
      ['version.received', OWNERS[lost].aadObjectId], ['version.notPublished', OWNERS[lost].aadObjectId],
    ]);

    // The owner who lost sends their file again on their instance: it is a new version of the live policy, and publishes.
    const again = await on(lost).sendFile(OWNERS[lost], 'Policy 2027.txt', withSection(firstText(won), NEXT[1]));
    expect(await on(lost).publish(OWNERS[lost], again)).toContain('Published: ');
    expect(await on(lost).say(PEOPLE.reporter, NEXT[1].question)).toContain(NEXT[1].rule);

    // A restart of the other instance reads the newest version: one document, answered from it.
    await bots[won].close();
    bots[won] = await start();
    expect(await on(won).health()).toMatchObject({ state: 'loaded', documents: 1 });
    expect(await on(won).say(PEOPLE.reporter, NEXT[1].question)).toContain(NEXT[1].rule);
  });
});
