import { emptyDeliveryCounts } from '../../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign, PolicyVersion } from '../../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { exportRow } from '../../../../../src/features/acknowledgement/domain/campaignExportRows';
import { VERSION_LABEL_SHOWN, versionInWords } from '../../../../../src/features/acknowledgement/domain/versionNames';
import { renderAcknowledgementCard } from '../../../../../src/features/acknowledgement/teams/cards/acknowledgementCard';
import { renderCampaignPreviewCard } from '../../../../../src/features/acknowledgement/teams/cards/campaignPreviewCard';
import { renderCampaignRunningCard } from '../../../../../src/features/acknowledgement/teams/cards/campaignRunningCard';
import { renderCampaignStatusCard } from '../../../../../src/features/acknowledgement/teams/cards/campaignStatusCard';
import { renderExportCard } from '../../../../../src/features/acknowledgement/teams/cards/exportCard';
import { renderReminderActivity } from '../../../../../src/features/acknowledgement/teams/acknowledgementMessaging';
import { changesSinceYours } from '../../../../../src/features/acknowledgement/teams/staffCards';
import { exportFileName } from '../../../../../src/features/acknowledgement/domain/campaignExportRows';
import { AdaptiveCardJson } from '../../../../../src/teams/cards';
import { cardProblems, markdownCarriers, textRuns } from '../../../../support/cardAssertions';

/**
 * Issue 69, item 7: a version's label (a Word file's version table) and what changed (a section's label, its old and new
 * wording) are the document's text, and every acknowledgement card shows them as text (TextRuns), never in a TextBlock or
 * a fact, which Teams reads as markdown: a bare link becomes a link, `<at>Name</at>` a mention. A label is shown cut to a
 * sensible length; the export, the record, keeps it whole.
 */
const MARKUP = ['[click](https://evil.example)', '**x**', '<at>Harriet Head</at>', 'https://evil.example'];
const hostile = (words: string) => `${words} see https://evil.example [click](https://evil.example) **x** <at>Harriet Head</at>`;
const LONG_LABEL = hostile('2 (02 2023) agreed by the governing body after consultation with staff and unions');

const before: PolicyVersion = {
  policyId: 'oakfield', versionHash: 'b'.repeat(64), title: hostile('Social Media Policy'), versionLabel: LONG_LABEL,
  keyPoints: [], material: true, publishedAt: '2026-01-10T08:00:00.000Z',
};
const sections = [{ kind: 'reworded' as const, label: hostile('5. Acceptable use'), ordinal: 5, runs: [{ was: hostile('Never accept'), now: hostile('Only with approval') }] }];
const version: PolicyVersion = {
  ...before, versionHash: 'c'.repeat(64), versionLabel: hostile('3'), publishedAt: '2026-09-01T08:00:00.000Z',
  changes: { sinceHash: before.versionHash, sections, gone: [], truncated: false },
};
const campaign: Campaign = {
  id: 'ack-2', policyId: 'oakfield', versionHash: version.versionHash, audience: { kind: 'all' }, dueDate: '2026-10-01',
  startedAt: '2026-09-01T08:00:00.000Z', startedBy: 'owner', round: 2, seriesId: 'ack-1', status: 'active',
};
const round1: Campaign = { ...campaign, id: 'ack-1', versionHash: before.versionHash, round: 1, status: 'closed' };
const changes = { since: before, sections, gone: [], truncated: false };
const status = {
  campaign, version, total: 3, acknowledged: 1, outstanding: 2, openedNotAcknowledged: 1, notOpened: 1, excused: 0, left: 0, percent: 33,
  unreached: 0, awaitingCard: 0, deliveries: { ...emptyDeliveryCounts(), sent: 3 }, groups: [{ name: hostile('Maths'), total: 3, acknowledged: 1, percent: 33 }], groupLabel: 'Department' as const,
  rounds: [{ campaign: round1, version: before, acknowledged: 5, total: 6 }],
  newerVersion: { version: { ...version, versionHash: 'd'.repeat(64), versionLabel: LONG_LABEL } },
};
const people = {
  total: 1, departments: [{ name: hostile('Maths'), count: 1 }],
  people: [{ userId: 'u1', displayName: hostile('Ann Smith'), department: hostile('Maths'), state: 'sent' as const }],
};

