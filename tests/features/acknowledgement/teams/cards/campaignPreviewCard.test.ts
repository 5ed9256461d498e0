import { renderCampaignPreviewCard } from '../../../../../src/features/acknowledgement/teams/cards/campaignPreviewCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';
import { policyVersion } from '../../domain/ackTestKit';

const v1 = policyVersion('hash-v1', '2023-02-01T00:00:00.000Z', { versionLabel: '2 (February 2023)' });
const v2 = policyVersion('hash-v2', '2026-11-26T09:00:00.000Z');
const preview = { version: v2, audience: { kind: 'all' as const }, members: 6, withChat: 1, installable: 0, unreachable: 5, alreadyAcknowledged: 0, canInstall: false };
const LONG = 'Individuals should be aware of both professional and social boundaries and should not therefore accept or invite friend requests from pupils or ex-pupils under the age of 18, nor from their parents, on any account.';

/** Every RichTextBlock's text, one block a line. */
const richTexts = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'RichTextBlock') out.push((o.inlines as { text: string }[]).map((i) => i.text).join(''));
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
};

describe('campaign preview card', () => {
  it('when a key point is longer than its text box shows, then it is also shown whole beneath the box, never only cut off (issue 52)', () => {
    const card = renderCampaignPreviewCard({ preview, dueDate: '2026-12-18', points: [LONG, 'Short point.'], offered: [], today: '2026-11-26' });
    expect(cardProblems(card)).toEqual([]);
    expect(richTexts(card)).toContain(`In full: ${LONG}`);
    expect(richTexts(card).filter((t) => t.startsWith('In full: '))).toHaveLength(1);
  });

  it('when some of its people acknowledged this version before, then the card says they are asked again in this campaign (they are counted outstanding until they do)', () => {
    const card = renderCampaignPreviewCard({ preview: { ...preview, alreadyAcknowledged: 2 }, dueDate: '2026-12-18', points: ['Short point.'], offered: [], today: '2026-11-26' });
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('Acknowledged this version before (asked again in this campaign)');
    expect(shownText(card)).not.toContain('Already acknowledged');
  });

  it('when a running campaign reaches some of the same people, then the card says so, as text; without one it says nothing of it', () => {
    const warning = 'A campaign of this policy already running reaches some of these people (department **Maths**): they would get a card from each.';
    const card = renderCampaignPreviewCard({ preview: { ...preview, overlapWarning: warning }, dueDate: '2026-12-18', points: ['Short point.'], offered: [], today: '2026-11-26' });
    expect(cardProblems(card)).toEqual([]);
    expect(richTexts(card)).toContain(`\u26a0 ${warning}`);
    const plain = renderCampaignPreviewCard({ preview, dueDate: '2026-12-18', points: ['Short point.'], offered: [], today: '2026-11-26' });
    expect(JSON.stringify(plain)).not.toContain('already running reaches');
  });

  it('when it is a new version\'s round, then it names the round it replaces and what changed, and offers Start or not asking staff again instead of Cancel (issue 54)', () => {
    const previous = {
      id: 'ack-20261101-abc123', policyId: 'social-media', versionHash: 'hash-v1', audience: { kind: 'all' as const }, dueDate: '2026-12-01',
      startedAt: '2026-11-01T09:00:00.000Z', startedBy: 'owner', round: 1, seriesId: 'ack-20261101-abc123', status: 'active' as const,
    };
    const card = renderCampaignPreviewCard({
      preview, dueDate: '2026-12-18', points: ['Parents\' friend requests need written approval.'], offered: [], today: '2026-11-26',
      next: {
        previous, previousVersion: v1, dropped: 1,
        changes: { since: v1, gone: [], truncated: false, sections: [{ kind: 'reworded', label: '5. Acceptable use', ordinal: 9, runs: [{ was: 'Old rule.', now: 'New rule.' }] }] },
      },
    });
    expect(cardProblems(card)).toEqual([]);
    const shown = shownText(card);
    expect(shown).toContain('Ask staff to acknowledge the new version?');
    expect(shown).toContain('Round 1: version 2 (February 2023), started 1 November 2026');
    expect(shown).toContain('What changed since version 2 (February 2023)');
    expect(shown).toContain('(1 not carried: the new version no longer has their wording)');
    // The staff card inside leads with what changed since the version they acknowledged.
    expect(shown).toContain('What changed since you acknowledged version 2 (February 2023)');
    expect(shown).not.toContain('ack-20261101-abc123');
    expect(cardVerbs(card)).toContain(Verbs.campaignSkipRound);
    expect(cardVerbs(card)).not.toContain(Verbs.campaignCancel);
    expect(JSON.stringify(card)).toContain('\\"next\\":{\\"campaignId\\":\\"ack-20261101-abc123\\",\\"versionHash\\":\\"hash-v2\\"}');
  });
});
