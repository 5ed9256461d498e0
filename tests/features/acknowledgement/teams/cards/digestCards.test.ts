import { renderManagerDigestCard, renderOwnerDigestCard, DIGEST_NAME_LIMIT } from '../../../../../src/features/acknowledgement/teams/cards/digestCards';
import { Campaign } from '../../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs } from '../../../../support/cardAssertions';

const campaign: Campaign = {
  id: 'ack-20260901-abc123', policyId: 'p', versionHash: 'a1b2', audience: { kind: 'all' }, dueDate: '2026-09-20',
  startedAt: '2026-09-01T08:00:00.000Z', startedBy: 'owner', round: 1, seriesId: 'ack-20260901-abc123', status: 'active',
};

describe('digest cards', () => {
  it('when a line manager has people outstanding, then the card names them, the policy and the due date, and stays small', () => {
    const people = Array.from({ length: 55 }, (_, i) => `Person ${String(i).padStart(2, '0')} (Maths)`);
    const card = renderManagerDigestCard({ campaign, title: 'Social Media Policy', people });
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Not yet acknowledged: Social Media Policy');
    expect(text).toContain('20 September 2026');
    expect(text).toContain('55 of the people you manage');
    expect(text).toContain(`- Person ${String(DIGEST_NAME_LIMIT - 1).padStart(2, '0')} (Maths)`);
    expect(text).not.toContain(`Person ${DIGEST_NAME_LIMIT} (Maths)`);
    expect(text).toContain('and 15 more.');
    expect(cardVerbs(card)).toEqual([]);
  });

  it('when owners get the digest, then it gives the totals and who has no manager, names kept as written', () => {
    const card = renderOwnerDigestCard({ campaign, title: 'Social Media Policy', outstanding: 7, excused: 1, managersNotified: 3, withoutManager: ["O'Brien, Jo \"JJ\" (Science)"] });
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('{"title":"Not yet acknowledged","value":"7"}');
    expect(text).toContain('{"title":"Line managers sent a digest","value":"3"}');
    expect(text).toContain("- O'Brien, Jo \\\"JJ\\\" (Science)");
    expect(cardVerbs(card)).toEqual([Verbs.campaignStatus]);
  });
});
