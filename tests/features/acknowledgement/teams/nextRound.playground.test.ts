import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO } from '../../../../src/teams/fileDownload';
import { BotInPlayground, BotMessage, cardText, PlaygroundClient, PLAYGROUND_USERS, startBotInPlayground } from '../../../support/playground';
import { pressData, shownText } from '../../../support/cardAssertions';
import { AI_RULE, nextVersionText, PARENTS_RULE } from '../../../support/nextPolicyVersion';
import { REPO_ROOT } from '../../../support/repoRoot';

const OWNER = PLAYGROUND_USERS[0];
const ACK = 'ack.acknowledge';

type CardAction = { type?: string; verb?: string; title?: string; url?: string; data?: Record<string, unknown> };

/** Every Action.Execute on a card, wherever it sits (actions, ActionSets). */
function actionsOf(content: unknown): CardAction[] {
  const out: CardAction[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o as CardAction);
    Object.values(o).forEach(walk);
  };
  walk(content);
  return out;
}

const contentOf = (m: BotMessage): unknown => m.attachments?.[0]?.content;

/** The key points on a preview, in order, as their text boxes hold them. */
function pointsOf(content: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Input.Text' && typeof o.id === 'string' && /^kp\d+$/.test(o.id)) out.push(String(o.value ?? ''));
    Object.values(o).forEach(walk);
  };
  walk(content);
  return out;
}

/**
 * Issue 54 end to end, over HTTP through the Agents Playground: a first round that the owner starts and a member of
 * staff acknowledges; the owner publishes a new version from chat (one rule reworded, one section added); the next
 * round waits as the owner's preview (changed rules' points first, the round before's carried), nothing sent until
 * Start; the staff card leads with what changed since the version they acknowledged, each change opening the reader at
 * its section; status and export say which round and version.
 */
