/**
 * `npm run bench:scale -- --users 50000 --store sqlite|azure`: what the owner's views cost as the staff list grows
 * (staff sync, campaign start, status, export to a file, a reminder pass), each with the worst event-loop delay
 * while it runs. Baseline in the same run: an idle wait, the floor of the delay measurement. Azure runs against an
 * in-memory Azurite started (and stopped) by the bench. Then acknowledgement clicks through HTTP
 * (bench/acknowledgementClicks.ts: acks/s, p99, bot CPU per click and, on Azure, round trips per click;
 * `--clicks 2000 --concurrency 32`; `--clicks-only` skips the owner views).
 */
import { createAzureTableAcknowledgementStore, createRequestCounter } from '../src/adapters/azureTables/azureTableAcknowledgementStore';
import { createSqliteAcknowledgementStore } from '../src/adapters/sqlite/sqliteAcknowledgementStore';
import { AcknowledgementStore } from '../src/features/acknowledgement/domain/acknowledgementStore';
import { createCampaignService } from '../src/features/acknowledgement/domain/campaignService';
import { DEFAULT_CAMPAIGN_RULES } from '../src/features/acknowledgement/domain/campaignPorts';
import { createFileLinks } from '../src/teams/fileLinks';
import { startAzuriteTables } from '../tests/support/azuriteServer';
import { measureWithLoopDelay } from './loopDelay';
import { measureClicks } from './acknowledgementClicks';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const users = Number(arg('users', '10000'));
  const storeKind = arg('store', 'sqlite');
  const azurite = storeKind === 'azure' ? await startAzuriteTables() : undefined;
  const requests = azurite ? createRequestCounter() : undefined;
  const store: AcknowledgementStore = azurite
    ? await createAzureTableAcknowledgementStore({
      connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix: 'bench', onRequest: requests!.observe,
    })
    : createSqliteAcknowledgementStore(':memory:');
  const now = new Date().toISOString();
  const time = async (op: string, fn: () => Promise<unknown>) => {
    const measured = await measureWithLoopDelay(fn);
    console.log(JSON.stringify({ op, store: storeKind, users, ...measured }));
  };
  try {
    await store.savePolicyVersion({ policyId: 'p', versionHash: 'h', title: 'Policy', keyPoints: ['Be kind.'], material: true, publishedAt: now });
    const service = createCampaignService({ store, clock: () => new Date(), rules: DEFAULT_CAMPAIGN_RULES, owners: ['owner'], primaryPolicyId: 'p' });
    await time('baseline: idle 100 ms', () => new Promise((resolve) => setTimeout(resolve, 100)));
    await time('staff sync', () => store.upsertStaff(Array.from({ length: users }, (_, i) => ({
      userId: `u${i}`, userPrincipalName: `u${i}@school.example`, displayName: `Person ${i}`, department: `D${i % 40}`,
      active: true, source: 'graph' as const, updatedAt: now,
    }))));
    let campaignId = '';
    await time('campaign start', async () => {
      campaignId = (await service.startCampaign({ actorId: 'owner', audience: { kind: 'all' } })).campaign.id;
    });
    // Not timed: the state after a sending run. Everyone got the card, a third acknowledged, a third read it.
    const at = new Date().toISOString();
    const claimed = await store.claimDeliveries({ campaignId, workerId: 'bench', limit: users, leaseMs: 3_600_000, now: at });
    await forEachLimited(claimed, 16, async (d) => {
      await store.completeDelivery(campaignId, d.userId, 'bench', { state: 'sent', activityId: `act-${d.userId}` }, at);
      const i = Number(d.userId.slice(1));
      if (i % 3 === 0) {
        await store.appendAcknowledgement({
          policyId: 'p', versionHash: 'h', userId: d.userId, userPrincipalName: `${d.userId}@school.example`, displayName: `Person ${i}`,
          department: `D${i % 40}`, campaignId, acknowledgedAt: new Date().toISOString(), channel: 'teams',
        });
      } else if (i % 3 === 1) {
        await store.markOpened(campaignId, d.userId, at);
      }
    });
    // --clicks-only: skip the owner views (a reminder pass on Azure at 10k takes minutes) to measure clicks alone.
    const views = !process.argv.includes('--clicks-only');
    if (views) await time('status', () => service.campaignStatus({ actorId: 'owner', campaignId }));
    // The way the bot hands an export over: written to a file behind a signed link, page by page.
    const links = createFileLinks({ baseUrl: 'http://127.0.0.1:1' });
    if (views) await time('export to file', () => links.offerWritten('text/csv; charset=utf-8', (sink) => service.writeExport({ actorId: 'owner', campaignId }, sink)));
    links.close();
    if (views) await time('reminder pass', () => service.remindOutstanding({ actorId: 'owner', campaignId }));
    // Clicks by people who have the card and have not acknowledged; their chats are stored, as after a sending run.
    const clicks = Math.min(Number(arg('clicks', '2000')), Math.floor(users * 0.6));
    const clickers = claimed.map((d) => d.userId).filter((u) => Number(u.slice(1)) % 3 !== 0).slice(0, clicks + 3);
    await forEachLimited(clickers.filter((_, i) => i !== 2), 16, (u) => store.saveConversationReference({
      userId: u, conversationId: `a:${u}`, serviceUrl: 'http://127.0.0.1:9/', reference: { conversation: { id: `a:${u}` } }, updatedAt: at,
    }));
    for (const line of await measureClicks({
      store, ...(requests ? { requests } : {}), policyId: 'p', versionHash: 'h', campaignId,
      userIds: clickers.filter((_, i) => i !== 2), newChatUserId: clickers[2], clicks,
      concurrency: Number(arg('concurrency', '32')), repeatShare: 0.1,
    })) console.log(JSON.stringify({ ...line, store: storeKind, users }));
  } finally {
    await store.close();
    await azurite?.stop();
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

void main();
