import { emptyDeliveryCounts } from '../../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { CampaignStatus } from '../../../../../src/features/acknowledgement/domain/campaignService';
import { renderCampaignStatusCard } from '../../../../../src/features/acknowledgement/teams/cards/campaignStatusCard';
import { summariseTallies } from '../../../../../src/features/acknowledgement/domain/campaignProgress';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardFacts, cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';
import { reachInWords } from '../../../../../src/features/acknowledgement/teams/cards/campaignStatusCard';
import { PeoplePage } from '../../../../../src/features/acknowledgement/domain/acknowledgementStore';

const status = (groups: CampaignStatus['groups'], acknowledged = 31, total = 40): CampaignStatus => ({
  campaign: {
    id: 'ack-20260901-abc123', policyId: 'p', versionHash: 'a1b2c3d4e5f6', audience: { kind: 'all' }, dueDate: '2026-10-01',
    startedAt: '2026-09-01T08:00:00.000Z', startedBy: 'owner', round: 1, seriesId: 'ack-20260901-abc123', status: 'active',
  },
  version: { policyId: 'p', versionHash: 'a1b2c3d4e5f6', title: 'Social Media Policy', keyPoints: [], material: true, publishedAt: '2026-09-01T08:00:00.000Z' },
  total, acknowledged, outstanding: total - acknowledged, openedNotAcknowledged: 3, notOpened: 2, excused: 1, left: 0, percent: Math.round((100 * acknowledged) / total),
  unreached: 3, awaitingCard: 1,
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
    expect(t).toContain('{"title":"Could not be reached","value":"3"}');
    expect(t).toContain('{"title":"Opened the card, not acknowledged","value":"3"}');
    expect(t).toContain('{"title":"Have not opened the card","value":"2"}');
    // Contrast: the bar is the accent colour on a grey track (the rest of the way), never a pale green or a salmon block;
    // departments are their counts and percentages in default text. Before, the rest had the card's own background: a pale block with no track (issue 52).
    expect(columnsOf(card)).toEqual([{ width: 78, style: 'accent' }, { width: 22, style: 'emphasis' }]);
    expect(t).not.toMatch(/"(good|attention|warning)"|"color":"(Good|Warning|Attention)"/);
    // The campaign is named by its audience and dates, never by its id.
    expect(shownText(card)).not.toContain('ack-20260901-abc123');
    expect(shownText(card)).toContain('all staff \u00b7 version published 1 September 2026 \u00b7 started 1 September 2026 \u00b7 due Thursday 1 October 2026');
    expect(cardVerbs(card)).toEqual([Verbs.campaignPeople, Verbs.campaignPeople, Verbs.campaignPeople, Verbs.campaignRemind, Verbs.campaignExport, Verbs.campaignStatus]);
  });

  it('when a round has just started and its people are still being added, then the card says how many of how many, not "0 of 0 acknowledged"', () => {
    const adding = renderCampaignStatusCard(status([], 0, 1200), undefined, 50_000);
    expect(cardProblems(adding)).toEqual([]);
    expect(shownText(adding)).toContain('Adding people to this campaign: 1200 of 50000 so far');
    expect(shownText(adding)).toContain('Each person gets the card as they are added; type "campaign status" for the latest figures.');
    expect(shownText(adding)).not.toMatch(/of 1200 acknowledged/);
    // Once everyone is in (or when nothing was being added) it is the usual count.
    for (const card of [renderCampaignStatusCard(status([], 0, 50_000), undefined, 50_000), renderCampaignStatusCard(status([], 0, 40))]) {
      expect(shownText(card)).toMatch(/0 of (50000|40) acknowledged \(0%\)/);
      expect(shownText(card)).not.toContain('Adding people');
    }
  });

  it('when the campaign is a later round, then the card says its round and version, lists the rounds before with their own status, and a newer live version staff were not asked about (issue 54)', () => {
    const base = status([]);
    const first = { ...base.campaign, status: 'closed' as const };
    const card = renderCampaignStatusCard({
      ...base,
      campaign: { ...base.campaign, id: 'ack-20260901-abc123-r2', round: 2, versionHash: 'b2', startedAt: '2026-11-26T08:00:00.000Z' },
      version: { ...base.version, versionHash: 'b2', versionLabel: '3 (November 2026)' },
      rounds: [{ campaign: first, version: base.version, acknowledged: 5, total: 6 }],
      newerVersion: { version: { ...base.version, versionHash: 'c3', publishedAt: '2026-12-01T08:00:00.000Z' } },
    });
    expect(cardProblems(card)).toEqual([]);
    const shown = shownText(card);
    expect(shown).toContain('all staff \u00b7 round 2 \u00b7 version 3 (November 2026) \u00b7 started 26 November 2026');
    expect(shown).toContain('Round 1: version published 1 September 2026, started 1 September 2026, closed: 5 of 6 acknowledged');
    expect(shown).toContain('A newer version is live (the version published 1 December 2026) and staff have not been asked to acknowledge it yet');
    expect(JSON.stringify(card)).toContain('"campaignId":"ack-20260901-abc123"');
    expect(cardVerbs(card)).toContain(Verbs.campaignEdit);
  });

  it('when people have left the staff list since the campaign reached them, then the card says how many and counts only the others; when none have, it says nothing of it', () => {
    const card = renderCampaignStatusCard({ ...status([]), left: 2 });
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('31 of 40 acknowledged (78%)');
    expect(shownText(card)).toContain('2 people have left the staff list since the campaign reached them: they are not counted here, and the export keeps their record.');
    expect(shownText(renderCampaignStatusCard({ ...status([]), left: 1 }))).toContain('1 person has left the staff list');
    expect(shownText(renderCampaignStatusCard(status([])))).not.toContain('left the staff list');
  });

  it('when a local authority has hundreds of schools, then the card lists the least complete and stays small', () => {
    const groups = Array.from({ length: 400 }, (_, i) => ({ name: `School number ${i} with a long name`, total: 125, acknowledged: i % 125, percent: Math.round((100 * (i % 125)) / 125) }));
    const card = renderCampaignStatusCard({ ...status(groups, 25_000, 50_000), groupLabel: 'School' });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('and 385 more (see the export)');
  });

  it('when nobody has acknowledged yet and there are no groups, then the bar is its empty track and the count (no block of colour)', () => {
    const card = renderCampaignStatusCard(status([], 0, 12));
    expect(cardProblems(card)).toEqual([]);
    expect(columnsOf(card)).toEqual([{ width: 100, style: 'emphasis' }]);
    expect(JSON.stringify(card)).toContain('0 of 12 acknowledged (0%)');
    expect(JSON.stringify(card)).not.toContain('least complete first');
  });

  it('when the owner lists the outstanding, then names come by department with where each stands, paged, with a search and department filter', () => {
    const people: PeoplePage = {
      total: 45,
      departments: [{ name: 'Maths', count: 30 }, { name: 'English', count: 14 }, { name: '', count: 1 }],
      people: [
        { userId: 'u1', displayName: 'Ann <b>Smith</b>', department: 'English', state: 'sent' },
        { userId: 'u2', displayName: 'Bob Jones', department: 'English', state: 'sent', openedAt: '2026-09-03T10:00:00.000Z' },
        { userId: 'u3', displayName: 'Cat Khan', department: 'Maths', state: 'blocked', reason: 'ConversationBlockedByUser' },
      ],
    };
    const card = renderCampaignStatusCard(status([]), { list: 'outstanding', page: people, offset: 20, name: 'a' });
    expect(cardProblems(card)).toEqual([]);
    const shown = shownText(card);
    expect(shown).toContain('Outstanding ("a"): 21\u201323 of 45');
    expect(shown).toContain('English');
    expect(shown).toContain('Ann <b>Smith</b>');
    expect(shown).toContain('opened the card on 3 September 2026, not acknowledged');
    expect(shown).toContain('has blocked the bot in Teams');
    expect(shown).toContain('Maths (30)');
    const t = JSON.stringify(card);
    expect(t).toContain('"title":"Previous 20"');
    expect(t).toContain('"title":"Next 20"');
  });

  it('when someone could not be reached, then the reason is in words an owner can act on', () => {
    expect(reachInWords({ state: 'installFailed', reason: 'no_conversation_reference' })).toMatch(/has not opened a chat with the bot/);
    expect(reachInWords({ state: 'installFailed', reason: 'install_failed_403' })).toMatch(/could not be installed for them .*ask IT/);
    expect(reachInWords({ state: 'failed', reason: 'gave_up_http_502' })).toMatch(/tried five times/);
    expect(reachInWords({ state: 'pending' })).toBe('card not sent yet');
  });

  it('when someone the card could not reach is excused, then they are counted once, as excused, and the counts add up to everyone', () => {
    const base = status([]);
    const counted = summariseTallies(base.campaign, base.version, [
      { state: 'sent', acknowledged: true, excused: false, opened: true, count: 1 },
      { state: 'sent', acknowledged: false, excused: false, opened: false, count: 3 },
      { state: 'blocked', acknowledged: false, excused: false, opened: false, count: 1 },
      { state: 'blocked', acknowledged: false, excused: true, opened: false, count: 1 },
    ]);
    expect(counted).toMatchObject({ total: 6, acknowledged: 1, excused: 1, unreached: 1, notOpened: 3 });
    const facts = JSON.stringify(renderCampaignStatusCard(counted));
    expect(facts).toContain('{"title":"Could not be reached","value":"1"}');
    expect(facts).toContain('{"title":"Excused (on leave)","value":"1"}');
  });

  it('when someone is excused (or has acknowledged) before their card went out, then they are counted once, not also as waiting for the card, and the lines under Outstanding add up to it', () => {
    const base = status([]);
    // A new round: the excusal carried from the round before is written before the cards go.
    const counted = summariseTallies(base.campaign, base.version, [
      { state: 'sent', acknowledged: false, excused: false, opened: true, count: 1 },
      { state: 'pending', acknowledged: false, excused: false, opened: false, count: 2 },
      { state: 'pending', acknowledged: false, excused: true, opened: false, count: 1 },
      { state: 'claimed', acknowledged: true, excused: false, opened: false, count: 1 },
      { state: 'failed', acknowledged: false, excused: false, opened: false, count: 1 },
    ]);
    const facts = cardFacts(renderCampaignStatusCard(counted));
    expect(Object.fromEntries(facts)).toEqual({
      Outstanding: '4', 'Opened the card, not acknowledged': '1', 'Have not opened the card': '0', 'Card not sent yet': '2',
      'Could not be reached': '1', 'Excused (on leave)': '1',
    });
    const under = ['Opened the card, not acknowledged', 'Have not opened the card', 'Card not sent yet', 'Could not be reached'];
    expect(under.reduce((n, title) => n + Number(facts.get(title)), 0)).toBe(Number(facts.get('Outstanding')));
    expect(Number(facts.get('Outstanding')) + Number(facts.get('Excused (on leave)')) + counted.acknowledged).toBe(counted.total);
  });
});
