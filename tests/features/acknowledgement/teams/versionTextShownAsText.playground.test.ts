import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO } from '../../../../src/teams/fileDownload';
import { VERSION_LABEL_SHOWN } from '../../../../src/features/acknowledgement/domain/versionNames';
import { BotInPlayground, BotMessage, cardText, PlaygroundClient, PLAYGROUND_USERS, startBotInPlayground } from '../../../support/playground';
import { executeActions, markdownCarriers, pressData, textRuns } from '../../../support/cardAssertions';
import { SAMPLE_POLICY } from '../../../support/nextPolicyVersion';

const OWNER = PLAYGROUND_USERS[0];
const ACK = 'ack.acknowledge';

/**
 * What a Word file's version table can carry in the cell beside "Version 2": a note with a bare link, a mention and
 * markdown, longer than any label should be shown. Teams reads a TextBlock as markdown (the link becomes a link, the
 * <at> a mention of someone), a TextRun never.
 */
const HOSTILE_CELL = '02 2023 agreed at JCC, see https://evil.example/versions and ask <at>Harriet Head</at> [click](https://evil.example) **now** '
  + 'before you sign anything about this version of the policy';
const FULL_LABEL = `2 (${HOSTILE_CELL})`;
/**
 * The label as the bot keeps it: the policy here is a text file, whose Markdown the reader reads as a document's text
 * (a link's words, an emphasised word), as it would the same cell of a Word file. Nothing else of it is lost or cut.
 */
const KEPT_LABEL = FULL_LABEL.replace('[click](https://evil.example)', 'click').replace('**now**', 'now');
const MARKUP = ['<at>', 'evil.example', '**now**', '[click]'];
/** The new version's reworded rule: its own bare link and mention, which staff see quoted as "Now:". */
const CHANGED_RULE = 'Staff may accept friend requests from parents only with written approval: see https://evil.example/approval or ask <at>Harriet Head</at>.';

/** The sample policy with the hostile version row, and (for the next version) the friend-request rule reworded. */
function policyText(next: boolean): string {
  const text = fs.readFileSync(SAMPLE_POLICY, 'utf8');
  const row = 'Version 2\t02 2023\tFull Policy revised and agreed at JCC';
  const rule = 'or ex-pupils under the age of 18, or from parents on their personal social media accounts such as Facebook, unless\n\nthey are family members.';
  if (!text.includes(row) || !text.includes(rule)) throw new Error('the sample policy no longer has the rows this fixture changes');
  const labelled = text.replace(row, `Version 2\t${HOSTILE_CELL}\tFull Policy revised`);
  return next ? labelled.replace(rule, `or ex-pupils under the age of 18. ${CHANGED_RULE}`) : labelled;
}

const contentOf = (m: BotMessage): unknown => m.attachments?.[0]?.content;

