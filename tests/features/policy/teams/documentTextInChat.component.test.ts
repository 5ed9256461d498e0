import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO, FileDownloader } from '../../../../src/teams/fileDownload';
import { Verbs } from '../../../../src/teams/verbs';
import { quietExpectedLibraryErrors } from '../../../support/expectedLibraryErrors';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { ProductionBot, startProductionBot } from '../../../support/productionBot';
import { REPO_ROOT } from '../../../support/repoRoot';
import { PEOPLE, Person } from '../../../security/securityHarness';
import { markdownCarriers, textRuns } from '../../../support/cardAssertions';

/**
 * "Text a person typed is shown as text, never as markup", over HTTP in production mode: the policy owner sends the
 * school's policy in chat and its first version goes live, so its title, section titles and sentences are a person's
 * text. A file whose title, a heading and a sentence hold a link, **bold** and an <at> mention is shown to the owner and
 * then to staff in every reply with that text in TextRuns, never in a TextBlock or a fact (which Teams reads as
 * markdown), and the plain replies that carry it (a section that is not there, a file it cannot read) go as plain text.
 */
const TENANT = 'tenant-1';
const KEY = crypto.randomBytes(32).toString('base64');
/**
 * Reading the file already drops "[text](link)" to its text and removes asterisks; a mention and a bare link survive it,
 * and Teams reads both in a TextBlock. (The cards' own handling of links and bold is in documentTextShownAsText.test.ts.)
 */
const MARKUP = ' <at>y</at> https://evil.example/login';
const TITLE = `Social Media Policy for Schools${MARKUP}`;
const HEADING = `5. Acceptable use${MARKUP}`;
const SENTENCE = `Therefore, employees using social media should conduct themselves with professionalism and respect${MARKUP}.`;
/** A file's name keeps all of it (it is never read as a document); OneDrive allows no "/" or ":" in a name. */
const FILE_MARKUP = ' [click](evil.example) **x** __y__';
const FILE_NAME = `Oakfield policy${FILE_MARKUP}.docx`;
const ONEDRIVE = 'https://oakfield-my.sharepoint.com/personal/olive/Documents/Microsoft%20Teams%20Chat%20Files/';

/** The school's policy with a link, bold and a mention in its title, the heading of section 5 and a sentence of it. */
async function hostilePolicy(): Promise<Buffer> {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt'), 'utf8')
    .replace(/^Social Media Policy for Schools$/m, TITLE)
    .replace(/^5\. Acceptable use(\t|$)/gm, `${HEADING}$1`)
    .replace('Therefore, employees using social media should conduct themselves with professionalism and respect.', SENTENCE);
  expect(text).toContain(TITLE);
  expect(text).toContain(SENTENCE);
  return policyDocxFromText(text, 'oakfield-social-media-policy.txt');
}

type Activity = { text?: string; textFormat?: string; attachments?: { content: unknown }[] };

/** A card shows `texts` as written in TextRuns, and nothing Teams reads as markdown carries the link. */
function expectShownAsText(card: unknown, texts: string[]): void {
  for (const carrier of markdownCarriers(card)) expect(carrier).not.toMatch(/evil\.example|<at>y<\/at>/);
  const runs = textRuns(card);
  for (const t of texts) expect(runs.some((run) => run.includes(t))).toBe(true);
}

