import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO } from '../../../../src/teams/fileDownload';
import { PLAYGROUND_USERS } from '../../../../scripts/playground';
import { cardText, PlaygroundClient, startBotInPlayground, BotInPlayground } from '../../../support/playground';
import { REPO_ROOT } from '../../../support/repoRoot';

const [OWNER, STAFF] = PLAYGROUND_USERS;
const OLD_RULE = "All communication with parents via social media should be through the school/trust's social media accounts.";
const NEW_RULE = 'All communication with parents via social media should be through the school app, never a personal account or messaging app.';
const QUESTION = 'How should I talk to parents on social media?';

/** The sample policy as the school's next version: one rule reworded and a new section on AI tools, as a Word file. */
async function nextVersionDocx(): Promise<Buffer> {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), 'utf8')
    .replace("All communication with parents via social media should be through the school/trust's social\nmedia accounts.", NEW_RULE)
    .replace(OLD_RULE, NEW_RULE);
  expect(text).toContain(NEW_RULE);
  const withAi = `${text.trimEnd()}\n\n12. Artificial intelligence tools\n\nStaff must not put pupils' names, photographs or work into public AI chatbots.\n`;
  return policyDocxFromText(withAi, 'liverpool-model.txt');
}

/**
 * An owner publishes a new version from chat, over real HTTP through the Agents Playground: the file is fetched
 * from its download link, the changes are shown, Publish makes it live at once and a restart keeps it.
 */
describe('a new policy version from chat (Agents Playground)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
  const sqlite = path.join(dir, 'bot.sqlite');
  let stack: BotInPlayground;
  let pg: PlaygroundClient;
  let files: http.Server;
  let fileUrl = '';

  beforeAll(async () => {
    const docx = await nextVersionDocx();
    files = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
      res.end(docx);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/download/liverpool-model-2027.docx`;
    stack = await startBotInPlayground({ POLICY_OWNERS: OWNER.aadObjectId, SQLITE_PATH: sqlite });
    pg = stack.pg;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (question: string): Promise<string> => {
    const from = pg.messages.length;
    await pg.say(question);
    return cardText(await pg.waitFor((m) => (m.attachments?.length ?? 0) > 0, { from }));
  };
  const sendFile = (user: (typeof PLAYGROUND_USERS)[number]) => pg.custom({
    type: 'message', text: '', from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: { id: pg.conversations.personal, conversationType: 'personal' },
    attachments: [{ contentType: FILE_DOWNLOAD_INFO, name: 'Social media policy 2027.docx', contentUrl: fileUrl, content: { downloadUrl: fileUrl, uniqueId: 'f-1', fileType: 'docx' } }],
  });

  it('when someone who is not an owner sends a file, then it is refused, recorded, and nothing changes', async () => {
    const from = pg.messages.length;
    await sendFile(STAFF);
    const reply = await pg.waitFor((m) => typeof m.text === 'string' && m.text.includes('Only the policy owners'), { from });
    expect(reply.text).toContain('Only the policy owners can publish');
    const audit = stack.bot.db.prepare("SELECT actor, action FROM policy_audit WHERE action = 'version.refused'").all();
    expect(audit).toEqual([{ actor: STAFF.aadObjectId, action: 'version.refused' }]);
    expect(await ask(QUESTION)).toContain(OLD_RULE);
  });

  it('when the owner sends the new version and publishes it, then the changes are shown and the next answer quotes the new text, also after a restart', async () => {
    const from = pg.messages.length;
    await sendFile(OWNER);
    const preview = await pg.waitFor((m) => cardText(m).includes('New version of'), { from });
    const shown = cardText(preview);
    expect(shown).toContain('From Social media policy 2027.docx');
    expect(shown).toMatch(/1 added, 1 reworded; 13 unchanged\./);
    expect(shown).not.toContain('Check before publishing');
    expect(shown).toContain('12. Artificial intelligence tools');
    expect(shown).toContain('5. Acceptable use');
    expect(shown).toContain('school app, never a personal account');
    expect(shown).toContain('nothing is sent until you press Start');
    const draftId = JSON.stringify(preview.attachments![0].content).match(/"draftId":"([^"]+)"/)![1];

    const published = await pg.execute('policy.publish', { draftId }, { replyToId: preview.messageId });
    expect(published.status).toBe(200);
    expect(JSON.stringify(published.body)).toContain('Published: ');
    expect(JSON.stringify(published.body)).toContain('Live now');
    // Issue 71: the rules check my post will quote are proposed from the version just published, on a card for the owner.
    expect(JSON.stringify(published.body)).toContain('confirm, change or remove each');
    const rules = await pg.waitFor((m) => cardText(m).includes('Your rules for check my post'), { from });
    expect(cardText(rules)).toContain('Proposed from the version you published');
    const hash = (stack.bot.db.prepare('SELECT content_hash FROM policy_published').get() as { content_hash: string }).content_hash;
    const proposed = stack.bot.db.prepare(`SELECT concern FROM policy_school_rules WHERE content_hash = ? AND action = 'proposed'`).all(hash);
    expect(proposed).toHaveLength(11);

    const answer = await ask(QUESTION);
    expect(answer).toContain('never a personal account or messaging app');
    expect(answer).not.toContain(OLD_RULE);
    expect(await ask('can i put a pupils work into chatgpt')).toContain('public AI chatbots');
    // Publishing the same draft twice does nothing.
    const again = await pg.execute('policy.publish', { draftId }, { replyToId: preview.messageId });
    expect(JSON.stringify(again.body)).toContain('no longer waiting');

    const actions = stack.bot.db.prepare('SELECT action FROM policy_audit ORDER BY seq').all().map((r) => (r as { action: string }).action);
    // The second press is in the record too (issue 49: every publish attempt is audited).
    expect(actions).toEqual(['version.refused', 'version.received', 'version.published', 'version.refused']);
    const kept = stack.bot.db.prepare('SELECT file_name, published_by FROM policy_published').all();
    expect(kept).toEqual([{ file_name: 'Social media policy 2027.docx', published_by: OWNER.aadObjectId }]);

    // A restart on the same database and the same configured file keeps the published version.
    await stack.close();
    stack = await startBotInPlayground({ POLICY_OWNERS: OWNER.aadObjectId, SQLITE_PATH: sqlite });
    pg = stack.pg;
    expect(await ask(QUESTION)).toContain('never a personal account or messaging app');
  });
});
