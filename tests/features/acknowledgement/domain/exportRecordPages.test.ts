import { exportRecordPages } from '../../../../src/features/acknowledgement/domain/campaignProgress';
import { Acknowledgement, Campaign, Delivery, StaffMember } from '../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { ExportRecord } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';

const campaign = { id: 'c1', policyId: 'p', versionHash: 'h', startedAt: '2026-09-01T00:00:00.000Z' } as Campaign;

async function collect(pages: AsyncIterable<ExportRecord[]>): Promise<ExportRecord[][]> {
  const out: ExportRecord[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('export records built from the records (stores that cannot page by name)', () => {
  it('when a campaign spans several sorting slices, then the pages hold everyone once, by name (case folded), ties by id, leavers last by id', async () => {
    // 9,001 deliveries: more than two slices of the build, names with ties and mixed case, some people gone from the list.
    const n = 9_001;
    const ids = Array.from({ length: n }, (_, i) => `u${(i * 7919) % n}`);
    const staff: StaffMember[] = ids.filter((_, i) => i % 50 !== 0).map((userId, i) => ({
      userId, userPrincipalName: `${userId}@school.example`, displayName: `${i % 3 === 0 ? 'person' : 'Person'} ${i % 400}`,
      department: `D${i % 5}`, active: true, source: 'graph', updatedAt: campaign.startedAt,
    }));
    const deliveries = ids.map((userId) => ({ campaignId: 'c1', userId, state: 'sent' } as Delivery));
    const acks: Acknowledgement[] = [
      { policyId: 'p', versionHash: 'h', userId: ids[5], campaignId: 'older', acknowledgedAt: '2026-08-01T00:00:00.000Z' } as Acknowledgement,
      { policyId: 'p', versionHash: 'h', userId: ids[6], campaignId: 'other', acknowledgedAt: '2026-09-02T00:00:00.000Z' } as Acknowledgement,
      { policyId: 'p', versionHash: 'h', userId: ids[7], campaignId: 'c1', acknowledgedAt: '2026-08-30T00:00:00.000Z' } as Acknowledgement,
    ];
    const pages = await collect(exportRecordPages(campaign, deliveries, staff, acks, 500));

    expect(pages.map((p) => p.length)).toEqual([...Array(18).fill(500), 1]);
    const got = pages.flat();
    const names = new Map(staff.map((m) => [m.userId, m.displayName.toLowerCase()]));
    const expected = [...ids].sort((a, b) => {
      const [x, y] = [names.get(a), names.get(b)];
      if (x === undefined || y === undefined) return x === y ? (a < b ? -1 : 1) : x === undefined ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : a < b ? -1 : 1;
    });
    expect(got.map((r) => r.userId)).toEqual(expected);
    expect(got.filter((r) => !r.staff)).toHaveLength(n - staff.length);
    // The acknowledgement that counts: one in the campaign, or one of the version after it started; not one from before.
    const acked = got.filter((r) => r.acknowledgement).map((r) => r.userId).sort();
    expect(acked).toEqual([ids[6], ids[7]].sort());
  });

  it('when the campaign has no deliveries, then there are no pages', async () => {
    expect(await collect(exportRecordPages(campaign, [], [], [], 100))).toEqual([]);
  });
});
