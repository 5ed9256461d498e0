import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign } from '../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { createCurrentVersions } from '../../../../src/features/acknowledgement/domain/currentVersions';
import { manualClock, memoryStore, policyVersion } from './ackTestKit';

/** The store, with a count of each read the cache is meant to save. */
function countingStore(store: AcknowledgementStore) {
  const reads: Record<string, number> = {};
  let failNext = false;
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        reads[String(name)] = (reads[String(name)] ?? 0) + 1;
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('store unavailable'));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, reads, failNextRead: () => { failNext = true; } };
}

const campaign = (id: string, versionHash: string, extra: Partial<Campaign> = {}): Campaign => ({
  id, policyId: 'social-media', versionHash, audience: { kind: 'all' }, dueDate: '2026-09-30', startedAt: '2026-09-01T08:00:00.000Z',
  startedBy: 'owner', round: 1, seriesId: id, status: 'active', ...extra,
});

async function setUp(ttlMs = 10_000) {
  const raw = memoryStore();
  await raw.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
  await raw.createCampaign(campaign('c1', 'hash-v1'));
  const clock = manualClock('2026-09-01T08:00:00.000Z');
  const counting = countingStore(raw);
  const current = createCurrentVersions({ store: counting.store, clock: clock.now, ttlMs });
  return { raw, clock, current, ...counting };
}

describe('what a click keeps of the current version and campaign', () => {
  it('when many clicks arrive inside the TTL, then the active campaigns and the version are read once between them', async () => {
    const { current, reads } = await setUp();
    const seen = await Promise.all(Array.from({ length: 20 }, () => current.current('social-media')));
    await current.current('social-media');
    expect(seen.every((s) => s?.campaign?.id === 'c1' && s.version.versionHash === 'hash-v1')).toBe(true);
    expect(reads).toEqual({ listCampaigns: 1, getPolicyVersion: 1 });
  });

  it('when the TTL has passed, then the campaigns are read again and a change is seen', async () => {
    const { raw, current, clock, reads } = await setUp();
    await current.current('social-media');
    await raw.updateCampaign({ ...campaign('c1', 'hash-v1'), status: 'closed', closedAt: '2026-09-01T08:00:05.000Z' });
    await raw.savePolicyVersion(policyVersion('hash-v2', '2026-09-01T08:00:05.000Z'));
    expect((await current.current('social-media'))?.campaign?.id).toBe('c1');
    clock.set('2026-09-01T08:00:10.000Z');
    expect(await current.current('social-media')).toEqual({ version: expect.objectContaining({ versionHash: 'hash-v2' }) });
    expect(reads.listCampaigns).toBe(2);
  });

  it('when asked for fresh, or after invalidate, then the store is read even inside the TTL', async () => {
    const { raw, current, reads } = await setUp();
    await current.current('social-media');
    await raw.createCampaign(campaign('c2', 'hash-v1', { startedAt: '2026-09-02T08:00:00.000Z' }));
    expect((await current.current('social-media', { fresh: true }))?.campaign?.id).toBe('c2');
    await current.campaign('c1');
    current.invalidate();
    await current.campaign('c1');
    await current.current('social-media');
    expect(reads).toMatchObject({ listCampaigns: 3, getCampaign: 2 });
  });

  it('when a read fails, then the failure is not kept: the next click reads again', async () => {
    const { current, reads, failNextRead } = await setUp();
    failNextRead();
    await expect(current.current('social-media')).rejects.toThrow('store unavailable');
    expect((await current.current('social-media'))?.campaign?.id).toBe('c1');
    expect(reads.listCampaigns).toBe(2);
  });

  it('when the TTL is 0, then nothing but versions is kept', async () => {
    const { current, reads } = await setUp(0);
    await current.current('social-media');
    await current.current('social-media');
    expect(reads).toEqual({ listCampaigns: 2, getPolicyVersion: 1 });
  });

  it('when a card shows a later version or a newer active campaign than what is kept, then the campaigns are read afresh', async () => {
    const { raw, current, reads } = await setUp();
    await current.current('social-media');
    const v2 = policyVersion('hash-v2', '2026-09-01T08:00:01.000Z');
    await raw.savePolicyVersion(v2);
    await raw.createCampaign(campaign('c2', 'hash-v2', { startedAt: '2026-09-01T08:00:01.000Z' }));
    expect((await current.currentForCard({ version: v2, campaignId: 'c2' }))?.campaign?.id).toBe('c2');
    expect(reads.listCampaigns).toBe(2);

    const { raw: raw2, current: current2, reads: reads2 } = await setUp();
    await current2.current('social-media');
    await raw2.createCampaign(campaign('c3', 'hash-v1', { startedAt: '2026-09-01T09:00:00.000Z' }));
    expect((await current2.currentForCard({ version: policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'), campaignId: 'c3' }))?.campaign?.id).toBe('c3');
    expect(reads2.listCampaigns).toBe(2);
  });

  it('when a card is older than what is kept (a replaced version, a closed round), then it is judged on what is kept, with no fresh read', async () => {
    const { raw, current, reads } = await setUp();
    await raw.createCampaign(campaign('old', 'hash-v1', { status: 'closed', startedAt: '2025-09-01T08:00:00.000Z' }));
    await current.current('social-media');
    const v0 = policyVersion('hash-v0', '2025-08-01T00:00:00.000Z');
    expect((await current.currentForCard({ version: v0 }))?.version.versionHash).toBe('hash-v1');
    expect((await current.currentForCard({ version: policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'), campaignId: 'old' }))?.campaign?.id).toBe('c1');
    expect(reads.listCampaigns).toBe(1);
  });
});

