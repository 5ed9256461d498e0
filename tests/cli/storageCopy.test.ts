import fs from 'node:fs';
import { TableClient } from '@azure/data-tables';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/policyBot';
import { openStores } from '../../src/compose/stores';
import { loadConfig } from '../../src/config';
import { validateConcernForm } from '../../src/features/concerns/domain/concernValidation';
import { ConcernReport } from '../../src/features/concerns/domain/concernTypes';
import { AzuriteTables, startAzuriteTables } from '../support/azuriteServer';
import { productionEnv } from '../support/productionEnv';
import { ORDINARY } from '../support/modelItems';
import { formFor, ORIGIN, REPORTER } from '../features/concerns/domain/concernFakes';

const T0 = '2026-09-01T08:00:00.000Z';
/** A question stored in the clear by a release before questions were sealed. */
const OLD_PLAIN_QUESTION = 'OLDPLAINMARKER can i film the nativity';
/** A question an owner taught, kept in the clear by a release before taught questions were sealed. */
const OLD_TAUGHT_QUESTION = 'OLDTAUGHTMARKER can i like a parent post';

/** Fills a SQLite file through the app's own stores, as a school's bot would have over a year. */
async function fillSqlite(env: Record<string, string | undefined>): Promise<{ reports: ConcernReport[]; questionId: string }> {
  const stores = await openStores(loadConfig(env));
  const form = validateConcernForm(formFor('childSafety'));
  if (!form.ok) throw new Error('test form invalid');
  const reports: ConcernReport[] = [];
  for (const at of ['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z']) {
    reports.push(await stores.concerns.createConcern({ draft: form.draft, reporter: REPORTER, origin: ORIGIN, submittedAt: at, referencePrefix: 'SG' },
      [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]));
  }
  const [entry] = await stores.concerns.dueOutbox('2026-03-02T09:00:00.000Z');
  await stores.concerns.claimOutbox(entry, '2026-03-02T09:00:01.000Z');
  await stores.concerns.completeOutbox(entry.id, entry.concernId, [{ type: 'routed', at: '2026-03-02T09:00:02.000Z', data: { role: 'dslChannel', stage: 'primary' } }]);
  await stores.concerns.append(reports[0].id, [{ type: 'noteAdded', at: '2026-03-02T10:00:00.000Z', actorId: 'aad-dsl', data: { note: 'spoke to the class teacher' } }]);
  await stores.concerns.append(null, [{ type: 'accessRefused', at: '2026-03-02T11:00:00.000Z', actorId: 'aad-nosy', data: {} }]);

  const questionId = await stores.questions.recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-03-02T09:00:00.000Z' });
  const helped = await stores.questions.recordQuestion({ question: 'tag pupils?', answered: true, citedSection: 'policy#2', askedAt: '2026-03-02T10:00:00.000Z', phrasing: { text: 'No.', section: 'policy#2' } });
  await stores.questions.recordFeedback(helped, false, '2026-03-02T10:01:00.000Z');
  await stores.questions.recordFeedback(helped, true, '2026-03-02T10:02:00.000Z');
  await stores.questions.recordDisclosureLike('2026-03-02T12:00:00.000Z');
  // Issue 50: replies that were not sure, one with a section chosen (a suggestion for the owners), one with "None of these".
  const chose = await stores.questions.recordQuestion({ question: ORDINARY.gofundmeLink, answered: true, citedSection: 'policy#7', askedAt: '2026-03-02T11:00:00.000Z', sure: false });
  await stores.questions.recordChoice(chose, 'policy#9', '2026-03-02T11:01:00.000Z');
  const choseNone = await stores.questions.recordQuestion({ question: 'staff christmas do pics?', answered: true, citedSection: 'policy#3', askedAt: '2026-03-02T11:30:00.000Z', sure: false });
  await stores.questions.recordChoice(choseNone, 'none', '2026-03-02T11:31:00.000Z');
  // A question past the retention period, deleted: its day count and the deletion run are copied too.
  await stores.questions.recordQuestion({ question: 'long gone', answered: false, citedSection: null, askedAt: '2025-12-01T09:00:00.000Z' });
  await stores.questions.deleteAskedBefore('2026-01-01T00:00:00.000Z', '2026-03-02T02:00:00.000Z');
  // A question an older release kept in plain text: the copy must seal it before it leaves the file.
  stores.db!.prepare(`INSERT INTO policy_questions (id, question, answered, cited_section, asked_at)
    VALUES ('old-plain', '${OLD_PLAIN_QUESTION}', 0, NULL, '2026-01-05T09:00:00.000Z')`).run();

  await stores.published.publish({ policyId: 'liverpool-model', fileName: 'v2.docx', content: Buffer.alloc(300_000, 7), contentHash: 'h2', configuredHash: 'h1', publishedBy: 'owner', publishedAt: '2026-03-01T09:00:00.000Z' }, { after: 0 });
  await stores.published.appendAudit({ at: '2026-03-01T09:00:00.000Z', actor: 'owner', action: 'version.published', policyId: 'liverpool-model', details: { via: 'chat' } });

  await stores.teaching.add({ question: 'can i post the fair', section: 'policy#4', taughtBy: 'owner', taughtAt: '2026-03-01T09:00:00.000Z' });
  const removed = await stores.teaching.add({ question: 'old link', section: 'policy#1', taughtBy: 'owner', taughtAt: '2026-03-01T10:00:00.000Z' });
  await stores.teaching.remove(removed.id, 'owner', '2026-03-01T11:00:00.000Z');
  await stores.teaching.appendAudit({ at: '2026-03-02T12:30:00.000Z', actor: 'aad-nosy', action: 'owner.refused', command: 'unanswered' });
  // Links an older release kept in the clear, one live and one removed: the copy seals the first and erases the second's text.
  const oldLink = stores.db!.prepare(`INSERT INTO policy_teaching_links (id, question, section, taught_by, taught_at, removed_by, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  oldLink.run('6f1c0d2e-0000-4000-8000-000000000001', OLD_TAUGHT_QUESTION, 'policy#3', 'owner', '2026-02-01T09:00:00.000Z', null, null);
  oldLink.run('6f1c0d2e-0000-4000-8000-000000000002', 'OLDREMOVEDMARKER may i follow pupils', 'policy#2', 'owner', '2026-02-02T09:00:00.000Z', 'owner', '2026-02-03T09:00:00.000Z');

  const ack = stores.acknowledgement;
  await ack.savePolicyVersion({ policyId: 'social-media', versionHash: 'hash-a', title: 'Social Media Policy', keyPoints: ['Be kind'], material: true, publishedAt: T0 });
  await ack.upsertStaff(['u1', 'u2', 'u3'].map((userId) => ({ userId, userPrincipalName: `${userId}@school.example`, displayName: userId, department: 'Maths', active: true, source: 'graph' as const, updatedAt: T0 })));
  await ack.setSyncState('graph.deltaLink', 'https://graph.example/delta?x=1');
  await ack.saveConversationReference({ userId: 'u1', conversationId: 'a:1', serviceUrl: 'https://smba.example/', reference: { conversation: { id: 'a:1' } }, updatedAt: T0 });
  await ack.createCampaign({ id: 'c1', policyId: 'social-media', versionHash: 'hash-a', audience: { kind: 'all' }, dueDate: '2026-09-30', startedAt: T0, startedBy: 'owner', round: 1, seriesId: 'c1', status: 'active', keyPoints: ['Do not befriend pupils', 'Report worries to the DSL'] });
  await ack.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'u1', at: '2026-09-01T09:30:00.000Z' });
  await ack.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'u1', at: '2026-09-01T09:31:00.000Z', document: true });
  await ack.recordPolicyRead({ policyId: 'social-media', versionHash: 'hash-a', userId: 'u1', at: '2026-09-01T09:40:00.000Z' });
  await ack.addDeliveries('c1', ['u1', 'u2', 'u3'], T0);
  await ack.claimDeliveries({ campaignId: 'c1', workerId: 'w', limit: 10, leaseMs: 60_000, now: T0 });
  await ack.completeDelivery('c1', 'u1', 'w', { state: 'sent', activityId: 'act-1', conversationId: 'a:1' }, T0);
  await ack.completeDelivery('c1', 'u2', 'w', { state: 'blocked', reason: 'HTTP_403' }, T0);
  await ack.deferDelivery('c1', 'u3', 'w', T0, 'HTTP_429', T0);
  await ack.markOpened('c1', 'u1', '2026-09-01T09:00:00.000Z');
  await ack.setExcused('c1', 'u3', { by: 'owner', at: '2026-09-02T09:00:00.000Z' });
  await ack.appendAcknowledgement({ policyId: 'social-media', versionHash: 'hash-a', userId: 'u1', userPrincipalName: 'u1@school.example', displayName: 'u1', campaignId: 'c1', acknowledgedAt: '2026-09-01T10:00:00.000Z', channel: 'teams' });
  await ack.appendAudit({ at: T0, actor: 'owner', action: 'campaign.started', subject: 'c1', details: { recipients: 3 } });
  await ack.appendAudit({ at: T0, actor: 'owner', action: 'campaign.started', subject: 'c1', details: { recipients: 3 } });
  stores.db?.close();
  return { reports, questionId };
}

describe('policy-bot storage copy-to-azure', () => {
  let azurite: AzuriteTables;
  let dir: string;
  let output: string[];
  beforeAll(async () => {
    azurite = await startAzuriteTables();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-to-azure-'));
  });
  afterAll(async () => {
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    output = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
  });
  afterEach(() => jest.restoreAllMocks());

  /** The counts line of one kind: sqlite, copied, already there, azure, verdict. */
  const countsOf = (kind: string) => {
    const line = output.find((l) => l.startsWith(kind));
    if (!line) throw new Error(`no line for ${kind} in:\n${output.join('\n')}`);
    const [sqlite, copied, already, azure, verdict] = line.slice(40).trim().split(/\s+/);
    return { sqlite: Number(sqlite), copied: Number(copied), already: Number(already), azure: Number(azure), verdict };
  };

  it('when a school\'s SQLite file is copied, then every kind is counted on both sides, the app reads it all on Azure, and a second run copies nothing', async () => {
    const file = path.join(dir, 'school.sqlite');
    const sqliteEnv = productionEnv({ SQLITE_PATH: file });
    const { reports, questionId } = await fillSqlite(sqliteEnv);
    const env = {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: 'moved', CONCERN_ENCRYPTION_KEY: sqliteEnv.CONCERN_ENCRYPTION_KEY,
    };

    expect(await main(['storage', 'copy-to-azure', '--db', file], env)).toBe(0);
    const expected: Record<string, number> = {
      'concern reports': 2, 'concern events and audit': 5, 'concern outbox entries': 2, 'concern cases read back identical': 2,
      'questions asked': 5, '"was this helpful?" replies': 2, 'disclosure-like questions (the day only)': 1, 'teaching audit entries': 1,
      'day counts of deleted questions': 1, 'question deletions (the record)': 1, 'published policy versions': 1, 'publishing audit entries': 1,
      'teaching links (removed ones included)': 4, 'policy versions': 1, staff: 3, 'sync state values': 1, 'conversation references': 1,
      campaigns: 1, 'campaign deliveries': 3, acknowledgements: 1, 'acknowledgement audit lines': 2, 'policy reads (who opened which version)': 1,
    };
    for (const [kind, n] of Object.entries(expected)) {
      expect({ kind, ...countsOf(kind) }).toMatchObject({ kind, sqlite: n, azure: n, verdict: 'ok' });
    }
    expect(countsOf('concern reports').copied).toBe(2);
    expect(output.at(-1)).toMatch(/^Verified/);

    // The app on Azure, with no SQLite file, sees what the school had.
    const azureEnv = productionEnv({ ...env, STORAGE: 'azure', SQLITE_PATH: path.join(dir, 'absent', 'x.sqlite') });
    const onAzure = await openStores(loadConfig(azureEnv));
    const sqliteStores = await openStores(loadConfig(sqliteEnv));
    for (const r of reports) expect(await onAzure.concerns.getCase(r.reference)).toEqual(await sqliteStores.concerns.getCase(r.reference));
    expect(await onAzure.concerns.dueOutbox('2026-03-04T00:00:00.000Z')).toEqual([expect.objectContaining({ concernId: reports[1].id, state: 'pending' })]);
    // The next report gets a random reference that none of the copied ones has.
    const form = validateConcernForm(formFor('childSafety'));
    if (!form.ok) throw new Error('test form invalid');
    const next = await onAzure.concerns.createConcern({ draft: form.draft, reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-05T09:00:00.000Z', referencePrefix: 'SG' }, []);
    expect(next.reference).toMatch(/^SG-2026-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(reports.map((r) => r.reference)).not.toContain(next.reference);
    expect(await onAzure.questions.listFailed(10)).toEqual(await sqliteStores.questions.listFailed(10));
    expect(await onAzure.questions.countsSince('2025-01-01')).toEqual(await sqliteStores.questions.countsSince('2025-01-01'));
    expect((await onAzure.questions.countsSince('2025-01-01')).asked).toBe(6);
    // The choice pressed on a "not sure" reply went with its question, sealed as it was: a suggestion, and a failure.
    expect(await onAzure.questions.listSuggested(10)).toEqual(await sqliteStores.questions.listSuggested(10));
    expect((await onAzure.questions.listSuggested(10)).map((q) => [q.question, q.sure, q.choice?.section])).toEqual([[ORDINARY.gofundmeLink, false, 'policy#9']]);
    expect((await onAzure.questions.listFailed(10)).map((q) => q.question)).toContain('staff christmas do pics?');
    expect(await onAzure.questions.getQuestion(questionId)).toEqual(await sqliteStores.questions.getQuestion(questionId));
    // The version's file (300 KB) is compared byte for byte with Buffer.compare: toEqual walks a Buffer one element at a
    // time, which cost about 2.8 s of CPU here; everything else about the version is compared whole.
    const { content: azureFile, ...azureVersion } = (await onAzure.published.latest('liverpool-model'))!;
    const { content: sqliteFile, ...sqliteVersion } = (await sqliteStores.published.latest('liverpool-model'))!;
    expect(Buffer.compare(azureFile, sqliteFile)).toBe(0);
    expect(azureFile.length).toBe(300_000);
    expect(azureVersion).toEqual(sqliteVersion);
    expect(await onAzure.published.listAudit('liverpool-model')).toEqual(await sqliteStores.published.listAudit('liverpool-model'));
    expect((await onAzure.teaching.list()).map((l) => l.question)).toEqual((await sqliteStores.teaching.list()).map((l) => l.question));
    expect(await onAzure.acknowledgement.countDeliveries('c1')).toEqual(await sqliteStores.acknowledgement.countDeliveries('c1'));
    expect((await onAzure.acknowledgement.getDelivery('c1', 'u1'))).toMatchObject({ state: 'sent', activityId: 'act-1', openedAt: '2026-09-01T09:00:00.000Z' });
    expect((await onAzure.acknowledgement.getDelivery('c1', 'u3'))).toMatchObject({ state: 'pending', excusedAt: '2026-09-02T09:00:00.000Z' });
    expect(await onAzure.acknowledgement.listAcknowledgements('social-media', 'hash-a')).toEqual(await sqliteStores.acknowledgement.listAcknowledgements('social-media', 'hash-a'));
    expect(await onAzure.acknowledgement.getConversationReference('u1')).toEqual(await sqliteStores.acknowledgement.getConversationReference('u1'));
    // What the owner chose for the card, and when each person read the version, are proof too.
    expect((await onAzure.acknowledgement.getCampaign('c1'))?.keyPoints).toEqual(['Do not befriend pupils', 'Report worries to the DSL']);
    expect(await onAzure.acknowledgement.getPolicyRead('social-media', 'hash-a', 'u1')).toMatchObject({
      firstReadAt: '2026-09-01T09:30:00.000Z', lastReadAt: '2026-09-01T09:40:00.000Z', documentAt: '2026-09-01T09:31:00.000Z',
    });
    sqliteStores.db?.close();

    // No question reached Azure in the clear, the old plain one included; the app reads it back with the key.
    const questionTable = TableClient.fromConnectionString(azurite.connectionString, 'movedQuestions', { allowInsecureConnection: true });
    const stored: string[] = [];
    for await (const e of questionTable.listEntities()) stored.push(JSON.stringify(e));
    expect(stored.length).toBeGreaterThan(3);
    expect(stored.join('\n')).not.toMatch(/OLDPLAINMARKER|parking\?|tag pupils/);
    expect((await onAzure.questions.getQuestion('old-plain'))?.question).toBe(OLD_PLAIN_QUESTION);
    // No taught question reached Azure in the clear either; a removed link's question was not copied at all.
    const teachingTable = TableClient.fromConnectionString(azurite.connectionString, 'movedTeaching', { allowInsecureConnection: true });
    const links: Record<string, unknown>[] = [];
    for await (const e of teachingTable.listEntities({ queryOptions: { filter: `PartitionKey eq 'links'` } })) links.push(e);
    expect(links).toHaveLength(4);
    expect(JSON.stringify(links)).not.toMatch(/OLDTAUGHTMARKER|OLDREMOVEDMARKER|can i post the fair|old link/);
    expect(links.filter((l) => l.removedAt).map((l) => [l.section, l.removedBy, l.question])).toEqual([['policy#2', 'owner', undefined], ['policy#1', 'owner', undefined]]);
    expect((await onAzure.teaching.list()).map((l) => l.question)).toEqual([OLD_TAUGHT_QUESTION, 'can i post the fair']);
    expect(await onAzure.teaching.listAudit()).toEqual([{ at: '2026-03-02T12:30:00.000Z', actor: 'aad-nosy', action: 'owner.refused', command: 'unanswered' }]);

    // The owner's CLI reads the same place as the app once STORAGE=azure is set.
    output = [];
    expect(await main(['unanswered'], { ...env, STORAGE: 'azure' })).toBe(0);
    // Staff's choice on a "not sure" reply came too: "None of these" among the failures, the section chosen as a suggestion
    // (this file's policy is only a configured one, not set here, so the section is not named).
    expect(output).toEqual([
      '2026-03-02T11:30:00.000Z\tnone of these\tstaff christmas do pics?', '2026-03-02T09:00:00.000Z\tnot covered\tparking?',
      `2026-01-05T09:00:00.000Z\tnot covered\t${OLD_PLAIN_QUESTION}`,
      expect.stringMatching(/^2026-03-02T11:00:00\.000Z\tsuggestion [0-9a-f-]{36}\tStaff chose a section this version of the policy no longer has for: post the gofundme link\?$/),
      expect.stringMatching(/^Accept a suggestion/),
    ]);

    // Run again: nothing is written twice, and the counts still agree.
    output = [];
    expect(await main(['storage', 'copy-to-azure', '--db', file], env)).toBe(0);
    for (const kind of ['concern reports', 'concern events and audit', 'questions asked', '"was this helpful?" replies', 'published policy versions',
      'disclosure-like questions (the day only)', 'teaching audit entries',
      'teaching links (removed ones included)', 'acknowledgements', 'acknowledgement audit lines', 'campaign deliveries']) {
      expect({ kind, ...countsOf(kind) }).toMatchObject({ kind, copied: 0, verdict: 'ok' });
    }
    // The report filed on Azure meanwhile is counted there, beside the two copied.
    expect(countsOf('concern reports')).toMatchObject({ sqlite: 2, already: 2, azure: 3 });
    expect(countsOf('acknowledgement audit lines')).toMatchObject({ sqlite: 2, already: 2, azure: 2 });
  });

  it('when the concern key is not the one the file was sealed with, then nothing is copied and it says why', async () => {
    const file = path.join(dir, 'other.sqlite');
    const sqliteEnv = productionEnv({ SQLITE_PATH: file });
    await fillSqlite(sqliteEnv);
    const wrongKey = Buffer.alloc(32, 1).toString('base64');
    const errors: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });
    const code = await main(['storage', 'copy-to-azure', '--db', file], {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: 'wrongkey', CONCERN_ENCRYPTION_KEY: wrongKey,
    });
    expect(code).toBe(1);
    expect(errors.join('')).toContain('[CONCERN_KEY_MISMATCH]');
    expect(output.filter((l) => /\s(ok|MISSING)$/.test(l))).toEqual([]);
  });

  it('when the bot already filed a different report on Azure under the same id, then nothing is overwritten and the copy stops', async () => {
    const file = path.join(dir, 'clash.sqlite');
    const sqliteEnv = productionEnv({ SQLITE_PATH: file });
    const { reports } = await fillSqlite(sqliteEnv);
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLE_PREFIX: 'clash', CONCERN_ENCRYPTION_KEY: sqliteEnv.CONCERN_ENCRYPTION_KEY };
    const onAzure = await openStores(loadConfig(productionEnv({ ...env, STORAGE: 'azure' })));
    const form = validateConcernForm(formFor('onlineAbuse'));
    if (!form.ok) throw new Error('test form invalid');
    const filedOnAzure = await onAzure.concerns.createConcern({ draft: form.draft, reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-01-05T09:00:00.000Z', referencePrefix: 'SG' }, []);
    expect(filedOnAzure.id).toBe(reports[0].id);
    const errors: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });

    expect(await main(['storage', 'copy-to-azure', '--db', file], env)).toBe(1);
    expect(errors.join('')).toContain('[COPY_CONFLICT]');
    expect((await onAzure.concerns.getCaseById(filedOnAzure.id))?.report).toEqual(filedOnAzure);
  });

  it('when Azure is not named, then it stops with the usage before touching anything', async () => {
    const errors: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { errors.push(String(chunk)); return true; });
    expect(await main(['storage', 'copy-to-azure', '--db', path.join(dir, 'school.sqlite')], { CONCERN_ENCRYPTION_KEY: 'x' })).toBe(2);
    expect(errors.join('')).toContain('AZURE_STORAGE_CONNECTION_STRING');
  });
});
