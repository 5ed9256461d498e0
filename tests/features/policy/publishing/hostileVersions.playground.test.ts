import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FILE_DOWNLOAD_INFO } from '../../../../src/teams/fileDownload';
import { PLAYGROUND_USERS } from '../../../../scripts/playground';
import { cardText, PlaygroundClient, startBotInPlayground, BotInPlayground } from '../../../support/playground';
import { dotLinesText, emptyParagraphsDocx, hugeStreamPdf, manyPagesPdf } from '../../../support/hostileDocuments';

const [OWNER] = PLAYGROUND_USERS;
const OLD_RULE = "All communication with parents via social media should be through the school/trust's social media accounts.";
const QUESTION = 'How should I talk to parents on social media?';

/**
 * Issue 40, hole 1, over real HTTP through the Agents Playground: the hostile files of the issue, sent by an owner as a
 * new version, are each refused with the limit that stopped them while the bot goes on answering, and the live policy
 * stays as it was.
 */
describe('hostile new versions from chat (Agents Playground)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-publish-'));
  let stack: BotInPlayground;
  let pg: PlaygroundClient;
  let files: http.Server;
  let base = '';
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    served.set('empty-paragraphs.docx', await emptyParagraphsDocx(40_000_000));
    served.set('huge-stream.pdf', await hugeStreamPdf(1.5 * 1024 ** 3));
    served.set('many-pages.pdf', manyPagesPdf(120_000));
    served.set('contents-dots.txt', Buffer.from(dotLinesText(10, 4_000)));
    files = http.createServer((req, res) => {
      const body = served.get(decodeURIComponent((req.url ?? '').replace(/^\/download\//, '')));
      // restify, loaded with the bot, replaces writeHead with one that does not return the response.
      res.writeHead(body ? 200 : 404);
      res.end(body);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}/download/`;
    stack = await startBotInPlayground({ POLICY_OWNERS: OWNER.aadObjectId, SQLITE_PATH: path.join(dir, 'bot.sqlite') });
    pg = stack.pg;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sendFile = (user: (typeof PLAYGROUND_USERS)[number], name: string) => pg.custom({
    type: 'message', text: '', from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: { id: pg.conversations.personal, conversationType: 'personal' },
    attachments: [{ contentType: FILE_DOWNLOAD_INFO, name, contentUrl: `${base}${name}`, content: { downloadUrl: `${base}${name}`, uniqueId: name, fileType: path.extname(name).slice(1) } }],
  });
  const audit = (action: string): { actor: string; details: Record<string, unknown> }[] => stack.bot.db
    .prepare('SELECT actor, details FROM policy_audit WHERE action = ? ORDER BY seq').all(action)
    .map((r) => { const row = r as { actor: string; details: string }; return { actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> }; });

  it.each([
    ['empty-paragraphs.docx', 'docxPartBytes', /empty-paragraphs\.docx was refused: its word\/document\.xml would unpack to 229 MB, more than the 32 MB a policy needs/],
    ['huge-stream.pdf', 'pdfStreamBytes', /huge-stream\.pdf was refused: one of its compressed streams unpacks to more than 64 MB/],
    ['many-pages.pdf', 'pdfPages', /many-pages\.pdf was refused: it has 120,000 pages, more than the 1,000 a policy needs/],
  ])('when an owner sends %s, then it is refused by its limit, staff are answered meanwhile, and the live policy is untouched', async (name, limit, why) => {
    const from = pg.messages.length;
    await sendFile(OWNER, name);
    // A question asked while the file is being read is answered without waiting for it.
    await pg.say(QUESTION);
    const answer = await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0 && cardText(m).includes('social media'), { from, timeoutMs: 30_000 });
    expect(cardText(answer)).toContain(OLD_RULE);
    const refusal = await pg.waitFor((m) => typeof m.text === 'string' && m.text.startsWith('That file was not published'), { from, timeoutMs: 60_000 });
    expect(refusal.text).toMatch(why);
    expect(refusal.text).toContain('save it again from Word as a new .docx (or export the PDF again) and send that.');
    expect(refusal.text).toContain('The live policy has not changed.');
    expect(audit('version.unreadable').at(-1)).toEqual({ actor: OWNER.aadObjectId, details: { code: 'POLICY_TOO_LARGE', limit } });
    expect(stack.bot.db.prepare('SELECT COUNT(*) AS n FROM policy_published').get()).toEqual({ n: 0 });
  }, 120_000);

  it('when an owner sends a text file of ten 4,000-dot contents lines, then it is read and shown as a version to check', async () => {
    const from = pg.messages.length;
    await sendFile(OWNER, 'contents-dots.txt');
    const preview = await pg.waitFor((m) => cardText(m).includes('New version of'), { from, timeoutMs: 60_000 });
    expect(cardText(preview)).toContain('From contents-dots.txt');
  }, 90_000);
});
