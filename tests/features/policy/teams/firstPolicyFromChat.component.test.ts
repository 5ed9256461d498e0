import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO, FileDownloader } from '../../../../src/teams/fileDownload';
import { Verbs } from '../../../../src/teams/verbs';
import { openSqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { sendingStepOf } from '../../../support/cardAssertions';
import { quietExpectedLibraryErrors } from '../../../support/expectedLibraryErrors';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { ProductionBot, startProductionBot } from '../../../support/productionBot';
import { REPO_ROOT } from '../../../support/repoRoot';
import { ORDINARY } from '../../../support/modelItems';
import { concernForm, PEOPLE, Person, readableText } from '../../../security/securityHarness';

/**
 * Issue 44, part 2, over HTTP in production mode (real Bot Framework token checks, the fake connector): a school goes
 * live with no POLICY_FILES and no fork. Before the policy is added, staff are told honestly who to ask, owners are told
 * how to add it, campaigns are refused, reports still go; an owner sends the school's policy in chat, sees what the bot
 * read, publishes it, and it is live at once and after a restart on the same database. The bundled sample is refused.
 */
const TENANT = 'tenant-1';
const KEY = crypto.randomBytes(32).toString('base64');
const QUESTION = ORDINARY.friendRequests;
const NOT_ADDED = 'The school\'s policy has not been added to me yet, so I cannot answer from it. Ask one of the policy owners';
const OWNER_FIRST_LINE = 'No policy yet: send the school\'s policy (.docx, .pdf, .txt or .md) to me here to add it';
const ADD_FIRST = 'There is no policy for staff to acknowledge yet: add the policy first.';
const SCHOOL_FILE = 'Oakfield social media policy.docx';
/** Where Teams keeps a file sent in a 1:1 chat: the sender's OneDrive. */
const ONEDRIVE = 'https://oakfield-my.sharepoint.com/personal/olive/Documents/Microsoft%20Teams%20Chat%20Files/';

const personal = (p: Person) => ({ id: `a:${p.aadObjectId}`, conversationType: 'personal', tenantId: TENANT });
const channelData = { tenant: { id: TENANT } };

describe('the school\'s own policy, sent in chat, in production with no POLICY_FILES (issue 44)', () => {
  quietExpectedLibraryErrors();
  let dir: string;
  let connector: FakeConnector;
  let bot: ProductionBot;
  let headDraftId: string | undefined;
  /** The sender's OneDrive, as the bot's downloader reaches it: the files owners sent, by link. */
  const oneDrive = new Map<string, Buffer>();
  const fileDownload: FileDownloader = async (file) => {
    const content = oneDrive.get(file.downloadUrl);
    if (!content) throw new Error(`nothing at ${file.downloadUrl}`);
    return content;
  };

  const env = () => ({
    POLICY_FILES: undefined, CONCERN_ENCRYPTION_KEY: KEY, SQLITE_PATH: path.join(dir, 'bot.sqlite'), POLICY_OWNERS: `${PEOPLE.owner.aadObjectId},${PEOPLE.head.aadObjectId}`,
    ROSTER_FILE: path.join(REPO_ROOT, 'samples', 'roster.csv'),
  });
  const start = () => startProductionBot(env(), undefined, { connector, fileDownload });
  const saidTo = (p: Person) => connector.deliveries.filter((d) => d.conversationId === `a:${p.aadObjectId}`);
  /** What the bot sent a person in reply to one message of theirs. */
  const say = async (p: Person, text: string): Promise<string> => {
    const before = saidTo(p).length;
    expect((await bot.post({ type: 'message', text, textFormat: 'plain', from: p, conversation: personal(p), channelData })).status).toBe(200);
    return readableText(saidTo(p).slice(before).map((d) => d.activity));
  };
  const sendFile = async (p: Person, name: string, content: Buffer): Promise<{ text: string; draftId?: string }> => {
    const url = `${ONEDRIVE}${encodeURIComponent(name)}`;
    oneDrive.set(url, content);
    const before = saidTo(p).length;
    await bot.post({
      type: 'message', text: '', from: p, conversation: personal(p), channelData,
      attachments: [{ contentType: FILE_DOWNLOAD_INFO, name, contentUrl: url, content: { downloadUrl: url, uniqueId: name, fileType: path.extname(name).slice(1) } }],
    });
    const replies = saidTo(p).slice(before).map((d) => d.activity);
    return { text: readableText(replies), draftId: /"draftId":"([^"]+)"/.exec(JSON.stringify(replies))?.[1] };
  };
  const execute = (p: Person, verb: string, data: unknown) => bot.post({
    type: 'invoke', name: 'adaptiveCard/action', from: p, conversation: personal(p), channelData, replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  const health = async () => (await (await fetch(`${bot.base}/healthz?detail=1`)).json() as { policy: Record<string, unknown> }).policy;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-policy-'));
    connector = await startFakeConnector({ ratePerSecond: 0 });
    bot = await start();
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when production starts with no POLICY_FILES and nothing published, then it starts and /healthz?detail=1 says no policy is loaded', async () => {
    expect(bot.app.library.documents).toEqual([]);
    expect(await health()).toMatchObject({ state: 'none', loaded: false, summary: expect.stringContaining('no policy loaded') });
  });

  it('when a member of staff asks a question, then they are told the policy has not been added and who to ask, and the owner sees the question in unanswered once they send it', async () => {
    const before = saidTo(PEOPLE.reporter).length;
    const reply = await say(PEOPLE.reporter, QUESTION);
    expect(reply).toContain(NOT_ADDED);
    expect(reply).toContain('or your line manager');
    expect(reply).not.toMatch(/something went wrong|Section \d/i);
    expect(await say(PEOPLE.owner, 'unanswered')).not.toContain(QUESTION);
    const { send } = sendingStepOf(saidTo(PEOPLE.reporter).slice(before).map((d) => d.activity));
    expect(send).toBeDefined();
    expect((await execute(PEOPLE.reporter, send!.verb, { ...send!.data, question: QUESTION })).status).toBe(200);
    expect(await say(PEOPLE.owner, 'unanswered')).toContain(QUESTION);
  });

  it('when a question reads as a disclosure about a child, then "Report a concern" still comes first and nothing of it is kept', async () => {
    const rowsBefore = bot.rowCounts();
    const reply = await say(PEOPLE.reporter, 'a girl in 4B showed me bruises on her arm and said her stepdad did it');
    expect(reply).toMatch(/Report a concern/);
    expect(reply).not.toContain(NOT_ADDED);
    expect(await say(PEOPLE.owner, 'unanswered')).not.toContain('4B');
    expect(rowsBefore.policy_questions).toBe(1);
    expect(bot.rowCounts().policy_questions).toBe(1);
    expect(bot.rowCounts().policy_disclosure_like).toBe((rowsBefore.policy_disclosure_like ?? 0) + 1);
  });

  it('when an owner types help, then its first line says how to add the policy; staff are told it has not been added', async () => {
    const owner = await say(PEOPLE.owner, 'help');
    expect(owner).toContain(OWNER_FIRST_LINE);
    expect(owner.indexOf(OWNER_FIRST_LINE)).toBeLessThan(owner.indexOf('Ask a question in your own words'));
    const staff = await say(PEOPLE.reporter, 'help');
    expect(staff).not.toContain(OWNER_FIRST_LINE);
    expect(staff).toContain('The school\'s policy has not been added to me yet');
  });

  it('when an owner asks for a campaign before the policy is added, then it is refused with "add the policy first", not an error', async () => {
    const reply = await say(PEOPLE.owner, 'campaign start');
    expect(reply).toContain(ADD_FIRST);
    expect(reply).not.toMatch(/Sorry, that did not work|Start this campaign/);
  });

  it('when a member of staff reports a concern with no policy, then the form and the receipt work as always', async () => {
    expect(await say(PEOPLE.reporter, 'report a concern')).toContain('Step 1 of 2');
    const receipt = readableText((await execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm())).body);
    expect(receipt).toMatch(/SG-\d{4}-[0-9A-Z]{6}/);
    expect(bot.rowCounts().concerns).toBe(1);
  });

  it('when an owner sends the bundled sample, renamed, then it is refused with what to do instead, and nothing is kept', async () => {
    const sample = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'));
    const { text, draftId } = await sendFile(PEOPLE.owner, 'Our policy.txt', sample);
    expect(draftId).toBeUndefined();
    expect(text).toContain('That file was not published: "Our policy.txt" is the sample policy bundled with the app (samples/policies/liverpool-model.txt), not the school\'s policy.');
    expect(text).toContain('send the school\'s policy (.docx, .pdf, .txt or .md) to the bot in a 1:1 chat in Teams as a policy owner');
    expect(bot.rowCounts().policy_published).toBe(0);
  });

  it.each([
    ['empty', Buffer.from('')],
    ['only blank lines', Buffer.from('\n\n   \n\t\n')],
  ])('when an owner sends a file with no text in its sections (%s), then it is refused as no policy, audited, and nothing is kept', async (_form, content) => {
    const { text, draftId } = await sendFile(PEOPLE.owner, 'policy.txt', content);
    expect(draftId).toBeUndefined();
    expect(text).toContain('That file was not published: "policy.txt" has no text in its sections, so it is not a policy.');
    expect(bot.rowCounts().policy_published).toBe(0);
    const refusal = bot.app.db.prepare('SELECT details FROM policy_audit WHERE action = \'version.refused\' ORDER BY seq DESC LIMIT 1').get() as { details: string };
    expect(JSON.parse(refusal.details)).toEqual({ reason: 'no text' });
  });

  it.each([
    ['with a line added', 'Our policy.txt', async (text: string) => Buffer.from(`${text}\n`)],
    ['as Word', 'Social media policy.docx', (text: string) => policyDocxFromText(text, 'liverpool-model.txt')],
    ['as PDF', 'Social media policy.pdf', async () => fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'documents', 'liverpool-model.pdf'))],
  ])('when an owner sends the bundled sample %s, then it is refused as the sample (issue 49), audited, and nothing is kept', async (_form, name, make) => {
    const sample = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), 'utf8');
    const { text, draftId } = await sendFile(PEOPLE.owner, name, await make(sample));
    expect(draftId).toBeUndefined();
    expect(text).toContain(`That file was not published: "${name}" is the sample policy bundled with the app (samples/policies/liverpool-model.txt), not the school's policy.`);
    expect(bot.rowCounts().policy_published).toBe(0);
    const refusal = bot.app.db.prepare('SELECT actor, details FROM policy_audit WHERE action = \'version.refused\' ORDER BY seq DESC LIMIT 1').get() as { actor: string; details: string };
    expect(refusal.actor).toBe(PEOPLE.owner.aadObjectId);
    expect(JSON.parse(refusal.details)).toEqual({ reason: 'bundled sample', sample: 'liverpool-model.txt' });
  });

  it('when the owner sends the school\'s policy and publishes it, then they see what was read, and staff are answered from it at once with a quote', async () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt'), 'utf8');
    const { text: preview, draftId } = await sendFile(PEOPLE.owner, SCHOOL_FILE, await policyDocxFromText(text, 'oakfield-social-media-policy.txt'));
    expect(preview).toContain('The school\'s policy: Social Media Policy for Schools');
    expect(preview).toContain(`From ${SCHOOL_FILE}`);
    expect(preview).toMatch(/I read \d+ sections\./);
    expect(preview).toContain('5. Acceptable use');
    expect(preview).toContain('Publishing makes this the school\'s policy at once');
    expect(draftId).toBeDefined();
    // Nothing is live until the owner publishes it.
    expect(await say(PEOPLE.reporter, QUESTION)).toContain(NOT_ADDED);
    // Meanwhile another owner sends a first version of their own.
    headDraftId = (await sendFile(PEOPLE.head, 'Head draft.txt', Buffer.from('1. Draft\n\nA draft policy the head sent.\n'))).draftId;
    expect(headDraftId).toBeDefined();

    const published = readableText((await execute(PEOPLE.owner, Verbs.publishVersion, { draftId })).body);
    expect(published).toContain('Published: Social Media Policy for Schools');
    expect(published).toContain('Live now: staff questions are answered from this policy');

    const answer = await say(PEOPLE.reporter, QUESTION);
    expect(answer).not.toContain(NOT_ADDED);
    expect(answer).toMatch(/friend/i);
    expect(answer).toMatch(/Social Media Policy for Schools/);
    expect(await health()).toMatchObject({ state: 'loaded', loaded: true, documents: 1 });
    expect(await say(PEOPLE.owner, 'help')).not.toContain(OWNER_FIRST_LINE);
  });

  it('when another owner\'s first version waited while the policy was published, then publishing it is refused and the live policy stays', async () => {
    const refused = readableText((await execute(PEOPLE.head, Verbs.publishVersion, { draftId: headDraftId })).body);
    expect(refused).toContain('Not published: Head draft');
    expect(refused).toContain('Another policy owner published a file as the school\'s policy while this one waited, so this one was not published');
    expect(refused).toContain(`Live now: Social Media Policy for Schools (${SCHOOL_FILE}), published `);
    expect(bot.app.library.documents.map((d) => d.id)).toEqual(['oakfield-social-media-policy']);
    expect(bot.rowCounts().policy_published).toBe(1);
    const lost = bot.app.db.prepare('SELECT actor, policy_id, details FROM policy_audit WHERE action = \'version.notPublished\'').all() as { actor: string; policy_id: string; details: string }[];
    expect(lost.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown }))).toEqual([{
      actor: PEOPLE.head.aadObjectId, policy_id: 'head-draft',
      details: expect.objectContaining({ reason: 'another policy was published first', first: true, livePolicyId: 'oakfield-social-media-policy' }),
    }]);
  });

  it('when the policy is live, then the owner can preview and start a campaign on it', async () => {
    const preview = await say(PEOPLE.owner, 'campaign start');
    expect(preview).toContain('Start this campaign?');
    expect(preview).toContain('Social Media Policy for Schools');
    expect(preview).not.toContain(ADD_FIRST);
  });

  it('when the bot restarts on the same database, then it answers from the published policy, kept under the id of its first file', async () => {
    await bot.close();
    bot = await start();
    expect(bot.app.library.primary?.id).toBe('oakfield-social-media-policy');
    const answer = await say(PEOPLE.reporter, QUESTION);
    expect(answer).not.toContain(NOT_ADDED);
    expect(answer).toMatch(/friend/i);
    expect(await health()).toMatchObject({ state: 'loaded' });
    expect(await say(PEOPLE.owner, 'campaign start')).toContain('Start this campaign?');

    const db = openSqliteDatabase(path.join(dir, 'bot.sqlite'));
    try {
      expect(db.prepare('SELECT policy_id, file_name, configured_hash, published_by FROM policy_published').all())
        .toEqual([{ policy_id: 'oakfield-social-media-policy', file_name: SCHOOL_FILE, configured_hash: '', published_by: PEOPLE.owner.aadObjectId }]);
    } finally {
      db.close();
    }
  });

  it('when the owner sends a later version under another name, then it is shown as changes to the live policy and keeps its id', async () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt'), 'utf8');
    const next = `${text.trimEnd()}\n\n12. Artificial intelligence tools\n\nStaff must not put pupils' names, photographs or work into public AI chatbots.\n`;
    const { text: preview, draftId } = await sendFile(PEOPLE.owner, 'Oakfield policy 2027.txt', Buffer.from(next));
    expect(preview).toContain('New version of Social Media Policy for Schools');
    expect(preview).toMatch(/1 added; \d+ unchanged/);
    expect(readableText((await execute(PEOPLE.owner, Verbs.publishVersion, { draftId })).body)).toContain('Live now');
    expect(await say(PEOPLE.reporter, 'can i put a pupils work into chatgpt')).toContain('public AI chatbots');
    expect(bot.app.library.primary?.id).toBe('oakfield-social-media-policy');
  });

  it('when the owner sends a file that shares no section with the live policy (a shopping list), then the card says it is most likely the wrong file before anything is published', async () => {
    const list = '1. Groceries\n\nMilk, bread, eggs and tea bags for the staffroom.\n\n2. Stationery\n\nWhiteboard pens, staples and sticky notes.\n';
    const { text: preview, draftId } = await sendFile(PEOPLE.owner, 'Shopping.txt', Buffer.from(list));
    expect(preview).toContain('Nothing in this file matches a section of the live policy (Social Media Policy for Schools)');
    expect(preview).toContain('Check this is the right file');
    expect(draftId).toBeDefined();
    expect(bot.app.library.primary?.title).toBe('Social Media Policy for Schools');
    // A real next version (the last test's) carries no such warning.
    const text = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt'), 'utf8');
    expect((await sendFile(PEOPLE.owner, 'Oakfield policy 2028.txt', Buffer.from(text.replace('Staff must', 'Staff members must')))).text).not.toContain('Nothing in this file matches');
  });
});
