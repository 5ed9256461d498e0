import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO } from '../../../../src/teams/fileDownload';
import { Verbs } from '../../../../src/teams/verbs';
import { PEOPLE, Person, personalConversation, readableText, SecurityBot, startSecurityBot } from '../../../security/securityHarness';
import { REPO_ROOT } from '../../../support/repoRoot';
import { waitFor } from '../../../support/waitFor';

const OLD_RULE = "All communication with parents via social media should be through the school/trust's social media accounts.";
const SENDER_ONLY = 'Only the owner who sent this version can publish or discard it.';
const OWNERS_ONLY = 'Only the policy owners can publish a new version of the policy.';

/**
 * Issue 40, minor: a new version an owner sent is published or discarded only by that owner; another owner, or someone
 * who is not an owner, is refused, and each refusal is in the append-only policy audit. The whole bot over HTTP.
 */
describe('who may publish or discard a draft version', () => {
  const owner = PEOPLE.owner;
  const otherOwner = PEOPLE.head;
  const staff = PEOPLE.reporter;
  let bot: SecurityBot;
  let files: http.Server;
  let fileUrl = '';

  beforeAll(async () => {
    const sample = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), 'utf8');
    const docx = await policyDocxFromText(`${sample.trimEnd()}\n\n12. Artificial intelligence tools\n\nStaff must not put pupils' work into public AI chatbots.\n`, 'liverpool-model.txt');
    files = http.createServer((_req, res) => {
      res.writeHead(200);
      res.end(docx);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/download/next.docx`;
    bot = await startSecurityBot({ env: { POLICY_OWNERS: `${owner.aadObjectId},${otherOwner.aadObjectId}` } });
  }, 60_000);

  afterAll(async () => {
    await bot?.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
  });

  /** The owner sends the file in their 1:1 chat; the id of the draft on the card they are shown. */
  async function draftFrom(person: Person): Promise<string> {
    const before = bot.connector.deliveries.length;
    await bot.post({
      type: 'message', text: '', from: person, conversation: personalConversation(person),
      attachments: [{ contentType: FILE_DOWNLOAD_INFO, name: 'Social media policy 2027.docx', content: { downloadUrl: fileUrl, uniqueId: 'f-1', fileType: 'docx' } }],
    });
    // The draft's card reaches the owner once the file has been downloaded and read.
    return waitFor(() => /"draftId":"([^"]+)"/.exec(JSON.stringify(bot.connector.deliveries.slice(before)))?.[1],
      { what: 'the card of the draft read from the sent file', timeoutMs: 30_000, seen: () => bot.connector.deliveries.slice(before).map((d) => readableText(d.activity)) });
  }
  const act = async (person: Person, verb: string, draftId: string): Promise<string> => readableText((await bot.execute(person, verb, { draftId })).body);
  const audit = (action: string) => (bot.app.db.prepare('SELECT actor, details FROM policy_audit WHERE action = ? ORDER BY seq').all(action) as { actor: string; details: string }[])
    .map((r) => ({ actor: r.actor, details: JSON.parse(r.details) as unknown }));
  const answer = async (question: string): Promise<string> => {
    const before = bot.connector.deliveries.length;
    await bot.message(staff, question);
    return readableText(bot.connector.deliveries.slice(before).map((d) => d.activity));
  };

  it('when another owner or a member of staff tries to publish or discard an owner\'s draft, then each is refused and audited, and nothing changes', async () => {
    const draftId = await draftFrom(owner);
    expect(await act(otherOwner, Verbs.publishVersion, draftId)).toContain(SENDER_ONLY);
    expect(await act(otherOwner, Verbs.discardVersion, draftId)).toContain(SENDER_ONLY);
    expect(await act(staff, Verbs.publishVersion, draftId)).toContain(OWNERS_ONLY);
    expect(await act(staff, Verbs.discardVersion, draftId)).toContain(OWNERS_ONLY);
    expect(audit('version.refused')).toEqual([
      { actor: otherOwner.aadObjectId, details: { step: 'publish', reason: 'not the sender', draftId } },
      { actor: otherOwner.aadObjectId, details: { step: 'discard', reason: 'not the sender', draftId } },
      { actor: staff.aadObjectId, details: { step: 'publish', reason: 'not an owner' } },
      { actor: staff.aadObjectId, details: { step: 'discard', reason: 'not an owner' } },
    ]);
    expect(bot.app.db.prepare('SELECT COUNT(*) AS n FROM policy_published').get()).toEqual({ n: 0 });
    expect(await answer('How should I talk to parents on social media?')).toContain(OLD_RULE);
    expect(await answer('can i put a pupils work into chatgpt')).not.toContain('public AI chatbots');

    // The draft is still the sender's to act on.
    expect(await act(owner, Verbs.discardVersion, draftId)).toContain('Nothing changed: the live policy is as it was.');
    expect(audit('version.discarded').map((r) => r.actor)).toEqual([owner.aadObjectId]);
  });

  it('when the owner who sent a draft publishes it, then it is live', async () => {
    const draftId = await draftFrom(owner);
    expect(await act(owner, Verbs.publishVersion, draftId)).toContain('Live now');
    expect(bot.app.db.prepare('SELECT published_by FROM policy_published').all()).toEqual([{ published_by: owner.aadObjectId }]);
    expect(await answer('can i put a pupils work into chatgpt')).toContain('public AI chatbots');
  });
});
