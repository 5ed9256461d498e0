import { emptyDeliveryCounts } from '../../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { CampaignStatus } from '../../../../../src/features/acknowledgement/domain/campaignService';
import { renderCampaignStatusCard } from '../../../../../src/features/acknowledgement/teams/cards/campaignStatusCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs } from '../../../../support/cardAssertions';

const status = (groups: CampaignStatus['groups'], acknowledged = 31, total = 40): CampaignStatus => ({
  campaign: {
    id: 'ack-20260901-abc123', policyId: 'p', versionHash: 'a1b2c3d4e5f6', audience: { kind: 'all' }, dueDate: '2026-10-01',
    startedAt: '2026-09-01T08:00:00.000Z', startedBy: 'owner', round: 1, seriesId: 'ack-20260901-abc123', status: 'active',
  },
  version: { policyId: 'p', versionHash: 'a1b2c3d4e5f6', title: 'Social Media Policy', keyPoints: [], material: true, publishedAt: '2026-09-01T08:00:00.000Z' },
  total, acknowledged, outstanding: total - acknowledged, openedNotAcknowledged: 3, notOpened: 2, excused: 1, percent: Math.round((100 * acknowledged) / total),
  deliveries: { ...emptyDeliveryCounts(), sent: 36, pending: 1, blocked: 2, installFailed: 1 },
  ...(groups.length ? { groupLabel: 'Department' as const } : {}),
  groups,
});

const columnsOf = (node: unknown): { width: number; style: string }[] => {
  const out: { width: number; style: string }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Column' && typeof o.width === 'number') out.push({ width: o.width, style: String(o.style) });
    Object.values(o).forEach(walk);
  };
  walk(node);
  return out;
};

describe('campaign status card', () => {
  it('when rendered, then it shows counts, percentage, a proportional bar and owner actions', () => {
    const card = renderCampaignStatusCard(status([
      { name: 'Maths', total: 20, acknowledged: 11, percent: 55 },
      { name: 'English', total: 20, acknowledged: 20, percent: 100 },
    ]));
    expect(cardProblems(card)).toEqual([]);
    const t = JSON.stringify(card);
    expect(t).toContain('31 of 40 acknowledged (78%)');
    expect(t).toContain('11/20 (55%)');
    expect(t).toContain('By department (least complete first)');
    expect(t).toContain('{"title":"Blocked the bot","value":"2"}');
    expect(t).toContain('{"title":"Opened, not acknowledged","value":"3"}');
    expect(t).toContain('{"title":"Not opened yet","value":"2"}');
    const bars = columnsOf(card);
    expect(bars[0]).toEqual({ width: 78, style: 'good' });
    expect(bars[1]).toEqual({ width: 22, style: 'attention' });
    expect(bars).toContainEqual({ width: 100, style: 'good' });
    expect(cardVerbs(card)).toEqual([Verbs.campaignRemind, Verbs.campaignExport, Verbs.campaignStatus]);
  });

  it('when a local authority has hundreds of schools, then the card lists the least complete and stays small', () => {
    const groups = Array.from({ length: 400 }, (_, i) => ({ name: `School number ${i} with a long name`, total: 125, acknowledged: i % 125, percent: Math.round((100 * (i % 125)) / 125) }));
    const card = renderCampaignStatusCard({ ...status(groups, 25_000, 50_000), groupLabel: 'School' });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('and 385 more (see the export)');
  });

  it('when nobody has acknowledged yet and there are no groups, then the bar is all outstanding', () => {
    const card = renderCampaignStatusCard(status([], 0, 12));
    expect(cardProblems(card)).toEqual([]);
    expect(columnsOf(card)).toEqual([{ width: 100, style: 'attention' }]);
    expect(JSON.stringify(card)).not.toContain('least complete first');
  });
});