describe('a new version\'s acknowledgement round (Agents Playground)', () => {
  let stack: BotInPlayground;
  let pg: PlaygroundClient;
  let files: http.Server;
  let fileUrl = '';
  let fileBase = '';

  /** Two later versions, published one after the other: a section added, then taken out again and another added. */
  const LIVESTREAM = '13. Livestreaming lessons\n\nStaff must not livestream lessons from their personal accounts.\n';
  const GOVERNORS = '13. Governors\' accounts\n\nGovernors must not post about school business from personal accounts.\n';

  beforeAll(async () => {
    const docx = await policyDocxFromText(nextVersionText(), 'liverpool-model.txt');
    const third = await policyDocxFromText(`${nextVersionText().trimEnd()}\n\n${LIVESTREAM}`, 'liverpool-model.txt');
    const fourth = await policyDocxFromText(`${nextVersionText().trimEnd()}\n\n${GOVERNORS}`, 'liverpool-model.txt');
    files = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
      res.end(req.url?.includes('third') ? third : req.url?.includes('fourth') ? fourth : docx);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    fileBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}/download`;
    fileUrl = `${fileBase}/social-media-policy-2027.docx`;
    stack = await startBotInPlayground({ ROSTER_FILE: path.resolve(REPO_ROOT, 'samples/roster.csv'), POLICY_OWNERS: OWNER.aadObjectId });
    pg = stack.pg;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
  });

  const due = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  async function exportCsv(command: string): Promise<string> {
    const from = pg.messages.length;
    await pg.say(command);
    const done = await pg.waitFor((m) => actionsOf(contentOf(m)).some((a) => a.type === 'Action.OpenUrl' && /Download/.test(a.title ?? '')), { from, timeoutMs: 30_000 });
    const url = actionsOf(contentOf(done)).find((a) => a.type === 'Action.OpenUrl')!.url!;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return res.text();
  }

  it('walks the first round, a new version, its preview, Start, the staff card\'s changes, and status and export per round', async () => {
    // Round 1: the owner (who is on the staff list too) starts it and acknowledges their card.
    let from = pg.messages.length;
    await pg.say('help');
    await pg.waitFor((m) => cardText(m).includes('What I can do'), { from });
    from = pg.messages.length;
    await pg.say(`campaign start all due ${due(20)}`);
    const firstPreview = await pg.waitFor((m) => cardText(m).includes('Start this campaign?'), { from, timeoutMs: 30_000 });
    const firstPoints = ['Never accept friend requests from pupils.', 'Report any concern about a child to the DSL the same day.'];
    const start1 = actionsOf(contentOf(firstPreview)).find((a) => a.verb === 'ack.campaignStart')!;
    from = pg.messages.length;
    expect((await pg.execute('ack.campaignStart', { ...pressData(contentOf(firstPreview), start1), kp0: firstPoints[0], kp1: firstPoints[1] }, { replyToId: firstPreview.messageId })).status).toBe(200);
    const card1 = await pg.waitFor((m) => cardText(m).includes('I have read and understood'), { from, timeoutMs: 30_000 });
    expect(cardText(card1)).toContain(firstPoints[0]);
    const ack1 = actionsOf(contentOf(card1)).find((a) => a.verb === ACK)!;
    expect(JSON.stringify((await pg.execute(ACK, ack1.data!, { replyToId: card1.messageId })).body)).toContain('You acknowledged this on');

    // The new version from chat: its change card, then Publish.
    from = pg.messages.length;
    await pg.custom({
      type: 'message', text: '', from: { id: OWNER.id, name: OWNER.name, aadObjectId: OWNER.aadObjectId },
      conversation: { id: pg.conversations.personal, conversationType: 'personal' },
      attachments: [{ contentType: FILE_DOWNLOAD_INFO, name: 'Social media policy 2027.docx', contentUrl: fileUrl, content: { downloadUrl: fileUrl, uniqueId: 'f-54', fileType: 'docx' } }],
    });
    const change = await pg.waitFor((m) => cardText(m).includes('New version of'), { from, timeoutMs: 30_000 });
    expect(cardText(change)).toContain('nothing is sent until you press Start');
    const draftId = JSON.stringify(contentOf(change)).match(/"draftId":"([^"]+)"/)![1];
    from = pg.messages.length;
    const published = await pg.execute('policy.publish', { draftId }, { replyToId: change.messageId });
    expect(published.status).toBe(200);
    expect(shownText(published.body.value)).toContain('Staff have not been asked to acknowledge it yet');

    // The next round waits as the owner's preview; nothing has gone to staff.
    const preview = await pg.waitFor((m) => cardText(m).includes('Ask staff to acknowledge the new version?'), { from, timeoutMs: 30_000 });
    const previewText = cardText(preview);
    expect(previewText).toContain('Round 1: version 2 (February 2023), started');
    expect(previewText).toMatch(/Reworded:\s+5\. Acceptable use/);
    expect(previewText).toMatch(/Added:\s+12\. Artificial intelligence tools/);
    const values = pointsOf(contentOf(preview));
    // The changed rule's point first, the added section's next, then round 1's points that still stand.
    expect(values[0]).toContain('line manager\'s written approval');
    expect(values[0]).not.toMatch(/under the age of 18/);
    expect(values).toContain(AI_RULE);
    expect(values).toEqual(expect.arrayContaining(firstPoints.filter((p) => nextVersionText().includes(p.replace(/\.$/, '')))));
    expect(pg.messages.slice(from).filter((m) => cardText(m).includes('I have read and understood') && !cardText(m).includes('Ask staff'))).toEqual([]);
    expect(actionsOf(contentOf(preview)).map((a) => a.title)).toEqual(expect.arrayContaining(['Start', 'Do not ask staff again']));

    // Start, with the owner's edit of the first point and a due date of their own.
    const start2 = actionsOf(contentOf(preview)).find((a) => a.verb === 'ack.campaignStart')!;
    const edited = `Friend requests from parents: only with your line manager's written approval. ${PARENTS_RULE}`;
    from = pg.messages.length;
    const started = await pg.execute('ack.campaignStart', { ...pressData(contentOf(preview), start2), kp0: edited, dueDate: due(14) }, { replyToId: preview.messageId });
    expect(started.status).toBe(200);
    expect(shownText(started.body.value)).toMatch(/round 2 \u00b7 version published \d{1,2} \w+ \d{4}/);
    // Its people are added in the background: the first status card says how many are in so far, never "0 of 0".
    expect(shownText(started.body.value)).not.toContain('0 of 0 acknowledged');
    expect(shownText(started.body.value)).toMatch(/Adding people to this round: \d of 6 so far|0 of 6 acknowledged \(0%\)/);
    // Start pressed again on the same preview: the same round's card (no second round), saying the same.
    const again = await pg.execute('ack.campaignStart', { ...pressData(contentOf(preview), start2), kp0: edited, dueDate: due(14) }, { replyToId: preview.messageId });
    expect(shownText(again.body.value)).toMatch(/round 2 \u00b7 version published/);
    expect(shownText(again.body.value)).toContain('This round was already started from this preview: nothing was sent twice.');
    expect(shownText(started.body.value)).not.toContain('already started');
    expect(shownText(again.body.value)).not.toContain('0 of 0 acknowledged');
    expect(shownText(again.body.value)).toMatch(/Adding people to this round: \d of 6 so far|\d of 6 acknowledged \(\d+%\)/);

    // The staff card of round 2 leads with what changed since the version they acknowledged.
    const card2 = await pg.waitFor((m) => cardText(m).includes('What changed since you acknowledged version 2 (February 2023)'), { from, timeoutMs: 30_000 });
    const card2Text = cardText(card2);
    expect(card2Text.indexOf('What changed since')).toBeLessThan(card2Text.indexOf('Key points'));
    expect(card2Text).toContain('Was:');
    expect(card2Text).toContain(PARENTS_RULE);
    expect(card2Text).toContain(AI_RULE);
    expect(card2Text).toContain(edited);
    expect(card2Text).toMatch(/Version\s+published \d{1,2} \w+ \d{4}/);
    // Each change opens the reader at its section; the whole policy stays one press away.
    const reads = actionsOf(contentOf(card2)).filter((a) => a.verb === 'ack.readPage' && a.data?.section);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(actionsOf(contentOf(card2)).map((a) => a.title)).toContain('Read the policy');
    const aiRead = reads.find((a) => /Artificial intelligence/.test(a.title ?? ''))!;
    from = pg.messages.length;
    const opened = await pg.execute('ack.readPage', aiRead.data!, { replyToId: card2.messageId });
    expect(opened.status).toBe(200);
    const reader = await pg.waitFor((m) => cardText(m).includes(AI_RULE) && !cardText(m).includes('What changed'), { from, timeoutMs: 20_000 });
    expect(cardText(reader)).toContain('12. Artificial intelligence tools');
    const ack2 = actionsOf(contentOf(card2)).find((a) => a.verb === ACK)!;
    expect(JSON.stringify((await pg.execute(ACK, ack2.data!, { replyToId: card2.messageId })).body)).toContain('You acknowledged this on');

    // A reminder names the round as the owner reads it; the five who never opened a chat did not "block the bot" (issue 52).
    from = pg.messages.length;
    await pg.say('campaign remind');
    const reminded = await pg.waitFor((m) => /not opened a chat with me yet/.test(`${m.text ?? ''}${cardText(m)}`), { from, timeoutMs: 30_000 });
    const remindedText = `${reminded.text ?? ''}${cardText(reminded)}`;
    expect(remindedText).toMatch(/Social Media Policy for Schools, version published \d{1,2} \w+ \d{4}, all staff, started \d{1,2} \w+ \d{4}, round 2/);
    expect(remindedText).toContain('5 people not reached: they have not opened a chat with me yet');
    expect(remindedText).not.toMatch(/blocked the bot|ack-\d{8}/);

    // Status: round 2 and its version, round 1 listed with its own.
    from = pg.messages.length;
    await pg.say('campaign status');
    const status = await pg.waitFor((m) => /of \d+ acknowledged/.test(cardText(m)), { from, timeoutMs: 20_000 });
    const statusText = cardText(status);
    expect(statusText).toContain('1 of 6 acknowledged (17%)');
    expect(statusText).toMatch(/round 2 \u00b7 version published/);
    expect(statusText).toMatch(/Round 1: version 2 \(February 2023\), started \d{1,2} \w+ \d{4}, closed: 1 of 6 acknowledged/);
    const round1Id = actionsOf(contentOf(status)).find((a) => a.title === 'Show round 1')!.data!.campaignId as string;

    // Export, per round: each row says its version and round.
    const csv2 = await exportCsv('campaign export');
    expect(csv2.split('\r\n')[0]).toContain('policy_version,policy_version_hash,round');
    expect(csv2).toMatch(/Alex Wilber,alexw@example\.com,Senior leadership,published \d{1,2} \w+ \d{4},[0-9a-f]{64},2,acknowledged,/);
    const csv1 = await exportCsv(`campaign export ${round1Id}`);
    expect(csv1).toMatch(/Alex Wilber,alexw@example\.com,Senior leadership,2 \(February 2023\),[0-9a-f]{64},1,acknowledged,/);
  }, 120_000);

  /** Sends a file as the owner does in Teams and presses Publish on its change card; the published card's text. */
  async function publishFile(url: string, name: string): Promise<string> {
    let from = pg.messages.length;
    await pg.custom({
      type: 'message', text: '', from: { id: OWNER.id, name: OWNER.name, aadObjectId: OWNER.aadObjectId },
      conversation: { id: pg.conversations.personal, conversationType: 'personal' },
      attachments: [{ contentType: FILE_DOWNLOAD_INFO, name, contentUrl: url, content: { downloadUrl: url, uniqueId: `f-${name}`, fileType: 'docx' } }],
    });
    const change = await pg.waitFor((m) => cardText(m).includes('New version of'), { from, timeoutMs: 30_000 });
    const draftId = JSON.stringify(contentOf(change)).match(/"draftId":"([^"]+)"/)![1];
    from = pg.messages.length;
    const published = await pg.execute('policy.publish', { draftId }, { replyToId: change.messageId });
    expect(published.status).toBe(200);
    return shownText(published.body.value);
  }

  it('when two versions are published before the owner starts a round, then the preview shows the net change from the running round\'s version, quoting only the live one, each Read opening a section it has', async () => {
    // Someone on leave, excused in the round running now.
    let said = pg.messages.length;
    await pg.say('campaign excuse meganb@example.com');
    await pg.waitFor((m) => /Megan Bowen is excused/.test(`${m.text ?? ''}${cardText(m)}`), { from: said, timeoutMs: 20_000 });
    await publishFile(`${fileBase}/third.docx`, 'Social media policy 2027 third.docx');
    const from = pg.messages.length;
    await publishFile(`${fileBase}/fourth.docx`, 'Social media policy 2027 fourth.docx');
    const preview = await pg.waitFor((m) => cardText(m).includes('Ask staff to acknowledge the new version?'), { from, timeoutMs: 30_000 });
    const text = cardText(preview);
    // Round 2 asked about the second version: since then, only the governors' section is new.
    expect(text).toMatch(/Added:\s+13\. Governors' accounts/);
    expect(text).toContain('Governors must not post about school business');
    // The section added in the third version and gone in the fourth is neither added nor removed, nor quoted.
    expect(text).not.toContain('Livestreaming');
    expect(text).not.toContain('livestream lessons');
    expect(text).toContain('1 person excused there (on leave) stays excused in the new round');
    // What staff will see is for looking at: no button on it answers for the round running now in place of the preview.
    expect(actionsOf(contentOf(preview)).filter((a) => a.verb === 'ack.readPage')).toEqual([]);

    // Started, the staff card says the same, and its Read button opens the governors' section of the live version.
    const start = actionsOf(contentOf(preview)).find((a) => a.verb === 'ack.campaignStart')!;
    let at = pg.messages.length;
    expect((await pg.execute('ack.campaignStart', pressData(contentOf(preview), start), { replyToId: preview.messageId })).status).toBe(200);
    const card = await pg.waitFor((m) => cardText(m).includes('I have read and understood') && cardText(m).includes('Governors'), { from: at, timeoutMs: 30_000 });
    expect(cardText(card)).not.toContain('Livestreaming');
    const read = actionsOf(contentOf(card)).find((a) => a.verb === 'ack.readPage' && /Governors/.test(a.title ?? ''))!;
    at = pg.messages.length;
    const opened = await pg.execute('ack.readPage', read.data!, { replyToId: card.messageId });
    expect(opened.status).toBe(200);
    expect(JSON.stringify(opened.body)).not.toContain('A new version of this policy needs reading');
    const reader = await pg.waitFor((m) => cardText(m).includes('Governors must not post about school business'), { from: at, timeoutMs: 20_000 });
    expect(cardText(reader)).toContain("13. Governors' accounts");

    // Acknowledged from the reader (its last page's button), the round's own card in the chat says so too.
    const readerAck = { ...actionsOf(contentOf(card)).find((a) => a.verb === ACK)!.data! };
    at = pg.messages.length;
    expect(JSON.stringify((await pg.execute(ACK, readerAck, { replyToId: reader.messageId })).body)).toContain('You acknowledged this on');
    const updated = await pg.waitFor((m) => m.messageId === card.messageId && cardText(m).includes('You acknowledged this on'), { from: at, timeoutMs: 20_000 });
    expect(cardText(updated)).not.toContain('I have read and understood');

    // The new round keeps her excused, counted once. Its people are added by a background job, which carries the
    // excusal when it has added everyone: status is asked again until the job has finished (a few seconds at most).
    let excused = '';
    for (let attempt = 0; attempt < 20 && excused !== '1'; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      said = pg.messages.length;
      await pg.say('campaign status');
      const status = await pg.waitFor((m) => /round 3/.test(cardText(m)) && /of \d+ acknowledged/.test(cardText(m)), { from: said, timeoutMs: 20_000 });
      excused = /"title":"Excused \(on leave\)","value":"(\d+)"/.exec(JSON.stringify(contentOf(status)))?.[1] ?? '';
    }
    expect(excused).toBe('1');
  }, 120_000);
});
