import { verifyAcknowledgementCsv } from '../../../../src/features/acknowledgement/domain/acknowledgementExport';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { AcknowledgementModule, createAcknowledgementModule } from '../../../../src/features/acknowledgement/teams/acknowledgementModule';
import { READ_RECEIPT_EVENT } from '../../../../src/features/acknowledgement/teams/acknowledgementFeature';
import { Verbs } from '../../../../src/teams/verbs';
import { createFileLinks } from '../../../../src/teams/fileLinks';
import { parseAcknowledgementSettings } from '../../../../src/config/acknowledgementSettings';
import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { startBotHost } from '../../../support/botHost';
import { cardFacts, cardProblems, cardVerbs, executeActions, pressData, shownText } from '../../../support/cardAssertions';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { person, policyVersion } from '../domain/ackTestKit';
import { PolicyDocument, PolicySection } from '../../../../src/features/policy/policyDocument';

/**
 * Component test over real HTTP: the product's bot app and server (tests/support/botHost) serve /api/messages on a
 * free loopback port; replies go to a small fake connector on loopback that records them.
 */

const OWNER = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Hana Head' };
const STAFF = { id: '29:staff1', aadObjectId: 'aad-1', name: 'Person 1' };
const OUTSIDER = { id: '29:staff2', aadObjectId: 'aad-2', name: 'Person 2' };
const SECRET = 'a-long-export-secret-for-tests';

const section = (ordinal: number, number: string, title: string, text: string, parent: number | null = null, level = 1): PolicySection => ({ ordinal, number, title, level, parent, text });
/** The live policy, as version hash-v1: three sections, the second with a sub-section and bullets. */
const POLICY: PolicyDocument = {
  id: 'social-media', source: 'Social media policy.docx', title: 'Social Media Policy',
  metadata: { title: 'Social Media Policy', contentHash: 'hash-v1' }, frontPage: [], warnings: [],
  sections: [
    section(1, '1', 'Introduction', 'This policy applies to everyone who works at the school.'),
    section(2, '2', 'Contact with pupils', 'Staff must keep professional boundaries online.'),
    section(3, '2.1', 'Friend requests', 'Staff must not:\n- accept friend requests from pupils\n- follow pupils on Instagram', 2, 2),
    section(4, '3', 'Reporting', 'Report any concern about a child to the DSL the same day.'),
  ],
};