describe('a policy sent in chat whose text holds markdown is shown as text everywhere (production, over HTTP)', () => {
  quietExpectedLibraryErrors();
  let dir: string;
  let connector: FakeConnector;
  let bot: ProductionBot;
  const oneDrive = new Map<string, Buffer>();
  const fileDownload: FileDownloader = async (file) => {
    const content = oneDrive.get(file.downloadUrl);
    if (!content) throw new Error(`nothing at ${file.downloadUrl}`);
    return content;
  };
  const personal = (p: Person) => ({ id: `a:${p.aadObjectId}`, conversationType: 'personal', tenantId: TENANT });
  const channelData = { tenant: { id: TENANT } };
  const saidTo = (p: Person) => connector.deliveries.filter((d) => d.conversationId === `a:${p.aadObjectId}`);
  const say = async (p: Person, text: string): Promise<Activity[]> => {
    const before = saidTo(p).length;
    expect((await bot.post({ type: 'message', text, textFormat: 'plain', from: p, conversation: personal(p), channelData })).status).toBe(200);
    return saidTo(p).slice(before).map((d) => d.activity as Activity);
  };
  const sendFile = async (p: Person, name: string, content: Buffer): Promise<Activity[]> => {
    const url = `${ONEDRIVE}${encodeURIComponent(name)}`;
    oneDrive.set(url, content);
    const before = saidTo(p).length;
    await bot.post({
      type: 'message', text: '', from: p, conversation: personal(p), channelData,
      attachments: [{ contentType: FILE_DOWNLOAD_INFO, name, contentUrl: url, content: { downloadUrl: url, uniqueId: name, fileType: path.extname(name).slice(1) } }],
    });
    return saidTo(p).slice(before).map((d) => d.activity as Activity);
  };
  const execute = async (p: Person, verb: string, data: unknown): Promise<unknown> => (await bot.post({
    type: 'invoke', name: 'adaptiveCard/action', from: p, conversation: personal(p), channelData, replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  })).body;
  const cardsOf = (replies: Activity[]) => replies.flatMap((a) => (a.attachments ?? []).map((x) => x.content));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'document-text-'));
    connector = await startFakeConnector({ ratePerSecond: 0 });
    bot = await startProductionBot({
      POLICY_FILES: undefined, CONCERN_ENCRYPTION_KEY: KEY, SQLITE_PATH: path.join(dir, 'bot.sqlite'), POLICY_OWNERS: PEOPLE.owner.aadObjectId,
      ROSTER_FILE: path.join(REPO_ROOT, 'samples', 'roster.csv'),
    }, undefined, { connector, fileDownload });
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when an owner sends a file the bot cannot read as a policy, then its name comes back as plain text', async () => {
    const name = `Oakfield policy${FILE_MARKUP}.exe`;
    const reply = (await sendFile(PEOPLE.owner, name, Buffer.from('MZ'))).find((a) => a.text?.includes('is not one of those'));
    expect(reply).toMatchObject({ textFormat: 'plain' });
    expect(reply?.text).toContain(`"${name}" is not one of those.`);
  });

  it('when the owner sends the policy and publishes it, then the first-version and published cards show its title, headings and file name as text', async () => {
    const cards = cardsOf(await sendFile(PEOPLE.owner, FILE_NAME, await hostilePolicy()));
    expect(cards).toHaveLength(1);
    expectShownAsText(cards[0], [`The school's policy: ${TITLE}`, `From ${FILE_NAME}`, HEADING]);
    const draftId = /"draftId":"([^"]+)"/.exec(JSON.stringify(cards[0]))?.[1];
    expect(draftId).toBeDefined();
    const published = await execute(PEOPLE.owner, Verbs.publishVersion, { draftId });
    expectShownAsText(published, [`Published: ${TITLE}`]);
    expect(bot.app.library.primary?.title).toBe(TITLE);
  });

  it('when staff ask a question, then the answer quotes the sentence and cites the section and title as text', async () => {
    const cards = cardsOf(await say(PEOPLE.reporter, 'How should employees conduct themselves on social media?'));
    expect(cards.length).toBeGreaterThan(0);
    const answer = cards.at(-1);
    expectShownAsText(answer, [TITLE, `Section ${HEADING}`]);
    expect(JSON.stringify(answer)).toContain(JSON.stringify(SENTENCE).slice(1, -1));
  });

  it('when staff ask for the contents, section 5, help or a section that is not there, then the title and headings are text and the plain reply is plain', async () => {
    expectShownAsText(cardsOf(await say(PEOPLE.reporter, 'contents'))[0], [TITLE, HEADING]);
    expectShownAsText(cardsOf(await say(PEOPLE.reporter, 'section 5'))[0], [TITLE, HEADING, SENTENCE]);
    expectShownAsText(cardsOf(await say(PEOPLE.reporter, 'help'))[0], [TITLE]);
    const missing = (await say(PEOPLE.reporter, 'section 99 **now**')).find((a) => a.text?.startsWith('There is no section'));
    expect(missing).toMatchObject({ textFormat: 'plain', text: `There is no section "99 **now**" in ${TITLE}. Type contents to see the section list.` });
  });

  it('when the owner previews a campaign on it, then the preview and the staff card inside show the title as text', async () => {
    const cards = cardsOf(await say(PEOPLE.owner, 'campaign start'));
    expect(cards).toHaveLength(1);
    expectShownAsText(cards[0], [TITLE]);
  });
});
