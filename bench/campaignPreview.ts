/**
 * `npm run bench:preview -- --users 50000`: what `campaign start` costs before anything is sent (the preview counts
 * who can be reached now) on the embedded store, with the worst event-loop delay while it runs. Baseline in the same
 * run: listing the staff alone.
 */
import { createSqliteAcknowledgementStore } from '../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createCampaignService } from '../src/features/acknowledgement/domain/campaignService';
import { DEFAULT_CAMPAIGN_RULES } from '../src/features/acknowledgement/domain/campaignPorts';
import { measureWithLoopDelay } from './loopDelay';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--users');
  const users = at > 0 ? Number(process.argv[at + 1]) : 10_000;
  const store = createSqliteAcknowledgementStore(':memory:');
  const now = new Date().toISOString();
  await store.savePolicyVersion({ policyId: 'p', versionHash: 'h', title: 'Policy', keyPoints: ['Be kind.'], material: true, publishedAt: now });
  await store.upsertStaff(Array.from({ length: users }, (_, i) => ({
    userId: `u${i}`, userPrincipalName: `u${i}@school.example`, displayName: `Person ${i}`, department: `D${i % 40}`, active: true, source: 'graph' as const, updatedAt: now,
  })));
  for (let i = 0; i < users; i += 2) {
    await store.saveConversationReference({ userId: `u${i}`, conversationId: `a:${i}`, serviceUrl: 'https://smba.example/', reference: {}, updatedAt: now });
  }
  const service = createCampaignService({ store, clock: () => new Date(), rules: DEFAULT_CAMPAIGN_RULES, owners: ['owner'], primaryPolicyId: 'p' });
  const time = async (name: string, fn: () => Promise<unknown>) => {
    const measured = await measureWithLoopDelay(fn);
    console.log(JSON.stringify({ op: name, users, ...measured }));
  };
  await time('baseline: list staff', () => store.listStaff());
  await time('campaign preview', () => service.previewCampaign({ actorId: 'owner', audience: { kind: 'all' } }));
  await time('campaign start', () => service.startCampaign({ actorId: 'owner', audience: { kind: 'all' } }));
  await store.close();
}

void main();