async function startBot(store: AcknowledgementStore, connectorUrl: string, publicUrl: string | null = 'https://bot.example') {
  const { value: settings, errors } = parseAcknowledgementSettings({ ACK_EXPORT_SECRET: SECRET }, 'local');
  if (errors.length) throw new Error(errors.join('; '));
  const logLines: string[] = [];
  // The file links the bot serves, real (files.test.ts checks them over HTTP); here their content is read back.
  const files = createFileLinks(publicUrl ? { baseUrl: publicUrl } : {});
  const mod = createAcknowledgementModule({
    store, settings, owners: [OWNER.aadObjectId], primaryPolicyId: 'social-media', channel: 'teams',
    policyTexts: {
      document: (id) => (id === 'social-media' ? POLICY : undefined),
      version: async (id, hash) => (id === 'social-media' && hash === POLICY.metadata.contentHash ? POLICY : undefined),
      file: async (id, hash) => (id === 'social-media' && hash === 'hash-v1'
        ? { fileName: 'Social media policy.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: Buffer.from('PK word') } : undefined),
    },
    documents: files,
    logger: { info: (o, m) => logLines.push(JSON.stringify({ ...o, m })), warn: (o, m) => logLines.push(JSON.stringify({ ...o, m })) },
    files: {
      offerWritten: async (type, write) => {
        let content = '';
        const written = await files.offerWritten(type, (sink) => write({ write: async (chunk) => { content += chunk; await sink.write(chunk); } }));
        if (written) offered.push({ name: written.result.fileName, type, content });
        return written;
      },
    },
  });
  const offered: { name: string; type: string; content: string }[] = [];
  const host = await startBotHost(() => [mod.feature]);
  const botUrl = host.botUrl;
  let seq = 0;
  async function send(activity: Record<string, unknown>): Promise<{ status: number; body: { type?: string; value?: unknown } }> {
    const res = await fetch(botUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: 'msteams', serviceUrl: connectorUrl, id: `in-${++seq}`, timestamp: new Date().toISOString(),
        recipient: { id: '28:bot', name: 'Policy Bot' }, ...activity,
      }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  }
  const personal = (user: typeof STAFF) => ({ id: `a:personal-${user.id}`, conversationType: 'personal', tenantId: 'tenant-1' });
  return {
    mod, logLines, offered,
    close: async () => { files.close(); await host.close(); },
    message: (user: typeof STAFF, text: string) => send({ type: 'message', text, from: user, conversation: personal(user) }),
    execute: (user: Partial<typeof STAFF>, verb: string, data: unknown) => send({
      type: 'invoke', name: 'adaptiveCard/action', from: user, conversation: personal(user as typeof STAFF), replyToId: 'card-1',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
    install: (user: typeof STAFF) => send({ type: 'installationUpdate', action: 'add', from: user, conversation: personal(user) }),
    event: (user: typeof STAFF, name: string, value: unknown) => send({ type: 'event', name, value, from: user, conversation: personal(user) }),
  };
}

const cardOf = (body: { type?: string; value?: unknown }) => {
  expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
  return body.value as Record<string, unknown>;
};

describe('acknowledgement feature over HTTP', () => {
  let connector: FakeConnector;
  let store: AcknowledgementStore;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let campaignId: string;
  let mod: AcknowledgementModule;

  beforeEach(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    store = createSqliteAcknowledgementStore(':memory:');
    await store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
    await store.upsertStaff([person(1), person(2), person(3)]);
    bot = await startBot(store, connector.url);
    mod = bot.mod;
    campaignId = (await mod.campaigns.startCampaign({ actorId: OWNER.aadObjectId, audience: { kind: 'all' } })).campaign.id;
  });
  afterEach(async () => {
    await bot.close();
    await connector.close();
    await store.close();
  });

  const data = (versionHash = 'hash-v1') => ({ policyId: 'social-media', versionHash, campaignId });

  it('when staff click "I have read and understood", then it is recorded and the card updates to say when', async () => {
    const res = await bot.execute(STAFF, Verbs.acknowledge, data());
    expect(res.status).toBe(200);
    const card = cardOf(res.body);
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toMatch(/You acknowledged this on \d{1,2} \w+ \d{4}/);
    expect(cardVerbs(card)).not.toContain(Verbs.acknowledge);
    expect(await store.getAcknowledgement('social-media', 'hash-v1', 'aad-1')).toMatchObject({ campaignId, channel: 'teams', displayName: 'Person 1' });
  });

  it('when they click a second time, then nothing new is recorded and the card says so', async () => {
    await bot.execute(STAFF, Verbs.acknowledge, data());
    const again = cardOf((await bot.execute(STAFF, Verbs.acknowledge, data())).body);
    expect(JSON.stringify(again)).toContain('already acknowledged this version; nothing new was recorded');
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toHaveLength(1);
  });

  it('when the card\'s version has been replaced, then nothing is recorded and the card offers the new version', async () => {
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await store.savePolicyVersion(v2);
    await mod.campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'), isNew: true });
    await mod.campaigns.startNextRound({ actorId: OWNER.aadObjectId, campaignId, keyPoints: ['Never contact pupils privately.'] });
    const card = cardOf((await bot.execute(STAFF, Verbs.acknowledge, data('hash-v1'))).body);
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('A new version of this policy needs reading');
    const ack = (card.actions as { verb?: string; data?: { versionHash: string } }[]).find((a) => a.verb === Verbs.acknowledge);
    expect(ack?.data?.versionHash).toBe('hash-v2');
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toHaveLength(0);
  });

  it('when card data is missing or malformed, then the person gets a clear message and nothing crashes', async () => {
    for (const bad of [undefined, {}, { policyId: 42, versionHash: ['x'] }, 'not an object']) {
      const res = await bot.execute(STAFF, Verbs.acknowledge, bad);
      expect(res.status).toBe(200);
      expect(String(res.body.value)).toMatch(/card is missing its policy|card is missing/);
    }
    const anonymous = await bot.execute({ id: '29:nobody', name: 'No AAD' }, Verbs.acknowledge, data());
    expect(String(anonymous.body.value)).toContain('could not be identified');
    expect(await store.listAcknowledgements('social-media', 'hash-v1')).toHaveLength(0);
  });

  it('when Teams says a person read their card (read receipt), then the status card and export tell "opened" from "not opened"', async () => {
    const at = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60_000, now: at });
    // Teams ids of messages in a 1:1 chat are their time in milliseconds.
    for (const [id, activityId] of [['aad-1', '1763800000100'], ['aad-2', '1763800000200'], ['aad-3', '1763800000300']]) {
      await store.completeDelivery(campaignId, id, 'w', { state: 'sent', activityId }, at);
    }
    const receipt = (user: typeof STAFF, lastReadMessageId: string) => bot.event(user, READ_RECEIPT_EVENT, { lastReadMessageId });
    // Person 2 read up to a message after their card; person 1 read only something older than theirs.
    expect((await receipt(OUTSIDER, '1763800000250')).status).toBe(200);
    expect((await receipt(STAFF, '1763800000050')).status).toBe(200);
    expect((await store.getDelivery(campaignId, 'aad-2'))?.openedAt).toBeDefined();
    expect((await store.getDelivery(campaignId, 'aad-1'))?.openedAt).toBeUndefined();
    // A malformed receipt changes nothing and is not an error.
    expect((await bot.event(STAFF, READ_RECEIPT_EVENT, { lastReadMessageId: { x: 1 } })).status).toBe(200);

    const status = await mod.campaigns.campaignStatus({ actorId: OWNER.aadObjectId, campaignId });
    expect({ opened: status.openedNotAcknowledged, notOpened: status.notOpened }).toEqual({ opened: 1, notOpened: 2 });
    await bot.execute(OUTSIDER, Verbs.acknowledge, data());
    const after = await mod.campaigns.campaignStatus({ actorId: OWNER.aadObjectId, campaignId });
    expect({ acknowledged: after.acknowledged, opened: after.openedNotAcknowledged, notOpened: after.notOpened }).toEqual({ acknowledged: 1, opened: 0, notOpened: 2 });
    await receipt(STAFF, '1763800000999');
    const exp = await mod.campaigns.exportCampaign({ actorId: OWNER.aadObjectId, campaignId });
    expect(exp.csv).toMatch(/\r\nPerson 1,[^,]*,[^,]*,[^,]*,hash-v1,1,"opened, not acknowledged",/);
    expect(exp.csv).toMatch(/\r\nPerson 2,[^,]*,[^,]*,[^,]*,hash-v1,1,acknowledged,/);
    expect(exp.csv).toMatch(/\r\nPerson 3,[^,]*,[^,]*,[^,]*,hash-v1,1,not opened,/);
  });

  it('when an owner types "campaign excuse" for someone on leave, then they are excused and told so; anyone else is refused', async () => {
    await bot.message(OUTSIDER, 'campaign excuse person3@school.example');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining('Only the policy owners'));
    await bot.message(OWNER, 'campaign excuse person3@school.example');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual('Person 3 is excused from this campaign: no reminders or digests, listed as excused on the status card and in the export.');
    expect((await store.getDelivery(campaignId, 'aad-3'))?.excusedBy).toBe(OWNER.aadObjectId);
    await bot.message(OWNER, 'campaign unexcuse Person 3');
    expect((await store.getDelivery(campaignId, 'aad-3'))?.excusedAt).toBeUndefined();
  });

  it('when someone on leave whose card could not reach them is excused, then status and export count them once, as excused; the next version\'s round keeps them excused, the preview and Start say so, and "campaign unexcuse" lifts it', async () => {
    const at = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60_000, now: at });
    await store.completeDelivery(campaignId, 'aad-1', 'w', { state: 'sent', activityId: 'c-1' }, at);
    await store.completeDelivery(campaignId, 'aad-2', 'w', { state: 'sent', activityId: 'c-2' }, at);
    await store.completeDelivery(campaignId, 'aad-3', 'w', { state: 'installFailed', reason: 'no_conversation_reference' }, at);
    await bot.execute(STAFF, Verbs.acknowledge, data());
    await bot.message(OWNER, 'campaign excuse person3@school.example');
    const lastCard = (from: number) => {
      const posted = connector.calls.slice(from).map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1);
      return (posted?.attachments as { content: Record<string, unknown> }[])[0].content;
    };
    const counts = (card: Record<string, unknown>) => Object.fromEntries(cardFacts(card));

    let from = connector.calls.length;
    await bot.message(OWNER, 'campaign status');
    expect(counts(lastCard(from))).toMatchObject({ Outstanding: '1', 'Could not be reached': '0', 'Excused (on leave)': '1' });
    expect(shownText(lastCard(from))).toContain('1 of 3 acknowledged');
    const exported = await mod.campaigns.exportCampaign({ actorId: OWNER.aadObjectId, campaignId });
    expect(exported.csv).toMatch(/\r\nPerson 3,[^,]*,[^,]*,[^,]*,hash-v1,1,excused,/);

    // A new version is published: its round's preview says the excusal carries, and Start says so again.
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await store.savePolicyVersion(v2);
    await mod.campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'), isNew: true });
    from = connector.calls.length;
    await bot.message(OWNER, 'campaign start');
    const preview = lastCard(from);
    expect(shownText(preview)).toContain('1 person excused there (on leave) stays excused in the new round (the card waits in their chat for when they are back, with no reminders): "campaign unexcuse" lifts it');
    const start = executeActions(preview).find((a) => a.verb === Verbs.campaignStart)!;
    from = connector.calls.length;
    const started = cardOf((await bot.execute(OWNER, Verbs.campaignStart, pressData(preview, start))).body);
    expect(connector.calls.slice(from).map((c) => c.body.text)).toContainEqual(expect.stringMatching(
      /^Round 2 started for all staff, .* 1 person excused in round 1 \(on leave\) stays excused in this round: the card waits in their chat for when they are back, with no reminders; type "campaign unexcuse" with their email or full name to lift it\.$/,
    ));
    // Round 2: Person 3 is excused, counted once (not also as waiting for the card); the other two are asked again.
    expect(counts(started)).toMatchObject({ Outstanding: '2', 'Card not sent yet': '2', 'Excused (on leave)': '1' });
    const round2 = (await store.listCampaigns('active'))[0];
    expect(round2.round).toBe(2);
    expect((await store.getDelivery(round2.id, 'aad-3'))?.excusedBy).toBe(OWNER.aadObjectId);

    await bot.message(OWNER, 'campaign unexcuse person3@school.example');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual('Person 3 is no longer excused: they are outstanding again until they acknowledge.');
    from = connector.calls.length;
    await bot.message(OWNER, 'campaign status');
    expect(counts(lastCard(from))).toMatchObject({ Outstanding: '3', 'Card not sent yet': '3', 'Excused (on leave)': '0' });
  });

  it('when staff press "Read the policy" on their card and Teams sends no read receipt, then the status and export count the card as opened', async () => {
    const at = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60_000, now: at });
    for (const id of ['aad-1', 'aad-2', 'aad-3']) await store.completeDelivery(campaignId, id, 'w', { state: 'sent', activityId: `card-${id}` }, at);
    await bot.execute(STAFF, Verbs.readPolicy, data());
    expect((await store.getDelivery(campaignId, 'aad-1'))?.openedAt).toBeDefined();
    const status = await mod.campaigns.campaignStatus({ actorId: OWNER.aadObjectId, campaignId });
    expect({ opened: status.openedNotAcknowledged, notOpened: status.notOpened }).toEqual({ opened: 1, notOpened: 2 });
  });

  it('when staff acknowledge at the end of the reader, then the campaign card they opened it from is updated too and no longer asks', async () => {
    const at = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60_000, now: at });
    const chat = `a:personal-${STAFF.id}`;
    await store.completeDelivery(campaignId, 'aad-1', 'w', { state: 'sent', activityId: 'campaign-card-1', conversationId: chat }, at);
    // "Read the policy" on the campaign card: the reader arrives as a message of its own (here replied to as 'card-1').
    await bot.execute(STAFF, Verbs.readPolicy, data());
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    let reader = (posted.attachments as { content: Record<string, unknown> }[])[0].content;
    for (let pages = 0; !cardVerbs(reader).includes(Verbs.acknowledge) && pages < 10; pages++) {
      const next = executeActions(reader).find((a) => a.title === 'Start reading' || /^Next: /.test(a.title ?? ''))!;
      reader = cardOf((await bot.execute(STAFF, Verbs.readPage, next.data)).body);
    }
    const updatesBefore = connector.updates.length;
    const ack = executeActions(reader).find((a) => a.verb === Verbs.acknowledge)!;
    expect(shownText(cardOf((await bot.execute(STAFF, Verbs.acknowledge, ack.data)).body))).toContain('You acknowledged this on');

    const updated = connector.updates.slice(updatesBefore);
    expect(updated.map((u) => [u.conversationId, u.activityId])).toEqual([[chat, 'campaign-card-1']]);
    const campaignCard = ((updated[0].activity as { attachments: { content: Record<string, unknown> }[] }).attachments)[0].content;
    expect(cardProblems(campaignCard)).toEqual([]);
    expect(shownText(campaignCard)).toMatch(/You acknowledged this on \d{1,2} \w+ \d{4}/);
    expect(shownText(campaignCard)).not.toContain('Please read it and acknowledge it by');
    expect(cardVerbs(campaignCard)).not.toContain(Verbs.acknowledge);
  });

  it('when staff acknowledge on the campaign card itself, then only that card changes (its answer): nothing else is updated', async () => {
    const at = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60_000, now: at });
    // The card pressed is the campaign's own ('card-1', what these tests reply to).
    await store.completeDelivery(campaignId, 'aad-1', 'w', { state: 'sent', activityId: 'card-1', conversationId: `a:personal-${STAFF.id}` }, at);
    const before = connector.updates.length;
    expect(shownText(cardOf((await bot.execute(STAFF, Verbs.acknowledge, data())).body))).toContain('You acknowledged this on');
    expect(connector.updates.length).toBe(before);
  });

  it('when staff press "Read the policy", then they read the whole policy in Teams section by section, can open the Word file, and their acknowledgement records that they read it', async () => {
    const res = await bot.execute(STAFF, Verbs.readPolicy, data());
    // The card they pressed stays, saying where the policy is; the reader arrives as a message of its own.
    expect(shownText(cardOf(res.body))).toContain('The whole policy is in the message below');
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    const contents = (posted.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardProblems(contents)).toEqual([]);
    expect(shownText(contents)).toMatch(/Contents[^]*1\. Introduction[^]*2\. Contact with pupils[^]*3\. Reporting/);
    const open = (contents.actions as { type: string; title: string; url?: string }[]).find((a) => a.type === 'Action.OpenUrl')!;
    expect(open.title).toMatch(/^Open the Word document \(link until \d{1,2}:\d{2}\)$/);
    expect(open.url).toMatch(/^https:\/\/bot\.example\/files\/[0-9a-f]{32}\?e=\d+&s=[0-9a-f]{64}&t=aad-1~ack-\d{8}-[0-9a-f]{6}$/);

    const page = async (card: Record<string, unknown>, title: RegExp) => {
      const action = executeActions(card).find((a) => title.test(a.title ?? ''))!;
      const next = cardOf((await bot.execute(STAFF, Verbs.readPage, action.data)).body);
      expect(cardProblems(next)).toEqual([]);
      return next;
    };
    const first = await page(contents, /^Start reading$/);
    expect(shownText(first)).toContain('This policy applies to everyone who works at the school.');
    expect(cardVerbs(first)).not.toContain(Verbs.acknowledge);
    const second = await page(first, /^Next: 2\. Contact with pupils$/);
    // Headings are kept, sub-sections and bullets too, as text.
    expect(shownText(second)).toMatch(/2\. Contact with pupils[^]*Staff must keep professional boundaries online\.[^]*2\.1 Friend requests[^]*Staff must not:[^]*\u2022 accept friend requests from pupils/);
    const last = await page(second, /^Next: 3\. Reporting$/);
    expect(shownText(last)).toContain('page 3 of 3');
    expect(cardVerbs(last)).toContain(Verbs.acknowledge);
    expect(await store.getPolicyRead('social-media', 'hash-v1', 'aad-1')).toMatchObject({ pages: 4 });

    const ackAction = executeActions(last).find((a) => a.verb === Verbs.acknowledge)!;
    const done = cardOf((await bot.execute(STAFF, Verbs.acknowledge, ackAction.data)).body);
    expect(shownText(done)).toMatch(/You acknowledged this on .* You opened it to read on \d{1,2} \w+ \d{4}\./);
    const recorded = await store.getAcknowledgement('social-media', 'hash-v1', 'aad-1');
    expect(recorded?.versionHash).toBe('hash-v1');
    expect(recorded?.readAt).toBe((await store.getPolicyRead('social-media', 'hash-v1', 'aad-1'))?.firstReadAt);
    // Someone who never opened it is recorded as such: no read time.
    await bot.execute(OUTSIDER, Verbs.acknowledge, data());
    expect((await store.getAcknowledgement('social-media', 'hash-v1', 'aad-2'))?.readAt).toBeUndefined();

    const ask = cardOf((await bot.execute(STAFF, Verbs.askQuestion, data())).body);
    expect(JSON.stringify(ask)).toContain('Type your question in this chat');
  });

  it('when the owner asks for status, then a status card with the counts is posted', async () => {
    await bot.execute(STAFF, Verbs.acknowledge, data());
    await bot.message(OWNER, 'campaign status');
    const posted = connector.calls.map((c) => c.body).find((b) => Array.isArray(b.attachments));
    const card = (posted?.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('1 of 3 acknowledged (33%)');
  });

  it('when someone who is not an owner types a campaign command or clicks an owner button, then it is refused and audited', async () => {
    await bot.message(OUTSIDER, 'campaign start all due 2027-01-01');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining('Only the policy owners'));
    expect(await store.listCampaigns()).toHaveLength(1);
    const button = await bot.execute(OUTSIDER, Verbs.campaignRemind, { campaignId });
    expect(String(button.body.value)).toContain('Only the policy owners');
    expect((await store.getDelivery(campaignId, 'aad-1'))?.remindCount).toBe(0);
    const refused = (await store.listAudit()).filter((a) => a.action === 'owner.refused');
    expect(refused.map((a) => a.actor)).toEqual(['aad-2', 'aad-2']);
  });

  it('when the owner clicks "Remind outstanding" on the status card, then the outstanding are marked and the card refreshes', async () => {
    const now = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60000, now });
    for (const id of ['aad-1', 'aad-2', 'aad-3']) await store.completeDelivery(campaignId, id, 'w', { state: 'sent' }, now);
    await bot.execute(STAFF, Verbs.acknowledge, data());
    const card = cardOf((await bot.execute(OWNER, Verbs.campaignRemind, { campaignId })).body);
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('1 of 3 acknowledged (33%)');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringMatching(/^Reminders \(Social Media Policy, version published 1 January 2026, all staff, started \d{1,2} \w+ \d{4}\): 2 sent/));
    expect((await store.getDelivery(campaignId, 'aad-2'))?.remindCount).toBe(1);
    expect((await store.getDelivery(campaignId, 'aad-1'))?.remindCount).toBe(0);
    await bot.execute(OWNER, Verbs.campaignRemind, { campaignId });
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining('0 sent; 2 skipped (reminded recently)'));
  });

  it('when the owner exports, then the CSV comes as a short-lived download link, with a verifiable integrity hash on every row', async () => {
    await bot.execute(STAFF, Verbs.acknowledge, data());
    await bot.message(OWNER, `campaign export ${campaignId}`);
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1);
    const attachment = (posted?.attachments as { contentType: string; content: Record<string, unknown> }[])[0];
    // A card with a Download button, never a data: URL (which Teams may not open).
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardProblems(attachment.content)).toEqual([]);
    expect(JSON.stringify(posted)).not.toContain('data:text/csv');
    const open = (attachment.content.actions as { type: string; url: string }[])[0];
    expect(open.type).toBe('Action.OpenUrl');
    expect(open.url).toMatch(/^https:\/\/bot\.example\/files\/[0-9a-f]{32}\?e=\d+&s=[0-9a-f]{64}$/);
    // The file is named as the owner reads it: the policy, its version and the day the campaign started, never the key (issue 52).
    expect(JSON.stringify(attachment.content)).toMatch(/Social Media Policy - version published 1 January 2026 - acknowledgements started \d{1,2} \w+ \d{4}\.csv/);
    expect(JSON.stringify(attachment.content)).not.toContain(campaignId);
    const [file] = bot.offered;
    expect(file.type).toBe('text/csv; charset=utf-8');
    expect(file.content.trim().split('\r\n')).toHaveLength(4);
    expect(verifyAcknowledgementCsv(file.content, campaignId, SECRET)).toEqual([]);
  });

  it('when the bot has no public address, then an export is not written and the owner is told how IT can run it, with its row count', async () => {
    const unlinked = await startBot(store, connector.url, null);
    try {
      await unlinked.message(OWNER, `campaign export ${campaignId}`);
      expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining('The export (3 rows) cannot be linked from chat'));
      expect(unlinked.offered).toEqual([]);
    } finally {
      await unlinked.close();
    }
  });

  it('when the owner types "campaign start" while a campaign already reaches those people, then it says so and offers its status, starting nothing (issue 52)', async () => {
    const before = connector.calls.length;
    await bot.message(OWNER, 'campaign start');
    const posted = connector.calls.slice(before).map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1);
    const card = (posted?.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('A campaign is already running');
    expect(shownText(card)).toMatch(/Social Media Policy, version published 1 January 2026, all staff, started \d{1,2} \w+ \d{4}; due /);
    expect(shownText(card)).toContain('0 of 3 acknowledged so far');
    expect(shownText(card)).not.toContain(campaignId);
    expect(cardVerbs(card)).toEqual([Verbs.campaignStatus]);
    expect(await store.listCampaigns()).toHaveLength(1);
    const status = cardOf((await bot.execute(OWNER, Verbs.campaignStatus, (card.actions as { data: unknown }[])[0].data)).body);
    expect(JSON.stringify(status)).toContain('0 of 3 acknowledged (0%)');
  });

  it('when a new version is live and the owner chooses not to ask staff again, then nothing is sent, the choice is recorded, and "campaign start" offers the round after all (issue 54)', async () => {
    const v2 = policyVersion('hash-v2', new Date().toISOString());
    await store.savePolicyVersion(v2);
    await mod.campaigns.onPolicyVersionRegistered({ version: v2, previous: policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'), isNew: true });
    const lastCard = (from: number) => {
      const posted = connector.calls.slice(from).map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1);
      return (posted?.attachments as { content: Record<string, unknown> }[])[0].content;
    };
    let from = connector.calls.length;
    await bot.message(OWNER, 'campaign start');
    const preview = lastCard(from);
    expect(cardProblems(preview)).toEqual([]);
    expect(shownText(preview)).toContain('Ask staff to acknowledge the new version?');
    const skip = executeActions(preview).find((a) => a.verb === Verbs.campaignSkipRound)!;
    expect(skip.title).toBe('Do not ask staff again');
    // Only an owner may choose it.
    expect(String((await bot.execute(OUTSIDER, Verbs.campaignSkipRound, skip.data)).body.value)).toContain('Only the policy owners');
    const sentBefore = connector.calls.length;
    const skipped = cardOf((await bot.execute(OWNER, Verbs.campaignSkipRound, skip.data)).body);
    expect(shownText(skipped)).toContain('Staff will not be asked about this version.');
    expect(connector.calls.length).toBe(sentBefore);
    expect((await store.listCampaigns()).map((c) => [c.id, c.status, c.versionHash])).toEqual([[campaignId, 'active', 'hash-v1']]);
    expect((await store.listAudit(campaignId)).find((a) => a.action === 'campaign.roundSkipped')).toMatchObject({ actor: OWNER.aadObjectId, details: { versionHash: 'hash-v2' } });

    from = connector.calls.length;
    await bot.message(OWNER, 'campaign start');
    const running = lastCard(from);
    expect(shownText(running)).toContain('A campaign is already running');
    expect(shownText(running)).toMatch(/you chose not to ask staff to acknowledge it/);
    const after = executeActions(running).find((a) => a.title === 'Ask staff about the new version after all')!;
    const again = cardOf((await bot.execute(OWNER, after.verb, after.data)).body);
    expect(shownText(again)).toContain('Ask staff to acknowledge the new version?');
  });

  it('when the owner types "campaign start", then a preview says who it reaches and nothing is sent until Start; Cancel sends nothing', async () => {
    // No campaign running: the one the other tests use is over.
    const running = (await store.getCampaign(campaignId))!;
    await store.updateCampaign({ ...running, status: 'closed', closedAt: new Date().toISOString() });
    await bot.message(OWNER, 'campaign start department maths due 2099-01-01');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining('The due date must be within a year'));
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const campaignsBefore = (await store.listCampaigns()).length;
    await bot.message(OWNER, `campaign start department maths due ${due}`);
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1);
    const preview = (posted?.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardProblems(preview)).toEqual([]);
    const facts = cardFacts(preview);
    expect(facts.get('Audience')).toBe('department maths');
    expect(facts.get('In the audience')).toBe('1');
    // Nobody in maths has a chat with the bot and this test has no Graph installer: honest about it.
    expect(facts.get('Get the card now')).toBe('0');
    expect(facts.get('Cannot be reached yet')).toBe('1');
    expect(JSON.stringify(preview)).toContain('has not opened a chat with School Policy Bot');
    // The card staff will see is inside, buttons listed, not pressable.
    expect(JSON.stringify(preview)).toContain('Key points');
    expect([...new Set(cardVerbs(preview))].sort()).toEqual([Verbs.campaignCancel, Verbs.campaignEdit, Verbs.campaignStart].sort());
    expect(await store.listCampaigns()).toHaveLength(campaignsBefore);

    const start = (preview.actions as { verb: string; data: Record<string, unknown> }[]).find((a) => a.verb === Verbs.campaignStart)!;
    const cancelled = cardOf((await bot.execute(OWNER, Verbs.campaignCancel, { nonce: 'x' })).body);
    expect(JSON.stringify(cancelled)).toContain('Nothing was sent');
    expect(await store.listCampaigns()).toHaveLength(campaignsBefore);

    // Someone else pressing Start, or Cancel, on a forwarded preview is refused (and Cancel's refusal is audited).
    const pressed = pressData(preview, start);
    expect(String((await bot.execute(OUTSIDER, Verbs.campaignStart, pressed)).body.value)).toContain('Only the policy owners');
    const notTheirs = await bot.execute(OUTSIDER, Verbs.campaignCancel, { nonce: 'x' });
    expect(String(notTheirs.body.value)).toContain('Only the policy owners');
    expect(JSON.stringify(notTheirs.body)).not.toContain('Nothing was sent');
    expect((await store.listAudit('campaign.cancel')).map((a) => a.action)).toContain('owner.refused');
    const started = cardOf((await bot.execute(OWNER, Verbs.campaignStart, pressed)).body);
    expect(JSON.stringify(started)).toContain('0 of 1 acknowledged');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringMatching(/^Campaign started for department maths, due \w+day .*: the card is on its way to 0 of 1\. 1 cannot be reached until they open a chat with me/));
    expect(await store.listCampaigns()).toHaveLength(campaignsBefore + 1);
    // A second press (a double click) answers with the same campaign and starts nothing new.
    await bot.execute(OWNER, Verbs.campaignStart, pressed);
    expect(await store.listCampaigns()).toHaveLength(campaignsBefore + 1);
    // What the owner chose is what the campaign keeps: the key points as they were on the card.
    const chosen = (await store.listCampaigns()).find((c) => c.audience.kind === 'department')!;
    expect(chosen.keyPoints).toEqual(['Never contact pupils privately.']);
    expect(executeActions(preview).length).toBeGreaterThan(2);
  });

  it('when the app is installed for someone who could not be reached, then their reference is kept and their card requeued', async () => {
    const now = new Date().toISOString();
    await store.claimDeliveries({ campaignId, workerId: 'w', limit: 10, leaseMs: 60000, now });
    await store.completeDelivery(campaignId, 'aad-1', 'w', { state: 'installFailed', reason: 'GRAPH_403' }, now);
    await bot.install(STAFF);
    expect(await store.getConversationReference('aad-1')).toMatchObject({ conversationId: `a:personal-${STAFF.id}`, serviceUrl: connector.url });
    expect(await store.getDelivery(campaignId, 'aad-1')).toMatchObject({ state: 'pending' });
  });
});
