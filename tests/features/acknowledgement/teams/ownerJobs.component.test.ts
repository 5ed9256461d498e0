import { verifyAcknowledgementCsv } from '../../../../src/features/acknowledgement/domain/acknowledgementExport';
import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { createAcknowledgementModule } from '../../../../src/features/acknowledgement/teams/acknowledgementModule';
import { Verbs } from '../../../../src/teams/verbs';
import { createFileLinks } from '../../../../src/teams/fileLinks';
import { parseAcknowledgementSettings } from '../../../../src/config/acknowledgementSettings';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteAcknowledgementStoreOn } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createSqliteOwnerJobStore } from '../../../../src/adapters/sqlite/sqliteOwnerJobStore';
import { createBotConnectorUpdater } from '../../../../src/adapters/botConnector/botConnectorSender';
import { startBotHost } from '../../../support/botHost';
import { cardProblems } from '../../../support/cardAssertions';
import { pressData } from '../../../support/cardAssertions';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { person, policyVersion, recordingMessenger } from '../domain/ackTestKit';

/**
 * Component test over real HTTP: owner commands start background jobs; the owner's card is posted to a fake connector
 * at once and then replaced (PUT, as updateActivity does) with the job's progress and its result.
 */

const OWNER = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Hana Head' };
const SECRET = 'a-long-export-secret-for-tests';
const STAFF = 450;