const cards: { name: string; card: AdaptiveCardJson; shows: string[] }[] = [
  {
    name: 'staff card of a new round, leading with what changed since the version they acknowledged',
    card: renderAcknowledgementCard({ state: 'pending', version, campaignId: campaign.id, dueDate: campaign.dueDate, changes: changesSinceYours(changes) }),
    shows: [`What changed since you acknowledged version ${versionInWords(before)}`, sections[0].label, `\u201c${sections[0].runs[0].was}\u201d`, `\u201c${sections[0].runs[0].now}\u201d`],
  },
  {
    name: 'the reminder of a new round',
    card: (renderReminderActivity(campaign, version, changes).attachments as { content: AdaptiveCardJson }[])[0].content,
    shows: [`What changed since version ${versionInWords(before)}`],
  },
  {
    name: 'the owner\'s preview of a new version\'s round',
    card: renderCampaignPreviewCard({
      preview: { version, audience: { kind: 'all' }, members: 3, withChat: 3, installable: 0, unreachable: 0, alreadyAcknowledged: 0, canInstall: false },
      dueDate: '2026-10-01', points: [], offered: [], today: '2026-09-01', next: { previous: round1, previousVersion: before, changes, dropped: 0 },
    }),
    shows: [`What changed since version ${versionInWords(before)}`, `round 1, for version ${versionInWords(before)}`],
  },
  {
    name: 'the owner\'s status, with a round before, a newer version and a list of people',
    card: renderCampaignStatusCard(status, { list: 'outstanding', page: people, offset: 0, name: hostile('Ann') }),
    shows: [`A newer version is live (version ${versionInWords(status.newerVersion.version)})`, `Round 1: version ${versionInWords(before)}`, hostile('Maths'), hostile('Ann Smith'), hostile('"Ann')],
  },
  {
    name: 'the answer to a second campaign start, with a newer version not asked about',
    card: renderCampaignRunningCard({ campaign, version, acknowledged: 1, total: 3, skipped: { version: { ...version, versionLabel: LONG_LABEL }, at: '2026-09-02T08:00:00.000Z' } }),
    shows: [`A newer version is live (version ${versionInWords(before)})`],
  },
  {
    name: 'the export card',
    card: renderExportCard({ campaignId: round1.id, fileName: exportFileName(round1, before), rows: 6, bytes: 2048, url: 'https://bot.example/files/1', expiresAt: '2026-09-01T10:00:00.000Z', sealed: true }),
    shows: [exportFileName(round1, before)],
  },
];

describe('a version\'s label and its changes on the acknowledgement cards are shown as text', () => {
  it.each(cards.map((c) => [c.name, c] as const))('%s: no TextBlock or fact holds them, and TextRuns show them as written', (_name, { card, shows }) => {
    expect(cardProblems(card)).toEqual([]);
    for (const carrier of markdownCarriers(card)) {
      for (const markup of MARKUP) expect(carrier).not.toContain(markup);
      expect(carrier).not.toContain('Harriet');
    }
    const runs = textRuns(card);
    for (const text of shows) expect(runs.filter((run) => run.includes(text))).not.toEqual([]);
  });

  it('when a version\'s label is longer than a card shows, then it is cut with an ellipsis, and the export row keeps it whole', () => {
    const shown = versionInWords(before);
    expect(shown.length).toBe(VERSION_LABEL_SHOWN);
    expect(shown.endsWith('\u2026')).toBe(true);
    expect(LONG_LABEL.startsWith(shown.slice(0, -1))).toBe(true);
    expect(versionInWords({ versionLabel: '2 (02 2023)', publishedAt: before.publishedAt })).toBe('2 (February 2023)');
    const row = exportRow(round1, before, { userId: 'u1', state: 'sent' } as Parameters<typeof exportRow>[2]);
    expect(row.version).toBe(LONG_LABEL);
  });

  it('when a reminder goes after the due date, then it says it was due and asks for it now; before it, by when', () => {
    const text = (today: string) => JSON.stringify(renderReminderActivity({ ...campaign, dueDate: '2026-09-30' }, version, undefined, today));
    const late = text('2026-10-05');
    expect(late).toContain('Reminder: this was due by');
    expect(late).toContain('please read it and acknowledge it now.');
    expect(late).not.toContain('acknowledge it by');
    const onTime = text('2026-09-20');
    expect(onTime).toContain('Reminder: please read the policy and acknowledge it by');
    expect(onTime).not.toContain('was due by');
  });
});