/** The export card's Download button's address, when the card has one. */
function downloadUrl(card: unknown): string | undefined {
  let found: string | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.OpenUrl' && /Download/.test(String(o.title)) && typeof o.url === 'string') found ??= o.url;
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

/** The markup that reached a string Teams reads as markdown, anywhere on a card. */
const markupIn = (card: unknown): string[] => markdownCarriers(card).filter((t) => MARKUP.some((m) => t.includes(m)));

/**
 * Issue 69, item 7, over HTTP through the Agents Playground: a policy whose version label (from its version table) holds
 * a link, a mention and markdown is acknowledged in round 1; a new version is published from chat with a reworded rule
 * that holds a link and a mention; round 2's staff card leads with "What changed since you acknowledged version 2 (...)".
 * Every card staff and the owner get shows the document's text as text (in TextRuns, none of it in a TextBlock), the
 * label cut to a sensible length, and the export keeps the whole label.
 */
describe('a version\'s own text on the acknowledgement cards of a new round (Agents Playground)', () => {
  let stack: BotInPlayground;
  let pg: PlaygroundClient;
  let files: http.Server;
  let fileUrl = '';
  let dir = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'version-text-'));
    // Named as the sample, so the version published in chat is the next version of the same policy.
    const first = path.join(dir, 'liverpool-model.txt');
    fs.writeFileSync(first, policyText(false));
    const docx = await policyDocxFromText(policyText(true), 'liverpool-model.txt');
    files = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
      res.end(docx);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/download/social-media-policy-2027.docx`;
    stack = await startBotInPlayground({ POLICY_FILES: first, POLICY_OWNERS: OWNER.aadObjectId });
    pg = stack.pg;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const due = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  it('when the acknowledged version\'s label and the changed rule hold a link and a mention, then round 2\'s staff card shows them as text, the label cut, and the export keeps it whole', async () => {
    // Round 1 for the version with the hostile label: the owner (on the staff list too) starts it and acknowledges.
    let from = pg.messages.length;
    await pg.say(`campaign start all due ${due(20)}`);
    const firstPreview = await pg.waitFor((m) => cardText(m).includes('Start this campaign?'), { from, timeoutMs: 30_000 });
    expect(markupIn(contentOf(firstPreview))).toEqual([]);
    const start1 = executeActions(contentOf(firstPreview)).find((a) => a.verb === 'ack.campaignStart')!;
    from = pg.messages.length;
    expect((await pg.execute('ack.campaignStart', pressData(contentOf(firstPreview), start1), { replyToId: firstPreview.messageId })).status).toBe(200);
    const card1 = await pg.waitFor((m) => cardText(m).includes('I have read and understood'), { from, timeoutMs: 30_000 });
    expect(markupIn(contentOf(card1))).toEqual([]);
    const ack1 = executeActions(contentOf(card1)).find((a) => a.verb === ACK)!;
    expect(JSON.stringify((await pg.execute(ACK, ack1.data, { replyToId: card1.messageId })).body)).toContain('You acknowledged this on');

    // The new version from chat, published.
    from = pg.messages.length;
    await pg.custom({
      type: 'message', text: '', from: { id: OWNER.id, name: OWNER.name, aadObjectId: OWNER.aadObjectId },
      conversation: { id: pg.conversations.personal, conversationType: 'personal' },
      attachments: [{ contentType: FILE_DOWNLOAD_INFO, name: 'Social media policy 2027.docx', contentUrl: fileUrl, content: { downloadUrl: fileUrl, uniqueId: 'f-69-7', fileType: 'docx' } }],
    });
    const change = await pg.waitFor((m) => cardText(m).includes('New version of'), { from, timeoutMs: 30_000 });
    const draftId = JSON.stringify(contentOf(change)).match(/"draftId":"([^"]+)"/)![1];
    from = pg.messages.length;
    expect((await pg.execute('policy.publish', { draftId }, { replyToId: change.messageId })).status).toBe(200);

    // The owner's preview of round 2 names round 1's version as text.
    const preview = await pg.waitFor((m) => cardText(m).includes('Ask staff to acknowledge the new version?'), { from, timeoutMs: 30_000 });
    expect(markupIn(contentOf(preview))).toEqual([]);
    const start2 = executeActions(contentOf(preview)).find((a) => a.verb === 'ack.campaignStart')!;
    from = pg.messages.length;
    const started = await pg.execute('ack.campaignStart', { ...pressData(contentOf(preview), start2), dueDate: due(14) }, { replyToId: preview.messageId });
    expect(started.status).toBe(200);
    expect(markupIn(started.body.value)).toEqual([]);

    // Round 2's staff card: what changed since the version they acknowledged, every word of the document as text.
    const card2 = await pg.waitFor((m) => cardText(m).includes('What changed since you acknowledged version 2'), { from, timeoutMs: 30_000 });
    const card = contentOf(card2);
    expect(markupIn(card)).toEqual([]);
    const heading = textRuns(card).find((t) => t.startsWith('What changed since you acknowledged version '))!;
    const shownLabel = heading.slice('What changed since you acknowledged version '.length);
    expect(shownLabel.length).toBeLessThanOrEqual(VERSION_LABEL_SHOWN);
    expect(shownLabel.endsWith('\u2026')).toBe(true);
    expect(FULL_LABEL.startsWith(shownLabel.slice(0, -1))).toBe(true);
    // The changed rule is quoted as written, its link and mention included, in a TextRun.
    expect(textRuns(card).some((t) => t.includes(CHANGED_RULE))).toBe(true);

    // The owner's status names round 1's version as text; the reminder is plain text.
    from = pg.messages.length;
    await pg.say('campaign status');
    const status = await pg.waitFor((m) => /of \d+ acknowledged/.test(cardText(m)), { from, timeoutMs: 20_000 });
    expect(markupIn(contentOf(status))).toEqual([]);
    expect(textRuns(contentOf(status)).some((t) => t.startsWith('Round 1: version 2 (02 2023 agreed at JCC'))).toBe(true);

    // The export of round 1 (the record an inspector reads) gives the whole label.
    const round1Id = executeActions(contentOf(status)).find((a) => a.title === 'Show round 1')!.data.campaignId as string;
    from = pg.messages.length;
    await pg.say(`campaign export ${round1Id}`);
    const done = await pg.waitFor((m) => downloadUrl(contentOf(m)) !== undefined, { from, timeoutMs: 30_000 });
    expect(markupIn(contentOf(done))).toEqual([]);
    const res = await fetch(downloadUrl(contentOf(done))!);
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain(KEPT_LABEL);
  }, 120_000);
});