async function startBot(db: SqliteDatabase, store: AcknowledgementStore, connectorUrl: string) {
  const { value: settings, errors } = parseAcknowledgementSettings({ ACK_EXPORT_SECRET: SECRET }, 'local');
  if (errors.length) throw new Error(errors.join('; '));
  const files = createFileLinks({ baseUrl: 'https://bot.example' });
  const offered: string[] = [];
  const messenger = recordingMessenger();
  const mod = createAcknowledgementModule({
    store, settings, owners: [OWNER.aadObjectId], primaryPolicyId: 'social-media', channel: 'teams',
    logger: { info: () => undefined, warn: () => undefined }, messenger,
    files: {
      offerWritten: async (type, write) => {
        let content = '';
        const written = await files.offerWritten(type, (sink) => write({ write: async (chunk) => { content += chunk; await sink.write(chunk); } }));
        if (written) offered.push(content);
        return written;
      },
    },
    jobs: { store: createSqliteOwnerJobStore(db), workerId: 'test-worker', updater: createBotConnectorUpdater(), sliceMs: 0, reportEveryMs: 0 },
  });
  const host = await startBotHost(() => [mod.feature]);
  let seq = 0;
  const conversation = { id: `a:personal-${OWNER.id}`, conversationType: 'personal', tenantId: 'tenant-1' };
  async function send(activity: Record<string, unknown>) {
    const res = await fetch(host.botUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: 'msteams', serviceUrl: connectorUrl, id: `in-${++seq}`, timestamp: new Date().toISOString(),
        recipient: { id: '28:bot', name: 'Policy Bot' }, from: OWNER, conversation, ...activity,
      }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  }
  return {
    mod, offered, messenger,
    close: async () => { await mod.jobs?.stop(); files.close(); await host.close(); },
    message: (text: string) => send({ type: 'message', text }),
    execute: (verb: string, data: unknown) => send({
      type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  };
}

const cardText = (activity: Record<string, unknown>) => JSON.stringify((activity.attachments as { content: unknown }[])[0].content);

describe('owner jobs over HTTP', () => {
  let connector: FakeConnector;
  let db: SqliteDatabase;
  let store: AcknowledgementStore;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let campaignId: string;

  beforeEach(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    db = openSqliteDatabase(':memory:');
    store = createSqliteAcknowledgementStoreOn(db);
    await store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z'));
    await store.upsertStaff(Array.from({ length: STAFF }, (_, i) => person(i + 1)));
    bot = await startBot(db, store, connector.url);
    const started = await bot.mod.campaigns.startCampaign({ actorId: OWNER.aadObjectId, audience: { kind: 'all' } });
    campaignId = started.campaign.id;
    await bot.mod.jobs!.waitFor(started.job!.id);
    const now = new Date().toISOString();
    for (const d of await store.claimDeliveries({ campaignId, workerId: 'w', limit: STAFF, leaseMs: 60_000, now })) {
      await store.completeDelivery(campaignId, d.userId, 'w', { state: 'sent' }, now);
    }
  });
  afterEach(async () => {
    await bot.close();
    await connector.close();
    db.close();
  });

  it('when the owner types "campaign remind", then a card is posted at once and updated with "Reminding N of M…" and the result', async () => {
    await bot.message(`campaign remind ${campaignId}`);
    await bot.mod.jobs!.idle();
    const posted = connector.calls.filter((c) => c.method === 'POST' && Array.isArray(c.body.attachments));
    expect(posted).toHaveLength(1);
    expect(cardText(posted[0].body)).toContain('"text":"Reminders"');
    const updates = connector.updates.map((u) => u.activity);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    for (const u of updates) expect(cardProblems((u.attachments as { content: Record<string, unknown> }[])[0].content)).toEqual([]);
    expect(updates.map(cardText)).toContainEqual(expect.stringContaining('Reminding 100 of 450'));
    expect(cardText(updates.at(-1)!)).toContain('450 sent; 0 skipped (reminded recently)');
    expect(new Set(connector.updates.map((u) => u.activityId)).size).toBe(1);
    expect(bot.messenger.reminded.flatMap((r) => r.userIds)).toHaveLength(STAFF);
    expect((await store.listAudit(campaignId)).map((a) => a.action)).toContain('campaign.reminded');
  });

  it('when the owner clicks Export on the status card, then the card refreshes and the export card with the link arrives when the file is written', async () => {
    const res = await bot.execute(Verbs.campaignExport, { campaignId });
    expect(res.status).toBe(200);
    await bot.mod.jobs!.idle();
    const last = connector.updates.at(-1)!.activity;
    const card = (last.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardProblems(card)).toEqual([]);
    const open = (card.actions as { type: string; url: string }[])[0];
    expect(open.url).toMatch(/^https:\/\/bot\.example\/files\/[0-9a-f]{32}\?e=\d+&s=[0-9a-f]{64}$/);
    expect(JSON.stringify(card)).toMatch(/Social Media Policy - version published 1 January 2026 - acknowledgements started \d{1,2} \w+ \d{4}\.csv/);
    expect(connector.updates.map((u) => JSON.stringify(u.activity))).toContainEqual(expect.stringMatching(/Writing \d+ of 450 rows/));
    expect(bot.offered).toHaveLength(1);
    expect(bot.offered[0].trim().split('\r\n')).toHaveLength(STAFF + 1);
    expect(verifyAcknowledgementCsv(bot.offered[0], campaignId, SECRET)).toEqual([]);
  });

  it('when a job is asked for a campaign that does not exist, then the owner is told and no job starts', async () => {
    await bot.message('campaign export no-such-campaign');
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining('There is no campaign "no-such-campaign"'));
    expect(connector.updates).toEqual([]);
  });

  it('when the owner presses Start on a preview, then the campaign starts at once and a job adds every recipient and asks for the cards to go out', async () => {
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    // The all-staff campaign is over: while it ran, `campaign start` would only point to it (issue 52).
    const running = (await store.getCampaign(campaignId))!;
    await store.updateCampaign({ ...running, status: 'closed', closedAt: new Date().toISOString() });
    await bot.message(`campaign start department maths due ${due}`);
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    const preview = (posted.attachments as { content: { actions: { verb: string; data: Record<string, unknown> }[] } }[])[0].content;
    const start = preview.actions.find((a) => a.verb === Verbs.campaignStart)!;
    const res = await bot.execute(Verbs.campaignStart, pressData(preview, start));
    expect(res.status).toBe(200);
    await bot.mod.jobs!.idle();
    const maths = Array.from({ length: STAFF }, (_, i) => person(i + 1)).filter((p) => p.department === 'Maths').length;
    const campaign = (await store.listCampaigns('active')).find((c) => c.id !== campaignId)!;
    expect((await store.listDeliveries(campaign.id)).length).toBe(maths);
    // Nobody here has opened a chat with the bot yet (local mode cannot install it), as the preview said.
    expect(connector.calls.map((c) => c.body.text)).toContainEqual(expect.stringContaining(`the card is on its way to 0 of ${maths}. ${maths} cannot be reached`));
    expect(bot.messenger.delivered).toContain(campaign.id);
    expect((await store.listAudit(campaign.id)).map((a) => a.action)).toEqual(['campaign.started', 'campaign.recipientsAdded']);
  });
});
